using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution;

public sealed record DeliveryOptions
{
    /// <summary>Keep running passes until the workflow is done, failed, suspended for a person, or terminated.</summary>
    public bool Wait { get; init; }

    /// <summary>Take over fields other field managers own.</summary>
    public bool Force { get; init; }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Run the workflow again from the start (or from <see cref="RestartStep"/>) even though the spec did not change.</summary>
    public bool Restart { get; init; }

    public string? RestartStep { get; init; }

    /// <summary>Where the application came from (file, or repository URL@revision:path), kept in the record.</summary>
    public string? Source { get; init; }

    /// <summary>The application whose source brought this one in.</summary>
    public string? Parent { get; init; }

    /// <summary>Objects built from the synced sources of kustomize components, by component name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<JsonObject>>? SourceObjects { get; init; }

    /// <summary>
    /// Components whose source synced but whose <c>path</c> cannot be built (missing, outside the repository): the step
    /// that applies one fails with its problem (which names the source's URL, ref and path).
    /// </summary>
    public IReadOnlyDictionary<string, VelaProblem>? SourceFailures { get; init; }

    /// <summary>A root application's spec to keep in its record (reconciled again from the cluster); null keeps what the record has, unless <see cref="Parent"/> is set.</summary>
    public RecordedRoot? Root { get; init; }

    /// <summary>How many applications created by depends-on-app lead to this one (a bound against applications creating each other).</summary>
    public int Depth { get; init; }

    /// <summary>A hash of what the sources delivered (revision and built objects): a change starts a new revision like a spec change.</summary>
    public string? InputsHash { get; init; }
}

/// <summary>What delivering one application came to.</summary>
public sealed record DeliveryResult(
    Application Application,
    ApplicationRecord? Record,
    IReadOnlyList<VelaProblem> Problems,
    IReadOnlyList<InventoryEntry> Pruned,
    bool StartedRevision,
    bool RecordWritten)
{
    /// <summary>Objects of a finished revision found changed in the cluster and put back, with the fields that drifted.</summary>
    public IReadOnlyList<string> Drift { get; init; } = [];

    public WorkflowState? Workflow => Record?.Workflow;
}

/// <summary>
/// Delivers applications the way KubeVela's application controller does, one pass at a time and without a controller:
/// validate, compare the spec with the in-cluster record (a new spec starts a new revision and a fresh workflow; the
/// same spec resumes the workflow where it stopped), run the workflow's steps (applying components, waiting for health,
/// suspending, notifying), then collect the objects earlier revisions left behind. The record is saved after every
/// step transition; an unchanged, finished application only has its health refreshed, and the record is written only
/// when something in it changed.
/// </summary>
internal sealed class ApplicationDelivery
{
    private readonly IClusterGateway _gateway;
    private readonly IRecordStore _records;
    private readonly Func<DeliveryRun, IEnumerable<IStepExecutor>> _executors;
    private readonly TimeProvider _clock;
    private readonly IEngineOutput _output;
    private readonly DefinitionRegistry _registry;
    private readonly IClusterDefinitions? _definitions;

    /// <param name="definitions">Definitions installed in the cluster (read per application namespace), after the application's own.</param>
    public ApplicationDelivery(IClusterGateway gateway, IRecordStore records, Func<DeliveryRun, IEnumerable<IStepExecutor>>? extraExecutors = null,
        TimeProvider? clock = null, IEngineOutput? output = null, DefinitionRegistry? registry = null, IClusterDefinitions? definitions = null)
    {
        _gateway = gateway;
        _records = records;
        _clock = clock ?? TimeProvider.System;
        _output = output ?? NullEngineOutput.Instance;
        _registry = registry ?? DefinitionRegistry.BuiltIn;
        _definitions = definitions;
        _executors = run => StandardExecutors(run).Concat(extraExecutors?.Invoke(run) ?? []);
    }

    private static IEnumerable<IStepExecutor> StandardExecutors(DeliveryRun run) =>
    [
        new ApplyComponentStep(run), new DeployStep(run), new ApplyObjectStep(run), new ReadObjectStep(run), new DependsOnAppStep(run),
        new SuspendStep(), new PrintMessageStep(), new CanaryDeployStep(run), new ApplyTerraformConfigStep(run), new ApplyTerraformProviderStep(run),
    ];

