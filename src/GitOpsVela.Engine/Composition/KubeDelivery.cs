using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Health;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Rendering.Kustomize;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Composition;

/// <summary>
/// The composition root for delivering to real clusters: kubeconfig contexts become clusters (the chosen one is
/// KubeVela's <c>local</c>), labelled from the clusters file, and the cluster layer (server-side applier, health
/// reader, record store, garbage collector, planner) serves the delivery layer through <see cref="IClusterGateway"/>.
/// </summary>
public static class KubeDelivery
{
    /// <summary>Environment variable naming the clusters file (context labels for topology <c>clusterLabelSelector</c>).</summary>
    public const string ClustersFileVariable = "GITOPSVELA_CLUSTERS";

    /// <summary>Context names of the kubeconfig, without contacting any cluster (for -Context completion).</summary>
    public static IReadOnlyList<string> ListContexts(string? kubeconfig) => Kubeconfig.ListContexts(kubeconfig).Select(c => c.Name).ToList();

    public static DeliveryTarget Open(string? kubeconfig, string? context, IEngineOutput output, TimeSpan? timeout = null)
    {
        var contexts = Kubeconfig.ListContexts(kubeconfig);
        var chosen = context ?? contexts.FirstOrDefault(c => c.IsCurrent)?.Name;
        var sessions = new ClusterSessions(kubeconfig, context, output, timeout);
        // Connect now so a wrong context or kubeconfig fails here, once, with its own message.
        sessions.Get(ClusterSessions.Local);
        var labels = ClusterLabels.Load(kubeconfig);
        var clusters = contexts.Select(c => new ClusterInfo(c.Name, labels.GetValueOrDefault(c.Name) ?? new Dictionary<string, string>())).ToList();
        return new DeliveryTarget(chosen ?? ClusterSessions.Local, new KubeClusterGateway(sessions, clusters, output));
    }
}

/// <summary>
/// The clusters file: labels per kubeconfig context for topology <c>clusterLabelSelector</c>. Found at
/// <c>$GITOPSVELA_CLUSTERS</c>, else <c>clusters.yaml</c> beside the kubeconfig (<c>~/.kube/gitopsvela-clusters.yaml</c>).
/// <code>
/// clusters:
///   - name: prod-east        # a kubeconfig context
///     labels: {env: prod, region: east}
/// </code>
/// </summary>
internal static class ClusterLabels
{
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Load(string? kubeconfig)
    {
        var path = Environment.GetEnvironmentVariable(KubeDelivery.ClustersFileVariable);
        if (string.IsNullOrEmpty(path))
        {
            var dir = kubeconfig is not null ? Path.GetDirectoryName(Path.GetFullPath(kubeconfig))
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube");
            path = dir is null ? null : Path.Combine(dir, "gitopsvela-clusters.yaml");
        }
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (path is null || !File.Exists(path)) return result;
        var docs = YamlReader.Read(File.ReadAllText(path), path);
        foreach (var doc in docs)
        {
            if (doc.Root is not YamlMapping root || root["clusters"] is not YamlSequence list) continue;
            foreach (var item in list.Items.OfType<YamlMapping>())
            {
                var name = item.GetString("name");
                if (name is null) throw new VelaProblemException(new VelaProblem(ErrorIds.Plan.ClustersFileInvalid, ProblemCategory.InvalidData,
                    "each cluster needs a name (a kubeconfig context)", item.Location));
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                if (item["labels"] is YamlMapping map)
                    foreach (var (k, v) in map.Entries) labels[k.Value] = (v as YamlScalar)?.Value ?? "";
                result[name] = labels;
            }
        }
        return result;
    }
}

/// <summary>
/// An open connection to the clusters of one run: everything the cmdlets do to a cluster goes through here (deliver,
/// preview, status, workflow control, removal, reconcile passes), so they stay thin and the engine keeps its parts to itself.
/// </summary>
public sealed class DeliveryTarget : IDisposable
{
    internal DeliveryTarget(string context, KubeClusterGateway gateway)
    {
        Context = context;
        Gateway = gateway;
    }

    /// <summary>The kubeconfig context in use (KubeVela's <c>local</c> cluster).</summary>
    public string Context { get; }

    internal KubeClusterGateway Gateway { get; }

