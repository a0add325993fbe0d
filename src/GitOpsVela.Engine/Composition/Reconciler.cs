using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering.FluxComponents;
using GitOpsVela.Engine.Rendering.Kustomize;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Engine.Composition;


/// <summary>What one pass did for one application.</summary>
public sealed record ReconcileItem(
    Application Application,
    string? Parent,
    DeliveryResult? Delivery,
    IReadOnlyList<VelaProblem> Problems,
    IReadOnlyList<SyncedSource> Sources)
{
    public bool Succeeded => Problems.Count == 0 && (Delivery?.Problems.Count ?? 0) == 0;
}

public sealed record ReconcileOptions
{
    public bool Force { get; init; }
    public bool Wait { get; init; }

    /// <summary>With <see cref="Wait"/>: the first wait between polls; each further one is half as long again, up to <see cref="MaxPollInterval"/>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between polls with <see cref="Wait"/> (never shorter than <see cref="PollInterval"/>).</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many applications are delivered at once (each one's own steps keep their order). The default stays well inside
    /// what an API server's Priority and Fairness gives one client.
    /// </summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    public const int DefaultThrottleLimit = 16;

    /// <summary>How deep applications may bring in applications (clusters/apps.yaml -> apps/my-app.yaml is depth 1).</summary>
    public int MaxDepth { get; init; } = 5;

    /// <summary>The wait before poll <paramref name="poll"/> (1-based): <see cref="PollInterval"/>, then × 1.5 each time, capped.</summary>
    public TimeSpan PollDelay(int poll)
    {
        var max = MaxPollInterval < PollInterval ? PollInterval : MaxPollInterval;
        var ticks = PollInterval.Ticks * Math.Pow(1.5, Math.Max(0, poll - 1));
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>
    /// Keep each root's spec in its record (<see cref="RecordedRoot"/>), so a later pass can reconcile it from the cluster
    /// alone (<c>Invoke-VelaReconcile -Context</c> without <c>-Path</c>), as KubeVela keeps the Applications applied.
    /// </summary>
    public bool KeepRoots { get; init; } = true;
}

/// <summary>
/// One reconcile pass, the way KubeVela with Flux does it continuously: every root application is delivered; each of its
/// <c>kustomize</c> components has its repository synced (when due) and its path built; plain objects found there are
/// delivered as that component's objects, and KubeVela Applications found there are delivered as applications in their
/// own right, with the root as their parent (the spec's <c>infra</c> brings <c>mysql</c>, <c>apps</c> brings <c>my-app</c>).
/// A source that cannot be synced leaves its application (and what it brings) as it is, with the problem reported;
/// everything else still reconciles.
/// </summary>
internal sealed class Reconciler(ApplicationDelivery delivery, ISourceProvider sources, IManifestBuilder builder, IEngineOutput? output = null)
{
    private readonly IEngineOutput _output = output ?? NullEngineOutput.Instance;
    private readonly SemaphoreSlim _sourcesGate = new(1, 1);
    private readonly ComponentSources _sources = new(sources, builder, output);

    public async Task<IReadOnlyList<ReconcileItem>> RunAsync(IEnumerable<Application> roots, ReconcileOptions options, CancellationToken cancellationToken)
    {
        var results = new List<ReconcileItem?>();
        var delivered = new Dictionary<int, DeliveryOptions>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Level by level (the roots, then what they bring, ...), the applications of a level delivered side by side: they
        // are independent of each other, and each one's workflow keeps its own order.
        var level = roots.Select(a => (App: a, Parent: (string?)null, Source: RecordedRoot.SourceOf(a), Depth: 0)).ToList();
        while (level.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = new List<(int Slot, Application App, string? Parent, string? Source, int Depth)>();
            foreach (var (app, parent, source, depth) in level)
            {
                if (!seen.Add($"{app.Namespace}/{app.Name}"))
                {
                    results.Add(new ReconcileItem(app, parent, null, [Problem(app, ErrorIds.Reconcile.ApplicationDuplicate,
                        $"application {app.Namespace}/{app.Name} is delivered by more than one source; this copy is ignored", ProblemCategory.InvalidData)], []));
                    continue;
                }
                results.Add(null);
                batch.Add((results.Count - 1, app, parent, source, depth));
            }
            var done = await Bounded(batch, options.ThrottleLimit, b =>
            {
                _output.Progress("Reconcile", $"{b.App.Namespace}/{b.App.Name}", -1);
                return ReconcileOneAsync(b.App, b.Parent, b.Source, options, cancellationToken);
            }, cancellationToken).ConfigureAwait(false);
            level = [];
            for (var i = 0; i < batch.Count; i++)
            {
                var (slot, app, _, _, depth) = batch[i];
                var item = done[i];
                results[slot] = item.Item;
                if (item.Delivered is { } used) delivered[slot] = used;
                foreach (var (child, childSource) in item.Children)
                {
                    if (depth + 1 > options.MaxDepth)
                    {
                        results.Add(new ReconcileItem(child, app.Name, null, [Problem(child, ErrorIds.Reconcile.ApplicationTooDeep,
                            $"applications bring in applications more than {options.MaxDepth} levels deep; stopping here", ProblemCategory.InvalidData)], []));
                        continue;
                    }
                    level.Add((child, app.Name, childSource, depth + 1));
                }
            }
        }
        if (options.Wait) await WaitAsync(results, delivered, options, cancellationToken).ConfigureAwait(false);
        _output.Progress("Reconcile", "done", 100);
        return results.Select(r => r!).ToList();
    }

