using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that add labels and annotations to the workload and its pods.

/// <summary>
/// <c>labels</c> (vela-templates/definitions/internal/trait/labels.cue): JSON-merge-patches the labels onto the workload's
/// metadata and, when it has one, its pod template (<c>null</c> removes a label).
/// </summary>
internal sealed class LabelsTrait : ITraitType
{
    public string Name => "labels";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Map(Schema.String());

    public void Apply(TraitRender render) => MetadataPatch.Apply(render, "labels", jobTemplates: false);
}

/// <summary>
/// <c>annotations</c> (vela-templates/definitions/internal/trait/annotations.cue): as labels, for annotations, also on a
/// CronJob's job template and its pod template.
/// </summary>
internal sealed class AnnotationsTrait : ITraitType
{
    public string Name => "annotations";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Map(Schema.String());

    public void Apply(TraitRender render) => MetadataPatch.Apply(render, "annotations", jobTemplates: true);
}

internal static class MetadataPatch
{
    public static void Apply(TraitRender render, string field, bool jobTemplates)
    {
        var workload = render.Workload();
        var patch = new JsonObject { [field] = render.Properties.DeepClone() };
        void On(JsonObject owner) => owner["metadata"] = JsonPatching.MergePatch(owner["metadata"]?.DeepClone(), patch);
        On(workload);
        if (workload["spec"]?["template"] is JsonObject template) On(template);
        if (jobTemplates && workload["spec"]?["jobTemplate"] is JsonObject jobTemplate)
        {
            On(jobTemplate);
            if (jobTemplate["spec"]?["template"] is JsonObject jobPod) On(jobPod);
        }
    }
}
