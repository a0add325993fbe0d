using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Tests.Cluster;
using Xunit;
using k8s;
using k8s.Models;

namespace GitOpsVela.Engine.Tests.Delivery;

/// <summary>
/// Delivery end to end against the Kubernetes API test server (or the cluster named by GITOPSVELA_TEST_KUBECONFIG):
/// the spec's mysql application waits for the operator's CRDs, then for Flux to report the release Ready, then applies
/// the MysqlCluster; the record lives in the cluster; a second pass writes nothing.
/// </summary>
[Collection(SharedCrdsCollection.Name)]
public sealed class KubeDeliveryTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static Application MysqlApp(string ns) => ApplicationLoader.LoadText($$"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata:
          name: mysql
          namespace: {{ns}}
        spec:
          components:
            - name: mysql-controller
              type: helm
              properties:
                repoType: helm
                url: https://presslabs.github.io/charts
                chart: mysql-operator
                version: "0.4.0"
            - name: mysql-cluster
              type: raw
              properties:
                apiVersion: mysql.presslabs.org/v1alpha1
                kind: MysqlCluster
                metadata:
                  name: mysql-cluster
                spec:
                  replicas: 1
                  secretName: mysql-secret
          workflow:
            steps:
              - name: deploy-operator
                type: apply-component
                properties:
                  component: mysql-controller
              - name: deploy-mysql
                type: apply-component
                properties:
                  component: mysql-cluster
        """, "infrastructure/mysql.yaml").Applications.Single();

    private static JsonObject Crd(string group, string version, string plural, string kind)
    {
        var crd = JsonNode.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{},
             "spec":{"scope":"Namespaced","names":{},
               "versions":[{"served":true,"storage":true,"subresources":{"status":{}},
                 "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """)!.AsObject();
        crd["metadata"]!["name"] = $"{plural}.{group}";
        crd["spec"]!["group"] = group;
        crd["spec"]!["names"] = new JsonObject { ["plural"] = plural, ["singular"] = kind.ToLowerInvariant(), ["kind"] = kind, ["listKind"] = kind + "List" };
        crd["spec"]!["versions"]![0]!["name"] = version;
        return crd;
    }

    private Task InstallCrdAsync(string group, string version, string plural, string kind) =>
        _cluster.InstallCrdAsync(Crd(group, version, plural, kind), "test");

    private async Task MarkReadyAsync(string group, string version, string plural, string ns, string name)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_cluster.Kubeconfig, _cluster.Context);
        using var kube = new Kubernetes(config);
        var status = """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Succeeded","message":"Release reconciliation succeeded"}]}}""";
        await kube.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(status, V1Patch.PatchType.MergePatch), group, version, ns, plural, name);
    }

    [Fact]
    public async Task The_specs_mysql_application_waits_for_its_operator_then_runs_and_a_second_pass_writes_nothing()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var app = MysqlApp(ns);
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        async Task<DeliveryResult> Pass()
        {
            target.Gateway.BeginPass();
            var result = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(app, new DeliveryOptions(), default);
            Assert.Empty(result.Problems);
            return result;
        }

        var first = await Pass();
        var operatorStep = first.Workflow!.Find("deploy-operator")!;
        Assert.Equal(StepPhase.Running, operatorStep.Phase);
        Assert.True(operatorStep.Message?.Contains("CustomResourceDefinition is not installed"), operatorStep.Message);
        Assert.Equal(StepPhase.Pending, first.Workflow.Find("deploy-mysql")!.Phase);

        await InstallCrdAsync("helm.toolkit.fluxcd.io", "v2beta1", "helmreleases", "HelmRelease");
        await InstallCrdAsync("source.toolkit.fluxcd.io", "v1beta2", "helmrepositories", "HelmRepository");
        var second = await Pass();
        var waiting = second.Workflow!.Find("deploy-operator")!.Message;
        Assert.True(waiting?.Contains("waiting for Flux to report HelmRelease Ready"), waiting);

        await MarkReadyAsync("helm.toolkit.fluxcd.io", "v2beta1", "helmreleases", ns, "mysql-controller");
        await MarkReadyAsync("source.toolkit.fluxcd.io", "v1beta2", "helmrepositories", ns, "mysql-controller");
        var third = await Pass();
        Assert.Equal(StepPhase.Succeeded, third.Workflow!.Find("deploy-operator")!.Phase);
        Assert.Contains("MysqlCluster", third.Workflow.Find("deploy-mysql")!.Message);
        Assert.Equal(ApplicationPhase.RunningWorkflow, third.Record!.Phase);

        await InstallCrdAsync("mysql.presslabs.org", "v1alpha1", "mysqlclusters", "MysqlCluster");
        var fourth = await Pass();
        Assert.Equal(ApplicationPhase.Running, fourth.Record!.Phase);
        Assert.True(fourth.Record.Healthy);
        Assert.Equal(["HelmRelease/mysql-controller", "HelmRepository/mysql-controller", "MysqlCluster/mysql-cluster"],
            fourth.Record.Inventory.Select(e => $"{e.Kind}/{e.Name}").Order());

        // The record is in the cluster: a fresh connection reads it.
        using (var other = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance))
        {
            var stored = await other.LoadRecordAsync(ns, "mysql", default);
            Assert.Equal(ApplicationPhase.Running, stored!.Phase);
            Assert.Equal("mysql-v1", stored.RevisionName);
        }

        var writes = target.Gateway.LocalClient.CountWrites();
        var fifth = await Pass();
        Assert.False(fifth.RecordWritten);
        Assert.Equal(writes, target.Gateway.LocalClient.CountWrites());
    }

    [Fact]
    public async Task A_preview_of_a_changed_application_lists_the_changed_fields_and_writes_nothing()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        Application App(string image) => ApplicationLoader.LoadText($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: web, namespace: {{ns}}}
            spec:
              components:
                - name: settings
                  type: k8s-objects
                  properties:
                    objects:
                      - apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: settings}
                        data: {image: "{{image}}"}
            """, "web.yaml").Applications.Single();
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var delivered = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(App("nginx:1"), new DeliveryOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(50) }, default);
        Assert.Equal(ApplicationPhase.Running, delivered.Record!.Phase);

        var writes = target.Gateway.LocalClient.CountWrites();
        var plan = await target.PlanAsync(App("nginx:2"), default);

        Assert.Empty(plan.Problems);
        var change = Assert.Single(plan.Changes);
        Assert.Equal(ChangeAction.Update, change.Action);
        Assert.True(change.Fields.Any(f => f.Path == "data.image" && f.Old == "\"nginx:1\"" && f.New == "\"nginx:2\""), string.Join("; ", change.Fields));
        Assert.Equal(writes, target.Gateway.LocalClient.CountWrites() - target.Gateway.LocalClient.Requests.Count(r => r.Path.Contains("dryRun")));
    }

    [Fact]
    public async Task Independent_components_finishing_together_save_the_record_one_after_the_other()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        string Component(string name) => $$"""
                - name: {{name}}
                  type: k8s-objects
                  properties:
                    objects:
                      - apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: {{name}}
                        data:
                          a: "1"
            """;
        var app = ApplicationLoader.LoadText($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: many, namespace: {{ns}}}
            spec:
              components:
            {{string.Join("\n", Enumerable.Range(1, 6).Select(i => Component($"part-{i}")))}}
            """, "many.yaml").Applications.Single();
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var result = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(app, new DeliveryOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(20) }, default);
        Assert.Empty(result.Problems);
        Assert.Equal(ApplicationPhase.Running, result.Record!.Phase);
        Assert.Equal(6, result.Record.Inventory.Count);
    }

    [Fact]
    public async Task An_apply_once_path_keeps_the_value_someone_else_set_when_a_new_revision_is_applied()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        Application App(string image) => ApplicationLoader.LoadText($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: web, namespace: {{ns}}}
            spec:
              components:
                - name: web
                  type: webservice
                  properties: {image: "{{image}}"}
                  traits:
                    - type: scaler
                      properties: {replicas: 2}
                    - type: annotations
                      properties: {"app.oam.dev/disable-health-check": "true"}
              policies:
                - name: hpa-owns-replicas
                  type: apply-once
                  properties:
                    enable: true
                    rules:
                      - selector: {componentTypes: [webservice], resourceTypes: [Deployment]}
                        strategy: {path: [spec.replicas]}
            """, "web.yaml").Applications.Single();
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var options = new DeliveryOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(20) };
        Assert.Empty((await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(App("nginx:1"), options, default)).Problems);

        using var client = _cluster.Connect();
        var deployments = await client.ResolveAsync("apps/v1", "Deployment", default);
        Assert.Equal(2, (int)(await client.GetAsync(deployments!, ns, "web", default))!["spec"]!["replicas"]!);
        // An autoscaler (another field manager) scales it out.
        var scale = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = ns },
            ["spec"] = new JsonObject { ["replicas"] = 5 },
        };
        await client.ApplyAsync(deployments!, scale,
            "hpa-controller", force: true, dryRun: false, default);

        target.Gateway.BeginPass();
        var v2 = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(App("nginx:2"), options, default);

        Assert.Empty(v2.Problems);
        var live = (await client.GetAsync(deployments!, ns, "web", default))!;
        Assert.Equal(5, (int)live["spec"]!["replicas"]!);
        Assert.Equal("nginx:2", (string?)live["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
    }
}
