using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;

namespace GitOpsVela.Engine.Rendering.FluxComponents;

/// <summary>
/// <c>helm</c> from KubeVela's fluxcd addon (kubevela/catalog addons/fluxcd/definitions/helm-release-def.cue): a Flux
/// <c>HelmRelease</c> (the workload, healthy when its first condition is True) plus, unless <c>sourceName</c> names an
/// existing source, the source it pulls from (<c>HelmRepository</c> for helm/oci, <c>GitRepository</c>, <c>Bucket</c>).
/// Flux's helm-controller does the install; with a local <c>helm</c> binary the reconcile layer may render the chart instead.
/// Each Flux object is written in the newest version the cluster serves (<see cref="FluxApiVersions"/>; offline, the newest
/// GA: HelmRelease v2, sources v1). As in the addon since catalog 313f9847, the release reconciles every <c>interval</c>
/// (30s) and the chart and source are fetched every <c>pullInterval</c> (5m).
/// </summary>
internal sealed class HelmComponent : IComponentType
{
    private static readonly Schema UrlRef = Schema.Object(new()
    {
        ["branch"] = Schema.String(@default: "main"),
        ["commit"] = Schema.String(),
        ["name"] = Schema.String(),
        ["semver"] = Schema.String(),
        ["tag"] = Schema.String(),
    });

    public string Name => "helm";

    public string? WorkloadKind => "helm.toolkit.fluxcd.io HelmRelease";

