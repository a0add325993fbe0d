using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Health;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

public sealed class HealthReaderTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Applying_rendered_manifests_yields_an_inventory_and_health_per_component()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var disabled = Manifests.Deployment(ns, "api", "my-app", "nginx");
        disabled["metadata"]!["annotations"] = new System.Text.Json.Nodes.JsonObject { [HealthCheck.DisableAnnotation] = "true" };
        var manifests = new List<RenderedManifest>
        {
            new(Manifests.ConfigMap(ns, "settings", "my-app", ("a", "1")), "my-app", "settings", null, null),
            new(disabled, "my-app", "api", null, null),
            new(Manifests.Service(ns, "api", "my-app"), "my-app", "api", "expose", "service"),
        };
        var cache = new LiveObjectCache(client);
        var result = await new Applier(client, NullEngineOutput.Instance, cache).ApplyAsync(manifests, new ApplyOptions(), default);
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var inventory = result.Inventory("local");
        Assert.Equal(3, inventory.Count);
        var service = inventory.Single(e => e.Kind == "Service");
        Assert.Equal(("api", "expose"), (service.Component, service.Trait));

        var missing = new GitOpsVela.Engine.Planning.InventoryEntry("local", "v1", "ConfigMap", ns, "deleted-meanwhile", "gone");
        var listsBefore = client.CountVerb("list");
        var health = await new HealthReader(client, cache).ReadAsync([.. inventory, missing], "local", default);
        Assert.Equal(listsBefore, client.CountVerb("list")); // served from the run's cache
        Assert.True(health[inventory.Single(e => e.Kind == "ConfigMap").Key].Healthy);
        Assert.True(health[inventory.Single(e => e.Kind == "Deployment").Key].Healthy);
        Assert.Equal(new HealthStatus(false, $"ConfigMap/{ns}/deleted-meanwhile not found"), health[missing.Key]);

        var byComponent = HealthReader.ByComponent([.. inventory, missing], health);
        Assert.True(byComponent["api"].Healthy);
        Assert.False(byComponent["gone"].Healthy);
    }

    [Fact]
    public async Task A_Deployment_nothing_has_rolled_out_yet_is_not_healthy()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        // No node can run this image: it never becomes ready, on the test server or on a real cluster.
        var result = await new Applier(client, NullEngineOutput.Instance).ApplyAsync([Manifests.Deployment(ns, "web", "my-app", "registry.invalid/none:0", replicas: 2)], new ApplyOptions(), "my-app", default);
        var health = await new HealthReader(client).ReadAsync(result.Inventory("local"), "local", default);
        var status = Assert.Single(health.Values);
        Assert.False(status.Healthy);
        Assert.Equal("Ready:0/2", status.Message);
    }
}
