using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;

namespace GitOpsVela.Engine.Rendering;

/// <summary>
/// Component and trait types checked against the definitions: unknown types, and properties their <c>parameter</c>
/// schemas refuse, each with file:line:column.
/// </summary>
internal static class DefinitionCheck
{
    /// <summary>Unknown component and trait types, and properties their definitions' schemas refuse.</summary>
    public static IReadOnlyList<VelaProblem> Problems(Application app, DefinitionRegistry registry)
    {
        registry = registry.For(app);
        var problems = new List<VelaProblem>();
        foreach (var component in app.Components)
        {
            if (!registry.TryGetComponent(component.Type, out var type))
            {
                var (id, message) = registry.Unknown(DefinitionKind.Component, component.Type);
                problems.Add(new VelaProblem(id, ProblemCategory.InvalidData, message, component.Source.ValueLocation("type"), app.Name, component.Name, "type"));
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
                    var (id, message) = registry.Unknown(DefinitionKind.Trait, trait.Type);
                    problems.Add(new VelaProblem(id, ProblemCategory.InvalidData, message, trait.Source.ValueLocation("type"), app.Name, component.Name, "traits"));
                    continue;
                }
                problems.AddRange(SchemaValidator.Validate(trait.Properties, trait.PropertiesSource, traitType.Schema, $"trait '{traitType.Name}'",
                    app.Name, component.Name, $"traits[{trait.Type}].properties", trait.Source.KeyLocation("properties")));
            }
        }
        return problems;
    }
}
