using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Policies;

/// <summary>
/// KubeVela's <c>override</c> policy as v1.10.9 applies it (pkg/policy/envbinding/patch.go <c>PatchComponents</c>,
/// <c>MergeComponent</c>; run by the deploy step for the policies it lists, in order). Each entry of <c>components</c>:
/// <list type="bullet">
/// <item>without <c>name</c>: merged into every component (of <c>type</c>, when given);</item>
/// <item>with <c>name</c>: a regular expression (<c>*</c> read as <c>.*</c>), <b>not anchored</b> — <c>api</c> also selects
/// <c>api-canary</c>. A selected component of another <c>type</c> is <b>replaced</b> by the entry (its name, type,
/// properties and enabled traits, nothing of the old component); otherwise the entry is merged in. When it selects
/// nothing and contains a lowercase letter, the entry is <b>appended</b> as a new component.</item>
/// </list>
/// Merging: properties as mergo v0.3.16 <c>Merge(WithOverride)</c> does on JSON maps, which is
/// <see cref="JsonPatching.Merge"/> — maps key by key, lists and scalars (even empty, even <c>null</c>) replaced. Traits are keyed by type: a patch merges into the trait of its type or is appended;
/// <c>disable: true</c> removes it (as in KubeVela, a component with two traits of one type comes out with the last of
/// them twice). After the entries, <c>selector</c> keeps only the components it names (by their original names).
/// </summary>
internal static class OverridePolicy
{
    public static IReadOnlyList<EffectiveComponent> Apply(Application app, IReadOnlyList<Policy> overrides) =>
        Apply(app.Components.Select(EffectiveComponent.From).ToList(), overrides);

    public static IReadOnlyList<EffectiveComponent> Apply(IReadOnlyList<EffectiveComponent> components, IReadOnlyList<Policy> overrides)
    {
        // (the name KubeVela keys the component by, the component): a replaced component keeps its key.
        var result = components.Select(c => (Key: c.Name, Component: c)).ToList();
        foreach (var spec in overrides.Select(p => p.Spec).OfType<OverrideSpec>())
        {
            foreach (var patch in spec.Components)
            {
                if (patch.Name is null)
                {
                    for (var i = 0; i < result.Count; i++)
                        if (patch.Type is null || patch.Type == result[i].Component.Type)
                            result[i] = (result[i].Key, Merge(result[i].Component, patch));
                    continue;
                }
                var add = ComponentPatch.AddsComponent(patch.Name);
                if (ComponentPatch.NamePattern(patch.Name) is { } pattern)
                {
                    for (var i = 0; i < result.Count; i++)
                    {
                        if (!pattern.IsMatch(result[i].Key)) continue;
                        add = false;
                        var c = result[i].Component;
                        result[i] = (result[i].Key, patch.Type is { } type && type != c.Type ? New(patch) : Merge(c, patch));
                    }
                }
                if (add) result.Add((patch.Name, New(patch)));
            }
            if (spec.Selector is { } selector) result = result.Where(c => selector.Contains(c.Key, StringComparer.Ordinal)).ToList();
        }
        return result.Select(c => c.Component).ToList();
    }

    /// <summary><c>EnvComponentPatch.ToApplicationComponent</c>: the entry as a component of its own.</summary>
    private static EffectiveComponent New(ComponentPatch patch)
    {
        var component = new Component
        {
            Name = patch.Name!,
            Type = patch.Type ?? "",
            Properties = (JsonObject?)patch.Properties?.DeepClone() ?? [],
            Source = patch.Source,
        };
        return new EffectiveComponent(component, component.Type, component.Properties,
            patch.Traits.Where(t => !t.Disable).Select(t => new EffectiveTrait(null, t.Type, (JsonObject?)t.Properties?.DeepClone() ?? [])).ToList());
    }

    private static EffectiveComponent Merge(EffectiveComponent component, ComponentPatch patch)
    {
        var properties = (JsonObject)component.Properties.DeepClone();
        if (patch.Properties is { } changes) JsonPatching.Merge(properties, changes);

        var traits = new Dictionary<string, EffectiveTrait>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var t in component.Traits)
        {
            traits[t.Type] = t;
            order.Add(t.Type);
        }
        foreach (var t in patch.Traits)
        {
            if (traits.TryGetValue(t.Type, out var existing))
            {
                if (t.Disable)
                {
                    traits.Remove(t.Type);
                    continue;
                }
                var merged = (JsonObject)existing.Properties.DeepClone();
                if (t.Properties is { } traitChanges) JsonPatching.Merge(merged, traitChanges);
                traits[t.Type] = existing with { Properties = merged };
            }
            else if (!t.Disable)
            {
                traits[t.Type] = new EffectiveTrait(null, t.Type, (JsonObject?)t.Properties?.DeepClone() ?? []);
                order.Add(t.Type);
            }
        }
        return component with { Properties = properties, Traits = order.Where(traits.ContainsKey).Select(t => traits[t]).ToList() };
    }
}
