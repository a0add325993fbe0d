using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution.Health;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Releases;

/// <summary>What a pass may do with a release: carry it on (a workflow step runs it), only keep what it stands for (state keep), or give it up.</summary>
internal enum ReleaseMode { Advance, Maintain, Abort }

/// <summary>What one pass knows when it decides: the component as rendered, the record's state, the live Deployments, the clock.</summary>
internal sealed record ReleaseInput
{
    public required RenderedComponent Component { get; init; }

    public ReleaseState? State { get; init; }

    /// <summary>The live stable Deployment (the component's workload), and the live canary or preview Deployment.</summary>
    public JsonObject? LiveStable { get; init; }
    public JsonObject? LiveCanary { get; init; }

    /// <summary>What the application renders in the same place, by kind and name (the Service, Ingress or HTTPRoute traffic goes through).</summary>
    public required Func<string, string, RenderedManifest?> Rendered { get; init; }

    public DateTimeOffset Now { get; init; }

    public ReleaseMode Mode { get; init; } = ReleaseMode.Advance;

    /// <summary>With <see cref="ReleaseMode.Abort"/>: why (the workflow was terminated, its step timed out).</summary>
    public string? AbortReason { get; init; }
}

internal abstract record ReleaseAction(RenderedManifest Manifest);

/// <summary>Apply the object (server-side apply, as every object of the application).</summary>
internal sealed record ApplyRelease(RenderedManifest Manifest) : ReleaseAction(Manifest);

/// <summary>Leave the object as it is in the cluster, but keep it in the inventory (the stable Deployment during a release).</summary>
internal sealed record KeepRelease(RenderedManifest Manifest) : ReleaseAction(Manifest);

/// <summary>Delete the object (the release's own objects when it ends).</summary>
internal sealed record DeleteRelease(RenderedManifest Manifest) : ReleaseAction(Manifest);

/// <summary>What the step that carries the release sees: done, still working, waiting for a person, holding at a canary-deploy weight, or rolled back.</summary>
internal enum ReleaseVerdict { Done, Waiting, Paused, Holding, Failed }

/// <summary>One pass's decision: the release's new state, what to apply, keep and delete (in that order), and what it came to.</summary>
internal sealed record ReleaseDecision(ReleaseState? State, IReadOnlyList<ReleaseAction> Actions, ReleaseVerdict Verdict, string? Message)
{
    /// <summary>For a timed pause: when the release goes on by itself.</summary>
    public DateTimeOffset? WaitUntil { get; init; }

    /// <summary>What moved in this pass, in words ("weight 20% -> 50%"), for -WhatIf and verbose text.</summary>
    public IReadOnlyList<string> Changes { get; init; } = [];
}

/// <summary>
/// Carries a component's release one pass further, without a controller, with OpenKruise Rollout's semantics
/// (openkruise/rollouts v0.3.0 rollout_canary.go): each step brings the new version's pods to its replicas and waits
/// for them to be ready (<see cref="ReleaseStepState.Upgrade"/>), moves its traffic (<see cref="ReleaseStepState.TrafficRouting"/>),
/// pauses (its <c>duration</c>, Resume-VelaWorkflow, or not at all), then goes on to the next; after the last, the stable
/// Deployment takes the new pod template (<see cref="ReleasePhase.Promoting"/>) and, once it runs it, the release's own
/// objects go away (<see cref="ReleasePhase.Finalising"/>, after the routing's grace period). New pods not ready within
/// the Deployment's <c>progressDeadlineSeconds</c> (600 by default) roll it back: all traffic to the stable version, the
/// new version removed. A new pod template mid-release starts again from the first step; the stable template again
/// (a revert) ends the release; a changed plan carries on from the matching step. Pure: it reads what it is given and
/// returns what to do, so <c>-WhatIf</c> asks it the same question the real pass does.
/// </summary>
internal static class ReleaseMachine
{
    public const int DefaultDeadlineSeconds = 600;

    public static ReleaseDecision Decide(ReleaseInput input) => new Pass(input).Run();

