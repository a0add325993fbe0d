using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Releases;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Steps;

/// <summary>
/// Carries out releases (<see cref="ReleaseMachine"/>) against the clusters: reads the live stable and canary
/// Deployments, asks the machine what this pass does, applies, keeps and deletes what it says, and writes the release's
/// new state into the component's record only once the cluster holds it — so a process killed mid-pass loses nothing: the
/// next pass reads the record and the cluster and does the same again.
/// </summary>
internal static class ReleaseDelivery
{
    /// <summary>Whether a release carries the component: it has a strategy, or a release of it is still running (or rolled back).</summary>
    public static bool Carries(DeliveryRun run, RenderedComponent component, string cluster) =>
        component.Workload is { Kind: "Deployment" } && (component.Strategy is not null || RecordOf(run.Record, component.Name, cluster)?.Release is { } r
            && (r.Active || r.Phase == ReleasePhase.RolledBack));

    private static ComponentRecord? RecordOf(ApplicationRecord record, string component, string cluster)
    {
        lock (record) return record.Components.FirstOrDefault(c => c.Name == component && c.Cluster == cluster);
    }

    /// <summary>The pass's decision for one component, reading the live Deployments (nothing is written).</summary>
    public static async Task<ReleaseDecision> DecideAsync(DeliveryRun run, RenderedComponent component, string cluster, ReleaseMode mode,
        string? abortReason, CancellationToken ct)
    {
        var workload = component.Workload!;
        var state = RecordOf(run.Record, component.Name, cluster)?.Release;
        var stable = await run.Gateway.GetAsync(cluster, "apps/v1", "Deployment", workload.Namespace, workload.Name, ct).ConfigureAwait(false);
        var canaryName = state?.CanaryWorkload ?? workload.Name + (component.Strategy?.Suffix ?? "-canary");
        var canary = await run.Gateway.GetAsync(cluster, "apps/v1", "Deployment", workload.Namespace, canaryName, ct).ConfigureAwait(false);
        return ReleaseMachine.Decide(new ReleaseInput
        {
            Component = component,
            State = state,
            LiveStable = stable,
            LiveCanary = canary,
            Rendered = (kind, name) => run.Plan.Deployments.Where(d => d.Placement.Cluster == cluster).SelectMany(d => d.Components)
                .SelectMany(c => c.Manifests).FirstOrDefault(m => m.Kind == kind && m.Name == name && m.Namespace == workload.Namespace),
            Now = run.Clock.GetUtcNow(),
            Mode = mode,
            AbortReason = abortReason,
        });
    }

    /// <summary>
    /// One pass of the component's release for a workflow step: null when the release is done (or holds at a
    /// canary-deploy weight) and the component's health decides, else what the step waits for, or its failure (rolled back).
    /// </summary>
    public static async Task<StepOutcome?> RunAsync(DeliveryRun run, RenderedComponent component, string cluster, StepState? step, CancellationToken ct)
    {
        var decision = await DecideAsync(run, component, cluster, ReleaseMode.Advance, null, ct).ConfigureAwait(false);
        if (decision.State is { } state && step is not null) state.WorkflowStep = step.Name;
        var report = await CarryOutAsync(run, component, cluster, decision, ApplyStage.Dispatch, ct).ConfigureAwait(false);
        if (report.Problems.Count > 0) return StepOutcome.From(report.Problems, "Apply");
        return decision.Verdict switch
        {
            ReleaseVerdict.Waiting => StepOutcome.Waiting($"component '{component.Name}': {decision.Message}"),
            ReleaseVerdict.Paused => new StepOutcome(StepPhase.Suspending, $"component '{component.Name}': {decision.Message}", "Suspend"),
            ReleaseVerdict.Failed => StepOutcome.Failed($"component '{component.Name}': {decision.Message}", "Rollback"),
            _ => null,
        };
    }

