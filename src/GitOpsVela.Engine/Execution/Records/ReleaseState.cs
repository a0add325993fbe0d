using System.Text.Json.Serialization;

namespace GitOpsVela.Engine.Execution.Records;

/// <summary>Where a release stands (Kruise's Rollout phases, as a pass-by-pass machine sees them).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReleasePhase>))]
public enum ReleasePhase
{
    /// <summary>Moving through its steps: the new version beside the stable one, traffic step by step.</summary>
    Progressing,
    /// <summary>A step that waits for Resume-VelaWorkflow (Kruise: "you need manually confirm to enter the next step").</summary>
    Paused,
    /// <summary>At the weight a <c>canary-deploy</c> step asked for; a later canary-deploy moves it on.</summary>
    Holding,
    /// <summary>After the last step: the stable Deployment takes the new pod template, the new version still serving beside it.</summary>
    Promoting,
    /// <summary>Promoted: traffic back to one backend, the release's own objects are being removed.</summary>
    Finalising,
    /// <summary>Done: the stable Deployment runs the new version, nothing of the release is left.</summary>
    Completed,
    /// <summary>Given up: all traffic on the stable version, the new version removed; see <see cref="ReleaseState.Reason"/>.</summary>
    RolledBack,
}

/// <summary>Where a step of a release stands (Kruise's <c>currentStepState</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReleaseStepState>))]
public enum ReleaseStepState
{
    /// <summary>Bringing the new version's pods to the step's replicas, waiting for them to be ready.</summary>
    Upgrade,
    /// <summary>Moving the step's traffic to the new version.</summary>
    TrafficRouting,
    /// <summary>Pods and traffic in place: waiting the step's duration, or for Resume-VelaWorkflow.</summary>
    Paused,
    /// <summary>The step is done; the next one starts.</summary>
    Ready,
}

/// <summary>
/// One component's release, kept in its <see cref="ComponentRecord"/>: what a pass needs to carry it on (which template
/// is stable and which is new, the step, when it began, what was approved) and what status shows (weight, replicas old
/// and new, what it waits for). Pod templates are named by hash only: no spec, and so no secret, is ever kept.
/// </summary>
public sealed class ReleaseState
{
    /// <summary>canary or blueGreen.</summary>
    public required string Strategy { get; set; }

    /// <summary>The trait that gave the strategy (kruise-rollout, rolling-release).</summary>
    public string? Trait { get; set; }

    /// <summary>The hash of the pod template the stable Deployment runs (its <c>gitopsvela.io/pod-template-hash</c> label).</summary>
    public required string StableHash { get; set; }

    /// <summary>The hash of the pod template being released.</summary>
    public required string CanaryHash { get; set; }

    /// <summary>The hash of the steps the release follows (a changed plan is taken up mid-release).</summary>
    public string? PlanHash { get; set; }

    public ReleasePhase Phase { get; set; }

    /// <summary>The current step, 0-based (shown 1-based: "step 2/3").</summary>
    public int Step { get; set; }

    public int Steps { get; set; }

    public ReleaseStepState StepState { get; set; }

    /// <summary>The share of traffic (percent) the new version gets now; null while traffic is not routed.</summary>
    public int? Weight { get; set; }

    /// <summary>The new version's pods the current step asks for, and how many are ready.</summary>
    public int CanaryReplicas { get; set; }
    public int CanaryReady { get; set; }

    /// <summary>The stable Deployment's pods, and how many are ready.</summary>
    public int StableReplicas { get; set; }
    public int StableReady { get; set; }

    /// <summary>Resume-VelaWorkflow approved the current manual pause (as <c>vela workflow resume</c> sets a paused Kruise rollout's step ready).</summary>
    public bool Approved { get; set; }

    /// <summary>The workflow step that carries the release (Resume-VelaWorkflow -Step approves the releases of that step).</summary>
    public string? WorkflowStep { get; set; }

    /// <summary>What the release waits for now, in words.</summary>
    public string? Message { get; set; }

    /// <summary>Why it was rolled back.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset StartTime { get; set; }

    /// <summary>When the current step began (its deadline for ready pods counts from here).</summary>
    public DateTimeOffset StepStartTime { get; set; }

    /// <summary>When the current step's traffic was in place (its duration counts from here).</summary>
    public DateTimeOffset? StepReadyTime { get; set; }

    public DateTimeOffset? EndTime { get; set; }

    /// <summary>The workload the release is for, and the objects it adds beside the stable ones (found again from the record alone).</summary>
    public required string Workload { get; set; }
    public required string CanaryWorkload { get; set; }
    public string? Namespace { get; set; }

    /// <summary>The Service whose selector the release pins to one version, and its copy selecting the new version.</summary>
    public string? Service { get; set; }
    public string? CanaryService { get; set; }

    /// <summary>ingress or gateway, with the stable Ingress / HTTPRoute, and the canary Ingress (nginx).</summary>
    public string? Routing { get; set; }
    public string? RouteName { get; set; }
    public string? CanaryIngress { get; set; }

    /// <summary>Still moving: its objects are in the cluster and the stable Deployment keeps its template.</summary>
    [JsonIgnore]
    public bool Active => Phase is not (ReleasePhase.Completed or ReleasePhase.RolledBack);

    /// <summary>"step 2/3".</summary>
    [JsonIgnore]
    public string StepText => $"step {Math.Min(Step + 1, Math.Max(Steps, 1))}/{Math.Max(Steps, 1)}";
}
