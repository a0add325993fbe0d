using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that say how a workload's pods are replaced on a change: k8s-update-strategy.

/// <summary>
/// <c>k8s-update-strategy</c> (vela-templates/definitions/internal/trait/k8s-update-strategy.cue): the rollout strategy,
/// chosen by <c>targetKind</c> (not by the workload): a Deployment's <c>spec.strategy</c> (none for OnDelete), a
/// StatefulSet's or DaemonSet's <c>spec.updateStrategy</c> (none for Recreate); RollingUpdate brings
/// <c>rollingStrategy</c>'s maxSurge/maxUnavailable (25%) or partition (0). The strategy replaces the workload's own
/// (<c>+patchStrategy=retainKeys</c>).
/// </summary>
internal sealed class K8sUpdateStrategyTrait : ITraitType
{
    public string Name => "k8s-update-strategy";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["targetAPIVersion"] = Schema.String(@default: "apps/v1"),
        ["targetKind"] = Schema.String(@default: "Deployment", @enum: ["Deployment", "StatefulSet", "DaemonSet"]),
        ["strategy"] = Schema.Object(new()
        {
            ["type"] = Schema.String(@default: "RollingUpdate", @enum: ["RollingUpdate", "Recreate", "OnDelete"]),
            ["rollingStrategy"] = Schema.Object(new()
            {
                ["maxSurge"] = Schema.String(@default: "25%"),
                ["maxUnavailable"] = Schema.String(@default: "25%"),
                ["partition"] = Schema.Int(@default: 0),
            }),
        }),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var kind = p.Str("targetKind") ?? "Deployment";
        var strategy = p["strategy"] as JsonObject ?? new JsonObject();
        var type = strategy.Str("type") ?? "RollingUpdate";
        var rolling = strategy["rollingStrategy"] as JsonObject ?? new JsonObject();
        JsonObject Surge() => new() { ["maxSurge"] = rolling.Clone("maxSurge") ?? "25%", ["maxUnavailable"] = rolling.Clone("maxUnavailable") ?? "25%" };
        var (field, value) = kind switch
        {
            "Deployment" when type != "OnDelete" => ("strategy", new JsonObject { ["type"] = type }),
            "StatefulSet" or "DaemonSet" when type != "Recreate" => ("updateStrategy", new JsonObject { ["type"] = type }),
            _ => (null, null),
        };
        if (field is null || value is null) return;
        if (type == "RollingUpdate")
            value["rollingUpdate"] = kind == "StatefulSet" ? new JsonObject { ["partition"] = rolling.Clone("partition") ?? 0 } : Surge();
        JsonPatching.Object(render.Workload(), "spec")[field] = value;
    }
}
