using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

/// <summary>
/// A user RBAC limits to one namespace — a ServiceAccount with a Role on a real cluster (GITOPSVELA_TEST_KUBECONFIG), a
/// token the test server's Forbidden fault limits otherwise: what it may not do is one clear 403 line naming the verb,
/// the resource and the namespace, and what it applied before is kept.
/// </summary>
public sealed class ClusterRbacTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Objects_outside_the_users_namespace_fail_with_one_403_line_naming_verb_resource_and_namespace()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var other = _cluster.NamespaceName();
        var (kubeconfig, context, user) = await _cluster.LimitedUserAsync(ns);
        using var client = Kubeconfig.Connect(kubeconfig, context);

        var result = await new Applier(client, NullEngineOutput.Instance).ApplyAsync(
            [Manifests.ConfigMap(ns, "a", "my-app"), Manifests.ConfigMap(other, "elsewhere", "my-app"), Manifests.ConfigMap(ns, "b", "my-app")],
            new ApplyOptions(), "my-app", default);

        Assert.Equal([ApplyAction.Created, ApplyAction.Failed, ApplyAction.Created], result.Outcomes.Select(o => o.Action));
        var problem = result.Outcomes[1].Problem!;
        Assert.Equal("Cluster.Forbidden", problem.Id);
        Assert.Equal(ProblemCategory.PermissionDenied, problem.Category);
        Assert.False(problem.Transient);
        Assert.Equal($"ConfigMap {other}/elsewhere: the user of context '{context}' ({client.Server}) may not list configmaps in namespace '{other}' (403 Forbidden): " +
            $"configmaps is forbidden: User \"{user}\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"{other}\"", problem.Message);
    }

    [Fact]
    public async Task A_delivery_with_one_forbidden_object_fails_its_step_with_the_403_line_and_records_what_was_applied_before()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var other = _cluster.NamespaceName();
        var (kubeconfig, context, user) = await _cluster.LimitedUserAsync(ns);
        var app = ApplicationLoader.LoadText($$$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: limited, namespace: {{{ns}}}}
            spec:
              components:
                - name: settings
                  type: k8s-objects
                  properties:
                    objects:
                      - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {a: "1"}}
                - name: shared
                  type: k8s-objects
                  dependsOn: [settings]
                  properties:
                    objects:
                      - {apiVersion: v1, kind: ConfigMap, metadata: {name: shared, namespace: {{{other}}}}, data: {b: "2"}}
            """, "limited.yaml").Applications.Single();

        using var target = KubeDelivery.Open(kubeconfig, context, NullEngineOutput.Instance);
        var result = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(app, new DeliveryOptions(), default);

        // The engine looks for the other namespace before it applies there: that read is what RBAC refuses first.
        var step = result.Workflow!.Find("shared")!;
        Assert.Equal(StepPhase.Failed, step.Phase);
        Assert.DoesNotContain("\n", step.Message);
        Assert.Equal($"Namespace {other}: the user of context '{context}' ({target.Gateway.LocalClient.Server}) may not get namespace '{other}' (403 Forbidden): " +
            $"namespaces \"{other}\" is forbidden: User \"{user}\" cannot get resource \"namespaces\" in API group \"\" in the namespace \"{other}\"", step.Message);
        Assert.Equal(StepPhase.Succeeded, result.Workflow.Find("settings")!.Phase);
        using var admin = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var record = await admin.LoadRecordAsync(ns, "limited", default);
        Assert.NotNull(record);
        Assert.Contains(record!.Inventory, e => e.Kind == "ConfigMap" && e.Namespace == ns && e.Name == "settings");
        Assert.DoesNotContain(record.Inventory, e => e.Namespace == other);
    }
}
