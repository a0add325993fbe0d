using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Tests.Cluster;
using Xunit;

namespace GitOpsVela.Engine.Tests.Delivery;

/// <summary>
/// Flux objects in the version the cluster serves (issue 11, item 7), against the Kubernetes API test server (or the
/// cluster named by GITOPSVELA_TEST_KUBECONFIG): discovery finds the newest served version of each Flux kind the
/// <c>helm</c> component writes, and the preview and the run write that version.
/// </summary>
[Collection(SharedCrdsCollection.Name)]
public sealed class FluxVersionDeliveryTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();
    private readonly List<string> _crds = [];

    public Task InitializeAsync() => _cluster.InitializeAsync();

    /// <summary>
    /// Against a real cluster a CRD is deleted in the background: wait until it is gone, so the next test that installs it
    /// with other versions does not rewrite one whose stored objects then cannot be cleaned up.
    /// </summary>
    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        if (!_cluster.IsRealCluster) return;
        foreach (var name in _crds) await WaitGoneAsync(name);
    }

    private async Task WaitGoneAsync(string crdName)
    {
        using var client = _cluster.Connect();
        var crds = await client.ResolveAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", default);
        for (var i = 0; i < 300 && await client.GetAsync(crds!, null, crdName, default) is not null; i++) await Task.Delay(200);
    }

    private static Application HelmApp(string ns) => ApplicationLoader.LoadText($$"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {name: podinfo, namespace: {{ns}}}
        spec:
          components:
            - name: podinfo
              type: helm
              properties:
                url: https://stefanprodan.github.io/podinfo
                chart: podinfo
                version: "6.5.0"
        """, "podinfo.yaml").Applications.Single();

    /// <summary>A CRD serving <paramref name="versions"/> (the first stored), as a Flux release installs it.</summary>
    private async Task InstallCrdAsync(string group, string plural, string kind, params string[] versions)
    {
        var crd = new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = $"{plural}.{group}" },
            ["spec"] = new JsonObject
            {
                ["group"] = group,
                ["scope"] = "Namespaced",
                ["names"] = new JsonObject { ["plural"] = plural, ["singular"] = kind.ToLowerInvariant(), ["kind"] = kind, ["listKind"] = kind + "List" },
                ["versions"] = new JsonArray(versions.Select((v, i) => (JsonNode)new JsonObject
                {
                    ["name"] = v,
                    ["served"] = true,
                    ["storage"] = i == 0,
                    ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true } },
                }).ToArray()),
            },
        };
        await WaitGoneAsync($"{plural}.{group}");
        using var client = _cluster.Connect();
        var resource = await client.ResolveAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", default);
        await client.ApplyAsync(resource!, crd, "test", force: true, dryRun: false, default);
        _cluster.TrackCrd($"{plural}.{group}");
        _crds.Add($"{plural}.{group}");
        // A real API server serves a new CRD's versions a moment after it is created.
        for (var i = 0; i < 100; i++)
        {
            using var probe = _cluster.Connect();
            if (await probe.ResolveAsync($"{group}/{versions[0]}", kind, default) is not null) return;
            await Task.Delay(100);
        }
    }

    [Theory]
    [InlineData(new[] { "v2", "v2beta2", "v2beta1" }, new[] { "v1", "v1beta2" }, "helm.toolkit.fluxcd.io/v2", "source.toolkit.fluxcd.io/v1")] // Flux 2.3–2.6
    [InlineData(new[] { "v2" }, new[] { "v1" }, "helm.toolkit.fluxcd.io/v2", "source.toolkit.fluxcd.io/v1")]                                     // Flux 2.8
    [InlineData(new[] { "v2beta1" }, new[] { "v1beta2" }, "helm.toolkit.fluxcd.io/v2beta1", "source.toolkit.fluxcd.io/v1beta2")]                 // Flux 2.1, KubeVela's addon
    public async Task The_helm_component_writes_the_newest_Flux_versions_the_cluster_serves(string[] releaseVersions, string[] sourceVersions, string release, string source)
    {
        var ns = await _cluster.CreateNamespaceAsync();
        await InstallCrdAsync("helm.toolkit.fluxcd.io", "helmreleases", "HelmRelease", releaseVersions);
        await InstallCrdAsync("source.toolkit.fluxcd.io", "helmrepositories", "HelmRepository", sourceVersions);
        var app = HelmApp(ns);
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);

        var preview = await target.PlanAsync(app, default);
        Assert.Empty(preview.Problems);
        Assert.Equal([$"HelmRelease {release}", $"HelmRepository {source}"], preview.Changes.Select(c => $"{c.Kind} {c.ApiVersion}").Order());

        var result = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(app, new DeliveryOptions(), default);
        Assert.Empty(result.Problems);
        Assert.Equal([$"HelmRelease {release}", $"HelmRepository {source}"], result.Record!.Inventory.Select(e => $"{e.Kind} {e.ApiVersion}").Order());
        using var client = _cluster.Connect();
        var written = await client.ResolveAsync(release, "HelmRelease", default);
        var live = await client.GetAsync(written!, ns, "podinfo", default);
        Assert.Equal("30s", live!["spec"]!["interval"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_Flux_installed_the_newest_GA_versions_are_what_the_run_waits_for()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var preview = await Assert.ThrowsAsync<VelaProblemException>(() => target.PlanAsync(HelmApp(ns), default));
        Assert.Matches("helm.toolkit.fluxcd.io/v2 HelmRelease|source.toolkit.fluxcd.io/v1 HelmRepository", preview.Problem.Message);
        var result = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(HelmApp(ns), new DeliveryOptions(), default);
        var step = Assert.Single(result.Record!.Workflow!.Steps);
        Assert.Contains("CustomResourceDefinition is not installed", step.Message);
        Assert.Matches("helm.toolkit.fluxcd.io/v2|source.toolkit.fluxcd.io/v1", step.Message);
    }
}
