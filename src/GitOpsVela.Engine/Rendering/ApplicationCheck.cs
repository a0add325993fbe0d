using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;

namespace GitOpsVela.Engine.Rendering;

/// <summary>
/// Everything KubeVela would refuse, checked without a cluster: the application's structure (<see cref="ApplicationValidator"/>),
/// its component and trait types and their properties against the definitions, and finally that it renders (a container
/// name a trait refers to, a patch that does not apply). Problems come sorted by file and line.
/// </summary>
public static class ApplicationCheck
{
    public static IReadOnlyList<VelaProblem> Validate(Application app, DefinitionRegistry? registry = null)
    {
        registry ??= DefinitionRegistry.BuiltIn;
        var problems = ApplicationValidator.Validate(app).ToList();
        problems.AddRange(PropertyProblems(app, registry));
        if (problems.Count == 0)
            problems.AddRange(ApplicationRenderer.Render(app, new RenderOptions { Registry = registry }).Problems);
        return problems;
    }

    /// <summary>Unknown component and trait types, and properties their definitions' schemas refuse.</summary>
    public static IReadOnlyList<VelaProblem> PropertyProblems(Application app, DefinitionRegistry registry)
    {
        var problems = new List<VelaProblem>();
        foreach (var component in app.Components)
        {
            if (!registry.TryGetComponent(component.Type, out var type))
            {
                problems.Add(new VelaProblem("VelaComponentTypeUnknown", ProblemCategory.InvalidData,
                    $"unknown component type '{component.Type}' (known: {string.Join(", ", registry.ComponentTypes.Select(t => t.Name).Order(StringComparer.Ordinal))})",
                    component.Source.ValueLocation("type"), app.Name, component.Name, "type"));
            }
            else
            {
                problems.AddRange(SchemaValidator.Validate(component.Properties, component.PropertiesSource, type.Schema, $"component type '{type.Name}'",
                    app.Name, component.Name, "properties", component.Source.KeyLocation("properties")));
            }
            foreach (var trait in component.Traits)
            {
                if (!registry.TryGetTrait(trait.Type, out var traitType))
                {
                    problems.Add(new VelaProblem("VelaTraitTypeUnknown", ProblemCategory.InvalidData,
                        $"unknown trait type '{trait.Type}' (known: {string.Join(", ", registry.TraitTypes.Select(t => t.Name).Order(StringComparer.Ordinal))})",
                        trait.Source.ValueLocation("type"), app.Name, component.Name, "traits"));
                    continue;
                }
                problems.AddRange(SchemaValidator.Validate(trait.Properties, trait.PropertiesSource, traitType.Schema, $"trait '{traitType.Name}'",
                    app.Name, component.Name, $"traits[{trait.Type}].properties", trait.Source.KeyLocation("properties")));
            }
        }
        return problems;
    }
}
