using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Status;

namespace GitOpsVela.Engine.Execution.Delivery;

/// <summary>A cluster a topology policy can place an application in: a kubeconfig context and its labels.</summary>
public sealed record ClusterInfo(string Name, IReadOnlyDictionary<string, string> Labels);

/// <summary>What applying one object came to.</summary>
public enum ApplyAction { Created, Configured, Unchanged, Failed, WaitingForDefinition }

public sealed record AppliedObject(RenderedManifest Manifest, ApplyAction Action, string? Message = null);

/// <summary>The result of applying a set of objects: one entry per object, and the problems of those that failed.</summary>
public sealed record ApplyReport(IReadOnlyList<AppliedObject> Objects, IReadOnlyList<VelaProblem> Problems)
{
    public bool Succeeded => Problems.Count == 0 && Objects.All(o => o.Action is not (ApplyAction.Failed or ApplyAction.WaitingForDefinition));

    public int Writes => Objects.Count(o => o.Action is ApplyAction.Created or ApplyAction.Configured);
}

/// <summary>Health of one object by KubeVela's rules (<c>Ready:1/1</c>, job completion, Ready condition, ...).</summary>
public sealed record ObjectHealth(RenderedManifest Manifest, bool Exists, bool Healthy, string? Message);

/// <summary>
/// What the delivery layer needs from Kubernetes. The cluster layer implements it over the API (server-side apply
/// with field manager <c>gitopsvela</c>, list-per-kind reads); tests may implement it in memory.
/// </summary>
public interface IClusterGateway
{
    /// <summary>The cluster name KubeVela calls <c>local</c>: the kubeconfig context in use.</summary>
    string LocalCluster { get; }

    /// <summary>Clusters a topology policy may name or select (kubeconfig contexts with their labels).</summary>
    IReadOnlyList<ClusterInfo> Clusters { get; }

    /// <summary>Applies the objects (namespaces and CRDs first); objects equal to what is live are not written.</summary>
    Task<ApplyReport> ApplyAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, bool force, CancellationToken cancellationToken);

    /// <summary>What applying the objects would change (server-side dry run where supported): create, update with fields, unchanged.</summary>
    Task<IReadOnlyList<ObjectChange>> DiffAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, CancellationToken cancellationToken);

    Task<IReadOnlyList<ObjectHealth>> HealthAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, CancellationToken cancellationToken);

    Task<JsonObject?> GetAsync(string cluster, string apiVersion, string kind, string? @namespace, string name, CancellationToken cancellationToken);

    /// <summary>Deletes an object GitOpsVela applied; objects that do not carry the application's labels are left alone (false).</summary>
    Task<bool> DeleteAsync(InventoryEntry entry, string application, string applicationNamespace, CancellationToken cancellationToken);

    /// <summary>Creates the namespace when it does not exist (not labelled as the application's: never collected).</summary>
    Task EnsureNamespaceAsync(string cluster, string @namespace, CancellationToken cancellationToken);

    /// <summary>Forgets live state read so far, so the next pass of a waiting workflow sees health afresh.</summary>
    void BeginPass();
}

/// <summary>Where application records live (one per application, in its namespace, on the local cluster).</summary>
public interface IRecordStore
{
    Task<ApplicationRecord?> LoadAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task SaveAsync(ApplicationRecord record, CancellationToken cancellationToken);

    Task DeleteAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApplicationRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken);
}

/// <summary>What applying would do to one object.</summary>
public enum ChangeAction { Create, Update, Unchanged, Prune }

/// <summary>One changed field: its path (<c>spec.replicas</c>) and the values before and after (null when absent).</summary>
public sealed record FieldChange(string Path, string? Old, string? New)
{
    public override string ToString() => $"{Path}: {Old ?? "<none>"} -> {New ?? "<none>"}";
}

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
    IReadOnlyList<FieldChange> Fields);

/// <summary>A preview of delivering an application: per object create/update/unchanged/prune.</summary>
public sealed record DeliveryPlan(IReadOnlyList<ObjectChange> Changes, IReadOnlyList<VelaProblem> Problems);