    /// <summary>
    /// Plans the application's release against its record: validation, the revision it would be, where each step puts
    /// what and what it renders to. Nothing is written. Both <see cref="DeliverAsync"/> and <see cref="PreviewAsync"/> start here.
    /// </summary>
    private async Task<(ReleasePlan? Plan, ApplicationRecord? Record, string Hash, IReadOnlyList<VelaProblem> Problems)> PlanReleaseAsync(
        Application app, IReadOnlyDictionary<string, IReadOnlyList<JsonObject>>? sourceObjects, string? inputsHash, CancellationToken ct)
    {
        DefinitionRegistry registry;
        try
        {
            registry = await RegistryForAsync(app, ct).ConfigureAwait(false);
        }
        catch (VelaProblemException ex)
        {
            return (null, null, "", [ex.Problem with { Application = ex.Problem.Application ?? app.Name }]);
        }
        var problems = ReleasePlanner.Validate(app, registry);
        if (problems.Count > 0) return (null, null, "", problems);
        ApplicationRecord? existing;
        try
        {
            existing = await _records.LoadAsync(app.Namespace, app.Name, ct).ConfigureAwait(false);
        }
        catch (VelaProblemException ex)
        {
            return (null, null, "", [ex.Problem with { Application = ex.Problem.Application ?? app.Name }]);
        }
        var hash = ApplicationRecord.ComputeSpecHash(app);
        if (inputsHash is { } inputs) hash = ApplicationRecord.CombineHash(hash, inputs);
        if (registry.Fingerprint is { } definitions) hash = ApplicationRecord.CombineHash(hash, definitions);
        // The revision the run will be at: the recorded one for the same spec, the next one for a new spec.
        var revision = existing is null ? 1 : existing.SpecHash == hash ? Math.Max(existing.Revision, 1) : existing.Revision + 1;
        var context = new ReleaseContext
        {
            LocalCluster = _gateway.LocalCluster,
            Clusters = _gateway.Clusters,
            Revision = revision,
            SourceObjects = sourceObjects,
            Registry = registry,
            Validated = true,
        };
        // Kinds written in the version the target cluster serves (Flux's): ask each cluster the app deploys to.
        if (ReleasePlanner.VersionedKinds(app, registry) is { Count: > 0 } kinds)
        {
            var served = new Dictionary<string, ServedApiVersions>(StringComparer.Ordinal);
            foreach (var cluster in ReleasePlanner.Clusters(app, context))
                served[cluster] = await _gateway.ServedVersionsAsync(cluster, kinds, ct).ConfigureAwait(false);
            context = context with { ServedVersions = c => served.GetValueOrDefault(c) ?? ServedApiVersions.Unknown };
        }
        var plan = ReleasePlanner.Plan(app, context);
        foreach (var note in plan.DefinitionNotes)
        {
            if (note.Warning) _output.Warning($"{app}: {note.Message}");
            else _output.Verbose($"{app}: {note.Message}");
        }
        return (plan, existing, hash, plan.Problems);
    }

    /// <summary>The application's types: the built-ins, its repository's definitions, then the cluster's (its namespace, then vela-system).</summary>
    private async Task<DefinitionRegistry> RegistryForAsync(Application app, CancellationToken ct)
    {
        var cluster = _definitions is null ? DefinitionCatalogue.Empty : await _definitions.ReadAsync(app.Namespace, ct).ConfigureAwait(false);
        return (cluster.IsEmpty ? _registry : _registry.WithCluster(cluster)).For(app);
    }

    /// <summary>Starts a new pass: live state, records and namespaces are read afresh (between the polls of a waiting run).</summary>
    public void BeginPass() => _gateway.BeginPass();