    /// <summary>"canary" or "blueGreen", as the record keeps it.</summary>
    public static string StrategyName(StrategyKind kind) => kind == StrategyKind.BlueGreen ? "blueGreen" : "canary";

    /// <summary>"canary" or "blue-green", as status shows it.</summary>
    public static string Display(string strategy) => strategy == "blueGreen" ? "blue-green" : "canary";

    /// <summary>Which pods the pinned Service selects now: the stable template, the new one (blue-green switched, or promoting), or all (null).</summary>
    public static string? PinHash(ReleaseState state)
    {
        if (!state.Active || state.Service is null) return null;
        var promoting = state.Phase is ReleasePhase.Promoting or ReleasePhase.Finalising;
        if (state.Strategy == "blueGreen" && state.Routing is null)
            return promoting || state.Weight >= 100 ? state.CanaryHash : state.StableHash;
        return promoting ? null : state.StableHash;
    }


    /// <summary>
    /// Another component's Service or HTTPRoute as a running release needs it (selector pinned to one version, the
    /// canary's weight beside the stable backend), so applying that component does not undo the release.
    /// </summary>
    public static RenderedManifest Overlay(ReleaseState state, RenderedManifest m)
    {
        if (!state.Active || m.Namespace != state.Namespace) return m;
        if (m.Kind == "Service" && m.Name == state.Service && PinHash(state) is { } pin) return m with { Object = ReleaseObjects.Pinned(m.Object, pin) };
        if (m.Kind == "HTTPRoute" && state.Routing == "gateway" && m.Name == state.RouteName && state.CanaryService is { } canary)
            return m with { Object = ReleaseObjects.WeightedRoute(m.Object, state.Service!, canary, state.Weight ?? 0, []) };
        return m;
    }

    private sealed class Pass(ReleaseInput input)
    {
        private readonly List<ReleaseAction> _before = [];
        private readonly List<string> _changes = [];
        private readonly RenderedComponent _component = input.Component;
        private readonly RenderedManifest _workload = input.Component.Workload!;
        private readonly DeliveryStrategy? _strategy = input.Component.Strategy;
        private readonly string _hash = ReleaseObjects.TemplateHash(input.Component.Workload!.Object);
        private readonly string? _liveHash = ReleaseObjects.LiveHash(input.LiveStable);
        private DateTimeOffset Now => input.Now;

        private int Total => _workload.Object["spec"]?["replicas"] is JsonValue v && v.TryGetValue<long>(out var n) ? (int)n : 1;

        private int Deadline => _workload.Object["spec"]?["progressDeadlineSeconds"] is JsonValue v && v.TryGetValue<long>(out var n) && n > 0 ? (int)n : DefaultDeadlineSeconds;

