using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading;
using GitOpsVela.TestKube;
using Xunit;

namespace GitOpsVela.Engine.Tests.Delivery;

/// <summary>
/// Two kubeconfig contexts, each its own Kubernetes API test server: a deploy step with a topology policy over both
/// (selected by the clusters file's labels) and an override per environment.
/// </summary>
public sealed class TopologyTests : IAsyncLifetime
{
    private KubeApiServer _east = null!;
    private KubeApiServer _west = null!;
    private string _dir = null!;
    private string _kubeconfig = null!;

    public async Task InitializeAsync()
    {
        _east = await KubeApiServer.StartAsync();
        _west = await KubeApiServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("gitopsvela-topology-").FullName;
        _kubeconfig = Path.Combine(_dir, "config");
        File.WriteAllText(_kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: east
              cluster: {"{"}server: {_east.BaseAddress.ToString().TrimEnd('/')}{"}"}
            - name: west
              cluster: {"{"}server: {_west.BaseAddress.ToString().TrimEnd('/')}{"}"}
            users:
            - name: u
              user: {"{"}token: testkube-token{"}"}
            contexts:
            - name: east
              context: {"{"}cluster: east, user: u{"}"}
            - name: west
              context: {"{"}cluster: west, user: u{"}"}
            current-context: east
            """);
        // The clusters file beside the kubeconfig labels the contexts for clusterLabelSelector.
        File.WriteAllText(Path.Combine(_dir, "gitopsvela-clusters.yaml"), """
            clusters:
              - name: east
                labels: {env: prod, region: east}
              - name: west
                labels: {env: prod, region: west}
            """);
    }

    public async Task DisposeAsync()
    {
        await _east.DisposeAsync();
        await _west.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static async Task<JsonObject?> Get(KubeApiServer server, string kubeconfig, string context, string ns, string name)
    {
        using var client = GitOpsVela.Engine.Kube.Kubeconfig.Connect(kubeconfig, context);
        var resource = await client.ResolveAsync("v1", "ConfigMap", default);
        return await client.GetAsync(resource!, ns, name, default);
    }

    [Fact]
    public async Task A_deploy_step_places_the_components_in_every_selected_context_with_each_overrides()
    {
        var app = ApplicationLoader.LoadText("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: shop, namespace: default}
            spec:
              components:
                - name: settings
                  type: k8s-objects
                  properties:
                    objects:
                      - apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: shop-settings}
                        data: {region: none}
              policies:
                - name: prod
                  type: topology
                  properties:
                    clusterLabelSelector: {env: prod}
                    namespace: shop
                - name: west-only
                  type: topology
                  properties:
                    clusters: [west]
                    namespace: shop-west
                - name: tuned
                  type: override
                  properties:
                    components:
                      - name: settings
                        properties:
                          objects:
                            - apiVersion: v1
                              kind: ConfigMap
                              metadata: {name: shop-settings}
                              data: {region: tuned}
              workflow:
                steps:
                  - {name: everywhere, type: deploy, properties: {policies: [prod]}}
                  - {name: west-tuned, type: deploy, properties: {policies: [west-only, tuned]}}
            """, "shop.yaml").Applications.Single();
        using var target = KubeDelivery.Open(_kubeconfig, "east", NullEngineOutput.Instance);

        var result = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(app, new DeliveryOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(20) }, default);

        Assert.Empty(result.Problems);
        Assert.Equal(ApplicationPhase.Running, result.Record!.Phase);
        Assert.Equal("none", (string?)(await Get(_east, _kubeconfig, "east", "shop", "shop-settings"))!["data"]!["region"]);
        Assert.Equal("none", (string?)(await Get(_west, _kubeconfig, "west", "shop", "shop-settings"))!["data"]!["region"]);
        Assert.Equal("tuned", (string?)(await Get(_west, _kubeconfig, "west", "shop-west", "shop-settings"))!["data"]!["region"]);
        Assert.Null(await Get(_east, _kubeconfig, "east", "shop-west", "shop-settings"));
        // One record, in the local context (east), with the inventory of both clusters.
        Assert.Equal(["east", "west"], result.Record.Inventory.Select(e => e.Cluster).Distinct().Order());
        Assert.Equal("west", (string?)(await Get(_west, _kubeconfig, "west", "shop", "shop-settings"))!["metadata"]!["labels"]!["app.oam.dev/cluster"]);
    }
}
