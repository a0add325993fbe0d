namespace GitOpsVela.Engine.Planning;

/// <summary>
/// Previews a planned release (Compare-VelaApplication, Invoke-VelaWorkflow -WhatIf) without changing anything: asks
/// each cluster what applying the plan's objects would change, and lists as Prune what the record holds that the plan
/// no longer has.
/// </summary>
internal static class DeliveryPreview
{
    public static async Task<DeliveryPlan> DiffAsync(ReleasePlan plan, IClusterView clusters, IReadOnlyList<InventoryEntry> recorded, CancellationToken ct)
    {
        if (!plan.Succeeded) return new DeliveryPlan([], plan.Problems);
        var changes = new List<ObjectChange>();
        foreach (var (cluster, manifests) in plan.ManifestsByCluster())
            changes.AddRange(await clusters.DiffAsync(cluster, Rendering.ManifestOrder.Sort(manifests), ct).ConfigureAwait(false));

        var rendered = changes.Select(c => new InventoryEntry(c.Cluster, c.ApiVersion, c.Kind, c.Namespace, c.Name, c.Component ?? "").Key).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in recorded.DistinctBy(e => e.Key).Where(e => !rendered.Contains(e.Key)))
            changes.Add(new ObjectChange(ChangeAction.Prune, entry.Cluster, entry.ApiVersion, entry.Kind, entry.Namespace, entry.Name, plan.Application.Name, entry.Component, []));
        return new DeliveryPlan(changes, []);
    }
}
