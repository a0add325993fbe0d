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
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How deep applications may bring in applications (clusters/apps.yaml -> apps/my-app.yaml is depth 1).</summary>
    public int MaxDepth { get; init; } = 5;

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
    private readonly ComponentSources _sources = new(sources, builder, output);

    public async Task<IReadOnlyList<ReconcileItem>> RunAsync(IEnumerable<Application> roots, ReconcileOptions options, CancellationToken cancellationToken)
    {
        var results = new List<ReconcileItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<(Application App, string? Parent, string? Source, int Depth)>(roots.Select(a => (a, (string?)null, RecordedRoot.SourceOf(a), 0)));
        while (queue.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (app, parent, source, depth) = queue.Dequeue();
            if (!seen.Add($"{app.Namespace}/{app.Name}"))
            {
                results.Add(new ReconcileItem(app, parent, null, [Problem(app, ErrorIds.Reconcile.ApplicationDuplicate,
                    $"application {app.Namespace}/{app.Name} is delivered by more than one source; this copy is ignored", ProblemCategory.InvalidData)], []));
                continue;
            }
            _output.Progress("Reconcile", $"{app.Namespace}/{app.Name}", -1);
            var item = await ReconcileOneAsync(app, parent, source, options, cancellationToken).ConfigureAwait(false);
            results.Add(item.Item);
            foreach (var (child, childSource) in item.Children)
            {
                if (depth + 1 > options.MaxDepth)
                {
                    results.Add(new ReconcileItem(child, app.Name, null, [Problem(child, ErrorIds.Reconcile.ApplicationTooDeep,
                        $"applications bring in applications more than {options.MaxDepth} levels deep; stopping here", ProblemCategory.InvalidData)], []));
                    continue;
                }
                queue.Enqueue((child, app.Name, childSource, depth + 1));
            }
        }
        _output.Progress("Reconcile", "done", 100);
        return results;
    }

    private async Task<(ReconcileItem Item, List<(Application, string)> Children)> ReconcileOneAsync(
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
        }

        // A source that failed leaves the application as it is: delivering without its objects would prune them.
        if (problems.Any(p => p.Component is not null && app.FindComponent(p.Component)?.Type == "kustomize"))
            return (new ReconcileItem(app, parent, null, problems, synced), children);

        var delivery1 = await delivery.DeliverAsync(app, new DeliveryOptions
        {
            Wait = options.Wait,
            Force = options.Force,
            PollInterval = options.PollInterval,
            Source = source,
            Parent = parent,
            SourceObjects = objects.Count == 0 ? null : objects,
            SourceFailures = failures.Count == 0 ? null : failures,
            Root = parent is null && options.KeepRoots ? Keep(app) : null,
            InputsHash = inputs.Length == 0 ? null : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(inputs.ToString())), 0, 16),
        }, ct).ConfigureAwait(false);
        return (new ReconcileItem(app, parent, delivery1, problems, synced), children);
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
