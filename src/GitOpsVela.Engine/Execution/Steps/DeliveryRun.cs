using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Steps;

/// <summary>
/// One pass of another application, from <paramref name="source"/>, kept as a root (<paramref name="root"/>), created at
/// <paramref name="depth"/>: its record after the pass (null when it could not be delivered) and its problems.
/// </summary>
internal delegate Task<(ApplicationRecord? Record, IReadOnlyList<VelaProblem> Problems)> DeliverOther(
    Application app, string source, RecordedRoot? root, int depth, CancellationToken cancellationToken);

/// <summary>
/// What the cluster steps of one application's workflow run share: the gateway, the record being built (inventory of
/// every object applied for the revision, component health), and how override policies merge.
/// </summary>
internal sealed class DeliveryRun
{
    public required Application Application { get; init; }
    public required ApplicationRecord Record { get; init; }
    public required IClusterGateway Gateway { get; init; }
    public IRecordStore? Records { get; init; }
    public bool Force { get; init; }
    /// <summary>The release planned for this pass: where each step puts what, rendered once.</summary>
    public required ReleasePlan Plan { get; init; }

    public IEngineOutput Output { get; init; } = NullEngineOutput.Instance;

    /// <summary>The clock releases read (a step's duration, the deadline for ready pods).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Delivers another application one pass (depends-on-app creating one from its ConfigMap).</summary>
    public DeliverOther? DeliverApplication { get; init; }

    /// <summary>How many applications created by depends-on-app lead to this one.</summary>
    public int Depth { get; init; }

    /// <summary>Components whose source path cannot be built, with why (their steps fail).</summary>
    public IReadOnlyDictionary<string, VelaProblem>? SourceFailures { get; init; }

    /// <summary>The cluster a step names (empty or <c>local</c>: the one in use).</summary>
    public string ClusterOf(string? cluster) => cluster is { Length: > 0 } c && c != Topology.Local ? c : Gateway.LocalCluster;

    /// <summary>Where the running step puts what: from the plan, or planned again when its inputs changed its properties.</summary>
    public IReadOnlyList<Deployment> DeploymentsOf(StepContext context)
    {
        if (context.Step.Inputs.Count == 0) return Plan.DeploymentsOf(context.Step.Name);
        var problems = new List<VelaProblem>();
        var deployments = ReleasePlanner.PlanStep(context.Application, context.Step with { Spec = context.Spec, Properties = context.Properties }, Plan.Context, problems);
        if (problems.Count > 0) throw new VelaProblemException(problems[0]);
        return deployments;
    }

    /// <summary>Adds what was applied to the revision's inventory (once per object).</summary>
    public void RecordApplied(string cluster, IEnumerable<AppliedObject> objects)
    {
        lock (Record)
        {
            foreach (var o in objects)
            {
                if (o.Action is ApplyAction.Failed or ApplyAction.Waiting) continue;
                var m = o.Manifest;
                var entry = new InventoryEntry(cluster, m.ApiVersion, m.Kind, m.Namespace, m.Name, m.Component, m.Trait);
                if (Record.Inventory.All(e => e.Key != entry.Key)) Record.Inventory.Add(entry);
            }
        }
    }

    public void RecordHealth(RenderedComponent component, string cluster, IReadOnlyList<ObjectHealth> health)
    {
        var unhealthy = health.FirstOrDefault(h => !h.Healthy);
        var workload = component.Workload is null ? null : health.FirstOrDefault(h => ReferenceEquals(h.Manifest, component.Workload));
        lock (Record)
        {
            var record = Record.Components.FirstOrDefault(c => c.Name == component.Name && c.Cluster == cluster);
            if (record is null)
            {
                record = new ComponentRecord { Name = component.Name, Type = component.Type, Cluster = cluster };
                Record.Components.Add(record);
            }
            record.Type = component.Type;
            record.Traits = component.Traits.ToList();
            record.Healthy = unhealthy is null;
            record.Message = unhealthy is null ? workload?.Message : Describe(unhealthy);
        }
    }

    public static string Describe(ObjectHealth h) =>
        $"{h.Manifest.Kind}/{h.Manifest.Name}: {(h.Exists ? h.Message ?? "not healthy yet" : "does not exist yet")}";
}