        public ReleaseDecision Run()
        {
            var state = input.State is null ? null : Copy(input.State);
            if (state is { Active: true } && (_strategy is null || input.Mode == ReleaseMode.Abort))
            {
                var reason = _strategy is null ? "the component no longer has a delivery strategy" : input.AbortReason ?? "the release was stopped";
                var ended = RollBack(state, reason);
                return Decision(ended, ReleaseVerdict.Failed, ended.Message);
            }
            // No strategy any more: the last release is forgotten with it.
            if (_strategy is null) return Decision(null, ReleaseVerdict.Done, null);
            if (input.Mode == ReleaseMode.Abort) return Decision(state, ReleaseVerdict.Done, null);

            if (state is { Active: true })
            {
                if (state.Strategy != StrategyName(_strategy.Kind))
                {
                    RollBack(state, $"the strategy changed to {Display(StrategyName(_strategy.Kind))}");
                    state = null;
                }
                else if (_hash == state.StableHash && input.Mode == ReleaseMode.Advance)
                {
                    // The application went back to the stable pod template (a revert): Kruise's "rollback directly".
                    var ended = RollBack(state, "the application went back to the stable pod template");
                    return Decision(ended, ReleaseVerdict.Done, ended.Message);
                }
                else if (_hash != state.CanaryHash && input.Mode == ReleaseMode.Advance)
                {
                    _changes.Add($"a new pod template ({_hash}) during the release: back to step 1 with all traffic on the stable version");
                    Restart(state);
                }
            }

            if (state is not { Active: true })
            {
                // No release running: a new pod template starts one when a stable version (delivered with this strategy) runs.
                var starts = input.Mode == ReleaseMode.Advance && input.LiveStable is not null && _liveHash is not null && _liveHash != _hash;
                if (!starts)
                {
                    if (input.LiveStable is not null && _liveHash is null && input.Mode == ReleaseMode.Advance)
                        _changes.Add($"Deployment/{_workload.Name} gets the {ReleaseObjects.HashLabel} label on its pods; releases start with the next pod template change");
                    return Decision(state, ReleaseVerdict.Done, null);
                }
                state = Start();
            }

            if (input.Mode == ReleaseMode.Maintain) return Decision(state, Verdict(state), state.Message);
            if (_strategy.PlanHash != state.PlanHash) Replan(state);
            if (state.Phase == ReleasePhase.Paused && state.Approved) _changes.Add($"{state.StepText} approved (Resume-VelaWorkflow)");
            return Advance(state);
        }

        private ReleaseState Start()
        {
            var kind = _strategy!.Kind;
            var routed = _strategy.Routing is not null;
            var stableName = _workload.Name;
            var state = new ReleaseState
            {
                Strategy = StrategyName(kind),
                Trait = _strategy.Trait,
                StableHash = _liveHash!,
                CanaryHash = _hash,
                PlanHash = _strategy.PlanHash,
                Phase = ReleasePhase.Progressing,
                Steps = _strategy.Steps.Count,
                StepState = ReleaseStepState.Upgrade,
                StartTime = Now,
                StepStartTime = Now,
                Workload = stableName,
                CanaryWorkload = stableName + _strategy.Suffix,
                Namespace = _workload.Namespace,
                Service = routed || kind == StrategyKind.BlueGreen ? _strategy.Service : null,
                CanaryService = routed || kind == StrategyKind.BlueGreen ? _strategy.Service + _strategy.Suffix : null,
                Routing = _strategy.Routing is { } r ? (r.Kind == RoutingKind.Ingress ? "ingress" : "gateway") : null,
                RouteName = _strategy.Routing?.Name,
                CanaryIngress = _strategy.Routing is { Kind: RoutingKind.Ingress } ingress ? ingress.Name + _strategy.Suffix : null,
                Weight = routed || kind == StrategyKind.BlueGreen ? 0 : null,
            };
            _changes.Add($"{Display(state.Strategy)} release of Deployment/{stableName} starts: pod template {state.StableHash} -> {state.CanaryHash}, {state.Steps} step(s)");
            return state;
        }

        private void Restart(ReleaseState state)
        {
            state.CanaryHash = _hash;
            state.Step = 0;
            state.StepState = ReleaseStepState.Upgrade;
            state.Phase = ReleasePhase.Progressing;
            state.StepStartTime = Now;
            state.StepReadyTime = null;
            state.Approved = false;
            if (state.Weight is not null) state.Weight = 0;
            state.PlanHash = _strategy!.PlanHash;
            state.Steps = _strategy.Steps.Count;
        }

        /// <summary>A changed plan mid-release: carry on from the first step that asks at least as much as stands now.</summary>
        private void Replan(ReleaseState state)
        {
            var steps = _strategy!.Steps;
            state.PlanHash = _strategy.PlanHash;
            state.Steps = steps.Count;
            if (state.Phase is ReleasePhase.Promoting or ReleasePhase.Finalising) return;
            var index = steps.Count - 1;
            for (var i = 0; i < steps.Count; i++)
            {
                if ((steps[i].Weight ?? state.Weight ?? 0) >= (state.Weight ?? 0) && Replicas(steps[i]) >= state.CanaryReplicas)
                {
                    index = i;
                    break;
                }
            }
            _changes.Add($"the release's steps changed: on from step {index + 1}/{steps.Count}");
            state.Step = index;
            state.StepState = ReleaseStepState.Upgrade;
            state.Phase = ReleasePhase.Progressing;
            state.StepStartTime = Now;
            state.StepReadyTime = null;
            state.Approved = false;
        }

