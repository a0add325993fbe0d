using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Execution.Apply;

/// <summary>
/// KubeVela's <c>apply-once</c> policy (vela-templates/definitions/internal/policy/apply-once.cue). GitOpsVela applies an
/// application's objects once per revision anyway (a finished workflow is not re-applied until the spec changes), which is
/// what <c>enable: true</c> asks for. Its <c>rules</c> name fields to leave to others — <c>strategy.path</c>, e.g.
/// <c>spec.replicas</c> scaled by an HPA — for the objects their <c>selector</c> matches: those fields are left out of what
/// is applied when the object already exists (<c>affect: onUpdate</c>, the default) or always (<c>affect: always</c>), so
/// the live values stay and the field manager <c>gitopsvela</c> never takes them back.
/// </summary>
public sealed partial class ApplyOncePolicy
{
    private readonly List<(JsonObject? Selector, List<string> Paths, string Affect)> _rules = [];

    public static ApplyOncePolicy? From(Application app)
    {
        var policy = app.Policies.FirstOrDefault(p => p.Type == "apply-once");
        if (policy is null) return null;
        var props = YamlJson.ToJson(policy.Properties);
        if (props["enable"] is JsonValue e && e.TryGetValue<bool>(out var enabled) && !enabled) return null;
        var result = new ApplyOncePolicy();
        foreach (var rule in (props["rules"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var paths = (rule["strategy"]?["path"] as JsonArray ?? []).Select(p => p?.GetValue<string>()).OfType<string>().ToList();
            if (paths.Count == 0) continue;
            result._rules.Add((rule["selector"] as JsonObject, paths, rule["strategy"]?["affect"]?.GetValue<string>() ?? "onUpdate"));
        }
        return result;
    }

    public bool HasRules => _rules.Count > 0;

    /// <summary>The manifest without the fields the rules leave alone (a copy; the rendered one is not changed).</summary>
    public RenderedManifest Filter(RenderedManifest manifest, string? componentType, bool exists)
    {
        JsonObject? copy = null;
        foreach (var (selector, paths, affect) in _rules)
        {
            if (!exists && affect != "always") continue;
            if (!Matches(selector, manifest, componentType)) continue;
            copy ??= (JsonObject)manifest.Object.DeepClone();
            foreach (var path in paths) Remove(copy, path);
        }
        return copy is null ? manifest : manifest with { Object = copy };
    }

    private static bool Matches(JsonObject? selector, RenderedManifest m, string? componentType)
    {
        if (selector is null) return true;
        static bool In(JsonObject s, string key, string? value) => s[key] is not JsonArray list || list.Any(v => v?.GetValue<string>() == value);
        return In(selector, "componentNames", m.Component) && In(selector, "componentTypes", componentType)
            && In(selector, "oamTypes", m.Trait is null ? "COMPONENT" : "TRAIT") && In(selector, "traitTypes", m.Trait)
            && In(selector, "resourceTypes", m.Kind) && In(selector, "resourceNames", m.Name);
    }

    [GeneratedRegex(@"([^.\[\]]+)|\[(\d+)\]")]
    private static partial Regex Segment();

    /// <summary>Removes a dot path with optional indexes (<c>spec.template.spec.containers[0].image</c>, <c>*</c> for the whole object is not allowed).</summary>
    private static void Remove(JsonObject obj, string path)
    {
        var segments = Segment().Matches(path).Select(m => m.Groups[1].Success ? (object)m.Groups[1].Value : int.Parse(m.Groups[2].Value)).ToList();
        if (segments.Count == 0) return;
        JsonNode? node = obj;
        for (var i = 0; i < segments.Count - 1 && node is not null; i++)
            node = segments[i] is string key ? (node as JsonObject)?[key] : (node as JsonArray) is { } a && (int)segments[i] < a.Count ? a[(int)segments[i]] : null;
        switch (node, segments[^1])
        {
            case (JsonObject o, string key):
                o.Remove(key);
                break;
            case (JsonArray a, int index) when index < a.Count:
                a.RemoveAt(index);
                break;
        }
    }
}