    /// <summary>What delivering would change, per object (server-side dry run): the same plan the real run uses.</summary>
    public async Task<DeliveryPlan> PreviewAsync(Application app, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, IReadOnlyList<JsonObject>>? sourceObjects = null)
    {
        var (plan, existing, _, problems) = await PlanReleaseAsync(app, sourceObjects, null, cancellationToken).ConfigureAwait(false);
        if (plan is null || problems.Count > 0) return new DeliveryPlan([], problems);
        var recorded = existing is null ? [] : existing.Inventory.Concat(existing.PreviousInventory).ToList();
        // Releases: what their next pass applies, keeps and removes, not the rendered objects as such.
        var releases = await ReleaseDelivery.PreviewAsync(plan, existing, _gateway, _clock, cancellationToken).ConfigureAwait(false);
        var kept = releases.Kept.Select(k => k.Key).ToHashSet(StringComparer.Ordinal);
        var preview = await DeliveryPreview.DiffAsync(releases.Plan, _gateway, recorded.Where(e => !kept.Contains(e.Key)).ToList(), cancellationToken).ConfigureAwait(false);
        var unchanged = releases.Kept.Select(k => new ObjectChange(ChangeAction.Unchanged, k.Cluster, k.ApiVersion, k.Kind, k.Namespace, k.Name, app.Name, k.Component, []));
        return preview with { Changes = [.. preview.Changes, .. unchanged], Releases = releases.Notes };
    }