    public IReadOnlyList<VersionedKind> VersionedKinds => FluxApiVersions.All;

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["repoType"] = Schema.String(@default: "helm", @enum: ["helm", "git", "oss", "oci"]),
        ["pullInterval"] = Schema.String(@default: "5m"),
        ["interval"] = Schema.String(@default: "30s"),
        ["url"] = Schema.String(required: true),
        ["secretRef"] = Schema.String(),
        ["timeout"] = Schema.String(),
        ["installTimeout"] = Schema.String(@default: "10m"),
        ["sourceName"] = Schema.String(),
        ["git"] = UrlRef,
        ["oss"] = Schema.Object(new()
        {
            ["bucketName"] = Schema.String(required: true),
            ["provider"] = Schema.String(@default: "generic", @enum: ["generic", "azure", "aws", "gcp"]),
            ["region"] = Schema.String(),
        }),
        ["helmrepository"] = Schema.Object(new()
        {
            ["provider"] = Schema.String(@default: "generic", @enum: ["generic", "azure", "aws", "gcp"]),
        }),
        ["valuesFiles"] = Schema.Array(Schema.String()),
        ["chart"] = Schema.String(required: true),
        ["version"] = Schema.String(@default: "*"),
        ["targetNamespace"] = Schema.String(),
        ["releaseName"] = Schema.String(),
        ["retries"] = Schema.Int(@default: 3),
        ["values"] = Schema.Object([], open: true),
        ["valuesFrom"] = Schema.Array(Schema.Object(new()
        {
            ["kind"] = Schema.String(required: true, @enum: ["Secret", "ConfigMap"]),
            ["name"] = Schema.String(required: true),
            ["valuesKey"] = Schema.String(),
            ["targetPath"] = Schema.String(),
            ["optional"] = Schema.Bool(),
        })),
        ["upgradeCRD"] = Schema.Bool(@default: false),
    });

    public void Render(ComponentRender render)
    {
        var p = render.Properties;
        var name = render.Component.Name;
        var repoType = p.Str("repoType") ?? "helm";
        var pullInterval = p.Str("pullInterval") ?? "5m";

        if (p.Str("sourceName") is null) render.Outputs.Add(new RenderedOutput("repo", Source(p, name, repoType, pullInterval, render.ServedVersions)));

        var chartSpec = new JsonObject
        {
            ["chart"] = p.Str("chart"),
            ["version"] = p.Str("version") ?? "*",
            ["sourceRef"] = new JsonObject
            {
                ["kind"] = repoType switch { "git" => "GitRepository", "oss" => "Bucket", _ => "HelmRepository" },
                ["name"] = p.Str("sourceName") ?? name,
            },
            ["interval"] = pullInterval,
        };
        if (p["valuesFiles"] is JsonArray files) chartSpec["valuesFiles"] = files.DeepClone();

        var spec = new JsonObject
        {
            ["timeout"] = p.Str("installTimeout") ?? "10m",
            ["interval"] = p.Str("interval") ?? "30s",
            ["chart"] = new JsonObject { ["spec"] = chartSpec },
        };
        if (p.Str("targetNamespace") is { } target) spec["targetNamespace"] = target;
        if (p.Str("releaseName") is { } release) spec["releaseName"] = release;
        if (p["values"] is JsonObject values) spec["values"] = values.DeepClone();
        if (p["valuesFrom"] is JsonArray valuesFrom)
        {
            spec["valuesFrom"] = new JsonArray(valuesFrom.OfType<JsonObject>().Select(v =>
            {
                var item = new JsonObject { ["kind"] = v["kind"]?.DeepClone(), ["name"] = v["name"]?.DeepClone() };
                foreach (var key in new[] { "valuesKey", "targetPath", "optional" })
                    if (v[key] is { } value) item[key] = value.DeepClone();
                return (JsonNode)item;
            }).ToArray());
        }
        var retries = p["retries"]?.DeepClone() ?? JsonValue.Create(3);
        spec["install"] = new JsonObject { ["remediation"] = new JsonObject { ["retries"] = retries.DeepClone() } };
        var upgrade = new JsonObject { ["remediation"] = new JsonObject { ["retries"] = retries } };
        if (p["upgradeCRD"] is JsonValue crd && crd.TryGetValue<bool>(out var upgradeCrd) && upgradeCrd) upgrade["crds"] = "CreateReplace";
        spec["upgrade"] = upgrade;

        render.Workload = new JsonObject
        {
            ["apiVersion"] = render.ServedVersions.Choose(FluxApiVersions.HelmRelease),
            ["kind"] = "HelmRelease",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        };
    }

    private static JsonObject Source(JsonObject p, string name, string repoType, string pullInterval, ServedApiVersions served)
    {
        var spec = new JsonObject();
        VersionedKind kind;
        switch (repoType)
        {
            case "git":
                kind = FluxApiVersions.GitRepository;
                spec["url"] = p.Str("url");
                if (p["git"] is JsonObject git)
                {
                    // Later keys win, as CUE unifies `ref: branch`, `ref: commit`, ... into one ref object.
                    var gitRef = new JsonObject();
                    foreach (var key in new[] { "branch", "commit", "name", "semver", "tag" })
                        if (git[key] is { } v) gitRef[key] = v.DeepClone();
                    if (gitRef.Count > 0) spec["ref"] = gitRef;
                }
                break;
            case "oss":
                kind = FluxApiVersions.Bucket;
                spec["endpoint"] = p.Str("url");
                spec["bucketName"] = p["oss"]?["bucketName"]?.DeepClone();
                spec["provider"] = p["oss"]?["provider"]?.DeepClone() ?? "generic";
                if (p["oss"]?["region"] is { } region) spec["region"] = region.DeepClone();
                break;
            default:
                kind = FluxApiVersions.HelmRepository;
                spec["url"] = p.Str("url");
                if (repoType == "oci") spec["type"] = "oci";
                if (p["helmrepository"]?["provider"] is { } provider) spec["provider"] = provider.DeepClone();
                break;
        }
        if (p.Str("secretRef") is { Length: > 0 } secret) spec["secretRef"] = new JsonObject { ["name"] = secret };
        spec["interval"] = pullInterval;
        if (p.Str("timeout") is { } timeout) spec["timeout"] = timeout;
        return new JsonObject
        {
            ["apiVersion"] = served.Choose(kind),
            ["kind"] = kind.Kind,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = spec,
        };
    }

}
