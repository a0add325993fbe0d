using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Tests.Rendering;

/// <summary>
/// Small definitions for testing the renderer and validator on their own (independent of the built-in definitions):
/// <c>box</c> renders a Deployment named after the component, with a ConfigMap output; <c>tag</c> patches a label in.
/// </summary>
internal sealed class BoxComponent : IComponentType
{
    public string Name => "box";

    public string? WorkloadKind => "apps/v1 Deployment";

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["image"] = Schema.String(required: true),
        ["replicas"] = Schema.Int(@default: 1, min: 0),
        ["mode"] = Schema.String(@default: "a", @enum: ["a", "b"]),
        ["ports"] = Schema.Array(Schema.Object(new() { ["port"] = Schema.Int(required: true, min: 1, max: 65535), ["name"] = Schema.String() })),
        ["labels"] = Schema.Map(Schema.String()),
    });

    public void Render(ComponentRender render)
    {
        render.Workload = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = render.Component.Name },
            ["spec"] = new JsonObject { ["replicas"] = render.Properties["replicas"]?.DeepClone() ?? 1, ["image"] = render.Properties["image"]!.GetValue<string>() },
        };
        render.Outputs.Add(new RenderedOutput("settings", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = render.Component.Name + "-settings" },
        }));
    }
}

internal sealed class TagTrait : ITraitType
{
    public string Name => "tag";

    public Schema Schema { get; } = Schema.Object(new() { ["value"] = Schema.String(required: true) });

    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps"];

    public void Apply(TraitRender render)
    {
        var metadata = (JsonObject)render.Component.Workload!["metadata"]!;
        metadata["annotations"] = new JsonObject { ["tag"] = render.Properties["value"]!.GetValue<string>() };
        render.AddOutput("svc", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = new JsonObject { ["name"] = render.Component.Component.Name } });
    }
}

internal sealed class JobOnlyTrait : ITraitType
{
    public string Name => "jobonly";

    public Schema Schema { get; } = Schema.Object([]);

    public IReadOnlyList<string> AppliesTo { get; } = ["jobs.batch"];

    public void Apply(TraitRender render) { }
}

internal static class TestRegistry
{
    public static DefinitionRegistry Create() => new DefinitionRegistry().Add(new BoxComponent()).Add(new TagTrait()).Add(new JobOnlyTrait());
}
