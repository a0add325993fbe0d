using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Steps;

internal sealed record AppliedObject(RenderedManifest Manifest, ApplyAction Action, string? Message = null);

/// <summary>The result of applying a set of objects: one entry per object, and the problems of those that failed.</summary>
internal sealed record ApplyReport(IReadOnlyList<AppliedObject> Objects, IReadOnlyList<VelaProblem> Problems)
{
    public bool Succeeded => Problems.Count == 0 && Objects.All(o => o.Action is not (ApplyAction.Failed or ApplyAction.Waiting));

    public int Writes => Objects.Count(o => o.Action is ApplyAction.Created or ApplyAction.Configured);
}

/// <summary>Health of one object by KubeVela's rules (<c>Ready:1/1</c>, job completion, Ready condition, ...).</summary>
internal sealed record ObjectHealth(RenderedManifest Manifest, bool Exists, bool Healthy, string? Message)
{
    /// <summary>The object's controller gave up on it (see <see cref="Health.HealthStatus.Failed"/>).</summary>
    public bool Failed { get; init; }
}

/// <summary>
/// What the workflow's steps need from Kubernetes. The composition root implements it over the API (server-side apply
/// with field manager <c>gitopsvela</c>, list-per-kind reads); tests may implement it in memory.
/// </summary>
internal interface IClusterGateway : IClusterView
{
    /// <summary>Applies the objects (namespaces and CRDs first); objects equal to what is live are not written.</summary>
    Task<ApplyReport> ApplyAsync(string cluster, IReadOnlyList<RenderedManifest> manifests, bool force, CancellationToken cancellationToken);

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
internal interface IRecordStore
{
    Task<ApplicationRecord?> LoadAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task SaveAsync(ApplicationRecord record, CancellationToken cancellationToken);

    Task DeleteAsync(string @namespace, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ApplicationRecord>> ListAsync(string? @namespace, CancellationToken cancellationToken);
}
