using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Semantics;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

public sealed class ClusterSessionTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_reconcile_applies_records_collects_and_a_second_identical_one_writes_nothing()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        async Task<int> Reconcile(params System.Text.Json.Nodes.JsonObject[] objects)
        {
            using var sessions = new ClusterSessions(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
            var local = sessions.Get();
            Assert.Same(local, sessions.Get(ClusterSessions.Local));
            var stored = await local.Records.ReadAsync(ns, "my-app", default);
            var result = await local.Applier.ApplyAsync(objects, new ApplyOptions(), "my-app", default);
            Assert.True(result.Succeeded, string.Join("\n", result.Problems));
            var inventory = result.Inventory(local.Cluster);
            await local.Collector.CollectAsync("my-app", ns, local.Cluster, stored?.Record.Inventory ?? [], inventory, false, default);
            var record = stored?.Record ?? new ApplicationRecord { Name = "my-app", Namespace = ns, Revision = 1, Phase = ApplicationPhase.Running };
            record.Inventory = [.. inventory];
            await local.Records.WriteAsync(record, stored?.ResourceVersion, default, stored);
            return local.Client.CountWrites();
        }

        Assert.Equal(3, await Reconcile(Manifests.ConfigMap(ns, "a", "my-app"), Manifests.ConfigMap(ns, "b", "my-app"))); // two applies + the record
        Assert.Equal(0, await Reconcile(Manifests.ConfigMap(ns, "a", "my-app"), Manifests.ConfigMap(ns, "b", "my-app")));
        Assert.Equal(2, await Reconcile(Manifests.ConfigMap(ns, "a", "my-app"))); // b deleted, record rewritten

        using var check = _cluster.Connect();
        var cm = (await check.ResolveAsync("v1", "ConfigMap", default))!;
        Assert.Null(await check.GetAsync(cm, ns, "b", default));
        var record = await new RecordStore(check).ReadAsync(ns, "my-app", default);
        Assert.Equal(["a"], record!.Record.Inventory.Select(e => e.Name));
    }

    [Fact]
    public void An_unknown_cluster_name_is_a_clear_problem()
    {
        using var sessions = new ClusterSessions(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var e = Assert.Throws<VelaProblemException>(() => sessions.Get("prod-eu"));
        Assert.Equal("Cluster.ContextNotFound", e.Problem.Id);
    }
}
