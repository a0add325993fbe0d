using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
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
            var result = await DeliverAsync(yaml, output, ct);
            Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
            return result;
        }

        /// <summary>A pass of a workflow that failed (a release rolled back): its one problem is Workflow.Failed, naming the step.</summary>
        public async Task<DeliveryResult> FailedPassAsync(string yaml, string step)
        {
            var result = await DeliverAsync(yaml, null, default);
            var problem = Assert.Single(result.Problems);
            Assert.Equal(ErrorIds.Workflow.Failed, problem.Id);
            Assert.Contains($"step '{step}'", problem.Message);
            Assert.Equal(ApplicationPhase.WorkflowFailed, result.Record!.Phase);
            return result;
        }

        private async Task<DeliveryResult> DeliverAsync(string yaml, IEngineOutput? output, CancellationToken ct)
        {
            var app = ApplicationLoader.LoadText(yaml, "shop.yaml").Applications.Single();
            _target.Gateway.BeginPass();
            return await new ApplicationDelivery(_target.Gateway, _target.Gateway, clock: Clock, output: output).DeliverAsync(app, new DeliveryOptions(), ct);
        }

        /// <summary>
        /// Passes until <paramref name="done"/> holds (bounded): a real cluster's deployment controller needs a moment to
        /// observe an applied Deployment (an annotation change bumps its generation too) before it reports it healthy.
        /// </summary>
        public async Task<DeliveryResult> PassUntilAsync(string yaml, Func<DeliveryResult, bool> done)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var result = await PassAsync(yaml);
                if (done(result)) return result;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException("the pass never came to what the test waits for: " + string.Join("; ", result.Workflow!.AllSteps().Select(st => $"{st.Name} {st.Phase} {st.Message}")));
                await Task.Delay(200);
            }
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

        /// <summary>
        /// Plays the kubelet until the Deployment has rolled out: every replica ready and updated, and — on a real
        /// cluster, whose deployment controller scales the old ReplicaSet down after the new pods are ready — no old pod left.
        /// </summary>
        public async Task ReadyAsync(string deployment)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                await test._cluster.MarkDeploymentReadyAsync(ns, deployment, TimeSpan.FromSeconds(60));
                var live = await GetAsync("apps/v1", "Deployment", deployment);
                if (live?["status"]?["replicas"]?.GetValue<long>() == live?["spec"]?["replicas"]?.GetValue<long>()) return;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Deployment {deployment} did not roll out: {live?["status"]?.ToJsonString()}");
                await Task.Delay(200);
            }
        }

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

    private const string Manual = """
              - type: kruise-rollout
                properties:
                  canary:
                    steps:
                      - weight: 20
                      - weight: 50
                      - weight: 100
                    trafficRoutings:
                      - type: ingress
                        ingressName: web
        """;

    [Fact]
    public async Task A_step_without_duration_holds_until_Resume_VelaWorkflow_then_goes_on()
    {
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", Manual));
        var v2 = WebApp(s.Namespace, "nginx:1.26", Manual);
        await s.PassAsync(v2);
        await s.ReadyAsync("web-canary");
        var paused = await s.PassAsync(v2);
        Assert.Equal("20", await s.CanaryWeightAsync());
        Assert.Equal(ApplicationPhase.WorkflowSuspending, paused.Record!.Phase);
        var step = paused.Workflow!.Steps.Single();
        Assert.Equal(StepPhase.Suspending, step.Phase);
        Assert.Contains("waiting for Resume-VelaWorkflow", step.Message);
        Assert.Equal(ReleasePhase.Paused, s.Release(paused)!.Phase);

        // Time alone does not move it.
        s.Clock.Advance(TimeSpan.FromHours(3));
        var still = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Paused, s.Release(still)!.Phase);
        Assert.Equal("20", await s.CanaryWeightAsync());
        Assert.Equal(1, await s.ReplicasAsync("web-canary"));

        await s.ControlAsync(record => WorkflowControl.Resume(record));
        var resumed = await s.PassAsync(v2);
        Assert.Equal(1, s.Release(resumed)!.Step);
        Assert.Equal(2, await s.ReplicasAsync("web-canary"));
        await s.ReadyAsync("web-canary");
        // The next step without duration waits for its own Resume: one approval moves one step.
        var second = await s.PassAsync(v2);
        Assert.Equal("50", await s.CanaryWeightAsync());
        Assert.Equal(ReleasePhase.Paused, s.Release(second)!.Phase);
        Assert.Equal(StepPhase.Suspending, second.Workflow!.Steps.Single().Phase);
        await s.PassAsync(v2);
        Assert.Equal(2, await s.ReplicasAsync("web-canary"));

        await s.ControlAsync(record => WorkflowControl.Resume(record, "web"));
        await s.PassAsync(v2);
        Assert.Equal(4, await s.ReplicasAsync("web-canary"));
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        Assert.Equal("100", await s.CanaryWeightAsync());
        Assert.Equal("nginx:1.26", await s.ImageAsync("web"));
        await s.ReadyAsync("web");
        await s.PassAsync(v2);
        s.Clock.Advance(TimeSpan.FromSeconds(6));
        var done = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Completed, s.Release(done)!.Phase);
        Assert.Equal(ApplicationPhase.Running, done.Record!.Phase);
        Assert.Null(await s.GetAsync("networking.k8s.io/v1", "Ingress", "web-canary"));
    }

    [Fact]
    public async Task A_canary_whose_pods_never_get_ready_is_rolled_back_after_the_deadline()
    {
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", Nginx));
        var bad = WebApp(s.Namespace, "nginx:broken", Nginx);
        var stableHash = await s.TemplateHashAsync("web");
        await s.PassAsync(bad);
        Assert.Equal(1, await s.ReplicasAsync("web-canary"));

        s.Clock.Advance(TimeSpan.FromSeconds(590));
        var waiting = await s.PassAsync(bad);
        Assert.Equal(StepPhase.Running, waiting.Workflow!.Steps.Single().Phase);

        s.Clock.Advance(TimeSpan.FromSeconds(11)); // past the Deployment's progressDeadlineSeconds (600 by default)
        var rolledBack = await s.FailedPassAsync(bad, "web");
        var step = rolledBack.Workflow!.Steps.Single();
        Assert.Equal(StepPhase.Failed, step.Phase);
        Assert.Equal("Rollback", step.Reason);
        Assert.Contains("not ready within 600s", step.Message);
        Assert.Equal(ApplicationPhase.WorkflowFailed, rolledBack.Record!.Phase);
        Assert.Equal(ReleasePhase.RolledBack, s.Release(rolledBack)!.Phase);
        // All traffic on the stable version: no canary objects, the stable Service selecting every pod of the component.
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-canary"));
        Assert.Null(await s.GetAsync("v1", "Service", "web-canary"));
        Assert.Null(await s.GetAsync("networking.k8s.io/v1", "Ingress", "web-canary"));
        Assert.Null(await s.SelectorHashAsync("web"));
        Assert.Equal("nginx:1.25", await s.ImageAsync("web"));
        Assert.Equal(stableHash, await s.TemplateHashAsync("web"));

        // Later passes keep the stable version: the failed template is not applied, and each says the workflow failed.
        s.Clock.Advance(TimeSpan.FromMinutes(10));
        await s.FailedPassAsync(bad, "web");
        Assert.Equal("nginx:1.25", await s.ImageAsync("web"));
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-canary"));
    }

    [Fact]
    public async Task A_workflow_step_timeout_and_Stop_VelaWorkflow_return_all_traffic_to_stable()
    {
        const string timed = """
              workflow:
                steps:
                  - name: release
                    type: apply-component
                    timeout: 2m
                    properties:
                      component: web
            """;
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", Nginx, extra: timed));
        var v2 = WebApp(s.Namespace, "nginx:1.26", Nginx, extra: timed);
        await s.PassAsync(v2);
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        Assert.Equal("20", await s.CanaryWeightAsync());

        s.Clock.Advance(TimeSpan.FromMinutes(3));
        var timedOut = await s.FailedPassAsync(v2, "release");
        Assert.Equal("Timeout", timedOut.Workflow!.Find("release")!.Reason);
        Assert.Equal(ReleasePhase.RolledBack, s.Release(timedOut)!.Phase);
        Assert.Contains("timed out", s.Release(timedOut)!.Reason);
        Assert.Null(await s.GetAsync("networking.k8s.io/v1", "Ingress", "web-canary"));
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-canary"));

        // Restart-VelaWorkflow releases the same template again, from the first step; Stop-VelaWorkflow gives it up.
        await s.ControlAsync(record =>
        {
            WorkflowControl.Restart(record, null, s.Clock.GetUtcNow());
            return true;
        });
        var again = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Progressing, s.Release(again)!.Phase);
        Assert.Equal(0, s.Release(again)!.Step);
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        Assert.Equal("20", await s.CanaryWeightAsync());

        await s.ControlAsync(record => WorkflowControl.Terminate(record));
        var stopped = await s.PassAsync(v2);
        Assert.Equal(ApplicationPhase.WorkflowTerminated, stopped.Record!.Phase);
        Assert.Equal(ReleasePhase.RolledBack, s.Release(stopped)!.Phase);
        Assert.Contains("Stop-VelaWorkflow", s.Release(stopped)!.Reason);
        Assert.Null(await s.GetAsync("networking.k8s.io/v1", "Ingress", "web-canary"));
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-canary"));
        Assert.Null(await s.SelectorHashAsync("web"));
        Assert.Equal("nginx:1.25", await s.ImageAsync("web"));
    }

    private const string BlueGreen = """
              - type: kruise-rollout
                properties:
                  blueGreen: {}
        """;

    private const string Expose = """
              - type: expose
                properties:
                  port: [80]
        """;

    [Fact]
    public async Task Blue_green_switches_the_Service_selector_only_after_the_new_pods_are_ready_and_keeps_the_old_scaled_until_promotion()
    {
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", BlueGreen, Expose));
        var v2 = WebApp(s.Namespace, "nginx:1.26", BlueGreen, Expose);
        var blue = await s.TemplateHashAsync("web");

        var started = await s.PassAsync(v2);
        var green = s.Release(started)!.CanaryHash;
        Assert.Equal("blueGreen", s.Release(started)!.Strategy);
        Assert.Equal(4, await s.ReplicasAsync("web-preview")); // the new version at full size
        Assert.Equal(green, await s.SelectorHashAsync("web-preview"));
        Assert.Equal(blue, await s.SelectorHashAsync("web"));

        // Step 1 (preview): ready, then it waits for a person; the Service still selects the old pods.
        await s.ReadyAsync("web-preview");
        var preview = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Paused, s.Release(preview)!.Phase);
        Assert.Equal(blue, await s.SelectorHashAsync("web"));

        await s.ControlAsync(record => WorkflowControl.Resume(record));
        var switched = await s.PassAsync(v2);
        // Step 2: the selector switches at once; the old version stays at 4 replicas until promotion.
        Assert.Equal(green, await s.SelectorHashAsync("web"));
        Assert.Equal(4, await s.ReplicasAsync("web"));
        Assert.Equal("nginx:1.25", await s.ImageAsync("web"));
        Assert.Equal(ReleasePhase.Paused, s.Release(switched)!.Phase);

        await s.ControlAsync(record => WorkflowControl.Resume(record));
        var promoting = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Promoting, s.Release(promoting)!.Phase);
        Assert.Equal("nginx:1.26", await s.ImageAsync("web"));
        Assert.Equal(green, await s.SelectorHashAsync("web"));
        await s.ReadyAsync("web");
        var done = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Completed, s.Release(done)!.Phase);
        Assert.Equal(ApplicationPhase.Running, done.Record!.Phase);
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-preview"));
        Assert.Null(await s.GetAsync("v1", "Service", "web-preview"));
        Assert.Null(await s.SelectorHashAsync("web"));
    }

    [Fact]
    public async Task Blue_green_rolled_back_after_the_switch_sends_traffic_back_to_the_old_pods()
    {
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", BlueGreen, Expose));
        var v2 = WebApp(s.Namespace, "nginx:1.26", BlueGreen, Expose);
        var blue = await s.TemplateHashAsync("web");
        await s.PassAsync(v2);
        await s.ReadyAsync("web-preview");
        await s.PassAsync(v2);
        await s.ControlAsync(record => WorkflowControl.Resume(record));
        var switched = await s.PassAsync(v2);
        Assert.Equal(s.Release(switched)!.CanaryHash, await s.SelectorHashAsync("web"));

        await s.ControlAsync(record => WorkflowControl.Terminate(record));
        var stopped = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.RolledBack, s.Release(stopped)!.Phase);
        Assert.Null(await s.SelectorHashAsync("web"));
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-preview"));
        Assert.Equal(blue, await s.TemplateHashAsync("web"));
        Assert.Equal("nginx:1.25", await s.ImageAsync("web"));
    }

    /// <summary>Stops the run (as a killed process would) at the moment the release says it moved its traffic.</summary>
    private sealed class KillAt(string words, CancellationTokenSource cts) : IEngineOutput
    {
        public void Verbose(string message)
        {
            if (message.Contains(words, StringComparison.Ordinal)) cts.Cancel();
        }

        public void Warning(string message) { }

        public void Progress(string activity, string status, int percent) { }
    }

    [Fact]
    public async Task A_process_killed_mid_release_loses_nothing_the_next_one_carries_on_from_the_record()
    {
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", Nginx));
        var v2 = WebApp(s.Namespace, "nginx:1.26", Nginx);
        await s.PassAsync(v2);
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        s.Clock.Advance(TimeSpan.FromSeconds(61));
        await s.PassAsync(v2);
        await s.ReadyAsync("web-canary");

        // Killed after the canary Ingress got 50% and before the record says so.
        using var kill = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.PassAsync(v2, new KillAt("20% -> 50%", kill), kill.Token));
        Assert.Equal("50", await s.CanaryWeightAsync());
        var stored = await s.RecordAsync();
        Assert.Equal(20, stored.Components.Single().Release!.Weight);

        // A new process: it reads the record and the cluster, and finishes the step and the release.
        s.Restart();
        var resumed = await s.PassAsync(v2);
        Assert.Equal(50, s.Release(resumed)!.Weight);
        Assert.Equal(1, s.Release(resumed)!.Step);
        Assert.Equal("50", await s.CanaryWeightAsync());
        s.Clock.Advance(TimeSpan.FromSeconds(61));
        await s.PassAsync(v2);
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        Assert.Equal("100", await s.CanaryWeightAsync());
        Assert.Equal("nginx:1.26", await s.ImageAsync("web"));

        // Killed again while promoting: the next process sees the stable Deployment run the new version and finalises.
        s.Restart();
        await s.ReadyAsync("web");
        var finalising = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Finalising, s.Release(finalising)!.Phase);
        Assert.Equal("0", await s.CanaryWeightAsync());
        Assert.Null(await s.SelectorHashAsync("web"));
        s.Clock.Advance(TimeSpan.FromSeconds(6));
        var done = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Completed, s.Release(done)!.Phase);
        Assert.Equal("nginx:1.26", await s.ImageAsync("web"));
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-canary"));
    }

    [Fact]
    public async Task A_new_pod_template_mid_release_starts_again_from_the_first_step_and_a_revert_ends_the_release()
    {
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", Nginx));
        var v2 = WebApp(s.Namespace, "nginx:1.26", Nginx);
        await s.PassAsync(v2);
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        s.Clock.Advance(TimeSpan.FromSeconds(61));
        await s.PassAsync(v2);
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        Assert.Equal("50", await s.CanaryWeightAsync());

        var v3 = WebApp(s.Namespace, "nginx:1.27", Nginx);
        var restarted = await s.PassAsync(v3);

        var release = s.Release(restarted)!;
        Assert.Equal(0, release.Step);
        Assert.Equal("0", await s.CanaryWeightAsync());
        Assert.Equal("nginx:1.27", await s.ImageAsync("web-canary"));
        Assert.Equal(1, await s.ReplicasAsync("web-canary"));
        Assert.Equal("nginx:1.25", await s.ImageAsync("web"));
        Assert.Equal(release.CanaryHash, await s.SelectorHashAsync("web-canary"));

        // Back to v1 in git: the release ends, nothing of it stays, the stable Deployment never changed.
        var v1 = WebApp(s.Namespace, "nginx:1.25", Nginx);
        var reverted = await s.PassUntilAsync(v1, r => r.Record!.Phase == ApplicationPhase.Running);
        Assert.Equal(ReleasePhase.RolledBack, s.Release(reverted)!.Phase);
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-canary"));
        Assert.Null(await s.GetAsync("networking.k8s.io/v1", "Ingress", "web-canary"));
        Assert.Equal("nginx:1.25", await s.ImageAsync("web"));
    }

    private async Task InstallHttpRouteCrdAsync()
    {
        using var client = _cluster.Connect();
        var crds = await client.ResolveAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", default);
        if (await client.GetAsync(crds!, null, "httproutes.gateway.networking.k8s.io", default) is not null) return;
        // A minimal Gateway API CRD: the served version and an open schema are all the API server needs to store routes.
        var crd = Manifests.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"httproutes.gateway.networking.k8s.io","annotations":{"api-approved.kubernetes.io":"https://github.com/kubernetes-sigs/gateway-api/pull/2466"}},
             "spec":{"group":"gateway.networking.k8s.io","scope":"Namespaced",
               "names":{"plural":"httproutes","singular":"httproute","kind":"HTTPRoute","listKind":"HTTPRouteList"},
               "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
                 "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """);
        await client.ApplyAsync(crds!, crd, "test", force: true, dryRun: false, default);
        _cluster.TrackCrd("httproutes.gateway.networking.k8s.io");
    }

    [Fact]
    public async Task A_canary_through_a_Gateway_API_HTTPRoute_moves_backend_weights_and_restores_one_backend()
    {
        await InstallHttpRouteCrdAsync();
        const string gateway = """
              - type: kruise-rollout
                properties:
                  canary:
                    steps:
                      - weight: 20
                        duration: 30
                      - weight: 100
                    trafficRoutings:
                      - type: gateway
                        gatewayHTTPRouteName: web-route
        """;
        const string route = """
            - name: route
              type: k8s-objects
              dependsOn: [web]
              properties:
                objects:
                  - apiVersion: gateway.networking.k8s.io/v1
                    kind: HTTPRoute
                    metadata:
                      name: web-route
                    spec:
                      parentRefs:
                        - name: shop-gateway
                      rules:
                        - backendRefs:
                            - name: web
                              port: 80
        """;
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", gateway, Expose, route));
        var v2 = WebApp(s.Namespace, "nginx:1.26", gateway, Expose, route);

        async Task<string> WeightsAsync()
        {
            var refs = (await s.GetAsync("gateway.networking.k8s.io/v1", "HTTPRoute", "web-route"))!["spec"]!["rules"]![0]!["backendRefs"]!.AsArray();
            return string.Join(",", refs.Select(r => $"{r!["name"]}={r["weight"]?.ToString() ?? "-"}"));
        }

        Assert.Equal("web=-", await WeightsAsync());
        await s.PassAsync(v2);
        Assert.Equal("web=100,web-canary=0", await WeightsAsync());
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        Assert.Equal("web=80,web-canary=20", await WeightsAsync());
        s.Clock.Advance(TimeSpan.FromSeconds(31));
        await s.PassAsync(v2);
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        Assert.Equal("web=0,web-canary=100", await WeightsAsync());
        await s.ReadyAsync("web");
        var finalising = await s.PassAsync(v2);
        Assert.True(await WeightsAsync() == "web=100,web-canary=0", finalising.Workflow!.Steps.First(x => x.Name == "web").Message
            + (await s.GetAsync("apps/v1", "Deployment", "web"))!["status"]!.ToJsonString() + (await s.GetAsync("apps/v1", "Deployment", "web"))!["metadata"]!["generation"]);
        s.Clock.Advance(TimeSpan.FromSeconds(6));
        var done = await s.PassAsync(v2);
        Assert.Equal(ReleasePhase.Completed, s.Release(done)!.Phase);
        Assert.Equal("web=-", await WeightsAsync());
        Assert.Null(await s.GetAsync("v1", "Service", "web-canary"));
        Assert.Equal(ApplicationPhase.Running, done.Record!.Phase);
    }

    [Fact]
    public async Task Canary_deploy_steps_hold_the_release_at_their_weight_and_the_last_one_promotes()
    {
        const string workflow = """
              workflow:
                steps:
                  - name: first-batch
                    type: canary-deploy
                    properties:
                      weight: 20
                  - name: manual-approval
                    type: suspend
                  - name: rest
                    type: canary-deploy
                    properties:
                      weight: 100
            """;
        var ns = await _cluster.CreateNamespaceAsync();
        using var s = new Scenario(this, ns);
        var v1 = WebApp(ns, "nginx:1.25", "", extra: workflow);
        await s.PassAsync(v1);
        await s.ReadyAsync("web");
        Assert.Equal(ApplicationPhase.WorkflowSuspending, (await s.PassAsync(v1)).Record!.Phase);
        await s.ControlAsync(record => WorkflowControl.Resume(record));
        Assert.Equal(ApplicationPhase.Running, (await s.PassAsync(v1)).Record!.Phase);

        var v2 = WebApp(ns, "nginx:1.26", "", extra: workflow);
        await s.PassAsync(v2);
        Assert.Equal(1, await s.ReplicasAsync("web-canary"));
        await s.ReadyAsync("web-canary");
        var held = await s.PassAsync(v2);
        Assert.Equal("20", await s.CanaryWeightAsync());
        Assert.Equal(StepPhase.Succeeded, held.Workflow!.Find("first-batch")!.Phase);
        Assert.Equal(ApplicationPhase.WorkflowSuspending, held.Record!.Phase);
        Assert.Equal(ReleasePhase.Holding, s.Release(held)!.Phase);
        Assert.Equal("nginx:1.25", await s.ImageAsync("web"));

        await s.ControlAsync(record => WorkflowControl.Resume(record));
        await s.PassAsync(v2);
        Assert.Equal(4, await s.ReplicasAsync("web-canary"));
        await s.ReadyAsync("web-canary");
        await s.PassAsync(v2);
        Assert.Equal("100", await s.CanaryWeightAsync());
        Assert.Equal("nginx:1.26", await s.ImageAsync("web"));
        await s.ReadyAsync("web");
        await s.PassAsync(v2);
        s.Clock.Advance(TimeSpan.FromSeconds(6));
        var done = await s.PassAsync(v2);
        Assert.Equal(StepPhase.Succeeded, done.Workflow!.Find("rest")!.Phase);
        Assert.Equal(ApplicationPhase.Running, done.Record!.Phase);
        Assert.Equal(ReleasePhase.Completed, s.Release(done)!.Phase);
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-canary"));
    }

    [Fact]
    public async Task WhatIf_says_what_the_next_pass_of_a_release_changes()
    {
        using var s = await RunningAsync(WebApp("NAMESPACE", "nginx:1.25", Nginx));
        var v2 = WebApp(s.Namespace, "nginx:1.26", Nginx);
        var app = ApplicationLoader.LoadText(v2, "shop.yaml").Applications.Single();
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);

        var before = await new ApplicationDelivery(target.Gateway, target.Gateway, clock: s.Clock).PreviewAsync(app, default);
        Assert.Contains(before.Releases, r => r.Contains("canary release of Deployment/web starts"));
        // The stable Deployment is left as it runs; the canary objects are created; the stable Service is pinned.
        Assert.Contains(before.Changes, c => c is { Kind: "Deployment", Name: "web", Action: ChangeAction.Unchanged });
        Assert.Contains(before.Changes, c => c is { Kind: "Deployment", Name: "web-canary", Action: ChangeAction.Create });
        Assert.Contains(before.Changes, c => c is { Kind: "Ingress", Name: "web-canary", Action: ChangeAction.Create });
        Assert.Contains(before.Changes, c => c.Kind == "Service" && c.Name == "web" && c.Action == ChangeAction.Update
            && c.Fields.Any(f => f.ToString().Contains("gitopsvela.io/pod-template-hash")));
        Assert.Null(await s.GetAsync("apps/v1", "Deployment", "web-canary")); // nothing was written

        await s.PassAsync(v2);
        await s.ReadyAsync("web-canary");
        target.Gateway.BeginPass();
        var next = await new ApplicationDelivery(target.Gateway, target.Gateway, clock: s.Clock).PreviewAsync(app, default);
        Assert.Contains(next.Releases, r => r.Contains("traffic to the new version 0% -> 20%"));
        Assert.Contains(next.Changes, c => c.Kind == "Ingress" && c.Name == "web-canary" && c.Action == ChangeAction.Update
            && c.Fields.Any(f => f.ToString().Contains("canary-weight")));
        Assert.Equal("0", await s.CanaryWeightAsync());
    }
}
