using System.Reflection;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;

namespace GitOpsVela.Engine.Rendering;

/// <summary>Makes component types from definitions read as data (a <c>terraform</c> or <c>kube</c> schematic); null for any other.</summary>
internal interface IDefinedComponentFactory
{
    IComponentType? Create(Definition definition);
}

/// <summary>Something worth telling about which definition renders a type (<see cref="Warning"/>: it replaces a built-in).</summary>
internal sealed record DefinitionNote(string Message, bool Warning);

/// <summary>
/// The component and trait types an application can use. <see cref="BuiltIn"/> holds GitOpsVela's built-in types (every
/// non-abstract <see cref="IComponentType"/> / <see cref="ITraitType"/> with a parameterless constructor registers itself —
/// add a definition by adding its class). <see cref="For"/> resolves one application's types against the definitions it
/// can see, in KubeVela's lookup order: the application's namespace, then <c>vela-system</c> (within each, the
/// repository's definitions before the cluster's), then the built-ins:
/// <list type="bullet">
/// <item>a ComponentDefinition with a <c>terraform</c> or <c>kube</c> schematic defines a type GitOpsVela renders, and
/// replaces a built-in of the same name (a warning says so);</item>
/// <item>a definition GitOpsVela cannot render (a <c>cue</c> or <c>helm</c> schematic, none, terraform type <c>json</c>,
/// a trait not written in CUE) leaves a built-in of the same name in use (the built-ins are KubeVela's own CUE definitions,
/// transcribed), and otherwise makes the type refused with <c>Render.DefinitionUnsupported</c>, naming the definition,
/// where it was read and why.</item>
/// </list>
/// </summary>
internal sealed class DefinitionRegistry
{
    private readonly Dictionary<string, IComponentType> _components = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ITraitType> _traits = new(StringComparer.Ordinal);
    private readonly Dictionary<(DefinitionKind, string), string> _refused = [];
    private readonly List<DefinitionNote> _notes = [];
    private Application? _resolvedFor;
    private DefinitionRegistry? _root;

    private static readonly IReadOnlyList<IDefinedComponentFactory> Factories = DiscoverFactories(typeof(DefinitionRegistry).Assembly);

    public static DefinitionRegistry BuiltIn { get; } = Discover(typeof(DefinitionRegistry).Assembly);

    /// <summary>Definitions read from the cluster being delivered to (after the repository's in precedence).</summary>
    public DefinitionCatalogue Cluster { get; private init; } = DefinitionCatalogue.Empty;

    public IReadOnlyCollection<IComponentType> ComponentTypes => _components.Values;

    public IReadOnlyCollection<ITraitType> TraitTypes => _traits.Values;

    /// <summary>For a registry resolved by <see cref="For"/>: which definitions render the application's types, where that is worth saying.</summary>
    public IReadOnlyList<DefinitionNote> Notes => _notes;

    /// <summary>
    /// For a registry resolved by <see cref="For"/>: the content of the definitions that render the application's types
    /// (null when it uses none). A change to it is a new revision, as editing a used definition is in KubeVela
    /// (the definitions are part of the ApplicationRevision hash).
    /// </summary>
    public string? Fingerprint { get; private set; }

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

    /// <summary>The same types, with <paramref name="cluster"/>'s definitions to resolve applications against.</summary>
    public DefinitionRegistry WithCluster(DefinitionCatalogue cluster) => (_root ?? this).Copy(cluster);

    /// <summary>An empty registry (tests add their own types).</summary>
    public DefinitionRegistry()
    {
    }

    private DefinitionRegistry Copy(DefinitionCatalogue cluster)
    {
        var copy = new DefinitionRegistry { Cluster = cluster };
        foreach (var (k, v) in _components) copy._components[k] = v;
        foreach (var (k, v) in _traits) copy._traits[k] = v;
        return copy;
    }

