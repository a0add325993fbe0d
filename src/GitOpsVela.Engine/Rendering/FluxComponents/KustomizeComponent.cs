using System.Text.Json.Nodes;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Semantics;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Engine.Rendering.FluxComponents;

/// <summary>
/// <c>kustomize</c> from KubeVela's fluxcd addon (kubevela/catalog addons/fluxcd/definitions/kustomize.cue). Where KubeVela
/// hands Flux a GitRepository + Kustomization (+ image automation objects), GitOpsVela does the work itself: it syncs the
/// repository, builds <c>path</c> and applies what it finds, and moves image tags in git for <c>imageRepository</c>. So this
/// type renders no object of its own: <see cref="KustomizeSource"/> reads the properties for the sync and image stages.
/// </summary>
internal sealed class KustomizeComponent : IComponentType
{
    public string Name => "kustomize";

    public string? WorkloadKind => null;

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["repoType"] = Schema.String(@default: "git", @enum: ["git", "oss"]),
        ["imageRepository"] = Schema.Object(new()
        {
            ["image"] = Schema.String(required: true),
            ["secretRef"] = Schema.String(),
            ["policy"] = new Schema
            {
                Type = SchemaType.Object,
                Required = true,
                Properties = new Dictionary<string, Schema>
                {
                    ["alphabetical"] = Schema.Object(new() { ["order"] = Schema.String(@enum: ["asc", "desc"]) }),
                    ["numerical"] = Schema.Object(new() { ["order"] = Schema.String(required: true, @enum: ["asc", "desc"]) }),
                    ["semver"] = Schema.Object(new() { ["range"] = Schema.String(required: true) }),
                },
            },
            ["filterTags"] = Schema.Object(new() { ["extract"] = Schema.String(), ["pattern"] = Schema.String() }),
            ["commitMessage"] = Schema.String(),
        }),
        ["pullInterval"] = Schema.String(@default: "5m"),
        ["url"] = Schema.String(required: true),
        ["secretRef"] = Schema.String(),
        ["timeout"] = Schema.String(),
        // GitOpsVela accepts every Flux GitRepository ref (the addon's CUE names only branch).
        ["git"] = Schema.Object(new()
        {
            ["branch"] = Schema.String(),
            ["tag"] = Schema.String(),
            ["commit"] = Schema.String(),
            ["semver"] = Schema.String(),
            ["ref"] = Schema.String(),
            ["name"] = Schema.String(),
            ["provider"] = Schema.String(@default: "GitHub", @enum: ["GitHub", "AzureDevOps"]),
        }),
        ["oss"] = Schema.Object(new()
        {
            ["bucketName"] = Schema.String(required: true),
            ["provider"] = Schema.String(@default: "generic", @enum: ["generic", "aws"]),
            ["region"] = Schema.String(),
        }),
        ["path"] = Schema.String(required: true),
        ["prune"] = Schema.Bool(@default: true),
        ["suspend"] = Schema.Bool(@default: false),
        ["force"] = Schema.Bool(@default: false),
        ["targetNamespace"] = Schema.String(),
    });

    public void Render(ComponentRender render)
    {
        // Offline there is nothing to render: the objects come from the synced repository (see KustomizeSource),
        // which the reconcile stage builds and hands over as SourceObjects.
        render.Workload = null;
        if (render.SourceObjects is null) return;
        var targetNamespace = render.Properties["targetNamespace"] is JsonValue v && v.TryGetValue<string>(out var ns) ? ns : null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var source in render.SourceObjects)
        {
            var obj = (JsonObject)source.DeepClone();
            var kind = obj["kind"]?.GetValue<string>() ?? "Object";
            var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
            if (targetNamespace is not null && !KnownKinds.IsClusterScoped(kind) && obj["metadata"] is JsonObject metadata)
                metadata["namespace"] = targetNamespace;
            var outputName = $"{kind.ToLowerInvariant()}-{name}";
            for (var i = 2; !names.Add(outputName); i++) outputName = $"{kind.ToLowerInvariant()}-{name}-{i}";
            render.Outputs.Add(new RenderedOutput(outputName, obj));
        }
    }
}

/// <summary>What a <c>kustomize</c> component asks the sync and image stages to do.</summary>
internal sealed record KustomizeSource(
    string Url,
    string? Branch,
    string? Tag,
    string? Commit,
    string? SemVer,
    string? Ref,
    string Path,
    string PullInterval,
    string? SecretRef,
    bool Prune,
    bool Suspend,
    string? TargetNamespace,
    JsonObject? ImageRepository)
{
    /// <summary>The ref to check out (branch main when none is given).</summary>
    public GitReference Reference => new(Branch, Tag, Commit, SemVer, Ref);

    /// <summary>What the Sources stage syncs for this component (credentials from <c>secretRef</c> in <paramref name="secretNamespace"/>).</summary>
    public SourceRequest ToSourceRequest(string secretNamespace, bool force) => new(
        Url, Reference, SecretRef, secretNamespace,
        GoDuration.TryParse(PullInterval, out var interval, out _) ? interval : TimeSpan.FromMinutes(5), force);

    public static KustomizeSource From(JsonObject p)
    {
        string? S(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        bool B(JsonNode? n, bool fallback) => n is JsonValue v && v.TryGetValue<bool>(out var b) ? b : fallback;
        var git = p["git"] as JsonObject;
        return new KustomizeSource(
            S(p["url"]) ?? string.Empty,
            S(git?["branch"]),
            S(git?["tag"]),
            S(git?["commit"]),
            S(git?["semver"]),
            S(git?["ref"]) ?? S(git?["name"]),
            S(p["path"]) ?? ".",
            S(p["pullInterval"]) ?? "5m",
            S(p["secretRef"]),
            B(p["prune"], true),
            B(p["suspend"], false),
            S(p["targetNamespace"]),
            p["imageRepository"] as JsonObject);
    }
}
