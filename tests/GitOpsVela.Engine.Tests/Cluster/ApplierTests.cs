using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

/// <summary>Server-side apply against the test API server (or the cluster GITOPSVELA_TEST_KUBECONFIG names).</summary>
public sealed class ApplierTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static async Task<ApplyResult> Apply(KubeClient client, IEnumerable<System.Text.Json.Nodes.JsonObject> objects, ApplyOptions? options = null) =>
        await new Applier(client, NullEngineOutput.Instance).ApplyAsync(objects, options ?? new ApplyOptions(), "my-app", default);

    [Fact]
    public async Task Namespaces_are_applied_first_and_every_object_is_created_with_field_manager_gitopsvela()
    {
        var ns = _cluster.NamespaceName();
        using var client = _cluster.Connect();
        var result = await Apply(client, [Manifests.ConfigMap(ns, "settings", "my-app", ("a", "1")), Manifests.Deployment(ns, "web", "my-app", "nginx:1.27"), Manifests.Namespace(ns)]);
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(["Namespace", "ConfigMap", "Deployment"], result.Outcomes.Select(o => o.Object.Kind));
        Assert.All(result.Outcomes, o => Assert.Equal(ApplyAction.Created, o.Action));
        var deployment = await client.GetAsync((await client.ResolveAsync("apps/v1", "Deployment", default))!, ns, "web", default);
        var managers = deployment!["metadata"]!["managedFields"]!.AsArray().Select(m => m!["manager"]!.GetValue<string>());
        Assert.Contains("gitopsvela", managers);
        Assert.Equal("nginx:1.27", deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reconcile_that_changes_nothing_writes_nothing_and_lists_once_per_kind_and_namespace()
    {
        var ns = _cluster.NamespaceName();
        var objects = new[]
        {
            Manifests.Namespace(ns),
            Manifests.ConfigMap(ns, "one", "my-app", ("a", "1")),
            Manifests.ConfigMap(ns, "two", "my-app", ("b", "2")),
            Manifests.ConfigMap(ns, "three", "my-app", ("c", "3")),
            Manifests.Deployment(ns, "web", "my-app", "nginx:1.27"),
            Manifests.Service(ns, "web", "my-app"),
        };
        using (var first = _cluster.Connect()) Assert.True((await Apply(first, objects)).Succeeded);

        using var client = _cluster.Connect();
        var again = await Apply(client, objects);
        Assert.All(again.Outcomes, o => Assert.Equal(ApplyAction.Unchanged, o.Action));
        Assert.Equal(0, again.Writes);
        Assert.Equal(0, client.CountWrites());
        Assert.Equal(0, client.CountVerb("get"));
        // Namespace (cluster), ConfigMap, Deployment, Service in ns: four lists.
        Assert.Equal(4, client.CountVerb("list"));
    }

    [Fact]
    public async Task Applications_sharing_one_live_cache_list_each_kind_and_namespace_once_per_run()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var apps = Enumerable.Range(1, 5).Select(i => new[] { Manifests.ConfigMap(ns, $"cfg-{i}", $"app-{i}", ("i", $"{i}")), Manifests.Service(ns, $"svc-{i}", $"app-{i}") }).ToList();
        using (var first = _cluster.Connect())
        {
            var cache = new LiveObjectCache(first);
            foreach (var objects in apps) Assert.True((await new Applier(first, NullEngineOutput.Instance, cache).ApplyAsync(objects, new ApplyOptions(), null, default)).Succeeded);
            Assert.Equal(2, first.CountVerb("list"));
        }
        using var client = _cluster.Connect();
        var shared = new LiveObjectCache(client);
        foreach (var objects in apps)
            Assert.All((await new Applier(client, NullEngineOutput.Instance, shared).ApplyAsync(objects, new ApplyOptions(), null, default)).Outcomes, o => Assert.Equal(ApplyAction.Unchanged, o.Action));
        Assert.Equal(2, client.CountVerb("list"));
        Assert.Equal(0, client.CountWrites());
    }

    [Fact]
    public async Task A_changed_object_is_configured_and_a_field_that_left_the_manifest_leaves_the_object()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        await Apply(client, [Manifests.ConfigMap(ns, "settings", "my-app", ("a", "1"), ("b", "2"))]);
        var result = await Apply(client, [Manifests.ConfigMap(ns, "settings", "my-app", ("a", "9"))]);
        Assert.Equal(ApplyAction.Configured, Assert.Single(result.Outcomes).Action);
        var live = await client.GetAsync((await client.ResolveAsync("v1", "ConfigMap", default))!, ns, "settings", default);
        Assert.Equal("9", live!["data"]!["a"]!.GetValue<string>());
        Assert.Null(live["data"]!["b"]);
    }

    [Fact]
    public async Task A_custom_resource_whose_CRD_is_missing_waits_with_a_clear_message_and_is_created_once_the_CRD_comes_first()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var group = $"gv{Guid.NewGuid():N}"[..10] + ".example.com";
        _cluster.TrackCrd($"mysqlclusters.{group}");
        using var client = _cluster.Connect();
        var cr = Manifests.Custom(group, "MysqlCluster", ns, "db", "my-app", 1);
        var waiting = await Apply(client, [cr, Manifests.ConfigMap(ns, "after", "my-app", ("a", "1"))]);
        var outcome = waiting.Outcomes.Single(o => o.Object.Kind == "MysqlCluster");
        Assert.Equal(ApplyAction.Waiting, outcome.Action);
        Assert.Equal("Cluster.KindNotServed", outcome.Problem!.Id);
        Assert.Contains($"does not serve {group}/v1 MysqlCluster yet", outcome.Message);
        Assert.Equal(ApplyAction.Created, waiting.Outcomes.Single(o => o.Object.Kind == "ConfigMap").Action);
        Assert.False(waiting.Succeeded);

        // The operator's CRD listed after its custom resource: applied first anyway.
        var result = await Apply(client, [cr, Manifests.Crd(group, "mysqlclusters", "MysqlCluster")]);
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(["CustomResourceDefinition", "MysqlCluster"], result.Outcomes.Select(o => o.Object.Kind));
        Assert.Equal(ApplyAction.Created, result.Outcomes[1].Action);
    }

    [Fact]
    public async Task A_CRD_installed_by_someone_else_during_the_run_is_seen_once_not_served_expires()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var group = $"gv{Guid.NewGuid():N}"[..10] + ".example.com";
        _cluster.TrackCrd($"widgets.{group}");
        using var client = _cluster.Connect();
        client.NotServedTtl = TimeSpan.Zero;
        var cr = Manifests.Custom(group, "Widget", ns, "w", "my-app", 1);
        Assert.Equal(ApplyAction.Waiting, Assert.Single((await Apply(client, [cr])).Outcomes).Action);
        using (var operatorClient = _cluster.Connect()) // an operator's installer, not this run
            Assert.True((await Apply(operatorClient, [Manifests.Crd(group, "widgets", "Widget")])).Succeeded);
        var discoveries = client.CountVerb("discovery");
        // A real API server establishes a CRD asynchronously: poll (bounded). Without the expiry this never succeeds.
        var later = await Apply(client, [cr]);
        for (var i = 0; i < 40 && !later.Succeeded; i++)
        {
            await Task.Delay(250);
            later = await Apply(client, [cr]);
        }
        Assert.True(later.Succeeded, string.Join("\n", later.Problems));
        Assert.True(client.CountVerb("discovery") > discoveries);
    }

    [Fact]
    public async Task A_conflict_with_another_field_manager_is_reported_per_object_with_a_hint_and_Force_takes_over()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var cm = await client.ResolveAsync("v1", "ConfigMap", default);
        await client.ApplyAsync(cm!, Manifests.ConfigMap(ns, "shared", "my-app", ("color", "red")), "kubectl", force: false, dryRun: false, default);

        var result = await Apply(client, [Manifests.ConfigMap(ns, "shared", "my-app", ("color", "blue")), Manifests.ConfigMap(ns, "mine", "my-app", ("a", "1"))]);
        var conflict = result.Outcomes.Single(o => o.Object.Name == "shared");
        Assert.Equal(ApplyAction.Failed, conflict.Action);
        Assert.Equal("Cluster.ApplyConflict", conflict.Problem!.Id);
        Assert.Contains("\"kubectl\"", conflict.Problem.Message);
        Assert.Contains(".data.color", conflict.Problem.Message);
        Assert.Contains("-TakeOwnership", conflict.Problem.Message);
        Assert.Equal(ApplyAction.Created, result.Outcomes.Single(o => o.Object.Name == "mine").Action);

        var forced = await Apply(client, [Manifests.ConfigMap(ns, "shared", "my-app", ("color", "blue"))], new ApplyOptions { Force = true });
        Assert.Equal(ApplyAction.Configured, Assert.Single(forced.Outcomes).Action);
        var live = await client.GetAsync(cm!, ns, "shared", default);
        Assert.Equal("blue", live!["data"]!["color"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_object_the_server_rejects_is_reported_with_the_field_and_the_others_still_apply()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var result = await Apply(client, [Manifests.Deployment(ns, "web", "my-app", "nginx", replicas: -1), Manifests.ConfigMap(ns, "ok", "my-app")]);
        var failed = result.Outcomes.Single(o => o.Object.Kind == "Deployment");
        Assert.Equal(ApplyAction.Failed, failed.Action);
        Assert.Equal("Cluster.ObjectInvalid", failed.Problem!.Id);
        Assert.Equal(ProblemCategory.InvalidData, failed.Problem.Category);
        Assert.Contains("spec.replicas", failed.Problem.Property);
        Assert.Contains($"Deployment {ns}/web", failed.Problem.Message);
        Assert.Equal(ApplyAction.Created, result.Outcomes.Single(o => o.Object.Kind == "ConfigMap").Action);
    }

    [Fact]
    public async Task A_missing_namespace_or_an_unserved_built_in_version_is_said_plainly()
    {
        var ns = _cluster.NamespaceName(); // never created
        using var client = _cluster.Connect();
        var hpa = Manifests.Parse($$$"""{"apiVersion":"autoscaling/v2beta1","kind":"HorizontalPodAutoscaler","metadata":{"name":"h","namespace":"{{{ns}}}"} }""");
        var result = await Apply(client, [Manifests.ConfigMap(ns, "c", "my-app"), hpa]);
        var missingNs = result.Outcomes.Single(o => o.Object.Kind == "ConfigMap");
        Assert.Equal("Cluster.NamespaceNotFound", missingNs.Problem!.Id);
        Assert.Contains($"namespaces \"{ns}\" not found", missingNs.Problem.Message);
        var oldVersion = result.Outcomes.Single(o => o.Object.Kind == "HorizontalPodAutoscaler");
        Assert.Equal(ApplyAction.Waiting, oldVersion.Action);
        Assert.Contains("this API version is not available on this cluster", oldVersion.Message);
    }

    [Fact]
    public async Task Applications_applied_in_parallel_can_share_one_cache()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var cache = new LiveObjectCache(client);
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            new Applier(client, NullEngineOutput.Instance, cache).ApplyAsync([Manifests.ConfigMap(ns, $"p-{i}", $"app-{i}", ("i", $"{i}"))], new ApplyOptions(), $"app-{i}", default)));
        Assert.All(results, r => Assert.True(r.Succeeded, string.Join("\n", r.Problems)));
        Assert.Equal(1, client.CountVerb("list"));
    }

    [Fact]
    public async Task Dry_run_changes_nothing()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var result = await Apply(client, [Manifests.ConfigMap(ns, "dry", "my-app", ("a", "1"))], new ApplyOptions { DryRun = true });
        Assert.Equal(ApplyAction.Created, Assert.Single(result.Outcomes).Action);
        Assert.Null(await client.GetAsync((await client.ResolveAsync("v1", "ConfigMap", default))!, ns, "dry", default));
    }
}