    public async Task<DeliveryResult> DeliverAsync(Application app, DeliveryOptions options, CancellationToken cancellationToken)
    {
        var (release, existing, hash, problems) = await PlanReleaseAsync(app, options.SourceObjects, options.InputsHash, cancellationToken).ConfigureAwait(false);
        if (release is null || problems.Count > 0) return new DeliveryResult(app, null, problems, [], false, false);
        try
        {
            await _gateway.EnsureNamespaceAsync(_gateway.LocalCluster, app.Namespace, cancellationToken).ConfigureAwait(false);
        }
        catch (VelaProblemException ex)
        {
            return new DeliveryResult(app, null, [ex.Problem with { Application = ex.Problem.Application ?? app.Name }], [], false, false);
        }

        var now = _clock.GetUtcNow();
        var record = existing ?? new ApplicationRecord { Name = app.Name, Namespace = app.Namespace, CreatedTime = now, UpdatedTime = now };
        var saver = new RecordSaver(record, _records, _clock, existing is null ? null : RecordSaver.Snapshot(existing));
        var plan = release.Workflow;
        var started = false;
        record.Source = options.Source ?? record.Source;
        record.Parent = options.Parent ?? record.Parent;
        // A root applied again keeps its spec; an application a source brings in is brought by that source, not kept.
        if (options.Root is { } root)
        {
            record.Root = root;
            record.Parent = null;
        }
        else if (options.Parent is not null) record.Root = null;

        if (record.SpecHash == hash && record.Workflow is null)
        {
            // Restarted from the record alone (Restart-VelaWorkflow without the spec): same revision, fresh run.
            started = true;
            record.Workflow = WorkflowState.Start(plan, hash, now);
        }
        else if (record.SpecHash != hash || record.Workflow is null)
        {
            started = true;
            record.Revision++;
            foreach (var entry in record.Inventory)
                if (record.PreviousInventory.All(e => e.Key != entry.Key)) record.PreviousInventory.Add(entry);
            record.Inventory = [];
            record.SpecHash = hash;
            record.Workflow = WorkflowState.Start(plan, hash, now);
            record.Components = record.Components.Where(c => app.FindComponent(c.Name) is not null).ToList();
            _output.Verbose($"{app}: revision {record.RevisionName} starts its workflow");
        }
        else if (options.Restart)
        {
            started = true;
            try
            {
                WorkflowControl.Restart(record, options.RestartStep, now);
            }
            catch (VelaProblemException ex)
            {
                return new DeliveryResult(app, record, [ex.Problem], [], false, false);
            }
            _output.Verbose($"{app}: workflow restarted{(options.RestartStep is null ? "" : $" from step '{options.RestartStep}'")}");
        }

        var run = new DeliveryRun
        {
            Application = app,
            Record = record,
            Gateway = _gateway,
            Records = _records,
            Force = options.Force,
            Output = _output,
            Plan = release,
            Clock = _clock,
            SourceFailures = options.SourceFailures,
            DeliverApplication = async (other, source, root, depth, ct) =>
            {
                var result = await DeliverAsync(other, new DeliveryOptions { Source = source, Root = root, Depth = depth }, ct).ConfigureAwait(false);
                return (result.Record, result.Problems);
            },
            Depth = options.Depth,
        };
        var pruned = new List<InventoryEntry>();
        var drift = new List<string>();
        try
        {
            if (record.Workflow!.Finished && !started)
            {
                await ReleaseDelivery.SettleAsync(run, cancellationToken).ConfigureAwait(false);
                if (record.Workflow.Phase is ApplicationPhase.Running or ApplicationPhase.Unhealthy)
                    drift.AddRange(await KeepStateAsync(run, cancellationToken).ConfigureAwait(false));
                await RecordHealth.RefreshAsync(_gateway, record, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var store = new RecordStateStore(record, saver, _output);
                var runner = new WorkflowRunner(_executors(run), store, _clock, _output);
                while (true)
                {
                    await runner.RunPassAsync(app, plan, record.Workflow, cancellationToken).ConfigureAwait(false);
                    ReportProgress(app, record.Workflow);
                    if (!options.Wait || !WorkflowRunner.NeedsAnotherPass(record.Workflow)) break;
                    await store.FlushAsync(app, cancellationToken).ConfigureAwait(false);
                    await Task.Delay(options.PollInterval, _clock, cancellationToken).ConfigureAwait(false);
                    _gateway.BeginPass();
                }
                // A terminated or failed workflow leaves no release half done: traffic back to the stable version.
                await ReleaseDelivery.SettleAsync(run, cancellationToken).ConfigureAwait(false);
                if (record.Workflow.Finished && record.Workflow.Phase == ApplicationPhase.Running)
                {
                    pruned.AddRange(await CollectGarbageAsync(app, record, cancellationToken).ConfigureAwait(false));
                    record.Healthy = record.Components.All(c => c.Healthy != false);
                    record.Phase = record.Healthy == true ? ApplicationPhase.Running : ApplicationPhase.Unhealthy;
                }
            }
        }
        catch (VelaProblemException ex)
        {
            problems = [ex.Problem with { Application = ex.Problem.Application ?? app.Name }];
        }

        try
        {
            await saver.SaveIfChangedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (VelaProblemException ex)
        {
            problems = [.. problems, ex.Problem with { Application = ex.Problem.Application ?? app.Name }];
        }
        // A failed workflow is an error of this pass, not only a phase: scheduled tasks and pipelines must see it.
        if (record.Workflow is { Phase: ApplicationPhase.WorkflowFailed } failed && problems.All(p => p.Id != ErrorIds.Workflow.Failed))
        {
            var step = failed.AllSteps().FirstOrDefault(s => s.Phase == StepPhase.Failed);
            // A step failed by its component's source path: the problem is where that path is written.
            var source = step?.Reason == "Source" ? options.SourceFailures?.Values.FirstOrDefault(f => step.Message?.Contains(f.Message, StringComparison.Ordinal) == true) : null;
            problems = [.. problems, new VelaProblem(ErrorIds.Workflow.Failed, ProblemCategory.InvalidOperation,
                $"the workflow of revision {record.RevisionName} failed" + (step is null ? "" : $" at step '{step.Name}'{(step.Reason is { } r ? $" ({r})" : "")}: {step.Message}"),
                source?.Location ?? app.Location, app.Name, source?.Component, source?.Property)];
        }
        return new DeliveryResult(app, record, problems, pruned, started, saver.Writes > 0) { Drift = drift };
    }

    /// <summary>
    /// KubeVela's state keep: a finished, successful revision's objects are applied again whenever the cluster no longer
    /// holds them as rendered (changed by hand, scaled, deleted), so the spec wins; objects as rendered are not written.
    /// Fields an apply-once rule leaves to others stay as they are; <c>apply-once</c> with no rules turns it off.
    /// Returns what drifted, and fails on what could not be put back (a field another manager owns: take it over).
    /// </summary>
    private async Task<IReadOnlyList<string>> KeepStateAsync(DeliveryRun run, CancellationToken ct)
    {
        var app = run.Application;
        var applyOnce = app.PoliciesOf<ApplyOnceSpec>().FirstOrDefault();
        if (applyOnce is { Enable: true, Rules.Count: 0 }) return [];
        var drift = new List<string>();
        var problems = new List<VelaProblem>();
        foreach (var deployment in run.Plan.Deployments)
        foreach (var component in deployment.Components.Where(c => c.Succeeded))
        {
            var outcome = await ComponentDelivery.ApplyAsync(run, component, deployment.Placement.Cluster, ApplyStage.StateKeep, ct).ConfigureAwait(false);
            problems.AddRange(outcome.Problems);
            foreach (var o in outcome.Objects.Where(o => o.Action is ApplyAction.Created or ApplyAction.Configured))
            {
                var what = $"{o.Manifest.Kind}/{o.Manifest.Name}{(deployment.Placement.Cluster == _gateway.LocalCluster ? "" : " @" + deployment.Placement.Cluster)}";
                var change = o.Action == ApplyAction.Created ? $"{what} was missing and is created again" : $"{what}: {o.Message ?? "changed in the cluster; applied again"}";
                drift.Add(change);
                _output.Warning($"{app}: {change}");
            }
        }
        if (problems.Count > 0) throw new VelaProblemException(problems[0] with { Application = problems[0].Application ?? app.Name });
        return drift;
    }

    /// <summary>Progress per step (Write-Progress in the cmdlets, and the same milestone as verbose text).</summary>
    private void ReportProgress(Application app, WorkflowState state)
    {
        var steps = state.AllSteps().ToList();
        var done = steps.Count(s => s.IsFinished);
        var current = steps.FirstOrDefault(s => s.Phase is StepPhase.Running or StepPhase.Suspending);
        var status = current is null
            ? $"{done}/{steps.Count} steps finished; {state.Phase.ToKubeVela()}"
            : $"{done}/{steps.Count} steps finished; {current.Name}: {current.Phase.ToKubeVela()}{(current.Message is null ? "" : " — " + current.Message)}";
        _output.Progress($"Workflow {app.Namespace}/{app.Name}", status, state.Finished ? 100 : steps.Count == 0 ? 0 : done * 100 / steps.Count);
    }

    /// <summary>
    /// Deletes what earlier revisions applied and this one did not, honouring the <c>garbage-collect</c> policy
    /// (<c>keepLegacyResource</c>, rules with strategy <c>never</c>/<c>onAppDelete</c> keep matching objects until the
    /// application is removed).
    /// </summary>
    private async Task<IReadOnlyList<InventoryEntry>> CollectGarbageAsync(Application app, ApplicationRecord record, CancellationToken ct)
    {
        var current = record.Inventory.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var candidates = record.PreviousInventory.Where(e => !current.Contains(e.Key)).ToList();
        var gc = GarbageCollection.For(app);
        var pruned = new List<InventoryEntry>();
        var kept = new List<InventoryEntry>();
        foreach (var entry in candidates)
        {
            if (gc.KeepOnUpdate(entry))
            {
                kept.Add(entry);
                continue;
            }
            if (await _gateway.DeleteAsync(entry, app.Name, app.Namespace, ct).ConfigureAwait(false))
            {
                pruned.Add(entry);
                _output.Verbose($"{app}: deleted {entry} (no longer part of the application)");
            }
        }
        // Kept objects stay listed so Remove-VelaApplication can still delete them on onAppDelete.
        record.PreviousInventory = kept.Where(e => gc.DeleteOnAppDelete(e)).ToList();
        return pruned;
    }

    /// <summary>Removes an application: deletes what its record lists (except what garbage-collect rules keep) and the record.</summary>
    public async Task<(ApplicationRecord? Record, IReadOnlyList<InventoryEntry> Deleted)> RemoveAsync(string @namespace, string name, Application? app, bool whatIf, CancellationToken ct)
    {
        var record = await _records.LoadAsync(@namespace, name, ct).ConfigureAwait(false);
        if (record is null) return (null, []);
        var gc = app is null ? null : GarbageCollection.For(app);
        var targets = record.Inventory.Concat(record.PreviousInventory).DistinctBy(e => e.Key)
            .Where(e => gc is null || gc.DeleteOnAppDelete(e)).ToList();
        if (whatIf) return (record, targets);
        var deleted = new List<InventoryEntry>();
        // Delete in reverse apply order: workloads before their namespaces and CRDs.
        foreach (var entry in targets.OrderByDescending(e => KnownKinds.ApplyOrder(e.ApiVersion, e.Kind)))
            if (await _gateway.DeleteAsync(entry, name, @namespace, ct).ConfigureAwait(false)) deleted.Add(entry);
        await _records.DeleteAsync(@namespace, name, ct).ConfigureAwait(false);
        return (record, deleted);
    }

    /// <summary>
    /// Keeps the workflow state in the application record: every step transition is taken into the record at once, and
    /// written before the next step acts (<see cref="BeforeStepAsync"/>), between the polls of a waiting run, and at the
    /// end of the pass — so a one-step workflow writes its record once per pass, and the stored record never claims a
    /// step that did not finish.
    /// </summary>
    /// <remarks>
    /// A save that fails transiently (the API server went away) does not stop the run: the state stays in memory, the
    /// next save writes it, and until then the stored record still shows the last state it held.
    /// </remarks>
    private sealed class RecordStateStore(ApplicationRecord record, RecordSaver saver, IEngineOutput output) : IWorkflowStateStore
    {
        private bool _warned;
        private int _transitions;

        public Task SaveAsync(Application application, WorkflowState state, CancellationToken cancellationToken)
        {
            lock (record)
            {
                record.Workflow = state;
                record.Phase = state.Phase;
                record.Message = state.Message;
                if (state.Phase == ApplicationPhase.WorkflowFailed) record.Healthy = false;
                _transitions++;
            }
            return Task.CompletedTask;
        }

        public Task BeforeStepAsync(Application application, CancellationToken cancellationToken) =>
            Volatile.Read(ref _transitions) == 0 ? Task.CompletedTask : FlushAsync(application, cancellationToken);

        public async Task FlushAsync(Application application, CancellationToken cancellationToken)
        {
            try
            {
                await saver.SaveIfChangedAsync(cancellationToken).ConfigureAwait(false);
                _warned = false;
            }
            catch (VelaProblemException ex) when (ex.Problem.Transient || ex.Problem.Category is ProblemCategory.ConnectionError or ProblemCategory.OperationTimeout)
            {
                if (!_warned) output.Warning($"{application}: the record could not be saved, it is saved once the cluster answers: {ex.Problem.Message}");
                _warned = true;
            }
        }
    }

    /// <summary>
    /// Writes the record only when its content changed since it was read or last written (a no-op pass writes nothing).
    /// Steps of a DAG finish concurrently: saves are serialized, and the record is read under the lock the steps write it under.
    /// </summary>
    private sealed class RecordSaver(ApplicationRecord record, IRecordStore records, TimeProvider clock, string? last)
    {
        private readonly SemaphoreSlim _saving = new(1, 1);

        public int Writes { get; private set; }

        public static string Snapshot(ApplicationRecord record)
        {
            lock (record)
            {
                var updated = record.UpdatedTime;
                record.UpdatedTime = default;
                try
                {
                    return record.ToJson();
                }
                finally
                {
                    record.UpdatedTime = updated;
                }
            }
        }

        public async Task SaveIfChangedAsync(CancellationToken ct)
        {
            await _saving.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var now = Snapshot(record);
                if (now == last) return;
                lock (record) record.UpdatedTime = clock.GetUtcNow();
                await records.SaveAsync(record, ct).ConfigureAwait(false);
                last = now;
                Writes++;
            }
            finally
            {
                _saving.Release();
            }
        }
    }
}

/// <summary>
/// KubeVela's <c>garbage-collect</c> policy (vela-templates/definitions/internal/policy/garbage-collect.cue) applied to an
/// application's inventory: what leaves on an update and what stays until the application is deleted.
/// </summary>
internal sealed class GarbageCollection(Application app, GarbageCollectSpec? spec)
{
    public static GarbageCollection For(Application app) => new(app, app.PoliciesOf<GarbageCollectSpec>().FirstOrDefault());

    /// <summary>True when an object that left the application must stay (keepLegacyResource, or a never/onAppDelete rule).</summary>
    public bool KeepOnUpdate(InventoryEntry entry) =>
        spec is { KeepLegacyResource: true } || Strategy(entry) is GarbageCollectStrategy.Never or GarbageCollectStrategy.OnAppDelete || NoPrune(entry);

    /// <summary>A kustomize component with <c>prune: false</c> leaves objects that left its path in place (as Flux does).</summary>
    private bool NoPrune(InventoryEntry entry) =>
        app.FindComponent(entry.Component) is { Type: "kustomize" } c && c.Properties["prune"] is JsonValue v && v.TryGetValue<bool>(out var prune) && !prune;

    public bool DeleteOnAppDelete(InventoryEntry entry) => Strategy(entry) != GarbageCollectStrategy.Never;

    private GarbageCollectStrategy Strategy(InventoryEntry entry) =>
        spec?.StrategyFor(new ResourceIdentity(entry.Component, app.FindComponent(entry.Component)?.Type, entry.Trait, entry.Kind, entry.Name))
        ?? GarbageCollectStrategy.OnAppUpdate;
}
