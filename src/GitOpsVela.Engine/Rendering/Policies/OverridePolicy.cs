using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Policies;

/// <summary>
/// KubeVela's <c>override</c> policy (vela-templates/definitions/internal/policy/override.cue; applied by the deploy
/// step, kubevela/kubevela pkg/policy/envbinding): each entry of <c>components</c> selects components by <c>name</c>
/// (empty or absent: all; <c>*</c> wildcards allowed) and <c>type</c>, limited to <c>selector</c> when the policy has one;
/// its <c>properties</c> are merged into the component's (objects merge key by key, anything else — lists included —
/// is replaced); its <c>traits</c> merge into the trait of the same type, are added when the component has none of that
/// type, or remove it with <c>disable: true</c>. Policies apply in the order given.
/// </summary>
internal static class OverridePolicy
{
    public static IReadOnlyList<EffectiveComponent> Apply(Application app, IReadOnlyList<Policy> overrides) =>
        Apply(app.Components.Select(EffectiveComponent.From).ToList(), overrides);

    public static IReadOnlyList<EffectiveComponent> Apply(IReadOnlyList<EffectiveComponent> components, IReadOnlyList<Policy> overrides)
    {
        var result = components.ToList();
        foreach (var spec in overrides.Select(p => p.Spec).OfType<OverrideSpec>())
        {
            if (spec.Selector is { } selector) result = result.Where(c => selector.Contains(c.Name, StringComparer.Ordinal)).ToList();
            foreach (var patch in spec.Components)
            {
                for (var i = 0; i < result.Count; i++)
                {
                    var c = result[i];
                    if (patch.Name is { } name && !Matches(name, c.Name)) continue;
                    if (patch.Type is { } type && type != c.Type) continue;
                    result[i] = Patch(c, patch);
                }
            }
        }
        return result;
    }

    private static bool Matches(string pattern, string name) =>
        pattern.Contains('*')
            ? System.Text.RegularExpressions.Regex.IsMatch(name, "^" + System.Text.RegularExpressions.Regex.Escape(pattern).Replace("\\*", ".*") + "$")
            : pattern == name;

    private static EffectiveComponent Patch(EffectiveComponent component, ComponentPatch patch)
    {
        var properties = (JsonObject)component.Properties.DeepClone();
        if (patch.Properties is { } changes) JsonPatching.Merge(properties, changes);
        var traits = component.Traits.ToList();
        foreach (var t in patch.Traits)
        {
            var index = traits.FindIndex(x => x.Type == t.Type);
            if (t.Disable)
            {
                if (index >= 0) traits.RemoveAt(index);
                continue;
            }
            var traitProps = t.Properties ?? new JsonObject();
            if (index >= 0)
            {
                var merged = (JsonObject)traits[index].Properties.DeepClone();
                JsonPatching.Merge(merged, traitProps);
                traits[index] = traits[index] with { Properties = merged };
            }
            else
            {
                traits.Add(new EffectiveTrait(null, t.Type, (JsonObject)traitProps.DeepClone()));
            }
        }
        return component with { Properties = properties, Traits = traits };
    }
}
