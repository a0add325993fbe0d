namespace GitOpsVela.Commands.Output;

/// <summary>Engine model to pipeline objects.</summary>
internal static class VelaModelConverter
{
    public static VelaApplication ToOutput(Engine.Loading.Model.Application app) =>
        new(app, app.Components.Select(c => new VelaComponent(app.Name, c)).ToArray());
}
