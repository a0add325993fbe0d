using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution;

/// <summary>Reads the live health of what a record lists into the record (nothing is applied, nothing is written).</summary>
internal static class RecordHealth
{
    /// <summary>Health of what the record lists, without applying anything: the unchanged-spec path.</summary>
    public static async Task RefreshAsync(IClusterGateway gateway, ApplicationRecord record, CancellationToken ct)
    {
        foreach (var group in record.Inventory.GroupBy(e => (e.Component, e.Cluster)))
        {
            var manifests = group.Select(ToManifest(record.Name)).ToList();
            var health = await gateway.HealthAsync(group.Key.Cluster, manifests, ct).ConfigureAwait(false);
            var component = record.Components.FirstOrDefault(c => c.Name == group.Key.Component && c.Cluster == group.Key.Cluster);
            if (component is null) continue;
            var bad = health.FirstOrDefault(h => !h.Healthy);
            component.Healthy = bad is null;
            component.Message = bad is null ? health.FirstOrDefault(h => h.Manifest.Trait is null && h.Message is not null)?.Message : DeliveryRun.Describe(bad);
        }
        if (record.Workflow is { Finished: true, Phase: ApplicationPhase.Running or ApplicationPhase.Unhealthy })
        {
            record.Healthy = record.Components.All(c => c.Healthy != false);
            record.Phase = record.Healthy == true ? ApplicationPhase.Running : ApplicationPhase.Unhealthy;
            record.Message = record.Components.FirstOrDefault(c => c.Healthy == false) is { } sick ? $"component '{sick.Name}': {sick.Message}" : null;
        }
    }

    private static Func<InventoryEntry, RenderedManifest> ToManifest(string app) => e =>
    {
        var metadata = new JsonObject { ["name"] = e.Name };
        if (e.Namespace is not null) metadata["namespace"] = e.Namespace;
        return new RenderedManifest(new JsonObject { ["apiVersion"] = e.ApiVersion, ["kind"] = e.Kind, ["metadata"] = metadata }, app, e.Component, e.Trait, null);
    };
}
