using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Planning;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

public sealed class PlannerTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_plan_shows_create_update_with_changed_fields_unchanged_and_prune_and_writes_nothing()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using (var setup = _cluster.Connect())
        {
            await new Applier(setup, NullEngineOutput.Instance).ApplyAsync(
                [Manifests.ConfigMap(ns, "same", "my-app", ("a", "1")), Manifests.ConfigMap(ns, "changed", "my-app", ("a", "1"), ("b", "2")), Manifests.Deployment(ns, "gone", "my-app", "nginx:1")],
                new ApplyOptions(), "my-app", default);
        }
        using var client = _cluster.Connect();
        var previous = new[]
        {
            new InventoryEntry("local", "v1", "ConfigMap", ns, "same", "same"),
            new InventoryEntry("local", "v1", "ConfigMap", ns, "changed", "changed"),
            new InventoryEntry("local", "apps/v1", "Deployment", ns, "gone", "gone"),
        };
        var plan = await new Planner(client).PlanAsync(
            [Manifests.ConfigMap(ns, "same", "my-app", ("a", "1")), Manifests.ConfigMap(ns, "changed", "my-app", ("a", "9")), Manifests.ConfigMap(ns, "new", "my-app", ("x", "y"))],
            "my-app", ns, "local", previous, new ApplyOptions(), default);

        Assert.Equal(ChangeAction.Unchanged, plan.Single(p => p.Name == "same").Action);
        var update = plan.Single(p => p.Name == "changed");
        Assert.Equal(ChangeAction.Update, update.Action);
        Assert.Contains(new FieldChange("data.a", "\"1\"", "\"9\""), update.Fields);
        Assert.Contains(new FieldChange("data.b", "\"2\"", null), update.Fields);
        Assert.Equal(2, update.Fields.Count);
        var create = plan.Single(p => p.Name == "new");
        Assert.Equal(ChangeAction.Create, create.Action);
        Assert.Contains(create.Fields, c => c.Path == "data.x" && c.New == "\"y\"");
        var prune = plan.Single(p => p.Name == "gone");
        Assert.Equal(ChangeAction.Prune, prune.Action);
        Assert.Equal("Deployment", prune.Object.Kind);

        Assert.Equal(0, client.Requests.Count(r => r.Verb is "apply" or "create" or "update" or "delete"));
        Assert.Equal(1, client.CountVerb("apply-dry-run"));
    }

    [Fact]
    public async Task A_plan_blocks_objects_that_would_conflict_or_whose_kind_is_not_served_and_never_shows_secret_values()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var cm = (await client.ResolveAsync("v1", "ConfigMap", default))!;
        await client.ApplyAsync(cm, Manifests.ConfigMap(ns, "shared", "my-app", ("color", "red")), "kubectl", false, false, default);
        var secret = Manifests.Parse($$$"""{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"{{{ns}}}","labels":{"app.oam.dev/name":"my-app"} },"stringData":{"password":"hunter2"} }""");
        var plan = await new Planner(client).PlanAsync(
            [Manifests.ConfigMap(ns, "shared", "my-app", ("color", "blue")), Manifests.Custom("absent.example.com", "Thing", ns, "t", "my-app", 1), secret],
            "my-app", ns, "local", [], new ApplyOptions(), default);

        var conflict = plan.Single(p => p.Name == "shared");
        Assert.Equal(ChangeAction.Blocked, conflict.Action);
        Assert.Equal("Cluster.ApplyConflict", conflict.Problem!.Id);
        Assert.Contains("-TakeOwnership", conflict.Problem.Message);
        var notServed = plan.Single(p => p.Object.Kind == "Thing");
        Assert.Equal(ChangeAction.Blocked, notServed.Action);
        Assert.Equal("Cluster.KindNotServed", notServed.Problem!.Id);
        var create = plan.Single(p => p.Object.Kind == "Secret");
        Assert.Equal(ChangeAction.Create, create.Action);
        Assert.Contains(create.Fields, c => c.Path == "stringData.password" && c.New == Planner.SecretValue);
        Assert.DoesNotContain(create.Fields, c => (c.New ?? string.Empty).Contains("hunter2"));

        var forced = await new Planner(client).PlanAsync([Manifests.ConfigMap(ns, "shared", "my-app", ("color", "blue"))],
            "my-app", ns, "local", [], new ApplyOptions { Force = true }, default);
        Assert.Contains(new FieldChange("data.color", "\"red\"", "\"blue\""), Assert.Single(forced).Fields);
    }
}