    /// <summary>The state keep of a finished revision: what the release stands for is applied again, nothing moves.</summary>
    public static async Task<ApplyReport> MaintainAsync(DeliveryRun run, RenderedComponent component, string cluster, CancellationToken ct)
    {
        var decision = await DecideAsync(run, component, cluster, ReleaseMode.Maintain, null, ct).ConfigureAwait(false);
        return await CarryOutAsync(run, component, cluster, decision, ApplyStage.StateKeep, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives up the releases still running when the workflow was terminated (Stop-VelaWorkflow) or failed (a step timed
    /// out): all traffic back to the stable version, the new version removed.
    /// </summary>
    public static async Task SettleAsync(DeliveryRun run, CancellationToken ct)
    {
        var workflow = run.Record.Workflow;
        if (workflow is null || !(workflow.Terminated || workflow.Phase == ApplicationPhase.WorkflowFailed)) return;
        List<ComponentRecord> running;
        lock (run.Record) running = run.Record.Components.Where(c => c.Release is { Active: true }).ToList();
        if (running.Count == 0) return;
        var reason = workflow.Terminated ? "the workflow was terminated (Stop-VelaWorkflow)"
            : workflow.AllSteps().FirstOrDefault(s => s.Phase == StepPhase.Failed) is { } failed ? $"step '{failed.Name}' failed: {failed.Message}" : "the workflow failed";
        foreach (var record in running)
        {
            var cluster = record.Cluster ?? run.Gateway.LocalCluster;
            var component = run.Plan.Deployments.Where(d => d.Placement.Cluster == cluster).SelectMany(d => d.Components)
                .FirstOrDefault(c => c.Name == record.Name && c.Workload?.Name == record.Release!.Workload);
            if (component is null) continue;
            var decision = await DecideAsync(run, component, cluster, ReleaseMode.Abort, reason, ct).ConfigureAwait(false);
            var report = await CarryOutAsync(run, component, cluster, decision, ApplyStage.Dispatch, ct).ConfigureAwait(false);
            if (report.Problems.Count > 0) throw new Diagnostics.VelaProblemException(report.Problems[0]);
            run.Output.Warning($"{run.Application}: component '{record.Name}': {decision.Message}");
        }
    }

    /// <summary>What <c>-WhatIf</c> shows of releases: the plan with what their next pass applies, the stable Deployments it leaves as they are, and the moves in words.</summary>
    internal sealed record Preview(ReleasePlan Plan, IReadOnlyList<InventoryEntry> Kept, IReadOnlyList<string> Notes);

    /// <summary>
    /// The release plan as the next pass would carry it out: each released component's objects replaced by what its release
    /// applies (the canary objects, the pinned Service, the weighted route), the kept stable Deployment left out (and listed),
    /// the objects the release deletes left out (so the preview shows them pruned). Nothing is written.
    /// </summary>
    public static async Task<Preview> PreviewAsync(ReleasePlan plan, ApplicationRecord? record, IClusterGateway gateway, TimeProvider clock, CancellationToken ct)
    {
        var run = new DeliveryRun
        {
            Application = plan.Application,
            Record = record ?? new ApplicationRecord { Name = plan.Application.Name, Namespace = plan.Application.Namespace },
            Gateway = gateway,
            Plan = plan,
            Clock = clock,
        };
        var replaced = new Dictionary<(string Cluster, string Component), List<RenderedManifest>>();
        var overrides = new Dictionary<string, RenderedManifest>(StringComparer.Ordinal);
        var kept = new List<InventoryEntry>();
        var notes = new List<string>();
        foreach (var deployment in plan.Deployments)
        foreach (var component in deployment.Components)
        {
            var cluster = deployment.Placement.Cluster;
            if (!component.Succeeded || replaced.ContainsKey((cluster, component.Name)) || !Carries(run, component, cluster)) continue;
            var decision = await DecideAsync(run, component, cluster, ReleaseMode.Advance, null, ct).ConfigureAwait(false);
            var own = new List<RenderedManifest>();
            foreach (var action in decision.Actions)
            {
                var m = action.Manifest;
                if (action is KeepRelease) kept.Add(new InventoryEntry(cluster, m.ApiVersion, m.Kind, m.Namespace, m.Name, m.Component, m.Trait));
                if (action is not ApplyRelease) continue;
                if (m.Component == component.Name) own.Add(m);
                else overrides[Key(cluster, m)] = m;
            }
            replaced[(cluster, component.Name)] = own;
            notes.AddRange(decision.Changes.Select(c => $"component '{component.Name}': {c}"));
            if (decision.Verdict != ReleaseVerdict.Done && decision.Message is { } message) notes.Add($"component '{component.Name}': {message}");
        }
        if (replaced.Count == 0) return new Preview(plan, [], []);
        var deployments = plan.Deployments.Select(d => d with
        {
            Components = d.Components.Select(c => c with
            {
                Manifests = (replaced.GetValueOrDefault((d.Placement.Cluster, c.Name)) ?? c.Manifests.ToList())
                    .Select(m => overrides.GetValueOrDefault(Key(d.Placement.Cluster, m)) ?? m).ToList(),
            }).ToList(),
        }).ToList();
        return new Preview(new ReleasePlan(plan.Application, plan.Workflow, plan.Context, plan.Problems, deployments), kept, notes);

        static string Key(string cluster, RenderedManifest m) => $"{cluster}/{m.Kind}/{m.Namespace}/{m.Name}";
    }

    /// <summary>
    /// Does what the decision says, in order (applies in batches, the kept stable Deployment into the inventory, deletions out
    /// of it), then — when everything went through — records the release's state and what status shows for the component.
    /// </summary>
    private static async Task<ApplyReport> CarryOutAsync(DeliveryRun run, RenderedComponent component, string cluster, ReleaseDecision decision,
        ApplyStage stage, CancellationToken ct)
    {
        var objects = new List<AppliedObject>();
        var problems = new List<Diagnostics.VelaProblem>();
        var batch = new List<RenderedManifest>();

        async Task FlushAsync()
        {
            if (batch.Count == 0) return;
            var report = await ComponentDelivery.ApplyManifestsAsync(run, component.Type, batch.ToList(), cluster, stage, ct, overlay: false).ConfigureAwait(false);
            run.RecordApplied(cluster, report.Objects);
            objects.AddRange(report.Objects);
            problems.AddRange(report.Problems);
            batch.Clear();
        }

        foreach (var action in decision.Actions)
        {
            switch (action)
            {
                case ApplyRelease apply:
                    batch.RemoveAll(m => m.Kind == apply.Manifest.Kind && m.Name == apply.Manifest.Name);
                    batch.Add(apply.Manifest);
                    break;
                case KeepRelease keep:
                    var kept = new AppliedObject(keep.Manifest, ApplyAction.Unchanged, "kept as it runs while its release goes on");
                    run.RecordApplied(cluster, [kept]);
                    objects.Add(kept);
                    break;
                case DeleteRelease delete:
                    await FlushAsync().ConfigureAwait(false);
                    var m = delete.Manifest;
                    var entry = new InventoryEntry(cluster, m.ApiVersion, m.Kind, m.Namespace, m.Name, m.Component, m.Trait);
                    if (await run.Gateway.DeleteAsync(entry, run.Application.Name, run.Application.Namespace, ct).ConfigureAwait(false))
                        run.Output.Verbose($"{run.Application}: deleted {entry} (its release ended)");
                    lock (run.Record)
                    {
                        run.Record.Inventory.RemoveAll(e => e.Key == entry.Key);
                        run.Record.PreviousInventory.RemoveAll(e => e.Key == entry.Key);
                    }
                    break;
            }
        }
        await FlushAsync().ConfigureAwait(false);
        if (problems.Count > 0) return new ApplyReport(objects, problems);

        foreach (var change in decision.Changes) run.Output.Verbose($"{run.Application}: component '{component.Name}': {change}");
        lock (run.Record)
        {
            var record = run.Record.Components.FirstOrDefault(c => c.Name == component.Name && c.Cluster == cluster);
            if (record is null && decision.State is not null)
            {
                record = new ComponentRecord { Name = component.Name, Type = component.Type, Cluster = cluster, Traits = component.Traits.ToList() };
                run.Record.Components.Add(record);
            }
            if (record is not null)
            {
                record.Release = decision.State;
                if (decision.State is not null && decision.Verdict != ReleaseVerdict.Done)
                {
                    // KubeVela shows the component unhealthy while its rollout runs (the trait's health is the Rollout's phase).
                    record.Healthy = decision.Verdict == ReleaseVerdict.Holding;
                    record.Message = decision.Message;
                }
            }
        }
        return new ApplyReport(objects, problems);
    }
}

/// <summary>
/// <c>canary-deploy</c> (kubevela/catalog addons/kruise-rollout/definitions/canary-deploy.cue): deploys like <c>deploy</c>,
/// with the <c>rolling-release</c> trait at <c>weight</c> on the named components (all when none are named). A component
/// whose pod template changed is released to that weight and the step is done there (Kruise's StepPaused); the next
/// canary-deploy moves it on, and weight 100 promotes it. Components with nothing to release deploy as usual.
/// </summary>
internal sealed class CanaryDeployStep(DeliveryRun run) : IStepExecutor
{
    public string Type => "canary-deploy";

    public async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var app = context.Application;
        var spec = (CanaryDeploySpec)context.Spec;
        if (spec.Policies.FirstOrDefault(n => app.FindPolicy(n) is null) is { } missing)
            return StepOutcome.Failed($"policy '{missing}' is not a policy of this application");
        if (spec.Components.FirstOrDefault(n => app.FindComponent(n) is null) is { } unknown)
            return StepOutcome.Failed($"component '{unknown}' is not a component of this application");
        var deployments = run.DeploymentsOf(context);
        StepOutcome? pending = null;
        foreach (var deployment in deployments)
        foreach (var rendered in deployment.Components)
        {
            var outcome = await ComponentDelivery.ApplyAndCheckAsync(run, rendered, deployment.Placement.Cluster, cancellationToken, context.State).ConfigureAwait(false);
            if (outcome is { Phase: StepPhase.Failed }) return outcome;
            pending = ComponentDelivery.MoreUrgent(pending, outcome);
        }
        if (pending is not null) return pending;
        var at = deployments.SelectMany(d => d.Components).Select(c => run.Record.Components.FirstOrDefault(r => r.Name == c.Name)?.Release)
            .OfType<ReleaseState>().Where(r => r.Active).Select(r => r.Weight).FirstOrDefault();
        return StepOutcome.Succeeded(at is { } w ? $"canary at {w}%" : $"deployed with weight {spec.Weight}");
    }
}
