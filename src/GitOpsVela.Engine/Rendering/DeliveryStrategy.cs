using System.Security.Cryptography;
using System.Text;

namespace GitOpsVela.Engine.Rendering;

/// <summary>How a release moves: Kruise's canary (a canary Deployment beside the stable one, traffic by weight) or blue-green (the new version at full size beside the old, then the switch).</summary>
internal enum StrategyKind { Canary, BlueGreen }

/// <summary>
/// What a step does once its pods and traffic are in place (Kruise's <c>pause</c>): go on at once (<c>auto</c>, or the
/// last canary step at 100%), wait <see cref="StrategyStep.DurationSeconds"/>, wait for Resume-VelaWorkflow, or — for
/// <c>canary-deploy</c> — hold there: the workflow step is done and the release waits for the next plan.
/// </summary>
internal enum PauseKind { Auto, Timed, Manual, Hold }

/// <summary>How traffic reaches the new version: nginx ingress canary annotations, or Gateway API HTTPRoute backend weights.</summary>
internal enum RoutingKind { Ingress, Gateway }

/// <summary>A step's <c>replicas</c>: a count, or a percentage of the workload's replicas (rounded up, as Kruise scales it).</summary>
internal readonly record struct StrategyReplicas(int Value, bool Percent)
{
    /// <summary>The pods of the new version for a workload of <paramref name="total"/> replicas, at most <paramref name="total"/>.</summary>
    public int Of(int total) => Math.Clamp(Percent ? (int)Math.Ceiling(total * Value / 100.0) : Value, 0, Math.Max(total, 0));

    public bool IsFull => Percent && Value >= 100;

    public override string ToString() => Percent ? $"{Value}%" : Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A header the canary answers (Kruise's <c>matches[].headers[]</c>): <c>canary-by-cookie</c> names a cookie.</summary>
internal sealed record HeaderMatch(string Name, string Value, bool RegularExpression);

/// <summary>One step of a release: traffic <see cref="Weight"/> (percent), the new version's <see cref="Replicas"/>, its pause.</summary>
internal sealed record StrategyStep(int? Weight, StrategyReplicas? Replicas, PauseKind Pause, int DurationSeconds, IReadOnlyList<HeaderMatch> Matches)
{
    /// <summary>Kruise: the step's replicas, or its weight as a percentage when it gives none.</summary>
    public StrategyReplicas EffectiveReplicas(StrategyKind kind) =>
        Replicas ?? (kind == StrategyKind.BlueGreen ? new StrategyReplicas(100, true) : new StrategyReplicas(Weight ?? 0, true));
}

/// <summary>Where traffic is split: the stable Service and the Ingress or HTTPRoute in front of it (Kruise's <c>trafficRoutings[0]</c>).</summary>
internal sealed record TrafficRouting(RoutingKind Kind, string Service, string Name, int GracePeriodSeconds);

/// <summary>
/// A component's delivery strategy, read from its <c>kruise-rollout</c> (or <c>rolling-release</c>) trait: what GitOpsVela
/// does pass by pass, without a controller, when the component's pod template changes. <see cref="Service"/> is the
/// Service whose selector a release pins to one version (the routing's Service; blue-green without routing: the
/// component's own). <see cref="PlanHash"/> names the steps, so a changed plan is noticed mid-release.
/// </summary>
internal sealed record DeliveryStrategy(string Trait, StrategyKind Kind, IReadOnlyList<StrategyStep> Steps, TrafficRouting? Routing, string Service)
{
    /// <summary>Kruise's <c>releaseMode: batch</c> / <c>rolloutType: partition</c> was asked for (GitOpsVela releases the canary way).</summary>
    public bool PartitionRequested { get; init; }

    /// <summary>Suffix of the objects a release adds beside the stable ones: <c>-canary</c> (Kruise's naming) or <c>-preview</c> for blue-green.</summary>
    public string Suffix => Kind == StrategyKind.BlueGreen ? "-preview" : "-canary";

    public string PlanHash
    {
        get
        {
            var text = new StringBuilder().Append(Kind).Append('|').Append(Routing).Append('|').Append(Service);
            foreach (var s in Steps)
                text.Append('|').Append(s.Weight).Append(',').Append(s.Replicas?.ToString()).Append(',').Append(s.Pause).Append(',').Append(s.DurationSeconds)
                    .Append(',').Append(string.Join(";", s.Matches.Select(m => $"{m.Name}={m.Value}:{m.RegularExpression}")));
            return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 6).ToLowerInvariant();
        }
    }
}