    /// <summary>
    /// The types <paramref name="app"/> renders with: these, resolved against the definitions read with it and those of
    /// <see cref="Cluster"/>. Calling it again for the same application returns the same registry.
    /// </summary>
    public DefinitionRegistry For(Application app)
    {
        if (ReferenceEquals(_resolvedFor, app)) return this;
        var root = _root ?? this;
        var catalogue = app.Definitions.Then(Cluster);
        if (catalogue.IsEmpty) return root;
        var resolved = root.Copy(Cluster);
        resolved._resolvedFor = app;
        resolved._root = root;
        var used = UsedTypes(app);
        foreach (var name in catalogue.NamesVisibleFrom(DefinitionKind.Component, app.Namespace))
            resolved.ResolveComponent(catalogue.Find(DefinitionKind.Component, name, app.Namespace), used.Components.Contains(name));
        foreach (var name in catalogue.NamesVisibleFrom(DefinitionKind.Trait, app.Namespace))
            resolved.ResolveTrait(catalogue.Find(DefinitionKind.Trait, name, app.Namespace), used.Traits.Contains(name));
        var fingerprint = new System.Text.StringBuilder();
        foreach (var name in used.Components.Order(StringComparer.Ordinal))
        {
            var found = catalogue.Find(DefinitionKind.Component, name, app.Namespace).Found;
            if (found is not null && resolved._components.TryGetValue(name, out var t) && !ReferenceEquals(t, root._components.GetValueOrDefault(name)))
                fingerprint.Append(HashText(found)).Append('\n');
        }
        resolved.Fingerprint = fingerprint.Length == 0 ? null : fingerprint.ToString();
        foreach (var name in used.Steps)
        {
            var lookup = catalogue.Find(DefinitionKind.WorkflowStep, name, app.Namespace);
            if (lookup.Found is { } step && BuiltInSchemas.Steps.ContainsKey(name))
                resolved._notes.Add(new DefinitionNote(
                    $"workflow step type '{name}' is also defined by {step.Describe()} ({step.Schematic.Name} schematic); GitOpsVela runs its built-in '{name}' step", false));
        }
        return resolved;
    }