        private int Replicas(StrategyStep step) => step.EffectiveReplicas(_strategy!.Kind).Of(Total);

        private ReleaseDecision Advance(ReleaseState state)
        {
            var steps = _strategy!.Steps;
            ObserveStable(state);
            for (var guard = 0; guard < 4 * steps.Count + 8; guard++)
            {
                var step = steps[Math.Min(state.Step, steps.Count - 1)];
                switch (state.Phase)
                {
                    case ReleasePhase.Progressing or ReleasePhase.Paused or ReleasePhase.Holding:
                        switch (state.StepState)
                        {
                            case ReleaseStepState.Upgrade:
                            {
                                var wanted = Replicas(step);
                                if (state.CanaryReplicas != wanted)
                                    _changes.Add($"{state.StepText}: Deployment/{state.CanaryWorkload} {state.CanaryReplicas} -> {wanted} replica(s)");
                                state.CanaryReplicas = wanted;
                                state.Phase = ReleasePhase.Progressing;
                                if (CanaryReady(state, wanted, out var ready))
                                {
                                    state.CanaryReady = ready;
                                    state.StepState = ReleaseStepState.TrafficRouting;
                                    continue;
                                }
                                state.CanaryReady = ready;
                                if (DeadlineExceeded(state, out var why))
                                {
                                    var ended = RollBack(state, why);
                                    return Decision(ended, ReleaseVerdict.Failed, ended.Message);
                                }
                                state.Message = $"{Label(state)}: waiting for the new version's pods ({ready}/{wanted} ready)";
                                return Decision(state, ReleaseVerdict.Waiting, state.Message);
                            }
                            case ReleaseStepState.TrafficRouting:
                            {
                                var weight = step.Weight ?? state.Weight;
                                if (state.Weight is not null && weight is not null && weight != state.Weight)
                                {
                                    _changes.Add(_strategy.Kind == StrategyKind.BlueGreen && _strategy.Routing is null
                                        ? $"{state.StepText}: Service/{state.Service} switches to the {(weight >= 100 ? "new" : "stable")} version"
                                        : $"{state.StepText}: traffic to the new version {state.Weight}% -> {weight}%");
                                    state.Weight = weight;
                                }
                                state.StepReadyTime = Now;
                                state.StepState = ReleaseStepState.Paused;
                                continue;
                            }
                            case ReleaseStepState.Paused:
                            {
                                switch (step.Pause)
                                {
                                    case PauseKind.Timed:
                                        var until = (state.StepReadyTime ?? Now).AddSeconds(step.DurationSeconds);
                                        if (Now < until)
                                        {
                                            state.Message = $"{Label(state)}: next step at {until.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}Z (duration {step.DurationSeconds}s)";
                                            return Decision(state, ReleaseVerdict.Waiting, state.Message) with { WaitUntil = until };
                                        }
                                        break;
                                    case PauseKind.Manual when !state.Approved:
                                        state.Phase = ReleasePhase.Paused;
                                        state.Message = $"{Label(state)}: waiting for Resume-VelaWorkflow";
                                        return Decision(state, ReleaseVerdict.Paused, state.Message);
                                    case PauseKind.Hold:
                                        state.Phase = ReleasePhase.Holding;
                                        state.Message = $"{Label(state)}: holding for the next canary-deploy step";
                                        return Decision(state, ReleaseVerdict.Holding, state.Message);
                                }
                                state.StepState = ReleaseStepState.Ready;
                                continue;
                            }
                            default:
                                if (state.Step + 1 < steps.Count)
                                {
                                    state.Step++;
                                    state.StepState = ReleaseStepState.Upgrade;
                                    state.StepStartTime = Now;
                                    state.StepReadyTime = null;
                                    state.Approved = false;
                                    state.Phase = ReleasePhase.Progressing;
                                    continue;
                                }
                                state.Phase = ReleasePhase.Promoting;
                                state.StepStartTime = Now;
                                _changes.Add($"promotion: Deployment/{state.Workload} takes the new pod template {state.CanaryHash}");
                                continue;
                        }
                    case ReleasePhase.Promoting:
                    {
                        if (StableRuns(state.CanaryHash))
                        {
                            state.Phase = ReleasePhase.Finalising;
                            state.StepReadyTime = Now;
                            if (_strategy.Routing is not null && state.Weight is > 0)
                            {
                                _changes.Add($"finalising: traffic to the new version {state.Weight}% -> 0% (the stable Service now selects it)");
                                state.Weight = 0;
                            }
                            continue;
                        }
                        state.Message = $"{Display(state.Strategy)} promoting: Deployment/{state.Workload} takes the new version ({state.StableReady}/{state.StableReplicas} ready)";
                        return Decision(state, ReleaseVerdict.Waiting, state.Message);
                    }
                    case ReleasePhase.Finalising:
                    {
                        var grace = _strategy.Routing?.GracePeriodSeconds ?? 0;
                        var until = (state.StepReadyTime ?? Now).AddSeconds(grace);
                        if (Now < until)
                        {
                            state.Message = $"{Display(state.Strategy)} finalising: removing the release's objects at {until.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}Z (grace period {grace}s)";
                            return Decision(state, ReleaseVerdict.Waiting, state.Message) with { WaitUntil = until };
                        }
                        RemoveReleaseObjects(state);
                        state.Phase = ReleasePhase.Completed;
                        state.EndTime = Now;
                        state.Weight = null;
                        state.CanaryReplicas = state.CanaryReady = 0;
                        state.Message = $"{Display(state.Strategy)} released in {state.Steps} step(s): pod template {state.CanaryHash}";
                        _changes.Add($"release done: Deployment/{state.Workload} runs {state.CanaryHash}; Deployment/{state.CanaryWorkload} and the canary routing are removed");
                        return Decision(state, ReleaseVerdict.Done, state.Message);
                    }
                    default:
                        return Decision(state, ReleaseVerdict.Done, state.Message);
                }
            }
            return Decision(state, ReleaseVerdict.Waiting, state.Message);
        }

