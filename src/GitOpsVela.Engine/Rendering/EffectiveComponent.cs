using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Rendering;

/// <summary>
/// A component as it will be rendered: its properties and traits after override policies were merged in
/// (KubeVela's <c>override</c> policy). <see cref="Source"/> is the component as written in the file.
/// </summary>
internal sealed record EffectiveComponent(Component Source, string Type, JsonObject Properties, IReadOnlyList<EffectiveTrait> Traits)
{
    public string Name => Source.Name;

    /// <summary>The component with no policies applied.</summary>
    public static EffectiveComponent From(Component component) => new(
        component,
        component.Type,
        component.Properties,
        component.Traits.Select(t => new EffectiveTrait(t, t.Type, t.Properties)).ToList());
}

/// <summary>A trait to apply; <see cref="Source"/> is null when an override policy added it.</summary>
internal sealed record EffectiveTrait(Trait? Source, string Type, JsonObject Properties);
