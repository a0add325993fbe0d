using GitOpsVela.Engine.Execution.Records;

namespace GitOpsVela.Commands.Output;

/// <summary>
/// One component's release (a kruise-rollout or canary-deploy strategy) as its application's record shows it: the
/// strategy, where it stands (step, traffic weight, pods of the stable and the new version) and what it waits for.
/// A finished release stays until the next one (Phase Completed or RolledBack, with the Reason).
/// </summary>
public sealed class VelaRelease
{
    internal VelaRelease(string application, string @namespace, string? context, ComponentRecord component, ReleaseState state)
    {
        Application = application;
        Namespace = @namespace;
        Context = context;
        Component = component.Name;
        Cluster = component.Cluster;
        Strategy = state.Strategy == "blueGreen" ? "blue-green" : "canary";
        Phase = state.Phase.ToString();
        Step = Math.Min(state.Step + 1, Math.Max(state.Steps, 1));
        Steps = state.Steps;
        Weight = state.Weight;
        StableReplicas = state.StableReplicas;
        StableReady = state.StableReady;
        NewReplicas = state.CanaryReplicas;
        NewReady = state.CanaryReady;
        WaitingFor = state.Active ? state.Message : null;
        Message = state.Message;
        Reason = state.Reason;
        StableRevision = state.StableHash;
        NewRevision = state.CanaryHash;
        Workload = state.Workload;
        NewWorkload = state.CanaryWorkload;
        StartTime = state.StartTime;
        EndTime = state.EndTime;
    }

    public string Application { get; }
    public string Namespace { get; }

    /// <summary>The kubeconfig context the record was read from.</summary>
    public string? Context { get; }

    public string Component { get; }

    /// <summary>The cluster the component runs in (<c>local</c> for the context in use).</summary>
    public string? Cluster { get; }

    /// <summary>canary or blue-green.</summary>
    public string Strategy { get; }

    /// <summary>Progressing, Paused, Holding, Promoting, Finalising, Completed or RolledBack.</summary>
    public string Phase { get; }

    /// <summary>The current step, from 1, of <see cref="Steps"/>.</summary>
    public int Step { get; }
    public int Steps { get; }

    /// <summary>The share of traffic (percent) the new version gets; null when traffic is not routed (replicas only).</summary>
    public int? Weight { get; }

    /// <summary>Pods of the stable Deployment (the old version while the release runs), and how many are ready.</summary>
    public int StableReplicas { get; }
    public int StableReady { get; }

    /// <summary>Pods of the new version the current step asks for, and how many are ready.</summary>
    public int NewReplicas { get; }
    public int NewReady { get; }

    /// <summary>What the release waits for (ready pods, a step's duration, Resume-VelaWorkflow); null once it ended.</summary>
    public string? WaitingFor { get; }

    public string? Message { get; }

    /// <summary>Why it was rolled back.</summary>
    public string? Reason { get; }

    /// <summary>The pod template hashes of the stable and the new version (their pods' <c>gitopsvela.io/pod-template-hash</c> label).</summary>
    public string StableRevision { get; }
    public string NewRevision { get; }

    /// <summary>The stable Deployment, and the Deployment of the new version beside it (<c>-canary</c>, <c>-preview</c>).</summary>
    public string Workload { get; }
    public string NewWorkload { get; }

    public DateTimeOffset StartTime { get; }
    public DateTimeOffset? EndTime { get; }

    /// <summary>"web: canary step 2/3 at 50%, new 2/2, stable 4/4: waiting for Resume-VelaWorkflow".</summary>
    public override string ToString() =>
        $"{Component}: {Strategy} step {Step}/{Steps}{(Weight is { } w ? $" at {w}%" : "")}, new {NewReady}/{NewReplicas}, stable {StableReady}/{StableReplicas}, {Phase}"
        + (Reason is not null ? $": {Reason}" : WaitingFor is not null ? $": {WaitingFor}" : "");

    /// <summary>The releases an application's record holds, one per component that has had one.</summary>
    internal static VelaRelease[] Of(ApplicationRecord record, string? context) =>
        record.Components.Where(c => c.Release is not null).Select(c => new VelaRelease(record.Name, record.Namespace, context, c, c.Release!)).ToArray();
}