    internal ApplicationDelivery CreateDelivery(IEngineOutput output, HttpClient? http = null) =>
        new(Gateway, Gateway, run => HttpSteps(http ?? SharedHttp, Gateway, SentLog), output: output, definitions: Gateway.Definitions);

    /// <summary>
    /// Test-VelaApplication and ConvertTo-VelaManifest with -Context: the offline check, with the definitions installed in
    /// this cluster (the application's namespace, then vela-system) after the application's own.
    /// </summary>
    public async Task<OfflineCheckResult> CheckAsync(Application app, string? targetNamespace, CancellationToken ct) =>
        OfflineCheck.Check(app, targetNamespace, await Gateway.Definitions.ReadAsync(app.Namespace, ct).ConfigureAwait(false));

    /// <summary>Notifications already sent, per kubeconfig context (records live per cluster, so do their runs).</summary>
    private FileSentLog SentLog => new(Path.Combine(FileSentLog.DefaultRoot,
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Gateway.LocalClient.Server + "|" + Context)))[..16]));

    /// <summary>Delivers one application: plans its release, runs its workflow (one pass, or until done with <see cref="DeliveryOptions.Wait"/>), records it.</summary>
    public Task<DeliveryResult> DeliverAsync(Application app, DeliveryOptions options, IEngineOutput output, CancellationToken ct) =>
        CreateDelivery(output).DeliverAsync(app, options, ct);

    /// <summary>What delivering would change (Compare-VelaApplication, -WhatIf): the plan the real run would make.</summary>
    public Task<DeliveryPlan> PlanAsync(Application app, CancellationToken ct) => CreateDelivery(NullEngineOutput.Instance).PreviewAsync(app, ct);

    /// <summary>The records of delivered applications with their live health (<c>vela ls</c>).</summary>
    public Task<IReadOnlyList<ApplicationRecord>> ReadStatusAsync(string? @namespace, CancellationToken ct) =>
        new Status.ApplicationStatusReader(Gateway, Gateway).ReadAsync(@namespace, ct);

    /// <summary>The records of delivered applications alone, without live health (what completers list: names, namespaces, steps).</summary>
    public Task<IReadOnlyList<ApplicationRecord>> ListRecordsAsync(string? @namespace, CancellationToken ct) => Gateway.ListAsync(@namespace, ct);

    /// <summary>One application's record, or null when it has not been delivered here.</summary>
    public Task<ApplicationRecord?> LoadRecordAsync(string @namespace, string name, CancellationToken ct) => Gateway.LoadAsync(@namespace, name, ct);

    /// <summary>Writes a record changed by workflow control (resume, terminate, restart).</summary>
    public Task SaveRecordAsync(ApplicationRecord record, CancellationToken ct) => Gateway.SaveAsync(record, ct);

    /// <summary>Deletes what the record lists (garbage-collect rules of <paramref name="app"/> honoured) and the record; with <paramref name="whatIf"/>, only lists it.</summary>
    public Task<(ApplicationRecord? Record, IReadOnlyList<InventoryEntry> Deleted)> RemoveAsync(string @namespace, string name, Application? app, bool whatIf,
        IEngineOutput output, CancellationToken ct) => CreateDelivery(output).RemoveAsync(@namespace, name, app, whatIf, ct);

    /// <summary>One key of a Secret in the local cluster (registry and git credentials); the value is never logged.</summary>
    public Task<string> ReadSecretAsync(string @namespace, string name, string key, CancellationToken ct) => Gateway.ReadAsync(@namespace, name, key, ct);

    /// <summary>Creates the namespace on the local cluster when it does not exist.</summary>
    public Task EnsureNamespaceAsync(string @namespace, CancellationToken ct) => Gateway.EnsureNamespaceAsync(Gateway.LocalCluster, @namespace, ct);

    /// <summary>Runs reconcile passes on this cluster while holding the lease that makes runners take turns.</summary>
    public ReconcileRunner Runner(LeaseOptions lease, IEngineOutput output) => new(new ReconcileLease(Gateway.LocalClient, lease), output);

    /// <summary>One reconcile pass over <paramref name="roots"/>: git sources through <paramref name="cache"/>, kustomize built in-process, live state read afresh.</summary>
    public Task<IReadOnlyList<ReconcileItem>> ReconcileAsync(IEnumerable<Application> roots, ReconcileOptions options, GitSourceCache cache,
        GitCredentials? credentials, string? tokenVariable, IEngineOutput output, CancellationToken ct)
    {
        Gateway.BeginPass();
        return CreateReconciler(output, cache, credentials, tokenVariable).RunAsync(roots, options, ct);
    }

    /// <summary>
    /// Invoke-VelaWorkflow: delivers one root application and keeps its spec in its record (so a later
    /// <see cref="RecordedRootsAsync"/> pass reconciles it again). An application with <c>kustomize</c> components takes the
    /// same path as a reconcile pass: each source synced through <paramref name="cache"/> and its path built and applied,
    /// the applications the path holds delivered after it (its children, as KubeVela delivers the Applications Flux applies).
    /// </summary>
    public async Task<IReadOnlyList<ReconcileItem>> DeliverRootAsync(Application app, DeliveryOptions options, Func<GitSourceCache> cache,
        IEngineOutput output, CancellationToken ct)
    {
        if (app.Components.Any(c => c.Type == "kustomize"))
        {
            Gateway.BeginPass();
            return await CreateReconciler(output, cache(), null, null).RunAsync([app],
                new ReconcileOptions { Force = options.Force, Wait = options.Wait, PollInterval = options.PollInterval }, ct).ConfigureAwait(false);
        }
        var root = RecordedRoot.Of(app, out var refused);
        if (refused is not null) output.Warning($"{app}: {refused}");
        var result = await CreateDelivery(output).DeliverAsync(app, options with { Root = root }, ct).ConfigureAwait(false);
        return [new ReconcileItem(app, null, result, [], [])];
    }

    /// <summary>
    /// The roots applied on this cluster (records that keep a spec, <see cref="ApplicationRecord.Root"/>), read back for a
    /// reconcile pass without files; a kept spec that no longer reads is a problem at its record.
    /// </summary>
    public async Task<(IReadOnlyList<Application> Roots, IReadOnlyList<VelaProblem> Problems)> RecordedRootsAsync(string? @namespace, CancellationToken ct)
    {
        var roots = new List<Application>();
        var problems = new List<VelaProblem>();
        foreach (var record in (await Gateway.ListAsync(@namespace, ct).ConfigureAwait(false))
                     .Where(r => r.Root is not null).OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal))
        {
            var load = RecordedRoot.Load(record);
            problems.AddRange(load.Problems.Select(p => p with { Application = p.Application ?? record.Name }));
            roots.AddRange(load.Applications);
        }
        return (roots, problems);
    }

    internal Reconciler CreateReconciler(IEngineOutput output, GitSourceCache cache, GitCredentials? credentials, string? tokenVariable) =>
        new(CreateDelivery(output), new GitSourceProvider(cache, Gateway, credentials, tokenVariable), new KustomizeBuilder(), output);

    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static IEnumerable<IStepExecutor> HttpSteps(HttpClient http, KubeClusterGateway secrets, ISentLog sent) =>
    [
        new WebhookStep(http, secrets, sent),
        new NotificationStep(http, secrets, sent: sent),
        new NotificationStep(http, secrets, "webhook-notification", sent),
        new RequestStep(http),
    ];

    public void Dispose() => Gateway.Dispose();
}

