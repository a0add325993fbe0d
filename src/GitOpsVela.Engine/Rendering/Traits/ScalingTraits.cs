using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that set how many pods run: scaler, hpa.

/// <summary><c>scaler</c> (vela-templates/definitions/internal/trait/scaler.cue): sets <c>spec.replicas</c> (default 1).</summary>
internal sealed class ScalerTrait : ITraitType
{
    public string Name => "scaler";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Object(new() { ["replicas"] = Schema.Int(@default: 1, min: 0) });

    public void Apply(TraitRender render) =>
        JsonPatching.Object(render.Workload(), "spec")["replicas"] = render.Properties.Clone("replicas") ?? 1;
}

/// <summary>
/// <c>hpa</c> (vela-templates/definitions/internal/trait/hpa.cue): an autoscaling/v2 HorizontalPodAutoscaler (clusters
/// 1.23 and later) scaling the workload on CPU, optionally memory (whose target, as in KubeVela's template, takes the
/// cpu value and type) and pod custom metrics.
/// </summary>
internal sealed class HpaTrait : ITraitType
{
    public string Name => "hpa";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps"];

    private static Schema Target => Schema.Object(new()
    {
        ["type"] = Schema.String(@default: "Utilization", @enum: ["Utilization", "AverageValue"]),
        ["value"] = Schema.Int(@default: 50),
    });

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["min"] = Schema.Int(@default: 1, min: 0),
        ["max"] = Schema.Int(@default: 10, min: 1),
        ["targetAPIVersion"] = Schema.String(@default: "apps/v1"),
        ["targetKind"] = Schema.String(@default: "Deployment"),
        ["cpu"] = Target,
        ["mem"] = Target,
        ["podCustomMetrics"] = Schema.Array(Schema.Object(new() { ["name"] = Schema.String(required: true), ["value"] = Schema.String(required: true) })),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var cpu = p["cpu"] as JsonObject ?? new JsonObject();
        var cpuType = cpu.Str("type") ?? "Utilization";
        var cpuValue = cpu.Clone("value") ?? 50;
        JsonObject Target(string type)
        {
            var target = new JsonObject { ["type"] = type };
            if (cpuType == "Utilization") target["averageUtilization"] = cpuValue.DeepClone();
            if (cpuType == "AverageValue") target["averageValue"] = cpuValue.DeepClone();
            return target;
        }
        var metrics = new JsonArray(new JsonObject { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = Target(cpuType) } });
        if (p["mem"] is JsonObject mem)
            metrics.Add(new JsonObject { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "memory", ["target"] = Target(mem.Str("type") ?? "Utilization") } });
        foreach (var m in (p["podCustomMetrics"] as JsonArray ?? []).OfType<JsonObject>())
            metrics.Add(new JsonObject
            {
                ["type"] = "Pods",
                ["pods"] = new JsonObject
                {
                    ["metric"] = new JsonObject { ["name"] = m.Clone("name") },
                    ["target"] = new JsonObject { ["type"] = "AverageValue", ["averageValue"] = m.Clone("value") },
                },
            });
        render.AddOutput("hpa", new JsonObject
        {
            ["apiVersion"] = "autoscaling/v2",
            ["kind"] = "HorizontalPodAutoscaler",
            ["metadata"] = new JsonObject { ["name"] = render.ComponentName },
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject
                {
                    ["apiVersion"] = p.Str("targetAPIVersion") ?? "apps/v1",
                    ["kind"] = p.Str("targetKind") ?? "Deployment",
                    ["name"] = render.ComponentName,
                },
                ["minReplicas"] = p.Clone("min") ?? 1,
                ["maxReplicas"] = p.Clone("max") ?? 10,
                ["metrics"] = metrics,
            },
        });
    }
}