        private string Label(ReleaseState state)
        {
            var name = Display(state.Strategy);
            if (state.Weight is not { } w) return $"{name} {state.StepText}";
            if (state.Strategy == "blueGreen" && state.Routing is null) return $"{name} {state.StepText} ({(w >= 100 ? "switched" : "preview")})";
            return $"{name} {state.StepText} at {w}%";
        }

        private static ReleaseVerdict Verdict(ReleaseState state) => state.Phase switch
        {
            ReleasePhase.Paused => ReleaseVerdict.Paused,
            ReleasePhase.Holding => ReleaseVerdict.Holding,
            ReleasePhase.Completed => ReleaseVerdict.Done,
            ReleasePhase.RolledBack => ReleaseVerdict.Failed,
            _ => ReleaseVerdict.Waiting,
        };

        private void ObserveStable(ReleaseState state)
        {
            var live = input.LiveStable;
            state.StableReplicas = live?["spec"]?["replicas"] is JsonValue r && r.TryGetValue<long>(out var n) ? (int)n : 0;
            state.StableReady = Int(live?["status"]?["readyReplicas"]);
        }

        private bool StableRuns(string hash) =>
            input.LiveStable is { } live && ReleaseObjects.LiveHash(live) == hash
            && Int(live["spec"]?["replicas"]) == Total && HealthCheck.Evaluate(live).Healthy;