/// <summary><see cref="IClusterGateway"/> and <see cref="IRecordStore"/> over the cluster layer.</summary>
internal sealed class KubeClusterGateway : IClusterGateway, IRecordStore, ISecretReader, IDisposable
{
    private readonly ClusterSessions _sessions;
    private readonly IEngineOutput _output;
    /// <summary>Each record as this run last read or wrote it: the resourceVersion its next write is conditional on.</summary>
    private readonly ConcurrentDictionary<string, StoredRecord> _read = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (LiveObjectCache Cache, Applier Applier, HealthReader Health, Planner Planner)> _pass = new(StringComparer.Ordinal);

    public KubeClusterGateway(ClusterSessions sessions, IReadOnlyList<ClusterInfo> clusters, IEngineOutput output)
    {
        _sessions = sessions;
        _output = output;
        Clusters = clusters;
    }

    public string LocalCluster => ClusterSessions.Local;

    public IReadOnlyList<ClusterInfo> Clusters { get; }

    /// <summary>The local cluster's client (request counts for tests and benchmarks).</summary>
    public KubeClient LocalClient => Session(LocalCluster).Client;

    private ClusterSession Session(string cluster)
    {
        try
        {
            return _sessions.Get(cluster);
        }
        catch (VelaProblemException ex)
        {
            throw new VelaProblemException(ex.Problem with { Message = $"cluster '{cluster}': {ex.Problem.Message}" });
        }
    }

