using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Health;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Planning;

namespace GitOpsVela.Engine.Composition;

/// <summary>
/// Everything one run needs to work on one cluster: the client, the run's live-object cache, and the applier, planner,
/// record store, garbage collector and health reader sharing them.
/// </summary>
internal sealed class ClusterSession : IDisposable
{
    internal ClusterSession(string cluster, KubeClient client, IEngineOutput output)
    {
        Cluster = cluster;
        Client = client;
        Live = new LiveObjectCache(client);
        Applier = new Applier(client, output, Live);
        Planner = new Planner(client, Live);
        Records = new RecordStore(client);
        Collector = new GarbageCollector(client, output);
        Health = new HealthReader(client, Live);
    }

    /// <summary>The cluster name inventories use: <see cref="ClusterSessions.Local"/> for the default context, else the context name.</summary>
    public string Cluster { get; }

    public KubeClient Client { get; }
    public LiveObjectCache Live { get; }
    public Applier Applier { get; }
    public Planner Planner { get; }
    public RecordStore Records { get; }
    public GarbageCollector Collector { get; }
    public HealthReader Health { get; }

    public void Dispose() => Client.Dispose();
}

/// <summary>
/// The clusters of one run, connected on first use. KubeVela calls the cluster an application is managed from
/// <c>local</c>: here that is the chosen kubeconfig context (<c>-Context</c>, else the current context); any other
/// cluster named in a topology policy is a kubeconfig context of that name.
/// </summary>
internal sealed class ClusterSessions(string? kubeconfig, string? context, IEngineOutput output, TimeSpan? timeout = null) : IDisposable
{
    public const string Local = "local";

    private readonly Dictionary<string, ClusterSession> _sessions = new(StringComparer.Ordinal);
    private readonly object _lock = new();

    public ClusterSession Get(string? cluster = null)
    {
        var name = string.IsNullOrEmpty(cluster) ? Local : cluster;
        lock (_lock)
        {
            if (_sessions.TryGetValue(name, out var session)) return session;
            var client = Kubeconfig.Connect(kubeconfig, name == Local ? context : name, timeout);
            session = new ClusterSession(name, client, output);
            _sessions[name] = session;
            return session;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var s in _sessions.Values) s.Dispose();
            _sessions.Clear();
        }
    }
}
