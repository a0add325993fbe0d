using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsVela.TestKube;
using Xunit;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace GitOpsVela.Engine.Tests.TestKube;

/// <summary>Server-side apply over associative lists (containers by name, env by name, ports by port+protocol), as the real API tracks them.</summary>
public sealed class TestKubeFieldOwnershipTests : IAsyncLifetime
{
    private KubeApiServer _server = null!;
    private Kubernetes _client = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _server = await KubeApiServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("testkube-ownership-").FullName;
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_server.WriteKubeconfig(Path.Combine(_dir, "config"))));
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private Task<V1Deployment> Apply(string manager, string json, bool force = false) =>
        _client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(json, V1Patch.PatchType.ApplyPatch), "web", "team", fieldManager: manager, force: force);

    private const string Owner = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
           "spec":{"containers":[{"name":"web","image":"nginx:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80}]}]}}}}
        """;

    [Fact]
    public async Task Managers_own_different_list_elements_and_each_keeps_its_own()
    {
        var first = await Apply("gitopsvela", Owner);
        var fields = JsonNode.Parse(((JsonElement)first.Metadata.ManagedFields.Single().FieldsV1).GetRawText())!;
        var containers = fields["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!.AsObject();
        var web = containers["k:{\"name\":\"web\"}"]!.AsObject();
        Assert.True(web.ContainsKey("."));
        Assert.True(web.ContainsKey("f:image"));
        Assert.True(web["f:ports"]!.AsObject().ContainsKey("k:{\"containerPort\":80,\"protocol\":\"TCP\"}"));

        var sidecar = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1"}]}}}}""";
        var both = await Apply("mesh-injector", sidecar);
        Assert.Equal(["web", "proxy"], both.Spec.Template.Spec.Containers.Select(c => c.Name));

        // The owner re-applies, dropping env B: B goes, the sidecar stays.
        var again = await Apply("gitopsvela", Owner.Replace(""",{"name":"B","value":"2"}""", ""));
        Assert.Equal(["web", "proxy"], again.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal(["A"], again.Spec.Template.Spec.Containers[0].Env.Select(e => e.Name));

        // The injector stops applying its sidecar: the element goes with it.
        var gone = await Apply("mesh-injector", """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}""");
        Assert.Equal(["web"], gone.Spec.Template.Spec.Containers.Select(c => c.Name));
    }

    [Fact]
    public async Task A_conflict_inside_a_list_element_is_named_like_the_real_server_names_it()
    {
        await Apply("gitopsvela", Owner);
        // kubectl set image: a strategic merge patch under its own manager.
        var patch = """{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:2","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80}]}]}}}}""";
        await _client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), "web", "team", fieldManager: "kubectl-set");
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => Apply("gitopsvela", Owner));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        var status = JsonNode.Parse(e.Response.Content)!;
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-set\" using apps/v1: .spec.template.spec.containers[name=\"web\"].image", status["message"]!.GetValue<string>());
        var forced = await Apply("gitopsvela", Owner, force: true);
        Assert.Equal("nginx:1", forced.Spec.Template.Spec.Containers[0].Image);
    }
}
