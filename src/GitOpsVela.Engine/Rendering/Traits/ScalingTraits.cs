using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that set how many pods run: scaler, hpa, cpuscaler.

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
/// 1.23 and later) scaling the workload on CPU, optionally memory (each with its own <c>type</c> and <c>value</c>, as
/// hpa.cue does since v1.10) and pod custom metrics.
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
        static JsonObject MetricTarget(JsonObject? given)
        {
            var type = given?.Str("type") ?? "Utilization";
            var value = given?.Clone("value") ?? 50;
            var target = new JsonObject { ["type"] = type };
            if (type == "Utilization") target["averageUtilization"] = value;
            if (type == "AverageValue") target["averageValue"] = value;
            return target;
        }
        var metrics = new JsonArray(new JsonObject { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = MetricTarget(p["cpu"] as JsonObject) } });
        if (p["mem"] is JsonObject mem)
            metrics.Add(new JsonObject { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "memory", ["target"] = MetricTarget(mem) } });
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

/// <summary>
/// <c>cpuscaler</c> (vela-templates/definitions/internal/trait/cpuscaler.cue): output <c>cpuscaler</c>, an autoscaling/v1
/// HorizontalPodAutoscaler keeping average CPU at <c>cpuUtil</c> percent between <c>min</c> and <c>max</c> replicas.
/// </summary>
internal sealed class CpuScalerTrait : ITraitType
{
    public string Name => "cpuscaler";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["min"] = Schema.Int(@default: 1),
        ["max"] = Schema.Int(@default: 10),
        ["cpuUtil"] = Schema.Int(@default: 50),
        ["targetAPIVersion"] = Schema.String(@default: "apps/v1"),
        ["targetKind"] = Schema.String(@default: "Deployment"),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        render.AddOutput("cpuscaler", new JsonObject
        {
            ["apiVersion"] = "autoscaling/v1",
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
                ["targetCPUUtilizationPercentage"] = p.Clone("cpuUtil") ?? 50,
            },
        });
    }
}
