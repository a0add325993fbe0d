using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Tests.Cluster;
using ManualClock = GitOpsVela.Engine.Tests.Execution.ManualClock;
using Xunit;

namespace GitOpsVela.Engine.Tests.Delivery;

/// <summary>
/// Delivery strategies without a controller, against the Kubernetes API test server (or the cluster named by
/// GITOPSVELA_TEST_KUBECONFIG): each pass reads the cluster and the record and moves a release one step. There is no
/// ingress controller or kubelet: the tests read weights and selectors from the objects and play the kubelet by marking
/// Deployments ready; durations pass on a clock the tests move.
/// </summary>
public sealed class ReleaseTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private const string Nginx = """
              - type: kruise-rollout
                properties:
                  canary:
                    steps:
                      - weight: 20
                        duration: 60
                      - weight: 50
                        duration: 60
                      - weight: 100
                    trafficRoutings:
                      - type: nginx
        """;

    private static string WebApp(string ns, string image, string strategy, string traits = """
              - type: gateway
                properties:
                  domain: web.example.com
                  http:
                    "/": 80
        """, string extra = "") => $$"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata:
          name: shop
          namespace: {{ns}}
        spec:
          components:
            - name: web
              type: webservice
              properties:
                image: {{image}}
                ports:
                  - port: 80
              traits:
              - type: scaler
                properties:
                  replicas: 4
        {{traits}}
        {{strategy}}
        {{extra}}
        """;

    /// <summary>One application delivered pass by pass, as a scheduled reconcile would, on a clock the test moves.</summary>
    private sealed class Scenario(ReleaseTests test, string ns) : IDisposable
    {
        public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);
        private DeliveryTarget _target = KubeDelivery.Open(test._cluster.Kubeconfig, test._cluster.Context, NullEngineOutput.Instance);
        public string Namespace => ns;

        public async Task<DeliveryResult> PassAsync(string yaml, IEngineOutput? output = null, CancellationToken ct = default)
        {
            var app = ApplicationLoader.LoadText(yaml, "shop.yaml").Applications.Single();
            _target.Gateway.BeginPass();
            var result = await new ApplicationDelivery(_target.Gateway, _target.Gateway, clock: Clock, output: output).DeliverAsync(app, new DeliveryOptions(), ct);
            Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
            return result;
        }

        public async Task<ApplicationRecord> RecordAsync() => (await _target.LoadRecordAsync(ns, "shop", default))!;

        public ReleaseState? Release(DeliveryResult result, string component = "web") => result.Record!.Components.Single(c => c.Name == component).Release;

        /// <summary>A new process: a fresh connection that knows nothing but what the cluster holds.</summary>
        public void Restart()
        {
            _target.Dispose();
            _target = KubeDelivery.Open(test._cluster.Kubeconfig, test._cluster.Context, NullEngineOutput.Instance);
        }

        public async Task ControlAsync(Func<ApplicationRecord, bool> change)
        {
            var record = await RecordAsync();
            Assert.True(change(record));
            await _target.SaveRecordAsync(record, default);
        }

        public Task ReadyAsync(string deployment) => test._cluster.MarkDeploymentReadyAsync(ns, deployment, TimeSpan.FromSeconds(60));

        public async Task<JsonObject?> GetAsync(string apiVersion, string kind, string name)
        {
            using var client = test._cluster.Connect();
            var resource = await client.ResolveAsync(apiVersion, kind, default);
            return await client.GetAsync(resource!, ns, name, default);
        }

        public async Task<string?> CanaryWeightAsync() =>
            (await GetAsync("networking.k8s.io/v1", "Ingress", "web-canary"))?["metadata"]?["annotations"]?["nginx.ingress.kubernetes.io/canary-weight"]?.GetValue<string>();

        public async Task<string?> SelectorHashAsync(string service) =>
            (await GetAsync("v1", "Service", service))?["spec"]?["selector"]?["gitopsvela.io/pod-template-hash"]?.GetValue<string>();

        public async Task<string?> ImageAsync(string deployment) =>
            (await GetAsync("apps/v1", "Deployment", deployment))?["spec"]?["template"]?["spec"]?["containers"]?[0]?["image"]?.GetValue<string>();

        public async Task<long?> ReplicasAsync(string deployment) =>
            (await GetAsync("apps/v1", "Deployment", deployment))?["spec"]?["replicas"]?.GetValue<long>();

        public async Task<string?> TemplateHashAsync(string deployment) =>
            (await GetAsync("apps/v1", "Deployment", deployment))?["spec"]?["template"]?["metadata"]?["labels"]?["gitopsvela.io/pod-template-hash"]?.GetValue<string>();

        public void Dispose() => _target.Dispose();
    }

    /// <summary>Delivers v1 of the application and plays the kubelet until it runs.</summary>
    private async Task<Scenario> RunningAsync(string yaml)
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var scenario = new Scenario(this, ns);
        await scenario.PassAsync(yaml.Replace("NAMESPACE", ns));
        await scenario.ReadyAsync("web");
        var running = await scenario.PassAsync(yaml.Replace("NAMESPACE", ns));
        Assert.Equal(ApplicationPhase.Running, running.Record!.Phase);
        Assert.Null(scenario.Release(running));
        Assert.NotNull(await scenario.TemplateHashAsync("web"));
        return scenario;
    }

    [Fact]
    public async Task A_canary_moves_nginx_weights_20_50_100_across_passes_then_promotes_and_leaves_one_backend()
    {
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", Nginx));
        var v2 = WebApp(s.Namespace, "nginx:1.26", Nginx);
        var stableHash = await s.TemplateHashAsync("web");

        // The new pod template starts a release: the stable Deployment keeps serving v1; the canary Deployment starts beside it.
        var started = await s.PassAsync(v2);
        var release = s.Release(started)!;
        Assert.Equal(ReleasePhase.Progressing, release.Phase);
        Assert.Equal("nginx:1.25", await s.ImageAsync("web"));
        Assert.Equal("nginx:1.26", await s.ImageAsync("web-canary"));
        Assert.Equal(1, await s.ReplicasAsync("web-canary")); // 20% of 4, rounded up
        Assert.Equal(stableHash, await s.SelectorHashAsync("web"));
        Assert.Equal(release.CanaryHash, await s.SelectorHashAsync("web-canary"));
        Assert.Equal("0", await s.CanaryWeightAsync());
        Assert.Equal("true", (await s.GetAsync("networking.k8s.io/v1", "Ingress", "web-canary"))!["metadata"]!["annotations"]!["nginx.ingress.kubernetes.io/canary"]!.GetValue<string>());
        Assert.Equal("web-canary", (await s.GetAsync("networking.k8s.io/v1", "Ingress", "web-canary"))!["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["name"]!.GetValue<string>());

        // Not ready: the weight stays at 0.
        Assert.Equal(StepPhase.Running, (await s.PassAsync(v2)).Workflow!.Steps.Single().Phase);
        Assert.Equal("0", await s.CanaryWeightAsync());

        await s.ReadyAsync("web-canary");
        var at20 = await s.PassAsync(v2);
        Assert.Equal("20", await s.CanaryWeightAsync());
        Assert.Equal(20, s.Release(at20)!.Weight);
        Assert.Contains("next step at", at20.Workflow!.Steps.Single().Message);

        // The step's duration has not passed: nothing moves.
        s.Clock.Advance(TimeSpan.FromSeconds(30));
        await s.PassAsync(v2);
        Assert.Equal("20", await s.CanaryWeightAsync());
        Assert.Equal(1, await s.ReplicasAsync("web-canary"));

        s.Clock.Advance(TimeSpan.FromSeconds(31));
        var step2 = await s.PassAsync(v2);
        Assert.Equal(1, s.Release(step2)!.Step);
        Assert.Equal(2, await s.ReplicasAsync("web-canary"));
        Assert.Equal("20", await s.CanaryWeightAsync()); // traffic moves once the step's pods are ready
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        Assert.Equal("50", await s.CanaryWeightAsync());

        s.Clock.Advance(TimeSpan.FromSeconds(61));
        await s.PassAsync(v2);
        Assert.Equal(4, await s.ReplicasAsync("web-canary"));
        await s.ReadyAsync("web-canary");
        var promoting = await s.PassAsync(v2);
        Assert.Equal("100", await s.CanaryWeightAsync());
        Assert.Equal(ReleasePhase.Promoting, s.Release(promoting)!.Phase);
        // The last step promotes: the stable Deployment takes the new template; the stable Service selects every pod again.
        Assert.Equal("nginx:1.26", await s.ImageAsync("web"));
        Assert.Null(await s.SelectorHashAsync("web"));

        await s.ReadyAsync("web");
        var finalising = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Finalising, s.Release(finalising)!.Phase);
        Assert.Equal("0", await s.CanaryWeightAsync());

        s.Clock.Advance(TimeSpan.FromSeconds(6)); // the routing's grace period
        var done = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Completed, s.Release(done)!.Phase);
        Assert.Equal(ApplicationPhase.Running, done.Record!.Phase);
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-canary"));
        Assert.Null(await s.GetAsync("v1", "Service", "web-canary"));
        Assert.Null(await s.GetAsync("networking.k8s.io/v1", "Ingress", "web-canary"));
        Assert.Null(await s.SelectorHashAsync("web"));
        Assert.DoesNotContain(done.Record.Inventory, e => e.Name.EndsWith("-canary", StringComparison.Ordinal));

        // A further pass changes nothing.
        s.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await s.PassAsync(v2);
        Assert.False(again.RecordWritten);
    }
}
