namespace GitOpsVela.Engine.Planning;

/// <summary>A cluster a topology policy can place an application in: a kubeconfig context and its labels.</summary>
internal sealed record ClusterInfo(string Name, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// What planning needs to know of the clusters: which exist (for topology policies) and what applying a set of objects
/// would change in one of them (a server-side dry run). Execution's gateway extends it with the writes.
/// </summary>
internal interface IClusterView
{
    /// <summary>The cluster name KubeVela calls <c>local</c>: the kubeconfig context in use.</summary>
    string LocalCluster { get; }

    /// <summary>Clusters a topology policy may name or select (kubeconfig contexts with their labels).</summary>
    IReadOnlyList<ClusterInfo> Clusters { get; }

    /// <summary>What applying the objects would change (server-side dry run where supported): create, update with fields, unchanged.</summary>
    Task<IReadOnlyList<ObjectChange>> DiffAsync(string cluster, IReadOnlyList<Rendering.RenderedManifest> manifests, CancellationToken cancellationToken);

    /// <summary>
    /// Which versions <paramref name="cluster"/> serves of <paramref name="kinds"/> (discovery); unknown by default, so the
    /// newest GA versions are written.
    /// </summary>
    Task<Rendering.ServedApiVersions> ServedVersionsAsync(string cluster, IReadOnlyList<Rendering.VersionedKind> kinds, CancellationToken cancellationToken) =>
        Task.FromResult(Rendering.ServedApiVersions.Unknown);
}

/// <summary>What applying would do to one object; <see cref="Blocked"/>: it cannot be planned (kind not served, a conflict, refused), see the problem.</summary>
public enum ChangeAction { Create, Update, Unchanged, Prune, Blocked }

/// <summary>One object in a preview: what would happen to it and, for updates, which fields change.</summary>
public sealed record ObjectChange(
    ChangeAction Action,
    string Cluster,
    string ApiVersion,
    string Kind,
    string? Namespace,
    string Name,
    string Application,
    string? Component,
    IReadOnlyList<FieldChange> Fields,
    Diagnostics.VelaProblem? Problem = null)
{
    /// <summary>The object's identity (for matching it with what was rendered).</summary>
    public Kube.ObjectRef Object => new(ApiVersion, Kind, Namespace, Name);
}

/// <summary>A preview of delivering an application: per object create/update/unchanged/prune.</summary>
public sealed record DeliveryPlan(IReadOnlyList<ObjectChange> Changes, IReadOnlyList<Diagnostics.VelaProblem> Problems)
{
    /// <summary>What the next pass would do to releases (canary, blue-green), in words: "component 'web': traffic to the new version 20% -> 50%".</summary>
    public IReadOnlyList<string> Releases { get; init; } = [];
}
