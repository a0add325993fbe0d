using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Rendering.Policies;

/// <summary>
/// KubeVela's <c>override</c> policy (vela-templates/definitions/internal/policy/override.cue; applied by the deploy
/// step, kubevela/kubevela pkg/policy/envbinding): each entry of <c>components</c> selects components by <c>name</c>
/// (empty or absent: all; <c>*</c> wildcards allowed) and <c>type</c>, limited to <c>selector</c> when the policy has one;
/// its <c>properties</c> are merged into the component's (objects merge key by key, anything else — lists included —
/// is replaced); its <c>traits</c> merge into the trait of the same type, are added when the component has none of that
/// type, or remove it with <c>disable: true</c>. Policies apply in the order given.
/// </summary>
public static class OverridePolicy
{
    public static IReadOnlyList<EffectiveComponent> Apply(Application app, IReadOnlyList<Policy> overrides) =>
        Apply(app.Components.Select(EffectiveComponent.From).ToList(), overrides);

    public static IReadOnlyList<EffectiveComponent> Apply(IReadOnlyList<EffectiveComponent> components, IReadOnlyList<Policy> overrides)
    {
        var result = components.ToList();
        foreach (var policy in overrides)
        {
            var props = YamlJson.ToJson(policy.Properties);
            var selector = (props["selector"] as JsonArray)?.Select(s => s?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (selector is not null) result = result.Where(c => selector.Contains(c.Name)).ToList();
            foreach (var entry in (props["components"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var name = entry["name"]?.GetValue<string>();
                var type = entry["type"]?.GetValue<string>();
                for (var i = 0; i < result.Count; i++)
                {
                    var c = result[i];
                    if (!string.IsNullOrEmpty(name) && !Matches(name, c.Name)) continue;
                    if (!string.IsNullOrEmpty(type) && type != c.Type) continue;
                    result[i] = Patch(c, entry);
                }
            }
        }
        return result;
    }

    private static bool Matches(string pattern, string name) =>
        pattern.Contains('*')
            ? System.Text.RegularExpressions.Regex.IsMatch(name, "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*") + "$")
            : pattern == name;

    private static EffectiveComponent Patch(EffectiveComponent component, JsonObject entry)
    {
        var properties = (JsonObject)component.Properties.DeepClone();
        if (entry["properties"] is JsonObject patch) Merge(properties, patch);
        var traits = component.Traits.ToList();
        foreach (var t in (entry["traits"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var traitType = t["type"]?.GetValue<string>();
            if (traitType is null) continue;
            var index = traits.FindIndex(x => x.Type == traitType);
            if (t["disable"] is JsonValue d && d.TryGetValue<bool>(out var disable) && disable)
            {
                if (index >= 0) traits.RemoveAt(index);
                continue;
            }
            var traitProps = t["properties"] as JsonObject ?? new JsonObject();
            if (index >= 0)
            {
                var merged = (JsonObject)traits[index].Properties.DeepClone();
                Merge(merged, traitProps);
                traits[index] = traits[index] with { Properties = merged };
            }
            else
            {
                traits.Add(new EffectiveTrait(null, traitType, (JsonObject)traitProps.DeepClone()));
            }
        }
        return component with { Properties = properties, Traits = traits };
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is JsonObject child && target[key] is JsonObject existing) Merge(existing, child);
            else target[key] = value?.DeepClone();
        }
    }
}
