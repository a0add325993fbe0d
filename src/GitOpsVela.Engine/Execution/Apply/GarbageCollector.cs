using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Apply;

internal enum CollectAction
{
    Deleted,
    /// <summary>Already gone.</summary>
    Absent,
    /// <summary>Left alone: it does not carry this application's labels.</summary>
    NotOwned,
    Failed,
}

internal sealed record CollectOutcome(InventoryEntry Entry, CollectAction Action, VelaProblem? Problem = null);

/// <summary>
/// Deletes the objects that left an application: entries of the previous inventory (for this cluster) that are not in
/// the new one. Call it only after a successful apply. An object is deleted only when it carries
/// <c>app.oam.dev/name=&lt;application&gt;</c> (and, when present, <c>app.oam.dev/namespace</c> of the application):
/// objects without our labels are never touched.
/// </summary>
internal sealed class GarbageCollector(KubeClient client, IEngineOutput output)
{

    public async Task<IReadOnlyList<CollectOutcome>> CollectAsync(string application, string applicationNamespace, string cluster,
        IEnumerable<InventoryEntry> previous, IEnumerable<InventoryEntry> current, bool dryRun, CancellationToken cancellationToken)
    {
        var keep = current.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var outcomes = new List<CollectOutcome>();
        // The reverse of apply order: custom resources and other objects, then CRDs, then namespaces.
        var gone = previous.Where(e => e.Cluster == cluster && !keep.Contains(e.Key))
            .OrderBy(e => e.Kind == "Namespace" && e.ApiVersion == "v1" ? 2 : e.Kind == "CustomResourceDefinition" ? 1 : 0);
        foreach (var entry in gone)
        {
            try
            {
                outcomes.Add(await CollectOneAsync(application, applicationNamespace, entry, dryRun, cancellationToken).ConfigureAwait(false));
            }
            catch (KubeApiException e)
            {
                var target = new ObjectRef(entry.ApiVersion, entry.Kind, entry.Namespace, entry.Name);
                var problem = KubeFaults.ToProblem(e, client, target, application);
                output.Warning(problem.ToString());
                outcomes.Add(new CollectOutcome(entry, CollectAction.Failed, problem));
                if (KubeFaults.IsClusterWide(e)) break;
            }
        }
        return outcomes;
    }

    private async Task<CollectOutcome> CollectOneAsync(string application, string applicationNamespace, InventoryEntry entry, bool dryRun, CancellationToken cancellationToken)
    {
        var resource = await client.ResolveAsync(entry.ApiVersion, entry.Kind, cancellationToken).ConfigureAwait(false);
        if (resource is null) return new CollectOutcome(entry, CollectAction.Absent);
        var live = await client.GetAsync(resource, entry.Namespace, entry.Name, cancellationToken).ConfigureAwait(false);
        if (live is null) return new CollectOutcome(entry, CollectAction.Absent);
        var labels = live["metadata"]?["labels"];
        var owner = labels?[KubeVelaLabels.AppName]?.GetValue<string>();
        var ownerNs = labels?[KubeVelaLabels.AppNamespace]?.GetValue<string>();
        if (owner != application || (ownerNs is not null && ownerNs != applicationNamespace))
        {
            output.Verbose($"{entry}: left alone, it is not labelled as part of application '{application}'");
            return new CollectOutcome(entry, CollectAction.NotOwned);
        }
        var deleted = await client.DeleteAsync(resource, entry.Namespace, entry.Name, dryRun, cancellationToken).ConfigureAwait(false);
        output.Verbose($"{entry}: {(deleted ? "deleted" : "already gone")}{(dryRun ? " (dry run)" : string.Empty)}");
        return new CollectOutcome(entry, deleted ? CollectAction.Deleted : CollectAction.Absent);
    }
}