    /// <summary>Live state for the current pass: shared by every application in it (one list per kind and namespace).</summary>
    private (LiveObjectCache Cache, Applier Applier, HealthReader Health, Planner Planner) Pass(string cluster) => _pass.GetOrAdd(cluster, c =>
    {
        var session = Session(c);
        return (session.Live, session.Applier, session.Health, session.Planner);
    });

    /// <summary>Forgets live state read so far (between the passes of a waiting workflow, so health is read afresh).</summary>
    private Loading.ClusterDefinitionReader? _definitions;

    /// <summary>ComponentDefinitions, TraitDefinitions and WorkflowStepDefinitions installed in the local cluster (read once per pass).</summary>
    public Loading.ClusterDefinitionReader Definitions => _definitions ??= new Loading.ClusterDefinitionReader(LocalClient, LocalClient.Context, _output);

    public void BeginPass()
    {
        _definitions?.Forget();
        // Records and namespaces are read afresh each pass (someone else may have changed them between passes); what this
        // run wrote stays known (_read: the resourceVersion its next write is conditional on).
        lock (_thisPass) _thisPass.Clear();
        _recordLists.Clear();
        _namespaceLists.Clear();
        _created.Clear();
        foreach (var cluster in _pass.Keys.ToList())
        {
            var client = Session(cluster).Client;
            client.ForgetUnserved();
            var cache = new LiveObjectCache(client);
            _pass[cluster] = (cache, new Applier(client, _output, cache), new HealthReader(client, cache), new Planner(client, cache));
        }
    }

