using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that patch the workload as written: json-patch, json-merge-patch.

/// <summary><c>json-patch</c> (vela-templates/definitions/internal/trait/json-patch.cue): RFC 6902 <c>operations</c> on the workload.</summary>
internal sealed class JsonPatchTrait : ITraitType
{
    public string Name => "json-patch";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Object(new() { ["operations"] = Schema.Array(Schema.Object([], open: true), required: true) });

    public void Apply(TraitRender render)
    {
        try
        {
            var patched = JsonPatching.JsonPatch(render.Workload(), render.Properties["operations"] as JsonArray ?? []);
            render.Component.Workload = patched as JsonObject ?? throw render.Problem("the patch must leave an object");
        }
        catch (PatchException ex)
        {
            throw render.Problem(ex.Message);
        }
    }
}

/// <summary><c>json-merge-patch</c> (vela-templates/definitions/internal/trait/json-merge-patch.cue): an RFC 7386 merge patch on the workload.</summary>
internal sealed class JsonMergePatchTrait : ITraitType
{
    public string Name => "json-merge-patch";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Object([], open: true);

    public void Apply(TraitRender render) =>
        render.Component.Workload = JsonPatching.MergePatch(render.Workload().DeepClone(), render.Properties) as JsonObject
                                    ?? throw render.Problem("the patch must leave an object");
}
