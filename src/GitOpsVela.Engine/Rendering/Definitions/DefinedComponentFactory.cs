using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Rendering.Definitions;

/// <summary>
/// Component types from ComponentDefinitions read as data: a <c>terraform</c> schematic of type hcl or remote renders a
/// terraform-controller Configuration (<see cref="TerraformComponentType"/>), a <c>kube</c> schematic its template
/// (<see cref="KubeComponentType"/>). Every other definition is left to <see cref="DefinitionRegistry"/> to explain.
/// </summary>
internal sealed class DefinedComponentFactory : IDefinedComponentFactory
{
    public IComponentType? Create(Definition definition) => definition switch
    {
        { Kind: DefinitionKind.Component, Schematic: TerraformSchematic { Type: "hcl" or "remote" } terraform } => new TerraformComponentType(definition, terraform),
        { Kind: DefinitionKind.Component, Schematic: KubeSchematic kube } => new KubeComponentType(definition, kube),
        _ => null,
    };
}
