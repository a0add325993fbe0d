using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;

namespace GitOpsVela.Engine.Execution.Records;

/// <summary>
/// The one in-cluster record GitOpsVela keeps per application, in the application's namespace (as Helm keeps releases):
/// what was applied (spec hash, revision, inventory of objects per cluster), how the workflow stands (step phases,
/// outputs, timestamps) and the last health seen. It is what status (<c>Get-VelaApplication -Context</c>), resume after a
/// crash and garbage collection read. It never holds secret values: properties are not stored, only their hash.
/// </summary>
public sealed class ApplicationRecord
{
    public const string CurrentFormat = "gitopsvela.io/v1";

    public string Format { get; set; } = CurrentFormat;
    public required string Name { get; set; }
    public required string Namespace { get; set; }

    /// <summary>Hash of the application spec as rendered input (see <see cref="ComputeSpecHash"/>); a change starts a new revision.</summary>
    public string? SpecHash { get; set; }

    /// <summary>1 for the first applied spec, incremented for every new spec (KubeVela's <c>&lt;app&gt;-v&lt;n&gt;</c>).</summary>
    public int Revision { get; set; }

    public string RevisionName => $"{Name}-v{Math.Max(Revision, 1)}";

    /// <summary>Where the application came from: a file path or a repository URL@revision:path.</summary>
    public string? Source { get; set; }

    /// <summary>The application whose source brought this one in (nested GitOps: <c>apps</c> brings <c>my-app</c>).</summary>
    public string? Parent { get; set; }

    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset UpdatedTime { get; set; }

    public ApplicationPhase Phase { get; set; } = ApplicationPhase.Starting;
    public bool? Healthy { get; set; }
    public string? Message { get; set; }

    public List<ComponentRecord> Components { get; set; } = [];

    /// <summary>Every object applied for the current revision, per cluster (kubeconfig context).</summary>
    public List<InventoryEntry> Inventory { get; set; } = [];

    /// <summary>Objects of earlier revisions not yet collected: pruned once the current revision's workflow succeeds.</summary>
    public List<InventoryEntry> PreviousInventory { get; set; } = [];

    public WorkflowState? Workflow { get; set; }

    /// <summary>
    /// A root application's spec as applied (<c>Invoke-VelaWorkflow</c>, <c>Invoke-VelaReconcile -Path</c>), so a later pass
    /// reconciles it from the cluster alone, as KubeVela keeps an applied Application; null for an application a source
    /// brings in (its source is what brings it again).
    /// </summary>
    public RecordedRoot? Root { get; set; }

    public static string ComputeSpecHash(Application app)
    {
        // The spec node as read (not the file text): reformatting or comments do not start a new revision.
        var spec = app.Document["spec"]?.ToJsonString() ?? "{}";
        var labels = string.Join(",", app.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}"));
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(spec + "\n" + labels));
        return Convert.ToHexString(bytes, 0, 16).ToLowerInvariant();
    }

    public static string CombineHash(string specHash, string inputsHash) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(specHash + "+" + inputsHash)), 0, 16).ToLowerInvariant();

    public string ToJson() => JsonSerializer.Serialize(this, RecordJson.Options);

    public static ApplicationRecord FromJson(string json) =>
        JsonSerializer.Deserialize<ApplicationRecord>(json, RecordJson.Options)
        ?? throw new JsonException("the record is empty");
}

/// <summary>
/// What a root needs to be reconciled again without its file: the Application document as applied (YAML). Secret values
/// never reach it: an application references Secrets by name (<c>secretRef</c>, <c>fromSecret</c>), and a spec that
/// writes a credential into a URL (<c>https://user:token@host</c>) is not kept at all (<see cref="Of"/>).
/// </summary>
public sealed class RecordedRoot
{
    /// <summary>The Application document as applied, as YAML (its namespace written out).</summary>
    public required string Application { get; set; }

    /// <summary>Where the document was read from when it was applied (a file, or the record itself).</summary>
    public string? File { get; set; }

    /// <summary>The root to keep for <paramref name="app"/>, or null with <paramref name="refused"/> saying why it cannot be kept.</summary>
    public static RecordedRoot? Of(Application app, out string? refused)
    {
        var document = (System.Text.Json.Nodes.JsonObject)app.Document.DeepClone();
        if (document["metadata"] is System.Text.Json.Nodes.JsonObject metadata) metadata["namespace"] = app.Namespace;
        if (CredentialIn(document) is { } path)
        {
            refused = $"its spec writes a credential into a URL at {path}; it is not kept on the cluster (use secretRef), so reconcile it with -Path";
            return null;
        }
        refused = null;
        var file = Read.TryGetValue(app, out var kept) ? kept : string.IsNullOrEmpty(app.File) ? null : app.File;
        return new RecordedRoot { Application = Yaml.YamlWriter.Write(document), File = file };
    }

    /// <summary>The name problems in a kept root are reported at: <c>ConfigMap NS/gitopsvela.APP root.yaml</c> (lines count in <see cref="Application"/>).</summary>
    public static string DocumentName(string @namespace, string name) => $"ConfigMap {@namespace}/gitopsvela.{name} root.yaml";

    /// <summary>Roots read back from records, with the file each was first applied from (kept again when the root is).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Application, string> Read = new();

    /// <summary>Reads the kept root of <paramref name="record"/> back into an application (with the definitions of nothing but the built-ins and the cluster).</summary>
    public static Loading.LoadResult Load(ApplicationRecord record)
    {
        var result = Loading.ApplicationLoader.LoadText(record.Root?.Application ?? "", DocumentName(record.Namespace, record.Name));
        foreach (var app in result.Applications)
            if (record.Root?.File is { } file) Read.AddOrUpdate(app, file);
        return result;
    }

    /// <summary>Where <paramref name="app"/> came from: its file, or for a root read back from its record, the file it was first applied from.</summary>
    public static string? SourceOf(Application app) => Read.TryGetValue(app, out var file) ? file : string.IsNullOrEmpty(app.File) ? null : app.File;

    /// <summary>The field path of a string holding a URL with a password (<c>scheme://user:secret@host</c>) or an http(s) URL with any user part (a token as user name), if any.</summary>
    private static string? CredentialIn(System.Text.Json.Nodes.JsonNode? node, string path = "")
    {
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject obj:
                foreach (var (key, value) in obj)
                    if (CredentialIn(value, path.Length == 0 ? key : $"{path}.{key}") is { } found) return found;
                return null;
            case System.Text.Json.Nodes.JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    if (CredentialIn(array[i], $"{path}[{i}]") is { } found) return found;
                return null;
            case System.Text.Json.Nodes.JsonValue v when v.TryGetValue<string>(out var s):
                return UrlWithPassword.IsMatch(s) ? path : null;
            default:
                return null;
        }
    }

    private static readonly System.Text.RegularExpressions.Regex UrlWithPassword =
        new(@"[Hh][Tt][Tt][Pp][Ss]?://[^/@\s]+@|[A-Za-z][A-Za-z0-9+.\-]*://[^/@\s:]*:[^/@\s]+@", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
}

/// <summary>One component's last known state.</summary>
public sealed class ComponentRecord
{
    public required string Name { get; set; }
    public required string Type { get; set; }
    public List<string> Traits { get; set; } = [];
    public string? Cluster { get; set; }
    public bool? Healthy { get; set; }
    public string? Message { get; set; }

    /// <summary>The component's release (canary, blue-green) when its strategy trait released a new pod template; the last one stays after it ends.</summary>
    public ReleaseState? Release { get; set; }
}

internal static class RecordJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };
}
