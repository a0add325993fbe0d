using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

/// <summary>What the trait templates reach for in <c>context.output</c>: the pod template, containers by name, problems.</summary>
internal static class TraitSupport
{
    public static string ComponentName(this TraitRender render) => render.Component.Component.Name;

    public static JsonObject Workload(this TraitRender render) =>
        render.Component.Workload ?? throw render.Problem("the component renders no workload to patch");

    /// <summary><c>context.output.spec.template.spec</c>; a problem when the workload has no pod template.</summary>
    public static JsonObject PodSpec(this TraitRender render) =>
        render.Workload()["spec"]?["template"]?["spec"] as JsonObject
        ?? throw render.Problem($"{render.Workload()["kind"]?.GetValue<string>()} has no pod template (spec.template.spec) to patch");

    /// <summary>The container named <paramref name="name"/>; the CUE's <c>container &lt;name&gt; not found</c> otherwise.</summary>
    public static JsonObject Container(this TraitRender render, JsonObject podSpec, string name) =>
        (podSpec["containers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["name"]?.GetValue<string>() == name)
        ?? throw render.Problem($"container {name} not found");

    public static VelaProblemException Problem(this TraitRender render, string message) =>
        new(new VelaProblem("VelaTraitFailed", ProblemCategory.InvalidData, $"trait '{render.Trait.Type}': {message}",
            render.Trait.Source?.Location ?? render.Component.Component.Location, render.Component.Application.Name,
            render.ComponentName(), $"traits[{render.Trait.Type}]"));

    public static string? Str(this JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool Bool(this JsonObject o, string key, bool fallback = false) => o[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : fallback;

    public static JsonNode? Clone(this JsonObject o, string key) => o[key]?.DeepClone();

    /// <summary>The parameter sets a container-patching trait acts on: one (containerName defaulting to the component) or <c>containers[]</c>.</summary>
    public static IEnumerable<(string Name, JsonObject Params)> ContainerParams(this TraitRender render)
    {
        var p = render.Properties;
        if (p["containers"] is JsonArray list)
        {
            foreach (var c in list.OfType<JsonObject>())
            {
                var name = c.Str("containerName");
                if (string.IsNullOrEmpty(name)) throw render.Problem("containerName must be set for containers");
                yield return (name, c);
            }
            yield break;
        }
        var single = p.Str("containerName");
        yield return (string.IsNullOrEmpty(single) ? render.ComponentName() : single, p);
    }

    /// <summary>Appends a Service output named <paramref name="output"/> selecting the component's pods.</summary>
    public static JsonObject ServiceFor(this TraitRender render, JsonArray ports, JsonObject? metadataExtra = null, JsonObject? selector = null, string? type = null)
    {
        var metadata = new JsonObject { ["name"] = render.ComponentName() };
        if (metadataExtra is not null) JsonPatching.Merge(metadata, metadataExtra);
        var spec = new JsonObject
        {
            ["selector"] = selector ?? new JsonObject { ["app.oam.dev/component"] = render.ComponentName() },
            ["ports"] = ports,
        };
        if (type is not null) spec["type"] = type;
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = metadata, ["spec"] = spec };
    }
}