    /// <summary>
    /// -Wait: every workflow still waiting (for health, a timed suspend, a retry) is polled together — one pass over all of
    /// them per poll, live state read afresh once per poll (one LIST per kind and namespace, however many applications
    /// wait), the wait between polls growing from <see cref="ReconcileOptions.PollInterval"/> to its cap.
    /// </summary>
    private async Task WaitAsync(List<ReconcileItem?> results, Dictionary<int, DeliveryOptions> delivered, ReconcileOptions options, CancellationToken ct)
    {
        for (var poll = 1; ; poll++)
        {
            var waiting = delivered.Keys.Where(slot => results[slot]!.Delivery is { Problems.Count: 0, Workflow: { } w } && WorkflowRunner.NeedsAnotherPass(w))
                .Order().ToList();
            if (waiting.Count == 0) return;
            _output.Verbose($"{waiting.Count} application(s) still running their workflow; polling again in {options.PollDelay(poll).TotalSeconds:0.#} s");
            await Task.Delay(options.PollDelay(poll), ct).ConfigureAwait(false);
            delivery.BeginPass();
            var again = await Bounded(waiting, options.ThrottleLimit, slot =>
            {
                var item = results[slot]!;
                _output.Progress("Reconcile", $"{item.Application.Namespace}/{item.Application.Name} (poll {poll})", -1);
                return delivery.DeliverAsync(item.Application, delivered[slot], ct);
            }, ct).ConfigureAwait(false);
            for (var i = 0; i < waiting.Count; i++)
            {
                var item = results[waiting[i]]!;
                var before = item.Delivery!;
                var now = again[i];
                results[waiting[i]] = item with
                {
                    Delivery = now with
                    {
                        Pruned = [.. before.Pruned, .. now.Pruned],
                        StartedRevision = before.StartedRevision || now.StartedRevision,
                        RecordWritten = before.RecordWritten || now.RecordWritten,
                        Drift = [.. before.Drift, .. now.Drift],
                    },
                };
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> for every item, at most <paramref name="limit"/> at once; the results in the items' order.</summary>
    private static async Task<IReadOnlyList<TResult>> Bounded<TItem, TResult>(IReadOnlyList<TItem> items, int limit, Func<TItem, Task<TResult>> work, CancellationToken ct)
    {
        var results = new TResult[items.Count];
        if (items.Count == 0) return results;
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count)
            {
                ct.ThrowIfCancellationRequested();
                results[i] = await work(items[i]).ConfigureAwait(false);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Clamp(limit, 1, items.Count)).Select(_ => Task.Run(Worker, ct))).ConfigureAwait(false);
        return results;
    }

    private async Task<(ReconcileItem Item, List<(Application, string)> Children, DeliveryOptions? Delivered)> ReconcileOneAsync(
        Application app, string? parent, string? source, ReconcileOptions options, CancellationToken ct)
    {
        var problems = new List<VelaProblem>();
        var synced = new List<SyncedSource>();
        var children = new List<(Application, string)>();
        var objects = new Dictionary<string, IReadOnlyList<JsonObject>>(StringComparer.Ordinal);
        var inputs = new StringBuilder();

        var failures = new Dictionary<string, VelaProblem>(StringComparer.Ordinal);
        foreach (var component in app.Components.Where(c => c.Type == "kustomize"))
        {
            if (KustomizeSource.From(component.Properties).Suspend)
            {
                _output.Verbose($"{app}: component '{component.Name}' is suspended; its source is not synced");
                continue;
            }
            // Sources are synced and built one at a time: applications of one repository share its checkout.
            await _sourcesGate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var build = await _sources.BuildAsync(app, component, options.Force, ct).ConfigureAwait(false);
                synced.Add(build.Synced);
                inputs.Append(component.Name).Append('@').Append(build.Synced.Revision).Append(':');
                if (build.PathFailure is { } failure)
                {
                    // The source synced but the path cannot be built: the step that applies this component fails with why.
                    failures[component.Name] = failure;
                    inputs.Append("failed:").Append(failure.Message);
                    continue;
                }
                objects[component.Name] = build.Objects;
                foreach (var o in build.Objects) inputs.Append(o.ToJsonString());
                problems.AddRange(build.Problems);
                children.AddRange(build.Applications);
            }
            catch (VelaProblemException ex)
            {
                problems.Add(ex.Problem);
            }
            finally
            {
                _sourcesGate.Release();
            }
        }

        // A source that failed leaves the application as it is: delivering without its objects would prune them.
        if (problems.Any(p => p.Component is not null && app.FindComponent(p.Component)?.Type == "kustomize"))
            return (new ReconcileItem(app, parent, null, problems, synced), children, null);

        // One pass here; with -Wait, RunAsync polls every waiting application together afterwards.
        var deliveryOptions = new DeliveryOptions
        {
            Force = options.Force,
            PollInterval = options.PollInterval,
            Source = source,
            Parent = parent,
            SourceObjects = objects.Count == 0 ? null : objects,
            SourceFailures = failures.Count == 0 ? null : failures,
            Root = parent is null && options.KeepRoots ? Keep(app) : null,
            InputsHash = inputs.Length == 0 ? null : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(inputs.ToString())), 0, 16),
        };
        var delivered = await delivery.DeliverAsync(app, deliveryOptions, ct).ConfigureAwait(false);
        return (new ReconcileItem(app, parent, delivered, problems, synced), children, deliveryOptions);
    }

    /// <summary>The root's spec to keep in its record; a spec holding a credential is not kept (a warning says so).</summary>
    private RecordedRoot? Keep(Application app)
    {
        var root = RecordedRoot.Of(app, out var refused);
        if (refused is not null) _output.Warning($"{app}: {refused}");
        return root;
    }

    private static VelaProblem Problem(Application app, string id, string message, ProblemCategory category) =>
        new(id, category, message, app.Location, app.Name);
}
