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
/// KubeVela keeps a finished revision's state: what someone changes by hand (kubectl scale, kubectl set image, deleting
/// a Service) is put back on the next pass, saying which fields drifted; a field another manager owns is a clear conflict
/// that -TakeOwnership resolves on the same spec; a preview right after an apply shows nothing to change.
/// Against the Kubernetes API test server, or the cluster named by GITOPSVELA_TEST_KUBECONFIG.
/// </summary>
public sealed class DriftTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static Application App(string ns, string image = "nginx:1") => ApplicationLoader.LoadText($$"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {name: web, namespace: {{ns}}}
        spec:
          components:
            - name: web
              type: webservice
              properties:
                image: "{{image}}"
                ports: [{port: 80, expose: true}]
              traits:
                - type: scaler
                  properties: {replicas: 2}
        """, "web.yaml").Applications.Single();

    private async Task<(DeliveryTarget Target, string Ns)> DeliveredAsync()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var first = await target.DeliverAsync(App(ns), new DeliveryOptions(), NullEngineOutput.Instance, default);
        Assert.Empty(first.Problems);
        await _cluster.MarkDeploymentReadyAsync(ns, "web");
        target.Gateway.BeginPass();
        var done = await target.DeliverAsync(App(ns), new DeliveryOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(50) }, NullEngineOutput.Instance, default);
        Assert.Equal(ApplicationPhase.Running, done.Record!.Phase);
        return (target, ns);
    }

    [Fact]
    public async Task Scaled_reimaged_and_deleted_objects_are_put_back_on_the_next_pass_naming_what_drifted()
    {
        var (target, ns) = await DeliveredAsync();
        using (target)
        {
            using var client = _cluster.Connect();
            var deployments = (await client.ResolveAsync("apps/v1", "Deployment", default))!;
            var services = (await client.ResolveAsync("v1", "Service", default))!;
            // kubectl scale and kubectl set image, as kubectl sends them (its own field managers), and a deleted Service.
            using (var kube = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_cluster.Kubeconfig, _cluster.Context)))
            {
                await kube.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch),
                    "web", ns, fieldManager: "kubectl-scale");
                await kube.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:evil"}]}}}}""",
                    V1Patch.PatchType.StrategicMergePatch), "web", ns, fieldManager: "kubectl-set");
            }
            Assert.Equal(5, (int)(await client.GetAsync(deployments, ns, "web", default))!["spec"]!["replicas"]!);
            Assert.True(await client.DeleteAsync(services, ns, "web", dryRun: false, default));

            target.Gateway.BeginPass();
            var kept = await target.DeliverAsync(App(ns), new DeliveryOptions(), NullEngineOutput.Instance, default);

            Assert.Empty(kept.Problems);
            var restored = (await client.GetAsync(deployments, ns, "web", default))!;
            Assert.Equal(2, (int)restored["spec"]!["replicas"]!);
            Assert.Equal("nginx:1", (string?)restored["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
            Assert.NotNull(await client.GetAsync(services, ns, "web", default));
            var drift = string.Join("\n", kept.Drift);
            Assert.Contains("Deployment/web", drift);
            Assert.Contains("spec.replicas: 5 -> 2", drift);
            Assert.Contains("\"nginx:evil\" -> \"nginx:1\"", drift);
            Assert.Contains("Service/web was missing", drift);

            // Nothing drifted since: the next pass writes nothing.
            target.Gateway.BeginPass();
            var writes = target.Gateway.LocalClient.CountWrites();
            var quiet = await target.DeliverAsync(App(ns), new DeliveryOptions(), NullEngineOutput.Instance, default);
            Assert.Empty(quiet.Drift);
            Assert.Equal(writes, target.Gateway.LocalClient.CountWrites());
        }
    }

    [Fact]
    public async Task A_field_another_manager_owns_is_a_conflict_naming_it_until_taken_over_on_the_same_spec()
    {
        var (target, ns) = await DeliveredAsync();
        using (target)
        {
            using var client = _cluster.Connect();
            var deployments = (await client.ResolveAsync("apps/v1", "Deployment", default))!;
            var scale = new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "Deployment",
                ["metadata"] = new JsonObject { ["name"] = "web", ["namespace"] = ns },
                ["spec"] = new JsonObject { ["replicas"] = 7 },
            };
            await client.ApplyAsync(deployments, scale, "hpa-controller", force: true, dryRun: false, default);

            target.Gateway.BeginPass();
            var refused = await target.DeliverAsync(App(ns), new DeliveryOptions(), NullEngineOutput.Instance, default);
            var conflict = Assert.Single(refused.Problems);
            Assert.Equal(ErrorIds.Cluster.ApplyConflict, conflict.Id);
            Assert.Contains("hpa-controller", conflict.Message);
            Assert.Contains("-TakeOwnership", conflict.Message);
            Assert.Equal(7, (int)(await client.GetAsync(deployments, ns, "web", default))!["spec"]!["replicas"]!);

            target.Gateway.BeginPass();
            var taken = await target.DeliverAsync(App(ns), new DeliveryOptions { Force = true }, NullEngineOutput.Instance, default);
            Assert.Empty(taken.Problems);
            Assert.Equal(2, (int)(await client.GetAsync(deployments, ns, "web", default))!["spec"]!["replicas"]!);
        }
    }

    [Fact]
    public async Task A_preview_right_after_an_apply_of_revision_two_shows_nothing_to_change()
    {
        var (target, ns) = await DeliveredAsync();
        using (target)
        {
            target.Gateway.BeginPass();
            var v2 = await target.DeliverAsync(App(ns, "nginx:2"), new DeliveryOptions(), NullEngineOutput.Instance, default);
            Assert.Empty(v2.Problems);
            Assert.Equal(2, v2.Record!.Revision);

            target.Gateway.BeginPass();
            var preview = await target.PlanAsync(App(ns, "nginx:2"), default);
            Assert.Empty(preview.Problems);
            Assert.True(preview.Changes.All(c => c.Action == ChangeAction.Unchanged),
                string.Join("\n", preview.Changes.Select(c => $"{c.Action} {c.Kind}/{c.Name}: {string.Join(", ", c.Fields)}")));
            Assert.DoesNotContain(preview.Changes.SelectMany(c => c.Fields), f => f.Path.Contains("appRevision"));
        }
    }
}
