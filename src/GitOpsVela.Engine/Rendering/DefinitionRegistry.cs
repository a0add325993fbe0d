using System.Reflection;

namespace GitOpsVela.Engine.Rendering;

/// <summary>
/// The built-in component and trait types. Every non-abstract <see cref="IComponentType"/> / <see cref="ITraitType"/>
/// in the engine with a public parameterless constructor registers itself — add a definition by adding its class.
/// </summary>
internal sealed class DefinitionRegistry
{
    private readonly Dictionary<string, IComponentType> _components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITraitType> _traits = new(StringComparer.Ordinal);

    public static DefinitionRegistry BuiltIn { get; } = Discover(typeof(DefinitionRegistry).Assembly);

    public IReadOnlyCollection<IComponentType> ComponentTypes => _components.Values;

    public IReadOnlyCollection<ITraitType> TraitTypes => _traits.Values;

    public bool TryGetComponent(string type, out IComponentType definition) => _components.TryGetValue(type, out definition!);

    public bool TryGetTrait(string type, out ITraitType definition) => _traits.TryGetValue(type, out definition!);

    public DefinitionRegistry Add(IComponentType definition)
    {
        _components[definition.Name] = definition;
        return this;
    }

    public DefinitionRegistry Add(ITraitType definition)
    {
        _traits[definition.Name] = definition;
        return this;
    }

    private static DefinitionRegistry Discover(Assembly assembly)
    {
        var registry = new DefinitionRegistry();
        foreach (var type in assembly.GetTypes())
        {
            if (type.IsAbstract || type.IsInterface || type.GetConstructor(Type.EmptyTypes) is null) continue;
            if (typeof(IComponentType).IsAssignableFrom(type)) registry.Add((IComponentType)Activator.CreateInstance(type)!);
            else if (typeof(ITraitType).IsAssignableFrom(type)) registry.Add((ITraitType)Activator.CreateInstance(type)!);
        }
        return registry;
    }
}
