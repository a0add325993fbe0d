using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Tests.Delivery;

/// <summary>
/// An in-memory stand-in for the cluster gateway and record store, for testing delivery logic (ordering, revisions,
/// resume, garbage collection) on its own. Objects are healthy once marked ready; kinds listed in <see cref="MissingKinds"/>
/// have no definition yet. The real API path is covered by the cluster tests against the Kubernetes API test server.
/// </summary>
internal sealed class InMemoryCluster : IClusterGateway, IRecordStore
{
    public Dictionary<string, JsonObject> Objects { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Records { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Ready { get; } = new(StringComparer.Ordinal);
    public HashSet<string> MissingKinds { get; } = new(StringComparer.Ordinal);
    public List<string> Log { get; } = [];
    public int RecordWrites { get; private set; }
    public Func<RenderedManifest, Exception?>? FailApply { get; set; }

    /// <summary>When set, a record save throws what it returns (an API server that went away).</summary>
    public Func<ApplicationRecord, Exception?>? FailSave { get; set; }

    public string LocalCluster => "kind-local";

    public IReadOnlyList<ClusterInfo> Clusters { get; set; } =
    [
        new("kind-local", new Dictionary<string, string>()),
        new("east", new Dictionary<string, string> { ["region"] = "east", ["env"] = "prod" }),
        new("west", new Dictionary<string, string> { ["region"] = "west", ["env"] = "prod" }),
    ];

    public static string Key(string cluster, string kind, string? ns, string name) => $"{cluster}/{kind}/{ns}/{name}";

    public Task<ApplyReport> ApplyAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, bool force, CancellationToken cancellationToken)
    {
        var objects = new List<AppliedObject>();
        foreach (var m in ManifestOrder.Sort(manifests))
        {
            if (FailApply?.Invoke(m) is { } ex) throw ex;
            if (MissingKinds.Contains(m.Kind))
            {
                objects.Add(new AppliedObject(m, ApplyAction.Waiting, $"waiting for the CRD of {m.Kind}"));
                continue;
            }
            var key = Key(cluster, m.Kind, m.Namespace, m.Name);
            if (Objects.TryGetValue(key, out var live) && JsonNode.DeepEquals(live, m.Object))
            {
                objects.Add(new AppliedObject(m, ApplyAction.Unchanged));
                continue;
            }
            objects.Add(new AppliedObject(m, live is null ? ApplyAction.Created : ApplyAction.Configured));
            Objects[key] = (JsonObject)m.Object.DeepClone();
            Log.Add($"apply {key}");
        }
        return Task.FromResult(new ApplyReport(objects, []));
    }

    public Task<IReadOnlyList<ObjectChange>> DiffAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, CancellationToken cancellationToken)
    {
        IReadOnlyList<ObjectChange> result = manifests.Select(m =>
        {
            var exists = Objects.TryGetValue(Key(cluster, m.Kind, m.Namespace, m.Name), out var live);
            var action = !exists ? ChangeAction.Create : JsonNode.DeepEquals(live, m.Object) ? ChangeAction.Unchanged : ChangeAction.Update;
            IReadOnlyList<FieldChange> fields = action == ChangeAction.Update ? ObjectComparison.Diff((JsonObject)live!, m.Object) : [];
            return new ObjectChange(action, cluster, m.ApiVersion, m.Kind, m.Namespace, m.Name, m.Application, m.Component, fields);
        }).ToList();
        return Task.FromResult(result);
    }

    public Task<IReadOnlyList<ObjectHealth>> HealthAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, CancellationToken cancellationToken)
    {
        IReadOnlyList<ObjectHealth> result = manifests.Select(m =>
        {
            var key = Key(cluster, m.Kind, m.Namespace, m.Name);
            var exists = Objects.ContainsKey(key);
            var ready = m.Kind != "Deployment" || Ready.Contains(key);
            return new ObjectHealth(m, exists, exists && ready, ready ? "Ready:1/1" : "Ready:0/1");
        }).ToList();
        return Task.FromResult(result);
    }

    public Task<JsonObject?> GetAsync(string cluster, string apiVersion, string kind, string? @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Objects.TryGetValue(Key(cluster, kind, @namespace, name), out var o) ? (JsonObject?)o.DeepClone() : null);

    public void BeginPass() => Passes++;

    public HashSet<string> Namespaces { get; } = [];

    public Task EnsureNamespaceAsync(string cluster, string @namespace, CancellationToken cancellationToken)
    {
        Namespaces.Add($"{cluster}/{@namespace}");
        return Task.CompletedTask;
    }

    public int Passes { get; private set; }

    public Task<bool> DeleteAsync(InventoryEntry entry, string application, string applicationNamespace, CancellationToken cancellationToken)
    {
        var key = Key(entry.Cluster, entry.Kind, entry.Namespace, entry.Name);
        if (!Objects.TryGetValue(key, out var live) || (string?)live["metadata"]?["labels"]?[KubeVelaLabels.AppName] != application)
            return Task.FromResult(false);
        Objects.Remove(key);
        Log.Add($"delete {key}");
        return Task.FromResult(true);
    }

    public Task<ApplicationRecord?> LoadAsync(string @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Records.TryGetValue($"{@namespace}/{name}", out var json) ? ApplicationRecord.FromJson(json) : null);

    public Task SaveAsync(ApplicationRecord record, CancellationToken cancellationToken)
    {
        if (FailSave?.Invoke(record) is { } ex) throw ex;
        Records[$"{record.Namespace}/{record.Name}"] = record.ToJson();
        RecordWrites++;
        return Task.CompletedTask;
    }

    Task IRecordStore.DeleteAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        Records.Remove($"{@namespace}/{name}");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ApplicationRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApplicationRecord>>(Records.Values.Select(ApplicationRecord.FromJson)
            .Where(r => @namespace is null || r.Namespace == @namespace).ToList());
}
