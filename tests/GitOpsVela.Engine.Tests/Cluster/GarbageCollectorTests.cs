using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Planning;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

public sealed class GarbageCollectorTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static InventoryEntry Entry(string ns, string kind, string name, string apiVersion = "v1") => new("local", apiVersion, kind, ns, name, name);

    [Fact]
    public async Task Objects_that_left_the_application_are_deleted_and_objects_without_its_labels_are_never_touched()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var foreign = Manifests.ConfigMap(ns, "foreign", "other-app", ("a", "1"));
        await new Applier(client, NullEngineOutput.Instance).ApplyAsync(
            [Manifests.ConfigMap(ns, "kept", "my-app"), Manifests.ConfigMap(ns, "removed", "my-app"), Manifests.Deployment(ns, "old-web", "my-app", "nginx"), foreign],
            new ApplyOptions(), "my-app", default);

        var previous = new[] { Entry(ns, "ConfigMap", "kept"), Entry(ns, "ConfigMap", "removed"), Entry(ns, "Deployment", "old-web", "apps/v1"), Entry(ns, "ConfigMap", "foreign"), Entry(ns, "ConfigMap", "never-existed") };
        var current = new[] { Entry(ns, "ConfigMap", "kept") };
        var outcomes = await new GarbageCollector(client, NullEngineOutput.Instance).CollectAsync("my-app", ns, "local", previous, current, dryRun: false, default);

        Assert.Equal(CollectAction.Deleted, outcomes.Single(o => o.Entry.Name == "removed").Action);
        Assert.Equal(CollectAction.Deleted, outcomes.Single(o => o.Entry.Name == "old-web").Action);
        Assert.Equal(CollectAction.NotOwned, outcomes.Single(o => o.Entry.Name == "foreign").Action);
        Assert.Equal(CollectAction.Absent, outcomes.Single(o => o.Entry.Name == "never-existed").Action);
        Assert.DoesNotContain(outcomes, o => o.Entry.Name == "kept");

        var cm = (await client.ResolveAsync("v1", "ConfigMap", default))!;
        Assert.NotNull(await client.GetAsync(cm, ns, "kept", default));
        Assert.NotNull(await client.GetAsync(cm, ns, "foreign", default));
        Assert.Null(await client.GetAsync(cm, ns, "removed", default));
    }

    [Fact]
    public async Task Entries_of_other_clusters_are_left_to_their_own_pass()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        await new Applier(client, NullEngineOutput.Instance).ApplyAsync([Manifests.ConfigMap(ns, "elsewhere", "my-app")], new ApplyOptions(), "my-app", default);
        var previous = new[] { new InventoryEntry("prod", "v1", "ConfigMap", ns, "elsewhere", "c") };
        var outcomes = await new GarbageCollector(client, NullEngineOutput.Instance).CollectAsync("my-app", ns, "local", previous, [], dryRun: false, default);
        Assert.Empty(outcomes);
    }

    [Fact]
    public async Task Removal_runs_in_reverse_apply_order_objects_then_CRDs_then_namespaces()
    {
        var ns = _cluster.NamespaceName();
        var group = $"gv{Guid.NewGuid():N}"[..10] + ".example.com";
        _cluster.TrackCrd($"widgets.{group}");
        using var client = _cluster.Connect();
        var labelled = Manifests.Namespace(ns);
        labelled["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["app.oam.dev/name"] = "my-app" };
        var crd = Manifests.Crd(group, "widgets", "Widget");
        crd["metadata"]!["labels"] = new System.Text.Json.Nodes.JsonObject { ["app.oam.dev/name"] = "my-app" };
        var applied = await new Applier(client, NullEngineOutput.Instance).ApplyAsync(
            [labelled, crd, Manifests.Custom(group, "Widget", ns, "w", "my-app", 1), Manifests.ConfigMap(ns, "c", "my-app")], new ApplyOptions(), "my-app", default);
        Assert.True(applied.Succeeded, string.Join("\n", applied.Problems));

        var outcomes = await new GarbageCollector(client, NullEngineOutput.Instance).CollectAsync("my-app", ns, "local", applied.Inventory("local"), [], dryRun: false, default);
        Assert.Equal(["Widget", "ConfigMap", "CustomResourceDefinition", "Namespace"], outcomes.Select(o => o.Entry.Kind));
        Assert.All(outcomes, o => Assert.Equal(CollectAction.Deleted, o.Action));
    }
}