    /// <summary>What of a definition shapes what it renders (its schematic and annotations).</summary>
    private static string HashText(Definition d)
    {
        var text = new System.Text.StringBuilder($"{d.KindName}/{d.EffectiveNamespace}/{d.Name}:");
        foreach (var (k, v) in d.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal)) text.Append(k).Append('=').Append(v).Append(';');
        switch (d.Schematic)
        {
            case TerraformSchematic t:
                text.Append($"terraform|{t.Type}|{t.Path}|{t.Configuration}|{t.WriteConnectionSecretToRef?.ToJsonString()}|{t.ProviderRef?.ToJsonString()}|{t.GitCredentialsSecretReference?.ToJsonString()}");
                break;
            case KubeSchematic k:
                text.Append($"kube|{k.Template.ToJsonString()}");
                foreach (var p in k.Parameters) text.Append($"|{p.Name}:{p.Type}:{p.Required}:{string.Join(",", p.FieldPaths)}");
                break;
        }
        return text.ToString();
    }

    /// <summary>The problem for a type no definition renders: refused (why), or unknown (listing the known ones).</summary>
    public (string Id, string Message) Unknown(DefinitionKind kind, string type)
    {
        if (_refused.TryGetValue((kind, type), out var why)) return (ErrorIds.Render.DefinitionUnsupported, why);
        return kind == DefinitionKind.Component
            ? (ErrorIds.Render.ComponentTypeUnknown, $"unknown component type '{type}' (known: {string.Join(", ", ComponentTypes.Select(t => t.Name).Order(StringComparer.Ordinal))})")
            : (ErrorIds.Render.TraitTypeUnknown, $"unknown trait type '{type}' (known: {string.Join(", ", TraitTypes.Select(t => t.Name).Order(StringComparer.Ordinal))})");
    }

    private void ResolveComponent(DefinitionLookup lookup, bool used)
    {
        var definition = lookup.Found!;
        var name = definition.Name;
        var builtIn = _components.GetValueOrDefault(name);
        var type = Factories.Select(f => f.Create(definition)).FirstOrDefault(t => t is not null);
        if (used && lookup.Hidden.Count > 0)
            _notes.Add(new DefinitionNote($"component type '{name}': {definition.Describe()} is used; it hides {string.Join(", ", lookup.Hidden.Select(h => h.Describe()))}", false));
        if (type is not null)
        {
            _components[name] = type;
            _refused.Remove((DefinitionKind.Component, name));
            if (used && builtIn is not null)
                _notes.Add(new DefinitionNote($"component type '{name}' is rendered from {definition.Describe()} ({definition.Schematic.Name} schematic), which replaces the built-in '{name}'", true));
            return;
        }
        if (builtIn is not null)
        {
            _components[name] = builtIn;
            if (used)
                _notes.Add(new DefinitionNote($"component type '{name}' is also defined by {definition.Describe()} ({definition.Schematic.Name} schematic); GitOpsVela renders its built-in '{name}', KubeVela v1.10.9's definition transcribed", false));
            return;
        }
        _components.Remove(name);
        _refused[(DefinitionKind.Component, name)] = $"component type '{name}' is defined by {definition.Describe()}, which GitOpsVela cannot render: {WhyNot(definition)}";
    }

    private void ResolveTrait(DefinitionLookup lookup, bool used)
    {
        var definition = lookup.Found!;
        var name = definition.Name;
        var builtIn = _traits.GetValueOrDefault(name);
        if (builtIn is not null)
        {
            _traits[name] = builtIn;
            if (used)
                _notes.Add(new DefinitionNote($"trait '{name}' is also defined by {definition.Describe()} ({definition.Schematic.Name} schematic); GitOpsVela applies its built-in '{name}', {builtIn.Origin}", false));
            return;
        }
        _traits.Remove(name);
        _refused[(DefinitionKind.Trait, name)] = $"trait '{name}' is defined by {definition.Describe()}, which GitOpsVela cannot apply: {WhyNot(definition)}";
    }

    /// <summary>Why a definition's schematic cannot be used, and what to do instead.</summary>
    public static string WhyNot(Definition definition) => definition.Schematic switch
    {
        CueSchematic => "it is written in CUE (schematic cue) and GitOpsVela has no CUE engine. GitOpsVela renders its built-in types "
                        + "(KubeVela's own definitions, transcribed) and ComponentDefinitions with a kube or terraform schematic: write the type as one of those, or use a built-in type",
        TerraformSchematic { Type: "json" } => "its terraform configuration is of type json, and KubeVela v1.10.9 renders a v1beta2 Configuration, which has no field for "
                        + "JSON: the Configuration would carry neither hcl nor remote and terraform-controller refuses it (\"spec.HCL or spec.Remote should be set\"). Write the configuration as HCL (type hcl) or point at a module (type remote)",
        HelmSchematic => "its helm schematic was removed in KubeVela v1.9.0; use the built-in helm component type",
        NoSchematic => "it has no schematic (spec.schematic is empty), so nothing says what to render",
        _ when definition.Kind == DefinitionKind.Trait => $"KubeVela renders traits only from CUE templates, not from a {definition.Schematic.Name} schematic",
        _ => $"its {definition.Schematic.Name} schematic is not supported",
    };

    /// <summary>The type names the application uses (components and traits as written and as override policies set them; steps).</summary>
    private static (HashSet<string> Components, HashSet<string> Traits, HashSet<string> Steps) UsedTypes(Application app)
    {
        var components = new HashSet<string>(app.Components.Select(c => c.Type), StringComparer.Ordinal);
        var traits = new HashSet<string>(app.Components.SelectMany(c => c.Traits).Select(t => t.Type), StringComparer.Ordinal);
        foreach (var patch in app.PoliciesOf<OverrideSpec>().SelectMany(o => o.Components))
        {
            if (patch.Type is { } type) components.Add(type);
            traits.UnionWith(patch.Traits.Select(t => t.Type));
        }
        var steps = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in app.Workflow?.Steps ?? [])
        {
            steps.Add(step.Type);
            steps.UnionWith(step.SubSteps.Select(s => s.Type));
        }
        return (components, traits, steps);
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

    private static IReadOnlyList<IDefinedComponentFactory> DiscoverFactories(Assembly assembly) => assembly.GetTypes()
        .Where(t => !t.IsAbstract && !t.IsInterface && typeof(IDefinedComponentFactory).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
        .Select(t => (IDefinedComponentFactory)Activator.CreateInstance(t)!).ToList();
}
