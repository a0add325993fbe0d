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