        private bool CanaryReady(ReleaseState state, int wanted, out int ready)
        {
            var live = input.LiveCanary;
            ready = 0;
            if (live is null || ReleaseObjects.LiveHash(live) != state.CanaryHash) return false;
            ready = Int(live["status"]?["readyReplicas"]);
            var generation = Int(live["metadata"]?["generation"]);
            var observed = Int(live["status"]?["observedGeneration"]);
            return Int(live["spec"]?["replicas"]) == wanted && observed >= generation && ready >= wanted && Int(live["status"]?["updatedReplicas"]) >= wanted;
        }

        private bool DeadlineExceeded(ReleaseState state, out string why)
        {
            var condition = (input.LiveCanary?["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>()
                .FirstOrDefault(c => c["type"]?.GetValue<string>() == "Progressing");
            if (condition?["reason"]?.GetValue<string>() == "ProgressDeadlineExceeded" && ReleaseObjects.LiveHash(input.LiveCanary) == state.CanaryHash)
            {
                why = $"Deployment/{state.CanaryWorkload} exceeded its progress deadline ({state.CanaryReady}/{state.CanaryReplicas} ready)";
                return true;
            }
            why = $"the new version's pods were not ready within {Deadline}s of {state.StepText} ({state.CanaryReady}/{state.CanaryReplicas} ready)";
            return (Now - state.StepStartTime).TotalSeconds > Deadline;
        }

        /// <summary>Gives the release up: traffic all back to the stable version, then the new version's objects removed.</summary>
        private ReleaseState RollBack(ReleaseState state, string reason)
        {
            if (state.Strategy == "blueGreen" && PinHash(state) == state.CanaryHash && Find("Service", state.Service) is { } service)
                _before.Add(new ApplyRelease(Own(service, ReleaseObjects.Pinned(service.Object, state.StableHash))));
            RemoveReleaseObjects(state);
            _changes.Add($"{Display(state.Strategy)} rolled back: {reason}; all traffic on pod template {state.StableHash}");
            state.Phase = ReleasePhase.RolledBack;
            state.Reason = reason;
            state.EndTime = Now;
            state.Weight = null;
            state.CanaryReplicas = state.CanaryReady = 0;
            state.Approved = false;
            state.Message = $"{Display(state.Strategy)} rolled back: {reason}";
            return state;
        }

        private void RemoveReleaseObjects(ReleaseState state)
        {
            var ns = state.Namespace;
            if (state.CanaryIngress is { } ingress) _before.Add(new DeleteRelease(Stub("networking.k8s.io/v1", "Ingress", ns, ingress)));
            if (state.CanaryService is { } service) _before.Add(new DeleteRelease(Stub("v1", "Service", ns, service)));
            _before.Add(new DeleteRelease(Stub("apps/v1", "Deployment", ns, state.CanaryWorkload)));
        }

        private RenderedManifest Stub(string apiVersion, string kind, string? ns, string name)
        {
            var metadata = new JsonObject { ["name"] = name };
            if (ns is not null) metadata["namespace"] = ns;
            return new RenderedManifest(new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata },
                _workload.Application, _component.Name, _strategy?.Trait ?? "kruise-rollout", "canary");
        }

        private RenderedManifest? Find(string kind, string? name)
        {
            if (name is null) return null;
            return _component.Manifests.FirstOrDefault(m => m.Kind == kind && m.Name == name && m.Namespace == _workload.Namespace)
                   ?? input.Rendered(kind, name);
        }

        private static RenderedManifest Own(RenderedManifest rendered, JsonObject obj) => rendered with { Object = obj };

        /// <summary>The objects the release stands for in <paramref name="state"/>: the component's own (the stable Deployment kept while it runs), the pinned Service, the routing, the canary objects.</summary>
        private List<ReleaseAction> Desired(ReleaseState? state)
        {
            var actions = new List<ReleaseAction>();
            var active = state is { Active: true };
            var pinned = state is null ? null : PinHash(state);
            var matches = active && _strategy is not null ? _strategy.Steps[Math.Min(state!.Step, _strategy.Steps.Count - 1)].Matches : [];
            var weight = state?.Weight ?? 0;
            var done = new HashSet<string>(StringComparer.Ordinal);

            RenderedManifest Traffic(RenderedManifest m)
            {
                if (!active) return m;
                if (m.Kind == "Service" && m.Name == state!.Service && pinned is not null) return Own(m, ReleaseObjects.Pinned(m.Object, pinned));
                if (m.Kind == "HTTPRoute" && state!.Routing == "gateway" && m.Name == state.RouteName && state.CanaryService is { } canary)
                    return Own(m, ReleaseObjects.WeightedRoute(m.Object, state.Service!, canary, weight, matches));
                return m;
            }

            foreach (var m in _component.Manifests)
            {
                done.Add($"{m.Kind}/{m.Name}");
                if (ReferenceEquals(m, _workload))
                {
                    // The stable Deployment keeps its template while a release runs, and never takes a template a release did not bring.
                    var keep = active
                        ? state!.Phase is ReleasePhase.Progressing or ReleasePhase.Paused or ReleasePhase.Holding
                        : _strategy is not null && _liveHash is not null && _liveHash != _hash;
                    actions.Add(keep ? new KeepRelease(m) : new ApplyRelease(_strategy is null ? m : Own(m, ReleaseObjects.Stable(m.Object, _hash))));
                    continue;
                }
                actions.Add(new ApplyRelease(Traffic(m)));
            }
            if (state is null) return actions;
            // The Service and HTTPRoute may be another component's: they are applied here too while the release changes them.
            foreach (var (kind, name) in new[] { ("Service", state.Service), ("HTTPRoute", state.Routing == "gateway" ? state.RouteName : null) })
                if (name is not null && !done.Contains($"{kind}/{name}") && input.Rendered(kind, name) is { } other)
                    actions.Add(new ApplyRelease(Traffic(other)));
            if (!active) return actions;

            var trait = _strategy?.Trait ?? state.Trait ?? "kruise-rollout";
            actions.Add(new ApplyRelease(new RenderedManifest(
                ReleaseObjects.CanaryDeployment(_workload.Object, state.CanaryWorkload, state.CanaryHash, state.CanaryReplicas,
                    state.Strategy == "blueGreen" ? "preview" : "canary", trait, "canary"),
                _workload.Application, _component.Name, trait, "canary")));
            if (state.CanaryService is { } canaryService && Find("Service", state.Service) is { } stableService)
                actions.Add(new ApplyRelease(new RenderedManifest(
                    ReleaseObjects.CanaryService(stableService.Object, canaryService, state.CanaryHash, trait, "canaryService"),
                    _workload.Application, _component.Name, trait, "canaryService")));
            if (state.CanaryIngress is { } canaryIngress && Find("Ingress", state.RouteName) is { } ingress)
                actions.Add(new ApplyRelease(new RenderedManifest(
                    ReleaseObjects.CanaryIngress(ingress.Object, canaryIngress, state.Service!, state.CanaryService!, weight, matches, trait, "canaryIngress"),
                    _workload.Application, _component.Name, trait, "canaryIngress")));
            return actions;
        }

        private ReleaseDecision Decision(ReleaseState? state, ReleaseVerdict verdict, string? message)
        {
            var actions = new List<ReleaseAction>(_before);
            var deleted = _before.OfType<DeleteRelease>().Select(d => $"{d.Manifest.Kind}/{d.Manifest.Name}").ToHashSet(StringComparer.Ordinal);
            actions.AddRange(Desired(state).Where(a => !deleted.Contains($"{a.Manifest.Kind}/{a.Manifest.Name}")));
            return new ReleaseDecision(state, actions, verdict, message) { Changes = _changes.ToList() };
        }

        private static int Int(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? (int)n : 0;

        /// <summary>A copy to change (the record's state stays as it was until the pass has done what it says).</summary>
        private static ReleaseState Copy(ReleaseState s) =>
            System.Text.Json.JsonSerializer.Deserialize<ReleaseState>(System.Text.Json.JsonSerializer.Serialize(s, RecordJson.Options), RecordJson.Options)!;
    }
}