    public async Task<ApplyReport> ApplyAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, bool force, CancellationToken cancellationToken)
    {
        var result = await Pass(cluster).Applier.ApplyAsync(manifests, new ApplyOptions { Force = force }, cancellationToken).ConfigureAwait(false);
        var byKey = manifests.GroupBy(m => ObjectRef.Of(m.Object) is var r ? $"{r.Group}/{r.Kind}/{r.Name}" : "").ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var objects = new List<AppliedObject>();
        var problems = new List<VelaProblem>();
        foreach (var o in result.Outcomes)
        {
            if (!byKey.TryGetValue($"{o.Object.Group}/{o.Object.Kind}/{o.Object.Name}", out var manifest)) continue;
            var applied = manifest with { Object = MetadataNamespace(manifest.Object, o.Object.Namespace) };
            var action = o.Action;
            objects.Add(new AppliedObject(applied, action, o.Message));
            if (action == ApplyAction.Failed && o.Problem is { } problem)
            {
                // The cluster cannot be reached: not this object's fault — the whole pass stops and is retried later.
                if (problem.Category is ProblemCategory.ConnectionError or ProblemCategory.OperationTimeout or ProblemCategory.AuthenticationError)
                    throw new VelaProblemException(problem);
                problems.Add(problem);
            }
        }
        return new ApplyReport(objects, problems);
    }

    private static JsonObject MetadataNamespace(JsonObject obj, string? ns)
    {
        if (obj["metadata"]?["namespace"]?.GetValue<string>() == ns) return obj;
        var copy = (JsonObject)obj.DeepClone();
        if (copy["metadata"] is JsonObject meta)
        {
            if (ns is null) meta.Remove("namespace");
            else meta["namespace"] = ns;
        }
        return copy;
    }

    public async Task<IReadOnlyList<ObjectChange>> DiffAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, CancellationToken cancellationToken)
    {
        var first = manifests.FirstOrDefault();
        var planned = await Pass(cluster).Planner.PlanAsync(manifests.Select(m => m.Object), first?.Application ?? "", first?.Namespace ?? "", cluster, [], new ApplyOptions(), cancellationToken).ConfigureAwait(false);
        var byKey = manifests.GroupBy(m => ObjectRef.Of(m.Object) is var r ? $"{r.Group}/{r.Kind}/{r.Name}" : "").ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var changes = new List<ObjectChange>();
        foreach (var p in planned)
        {
            if (p.Action == ChangeAction.Blocked && p.Problem is { } problem)
                throw new VelaProblemException(problem);
            byKey.TryGetValue($"{p.Object.Group}/{p.Object.Kind}/{p.Object.Name}", out var m);
            changes.Add(p with { Application = m?.Application ?? p.Application, Component = m?.Component });
        }
        return changes;
    }

    public async Task<IReadOnlyList<ObjectHealth>> HealthAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, CancellationToken cancellationToken)
    {
        var entries = manifests.Select(m => (Manifest: m, Entry: new InventoryEntry(cluster, m.ApiVersion, m.Kind, m.Namespace, m.Name, m.Component, m.Trait))).ToList();
        var health = await Pass(cluster).Health.ReadAsync(entries.Select(e => e.Entry), cluster, cancellationToken).ConfigureAwait(false);
        return entries.Select(e =>
        {
            var status = health.GetValueOrDefault(e.Entry.Key);
            var exists = status is not null && !status.Message.EndsWith(" not found", StringComparison.Ordinal);
            return new ObjectHealth(e.Manifest, exists, status?.Healthy ?? false, status?.Message) { Failed = status?.Failed ?? false };
        }).ToList();
    }

    /// <summary>
    /// Discovery of the versions the cluster serves, newest first, stopping at the first served (one request per group
    /// version, cached by the client for the pass). A cluster that cannot be asked counts as unknown: the newest GA is
    /// written and applying reports the cluster's answer.
    /// </summary>
    public async Task<ServedApiVersions> ServedVersionsAsync(string cluster, IReadOnlyList<VersionedKind> kinds, CancellationToken cancellationToken)
    {
        KubeClient client;
        try
        {
            client = Session(cluster).Client;
        }
        catch (VelaProblemException ex)
        {
            _output.Verbose(ex.Problem.Message);
            return ServedApiVersions.Unknown;
        }
        var served = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var kind in kinds)
        {
            try
            {
                foreach (var version in kind.Versions)
                {
                    if (await client.ResolveAsync(kind.ApiVersion(version), kind.Kind, cancellationToken).ConfigureAwait(false) is null) continue;
                    served[kind.ToString()] = [version];
                    break;
                }
            }
            catch (KubeApiException e)
            {
                _output.Verbose($"{cluster}: cannot discover the versions of {kind}: {e.Message}");
            }
        }
        return new ServedApiVersions(served);
    }

    public async Task<JsonObject?> GetAsync(string cluster, string apiVersion, string kind, string? @namespace, string name, CancellationToken cancellationToken)
    {
        var client = Session(cluster).Client;
        try
        {
            var resource = await client.ResolveAsync(apiVersion, kind, cancellationToken).ConfigureAwait(false);
            return resource is null ? null : await client.GetAsync(resource, resource.Namespaced ? @namespace : null, name, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            throw new VelaProblemException(KubeFaults.ToProblem(e, client, new ObjectRef(apiVersion, kind, @namespace, name)));
        }
    }

    private readonly ConcurrentDictionary<string, bool> _namespaces = new(StringComparer.Ordinal);

    /// <summary>Namespaces this run created (they hold no records but this run's).</summary>
    private readonly ConcurrentDictionary<string, bool> _created = new(StringComparer.Ordinal);

    /// <summary>The namespaces of each cluster, read by one LIST per pass (null when RBAC refuses listing them).</summary>
    private readonly ConcurrentDictionary<string, Lazy<Task<HashSet<string>?>>> _namespaceLists = new(StringComparer.Ordinal);

    private Task<HashSet<string>?> NamespacesOf(string cluster, KubeClient client, ApiResource resource, CancellationToken cancellationToken)
    {
        var lazy = _namespaceLists.GetOrAdd(cluster, _ => new Lazy<Task<HashSet<string>?>>(async () =>
        {
            try
            {
                var items = await client.ListAsync(resource, null, null, cancellationToken).ConfigureAwait(false);
                return items.Where(n => n["status"]?["phase"]?.GetValue<string>() != "Terminating")
                    .Select(n => n["metadata"]?["name"]?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal);
            }
            catch (KubeApiException e) when (e.StatusCode == 403)
            {
                return null; // a user allowed into some namespaces only: ask for each one by name
            }
        }));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled) _namespaceLists.TryRemove(new KeyValuePair<string, Lazy<Task<HashSet<string>?>>>(cluster, lazy));
        return task;
    }

    /// <summary>
    /// Creates the namespace when the cluster does not have it. Which namespaces exist is read by one LIST per cluster and
    /// pass (one GET per namespace only when RBAC refuses the list), so a pass over many applications costs one request
    /// however many namespaces they use; namespaces known to exist are not asked about again in this run.
    /// </summary>
    public async Task EnsureNamespaceAsync(string cluster, string @namespace, CancellationToken cancellationToken)
    {
        if (_namespaces.ContainsKey($"{cluster}/{@namespace}")) return;
        // Applications of one namespace delivered side by side: one of them asks (and creates), the others wait for it.
        var key = $"{cluster}/{@namespace}";
        var ensuring = _ensuring.GetOrAdd(key, _ => new Lazy<Task>(() => EnsureOnceAsync(cluster, @namespace, cancellationToken)));
        try
        {
            await ensuring.Value.ConfigureAwait(false);
        }
        finally
        {
            _ensuring.TryRemove(new KeyValuePair<string, Lazy<Task>>(key, ensuring));
        }
    }

    private readonly ConcurrentDictionary<string, Lazy<Task>> _ensuring = new(StringComparer.Ordinal);

    private async Task EnsureOnceAsync(string cluster, string @namespace, CancellationToken cancellationToken)
    {
        var client = Session(cluster).Client;
        try
        {
            var resource = await client.ResolveAsync("v1", "Namespace", cancellationToken).ConfigureAwait(false)
                ?? throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.Invalid, ProblemCategory.ResourceUnavailable, "the cluster serves no v1 Namespace", SourceLocation.None));
            var existing = await NamespacesOf(cluster, client, resource, cancellationToken).ConfigureAwait(false);
            var exists = existing is not null ? existing.Contains(@namespace) : await client.GetAsync(resource, null, @namespace, cancellationToken).ConfigureAwait(false) is not null;
            if (!exists)
            {
                await client.CreateAsync(resource, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Namespace",
                    ["metadata"] = new JsonObject { ["name"] = @namespace },
                }, cancellationToken).ConfigureAwait(false);
                _created[$"{cluster}/{@namespace}"] = true;
                _output.Warning($"namespace {@namespace} did not exist in cluster {cluster}; created it");
            }
            _namespaces[$"{cluster}/{@namespace}"] = true;
        }
        catch (KubeApiException e) when (e.StatusCode == 409)
        {
            _namespaces[$"{cluster}/{@namespace}"] = true;
        }
        catch (KubeApiException e)
        {
            throw new VelaProblemException(KubeFaults.ToProblem(e, client, new ObjectRef("v1", "Namespace", null, @namespace)));
        }
    }

    public async Task<bool> DeleteAsync(InventoryEntry entry, string application, string applicationNamespace, CancellationToken cancellationToken)
    {
        var session = Session(entry.Cluster);
        var outcomes = await session.Collector.CollectAsync(application, applicationNamespace, entry.Cluster, [entry], [], dryRun: false, cancellationToken).ConfigureAwait(false);
        var outcome = outcomes.SingleOrDefault();
        if (outcome?.Problem is { } problem) throw new VelaProblemException(problem);
        return outcome?.Action == CollectAction.Deleted;
    }

    // ---- records (on the local cluster) ----

    private RecordStore Store => Session(LocalCluster).Records;

    /// <summary>
    /// The records of one namespace as read by one labelled LIST this pass (raw, parsed when asked for, so one invalid
    /// record fails only its own application), with what this run wrote since.
    /// </summary>
    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyDictionary<string, JsonObject>>>> _recordLists = new(StringComparer.Ordinal);

    private async Task<JsonObject?> ListedRecordAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var lazy = _recordLists.GetOrAdd(@namespace, ns => new Lazy<Task<IReadOnlyDictionary<string, JsonObject>>>(async () =>
            (await Store.ListRawAsync(ns, cancellationToken).ConfigureAwait(false))
                .GroupBy(cm => cm["metadata"]?["name"]?.GetValue<string>() ?? "", StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)));
        try
        {
            return (await lazy.Value.ConfigureAwait(false)).GetValueOrDefault(RecordStore.ConfigMapName(name));
        }
        catch
        {
            _recordLists.TryRemove(new KeyValuePair<string, Lazy<Task<IReadOnlyDictionary<string, JsonObject>>>>(@namespace, lazy));
            throw;
        }
    }

    /// <summary>Records as this pass read or wrote them (cleared by <see cref="BeginPass"/>).</summary>
    private readonly Dictionary<string, StoredRecord> _thisPass = new(StringComparer.Ordinal);

    /// <summary>
    /// One application's record: what this pass last read or wrote of it, else its namespace's labelled LIST (one request
    /// per namespace and pass, however many applications live there), else — a new application, or a record written
    /// without the label — a GET by name. A record found unlabelled gets its label when it is next written.
    /// </summary>
    public async Task<ApplicationRecord?> LoadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var key = $"{@namespace}/{name}";
        lock (_thisPass)
            if (_thisPass.TryGetValue(key, out var known)) return ApplicationRecord.FromJson(known.StoredJson);
        // A namespace that did not exist when this pass began (or that this run created) holds no record but what this run wrote.
        if (await IsNewNamespaceAsync(@namespace, cancellationToken).ConfigureAwait(false)) return null;
        var stored = await ListedRecordAsync(@namespace, name, cancellationToken).ConfigureAwait(false) is { } listed
            ? RecordStore.Parse(listed)
            : await Store.ReadAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        if (stored is null) return null;
        lock (_thisPass)
        {
            // Written (or read) by someone else in this run meanwhile: that is the newer one.
            if (_thisPass.TryGetValue(key, out var known)) return ApplicationRecord.FromJson(known.StoredJson);
            _thisPass[key] = stored;
            _read[key] = stored;
        }
        // The first reader takes the record as parsed; later ones get their own copy from the stored JSON.
        return stored.Record;
    }

    private async Task<bool> IsNewNamespaceAsync(string @namespace, CancellationToken cancellationToken)
    {
        if (_created.ContainsKey($"{LocalCluster}/{@namespace}")) return true;
        if (_namespaces.ContainsKey($"{LocalCluster}/{@namespace}")) return false;
        var client = LocalClient;
        try
        {
            var resource = await client.ResolveAsync("v1", "Namespace", cancellationToken).ConfigureAwait(false);
            return resource is not null && await NamespacesOf(LocalCluster, client, resource, cancellationToken).ConfigureAwait(false) is { } existing
                && !existing.Contains(@namespace);
        }
        catch (KubeApiException e)
        {
            throw new VelaProblemException(KubeFaults.ToProblem(e, client, new ObjectRef("v1", "Namespace", null, @namespace)));
        }
    }

    public async Task SaveAsync(ApplicationRecord record, CancellationToken cancellationToken)
    {
        var key = $"{record.Namespace}/{record.Name}";
        var current = _read.GetValueOrDefault(key);
        var written = await Store.WriteAsync(record, current?.ResourceVersion, cancellationToken, current).ConfigureAwait(false);
        lock (_thisPass)
        {
            _thisPass[key] = written;
            _read[key] = written;
        }
    }

    public async Task DeleteAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        await Store.DeleteAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        lock (_thisPass)
        {
            _thisPass.Remove($"{@namespace}/{name}");
            _read.TryRemove($"{@namespace}/{name}", out _);
        }
    }

    public async Task<IReadOnlyList<ApplicationRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var stored = await Store.ListAsync(@namespace, cancellationToken).ConfigureAwait(false);
        foreach (var s in stored) _read[$"{s.Record.Namespace}/{s.Record.Name}"] = s;
        return stored.Select(s => ApplicationRecord.FromJson(s.StoredJson)).ToList();
    }

    /// <summary>Reads one key of a Secret in the local cluster (notification URLs from <c>secretRef</c>); the value is never logged.</summary>
    public async Task<string> ReadAsync(string @namespace, string name, string key, CancellationToken cancellationToken)
    {
        var secret = await GetAsync(LocalCluster, "v1", "Secret", @namespace, name, cancellationToken).ConfigureAwait(false)
            ?? throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.SecretNotFound, ProblemCategory.ObjectNotFound,
                $"Secret {@namespace}/{name} was not found", SourceLocation.None));
        if (secret["data"]?[key]?.GetValue<string>() is { } data) return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(data));
        if (secret["stringData"]?[key]?.GetValue<string>() is { } text) return text;
        throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.SecretKeyNotFound, ProblemCategory.ObjectNotFound,
            $"Secret {@namespace}/{name} has no key '{key}'", SourceLocation.None));
    }

    public void Dispose() => _sessions.Dispose();
}
