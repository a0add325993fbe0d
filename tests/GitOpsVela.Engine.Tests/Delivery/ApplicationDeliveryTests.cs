using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Tests.Execution;
using GitOpsVela.Engine.Tests.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Delivery;

public sealed class ApplicationDeliveryTests
{
    private readonly InMemoryCluster _cluster = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));

    private ApplicationDelivery Delivery() => new(_cluster, _cluster, clock: _clock, registry: TestRegistry.Create());

    private static Application Load(string spec) => ApplicationLoader.LoadText($"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {"{"}name: shop, namespace: prod{"}"}
        spec:
        {spec}
        """, "shop.yaml").Applications.Single();

    private const string TwoComponents = """
          components:
            - name: db
              type: box
              properties: {image: mysql}
            - name: web
              type: box
              dependsOn: [db]
              properties: {image: nginx}
        """;

    private Task<DeliveryResult> Deliver(Application app, DeliveryOptions? options = null) =>
        Delivery().DeliverAsync(app, options ?? new DeliveryOptions(), CancellationToken.None);

    [Fact]
    public async Task Without_a_workflow_components_apply_as_a_DAG_over_dependsOn_waiting_for_health()
    {
        var app = Load(TwoComponents);

        var first = await Deliver(app);
        Assert.Empty(first.Problems);
        Assert.Equal(ApplicationPhase.RunningWorkflow, first.Record!.Phase);
        Assert.Contains("apply kind-local/Deployment/prod/db", _cluster.Log);
        Assert.DoesNotContain(_cluster.Log, l => l.Contains("/web"));
        Assert.Equal(StepPhase.Running, first.Workflow!.Find("db")!.Phase);
        Assert.Contains("Ready:0/1", first.Workflow.Find("db")!.Message);

        _cluster.Ready.Add("kind-local/Deployment/prod/db");
        var second = await Deliver(app);
        Assert.Equal(StepPhase.Succeeded, second.Workflow!.Find("db")!.Phase);
        Assert.Equal(StepPhase.Running, second.Workflow.Find("web")!.Phase);

        _cluster.Ready.Add("kind-local/Deployment/prod/web");
        var third = await Deliver(app);
        Assert.Equal(ApplicationPhase.Running, third.Record!.Phase);
        Assert.True(third.Record.Healthy);
        Assert.Equal(1, third.Record.Revision);
        Assert.Equal(4, third.Record.Inventory.Count);
        Assert.Equal(["db", "web"], third.Record.Components.Select(c => c.Name));
    }

    [Fact]
    public async Task A_reconcile_of_an_unchanged_healthy_application_writes_nothing()
    {
        var app = Load(TwoComponents);
        _cluster.Ready.UnionWith(["kind-local/Deployment/prod/db", "kind-local/Deployment/prod/web"]);
        var done = await Deliver(app, new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero });
        Assert.Equal(ApplicationPhase.Running, done.Record!.Phase);
        var writes = _cluster.RecordWrites;
        var applies = _cluster.Log.Count;

        var again = await Deliver(app);

        Assert.False(again.RecordWritten);
        Assert.False(again.StartedRevision);
        Assert.Equal(writes, _cluster.RecordWrites);
        Assert.Equal(applies, _cluster.Log.Count);
    }

    [Fact]
    public async Task A_removed_component_is_deleted_after_the_new_revision_succeeds()
    {
        _cluster.Ready.UnionWith(["kind-local/Deployment/prod/db", "kind-local/Deployment/prod/web"]);
        await Deliver(Load(TwoComponents), new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero });

        var result = await Deliver(Load("""
              components:
                - name: db
                  type: box
                  properties: {image: mysql}
            """), new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero });

        Assert.Equal(2, result.Record!.Revision);
        Assert.Equal(["Deployment/web", "ConfigMap/web-settings"], result.Pruned.Select(e => $"{e.Kind}/{e.Name}").Order().Reverse());
        Assert.DoesNotContain("kind-local/Deployment/prod/web", _cluster.Objects.Keys);
        Assert.Contains("kind-local/Deployment/prod/db", _cluster.Objects.Keys);
        Assert.Empty(result.Record.PreviousInventory);
    }

    [Fact]
    public async Task A_garbage_collect_never_rule_keeps_what_it_selects()
    {
        _cluster.Ready.UnionWith(["kind-local/Deployment/prod/db", "kind-local/Deployment/prod/web"]);
        const string gc = """
              policies:
                - name: keep-web
                  type: garbage-collect
                  properties:
                    rules:
                      - selector: {componentNames: [web]}
                        strategy: never
            """;
        await Deliver(Load(TwoComponents + "\n" + gc), new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero });
        var result = await Deliver(Load("""
              components:
                - name: db
                  type: box
                  properties: {image: mysql}
            """ + "\n" + gc), new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero });
        Assert.Empty(result.Pruned);
        Assert.Contains("kind-local/Deployment/prod/web", _cluster.Objects.Keys);
    }

    [Fact]
    public async Task A_run_killed_mid_workflow_resumes_from_the_step_that_did_not_finish()
    {
        var app = Load(TwoComponents + """

              workflow:
                steps:
                  - {name: one, type: apply-component, properties: {component: db}}
                  - {name: two, type: apply-component, properties: {component: web}}
            """);
        _cluster.Ready.UnionWith(["kind-local/Deployment/prod/db", "kind-local/Deployment/prod/web"]);
        _cluster.FailApply = m => m.Component == "web" ? new OperationCanceledException("killed") : null;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Deliver(app));
        Assert.Single(_cluster.Log, l => l.Contains("Deployment/prod/db"));

        _cluster.FailApply = null;
        var resumed = await Deliver(app);

        Assert.Equal(ApplicationPhase.Running, resumed.Record!.Phase);
        Assert.False(resumed.StartedRevision);
        Assert.Single(_cluster.Log, l => l.Contains("Deployment/prod/db"));
        Assert.Single(_cluster.Log, l => l.Contains("Deployment/prod/web"));
    }

    [Fact]
    public async Task A_custom_resource_waits_for_its_definition_with_a_clear_message()
    {
        var app = Load(TwoComponents);
        _cluster.MissingKinds.Add("ConfigMap");
        var result = await Deliver(app);
        Assert.Equal(StepPhase.Running, result.Workflow!.Find("db")!.Phase);
        Assert.Contains("waiting for the CRD of ConfigMap", result.Workflow.Find("db")!.Message);
        Assert.NotEqual(ApplicationPhase.Running, result.Record!.Phase);
    }

    [Fact]
    public async Task Restart_from_a_step_runs_that_step_and_the_ones_after_it_again()
    {
        var app = Load(TwoComponents + """

              workflow:
                steps:
                  - {name: one, type: apply-component, properties: {component: db}}
                  - {name: hold, type: suspend}
                  - {name: two, type: apply-component, properties: {component: web}}
            """);
        _cluster.Ready.UnionWith(["kind-local/Deployment/prod/db", "kind-local/Deployment/prod/web"]);
        var suspended = await Deliver(app, new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero });
        Assert.Equal(ApplicationPhase.WorkflowSuspending, suspended.Record!.Phase);

        var restarted = await Deliver(app, new DeliveryOptions { Restart = true, RestartStep = "hold" });
        Assert.Equal(StepPhase.Succeeded, restarted.Workflow!.Find("one")!.Phase);
        Assert.Equal(StepPhase.Suspending, restarted.Workflow.Find("hold")!.Phase);

        var bad = await Deliver(app, new DeliveryOptions { Restart = true, RestartStep = "nope" });
        Assert.Contains(bad.Problems, p => p.Id == "Workflow.StepNotFound");
    }

    [Fact]
    public async Task Deploy_places_components_in_every_cluster_a_topology_selects()
    {
        var app = Load(TwoComponents + """

              policies:
                - name: prod
                  type: topology
                  properties:
                    clusterLabelSelector: {env: prod}
                    namespace: shop-prod
              workflow:
                steps:
                  - {name: deploy-prod, type: deploy, properties: {policies: [prod]}}
            """);
        _cluster.Ready.UnionWith(["east/Deployment/shop-prod/db", "east/Deployment/shop-prod/web", "west/Deployment/shop-prod/db", "west/Deployment/shop-prod/web"]);

        var result = await Deliver(app, new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero });

        Assert.Empty(result.Problems);
        Assert.Equal(ApplicationPhase.Running, result.Record!.Phase);
        Assert.Contains("apply east/Deployment/shop-prod/web", _cluster.Log);
        Assert.Contains("apply west/Deployment/shop-prod/web", _cluster.Log);
        Assert.Equal("east", (string?)_cluster.Objects["east/Deployment/shop-prod/web"]["metadata"]!["labels"]!["app.oam.dev/cluster"]);
        Assert.Equal(["east", "west"], result.Record.Inventory.Select(e => e.Cluster).Distinct().Order());
    }

    [Fact]
    public async Task An_invalid_application_is_not_delivered_and_its_record_is_untouched()
    {
        var result = await Deliver(Load("""
              components:
                - name: web
                  type: box
                  properties: {}
            """));
        Assert.Null(result.Record);
        Assert.Contains(result.Problems, p => p.Property == "properties.image");
        Assert.Empty(_cluster.Records);
        Assert.Empty(_cluster.Log);
    }
}

public sealed class DeliveryPlannerTests
{
    [Fact]
    public async Task A_preview_lists_creates_updates_unchanged_and_prunes_and_changes_nothing()
    {
        var cluster = new InMemoryCluster();
        cluster.Ready.UnionWith(["kind-local/Deployment/prod/db", "kind-local/Deployment/prod/web"]);
        Application Load(string spec) => ApplicationLoader.LoadText($"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {"{"}name: shop, namespace: prod{"}"}
            spec:
              components:
            {spec}
            """, "shop.yaml").Applications.Single();
        var v1 = Load("""
                - {name: db, type: box, properties: {image: "mysql:8"}}
                - {name: web, type: box, properties: {image: "nginx:1"}}
            """);
        await new ApplicationDelivery(cluster, cluster, registry: TestRegistry.Create())
            .DeliverAsync(v1, new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero }, CancellationToken.None);
        var log = cluster.Log.Count;

        var v2 = Load("""
                - {name: db, type: box, properties: {image: "mysql:9"}}
                - {name: cache, type: box, properties: {image: "redis:7"}}
            """);
        var plan = await new ApplicationDelivery(cluster, cluster, registry: TestRegistry.Create()).PreviewAsync(v2, CancellationToken.None);

        Assert.Empty(plan.Problems);
        var actions = plan.Changes.Select(c => $"{c.Action} {c.Kind}/{c.Name}").Order().ToList();
        Assert.Equal([
            "Create ConfigMap/cache-settings", "Create Deployment/cache",
            "Prune ConfigMap/web-settings", "Prune Deployment/web",
            "Update ConfigMap/db-settings", "Update Deployment/db"], actions);
        // The preview renders revision 2, as the run will: every object moves to shop-v2, and db's image changes.
        Assert.Equal(["metadata.labels.app.oam.dev/appRevision: \"shop-v1\" -> \"shop-v2\""],
            plan.Changes.Single(c => c.Kind == "ConfigMap" && c.Name == "db-settings").Fields.Select(f => f.ToString()));
        Assert.Contains("spec.image: \"mysql:8\" -> \"mysql:9\"", plan.Changes.Single(c => c.Kind == "Deployment" && c.Name == "db").Fields.Select(f => f.ToString()));
        Assert.Equal(log, cluster.Log.Count);
    }
}
