using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Planning;

namespace GitOpsVela.Engine.Execution.Health;

/// <summary>Health of every object of an inventory, read by LIST per kind and namespace (through a shared cache).</summary>
internal sealed class HealthReader(KubeClient client, LiveObjectCache? cache = null)
{
    private readonly LiveObjectCache _cache = cache ?? new LiveObjectCache(client);

    /// <summary>Health per inventory entry of <paramref name="cluster"/> (by <see cref="InventoryEntry.Key"/>); a missing object is unhealthy.</summary>
    public async Task<IReadOnlyDictionary<string, HealthStatus>> ReadAsync(IEnumerable<InventoryEntry> inventory, string cluster, CancellationToken cancellationToken)
    {
        var health = new Dictionary<string, HealthStatus>(StringComparer.Ordinal);
        foreach (var entry in inventory.Where(e => e.Cluster == cluster))
        {
            try
            {
                var resource = await client.ResolveAsync(entry.ApiVersion, entry.Kind, cancellationToken).ConfigureAwait(false);
                var live = resource is null ? null : await _cache.FindAsync(resource, entry.Namespace, entry.Name, cancellationToken).ConfigureAwait(false);
                health[entry.Key] = live is null ? new HealthStatus(false, $"{entry} not found") : HealthCheck.Evaluate(live);
            }
            catch (KubeApiException e)
            {
                throw new VelaProblemException(KubeFaults.ToProblem(e, client, new ObjectRef(entry.ApiVersion, entry.Kind, entry.Namespace, entry.Name)));
            }
        }
        return health;
    }

    /// <summary>A component is healthy when all its objects are; its message is its workload's (the first object's) message.</summary>
    public static IReadOnlyDictionary<string, HealthStatus> ByComponent(IEnumerable<InventoryEntry> inventory, IReadOnlyDictionary<string, HealthStatus> health) =>
        inventory.Where(e => health.ContainsKey(e.Key)).GroupBy(e => e.Component).ToDictionary(
            g => g.Key,
            g =>
            {
                var statuses = g.Select(e => (Entry: e, Status: health[e.Key])).ToList();
                var workload = statuses.FirstOrDefault(s => s.Entry.Trait is null).Status ?? statuses[0].Status;
                var unhealthy = statuses.FirstOrDefault(s => !s.Status.Healthy);
                return unhealthy.Status is null ? workload with { Healthy = true } : new HealthStatus(false, unhealthy.Entry.Trait is null ? unhealthy.Status.Message : $"{unhealthy.Entry.Trait}: {unhealthy.Status.Message}");
            },
            StringComparer.Ordinal);
}
