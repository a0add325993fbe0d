using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits for developer tooling: nocalhost.

/// <summary>
/// <c>nocalhost</c> (vela-templates/definitions/internal/trait/nocalhost.cue): a ClusterIP Service on <c>port</c> (output
/// <c>nocalhostService</c>) and the workload annotations Nocalhost reads — the application, its namespace and
/// <c>dev.nocalhost</c>, the dev configuration as a JSON string (keys in the order KubeVela's CUE writes them; the
/// language names go/java/python/node/ruby pick Nocalhost's dev images).
/// </summary>
internal sealed class NocalhostTrait : ITraitType
{
    public string Name => "nocalhost";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static readonly Dictionary<string, string> DevImages = new(StringComparer.Ordinal)
    {
        ["go"] = "nocalhost-docker.pkg.coding.net/nocalhost/dev-images/golang:latest",
        ["java"] = "nocalhost-docker.pkg.coding.net/nocalhost/dev-images/java:latest",
        ["python"] = "nocalhost-docker.pkg.coding.net/nocalhost/dev-images/python:latest",
        ["node"] = "nocalhost-docker.pkg.coding.net/nocalhost/dev-images/node:latest",
        ["ruby"] = "nocalhost-docker.pkg.coding.net/nocalhost/dev-images/ruby:latest",
    };

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["port"] = Schema.Int(required: true),
        ["serviceType"] = Schema.String(@default: "deployment"),
        ["gitUrl"] = Schema.String(),
        ["image"] = Schema.String(required: true),
        ["shell"] = Schema.String(@default: "bash"),
        ["workDir"] = Schema.String(@default: "/home/nocalhost-dev"),
        ["storageClass"] = Schema.String(),
        ["command"] = Schema.Object(new() { ["run"] = Schema.Array(Schema.String()), ["debug"] = Schema.Array(Schema.String()) }),
        ["debug"] = Schema.Object(new() { ["remoteDebugPort"] = Schema.Int() }),
        ["hotReload"] = Schema.Bool(@default: true),
        ["sync"] = Schema.Object(new()
        {
            ["type"] = Schema.String(@default: "send"),
            ["filePattern"] = Schema.Array(Schema.String()),
            ["ignoreFilePattern"] = Schema.Array(Schema.String()),
        }),
        ["env"] = Schema.Array(Schema.Object(new() { ["name"] = Schema.String(required: true), ["value"] = Schema.String(required: true) })),
        ["portForward"] = Schema.Array(Schema.String()),
        ["persistentVolumeDirs"] = Schema.Array(Schema.Object(new() { ["path"] = Schema.String(required: true), ["capacity"] = Schema.String(required: true) })),
        ["resources"] = Schema.Object(new()
        {
            ["limits"] = Schema.Object(new() { ["memory"] = Schema.String(@default: "2Gi"), ["cpu"] = Schema.String(@default: "2") }),
            ["requests"] = Schema.Object(new() { ["memory"] = Schema.String(@default: "512Mi"), ["cpu"] = Schema.String(@default: "0.5") }),
        }),
    });

    private static JsonArray Strings(JsonNode? given, params string[] fallback) =>
        given?.DeepClone() as JsonArray ?? new JsonArray(fallback.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var name = render.ComponentName;
        var port = p.Clone("port");
        render.AddOutput("nocalhostService", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["app.oam.dev/component"] = name },
                ["ports"] = new JsonArray(new JsonObject { ["port"] = port?.DeepClone(), ["targetPort"] = port?.DeepClone() }),
                ["type"] = "ClusterIP",
            },
        });

        var resources = p["resources"] as JsonObject;
        JsonObject Pair(string which, string memory, string cpu) => new()
        {
            ["memory"] = resources?[which]?["memory"]?.DeepClone() ?? memory,
            ["cpu"] = resources?[which]?["cpu"]?.DeepClone() ?? cpu,
        };
        var image = p.Str("image") ?? "";
        // The order CUE (v0.4.3, the oracle's) writes the struct in: regular fields, then the conditional ones.
        var dev = new JsonObject
        {
            ["shell"] = p.Str("shell") ?? "bash",
            ["workDir"] = p.Str("workDir") ?? "/home/nocalhost-dev",
            ["resources"] = new JsonObject { ["limits"] = Pair("limits", "2Gi", "2"), ["requests"] = Pair("requests", "512Mi", "0.5") },
        };
        p.CopyTo("gitUrl", dev);
        dev["image"] = DevImages.GetValueOrDefault(image, image);
        p.CopyTo("storageClass", dev);
        if (p["persistentVolumeDirs"] is JsonArray dirs)
            dev["persistentVolumeDirs"] = new JsonArray(dirs.OfType<JsonObject>().Select(d => (JsonNode)new JsonObject { ["path"] = d.Clone("path"), ["capacity"] = d.Clone("capacity") }).ToArray());
        var command = p["command"] as JsonObject;
        dev["command"] = new JsonObject { ["run"] = Strings(command?["run"], "sh", "run.sh"), ["debug"] = Strings(command?["debug"], "sh", "debug.sh") };
        p.CopyTo("debug", dev);
        var sync = p["sync"] as JsonObject;
        dev["sync"] = new JsonObject
        {
            ["type"] = sync?.Str("type") ?? "send",
            ["filePattern"] = Strings(sync?["filePattern"], "./"),
            ["ignoreFilePattern"] = Strings(sync?["ignoreFilePattern"], ".git", ".vscode", ".idea", ".gradle", "build"),
        };
        if (p["env"] is JsonArray env)
            dev["env"] = new JsonArray(env.OfType<JsonObject>().Select(e => (JsonNode)new JsonObject { ["name"] = e.Clone("name"), ["value"] = e.Clone("value") }).ToArray());
        dev["portForward"] = p["portForward"]?.DeepClone() ?? new JsonArray(JsonValue.Create($"{port}:{port}"));
        dev["hotReload"] = p.Bool("hotReload", fallback: true);
        var config = new JsonObject
        {
            ["name"] = name,
            ["serviceType"] = p.Str("serviceType") ?? "deployment",
            ["containers"] = new JsonArray(new JsonObject { ["name"] = name, ["dev"] = dev }),
        };

        var workload = render.Workload();
        var annotations = JsonPatching.Object(JsonPatching.Object(workload, "metadata"), "annotations");
        annotations["dev.nocalhost/application-name"] = render.Component.Application.Name;
        annotations["dev.nocalhost/application-namespace"] = render.Component.Namespace;
        annotations["dev.nocalhost"] = GoJson(config);
    }

    /// <summary>
    /// As CUE's <c>json.Marshal</c> (Go's encoding/json) writes it: no spaces, non-ASCII as is, and &lt;, &gt;, &amp; escaped
    /// as \u003c, \u003e, \u0026.
    /// </summary>
    private static string GoJson(JsonNode node) =>
        node.ToJsonString(Relaxed).Replace("<", "\\u003c").Replace(">", "\\u003e").Replace("&", "\\u0026");

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
