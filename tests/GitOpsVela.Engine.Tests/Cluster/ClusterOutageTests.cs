using System.Diagnostics;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Tests.Infrastructure;
using GitOpsVela.TestKube;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

/// <summary>
/// The API server going away and coming back, against the test API server and a real one alike (GITOPSVELA_TEST_KUBECONFIG):
/// the cluster is reached through a TCP proxy the test cuts, as `kubereal/stop.sh` would cut a real API server.
/// </summary>
public sealed class ClusterOutageTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    /// <summary>Runs <paramref name="action"/> once, when the applier reports its first object done.</summary>
    private sealed class AfterFirstObject(Action action) : IEngineOutput
    {
        private int _done;

        public void Verbose(string message)
        {
            if (message.EndsWith(": created", StringComparison.Ordinal) && Interlocked.Exchange(ref _done, 1) == 0) action();
        }

        public void Warning(string message) { }

        public void Progress(string activity, string status, int percentComplete) { }
    }

    [Fact]
    public async Task Cut_off_mid_apply_the_rest_fails_transiently_at_once_and_the_next_apply_after_it_returns_finishes()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var (proxy, kubeconfig) = await _cluster.ProxyAsync();
        var objects = new[] { "a", "b", "c", "d" }.Select(n => Manifests.ConfigMap(ns, n, "my-app", ("k", n))).ToArray();

        using (var client = Kubeconfig.Connect(kubeconfig, _cluster.Context, TimeSpan.FromSeconds(10)))
        {
            var clock = Stopwatch.StartNew();
            var cut = await new Applier(client, new AfterFirstObject(() => proxy.SetMode(ProxyMode.Refuse))).ApplyAsync(objects, new ApplyOptions(), "my-app", default);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
            Assert.Equal([ApplyAction.Created, ApplyAction.Failed, ApplyAction.Failed, ApplyAction.Failed], cut.Outcomes.Select(o => o.Action));
            Assert.All(cut.Outcomes.Skip(1), o =>
            {
                Assert.Equal("Cluster.Unreachable", o.Problem!.Id);
                Assert.True(o.Problem.Transient);
                Assert.Contains($"context '{_cluster.Context}'", o.Problem.Message);
            });
            Assert.Equal(2, client.CountVerb("apply")); // one failed write, then no more requests to a server that is gone

            var record = new ApplicationRecord { Name = "my-app", Namespace = ns, Revision = 1, Inventory = [.. cut.Inventory("local")] };
            var down = await Assert.ThrowsAsync<VelaProblemException>(() => new RecordStore(client).WriteAsync(record, null, default));
            Assert.Equal("Cluster.Unreachable", down.Problem.Id);
            Assert.True(down.Problem.Transient);
        }

        proxy.SetMode(ProxyMode.Forward);
        using (var client = Kubeconfig.Connect(kubeconfig, _cluster.Context))
        {
            var resumed = await new Applier(client, NullEngineOutput.Instance).ApplyAsync(objects, new ApplyOptions(), "my-app", default);
            Assert.Equal([ApplyAction.Unchanged, ApplyAction.Created, ApplyAction.Created, ApplyAction.Created], resumed.Outcomes.Select(o => o.Action));
            Assert.Equal(3, client.CountWrites());
        }
    }

    [Fact]
    public async Task A_server_that_stops_answering_is_a_transient_timeout_within_the_stated_time()
    {
        var (proxy, kubeconfig) = await _cluster.ProxyAsync();
        proxy.SetMode(ProxyMode.Stall);
        using var client = Kubeconfig.Connect(kubeconfig, _cluster.Context, TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.ResolveAsync("v1", "ConfigMap", default));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5)); // timers may fire a hair early
        Assert.True(e.Transient);
        Assert.Equal("timed out after 1 s calling GET /api/v1", e.Message);

        proxy.SetMode(ProxyMode.Forward);
        client.Timeout = Kubeconfig.DefaultTimeout; // the same client answers again (a new TLS handshake may take over 1 s on a busy machine)
        Assert.NotNull(await client.ResolveAsync("v1", "ConfigMap", default));
    }
    /// <summary>
    /// The API server goes away for 20 s right after the second of three steps sent its webhook: passes keep running every
    /// 2 s, as a -Loop does; while it is down they fail transiently and the record never claims the third step; a pass or
    /// two after it returns every step has succeeded, the webhook was received once, and nobody did anything by hand.
    /// </summary>
    [Fact]
    public async Task An_outage_of_20_s_mid_workflow_ends_a_pass_or_two_after_it_with_every_step_done_and_one_webhook()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var (proxy, kubeconfig) = await _cluster.ProxyAsync();
        using var listener = new System.Net.HttpListener();
        var port = TestPorts.Free();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var posts = 0;
        Task? outage = null;
        var back = DateTimeOffset.MaxValue;
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                var ctx = await listener.GetContextAsync();
                if (Interlocked.Increment(ref posts) == 1)
                {
                    proxy.SetMode(ProxyMode.Refuse); // down once the message is out, before the record can say so
                    outage = Task.Delay(TimeSpan.FromSeconds(20)).ContinueWith(_ =>
                    {
                        back = DateTimeOffset.UtcNow;
                        proxy.SetMode(ProxyMode.Forward);
                    }, TaskScheduler.Default);
                }
                ctx.Response.StatusCode = 200;
                ctx.Response.Close();
            }
        });
        var app = Engine.Loading.ApplicationLoader.LoadText("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: three, namespace: NS}
            spec:
              components:
                - name: first
                  type: k8s-objects
                  properties: {objects: [{apiVersion: v1, kind: ConfigMap, metadata: {name: first}, data: {k: "1"}}]}
                - name: second
                  type: k8s-objects
                  properties: {objects: [{apiVersion: v1, kind: ConfigMap, metadata: {name: second}, data: {k: "2"}}]}
              workflow:
                steps:
                  - {name: one, type: apply-component, properties: {component: first}}
                  - {name: tell, type: webhook-notification, properties: {slack: {url: {value: "http://127.0.0.1:PORT/hook"}, message: {text: "first is out"}}}}
                  - {name: three, type: apply-component, properties: {component: second}}
            """.Replace("NS", ns).Replace("PORT", port.ToString(System.Globalization.CultureInfo.InvariantCulture)), "three.yaml").Applications.Single();

        using var target = Engine.Composition.KubeDelivery.Open(kubeconfig, _cluster.Context, NullEngineOutput.Instance, TimeSpan.FromSeconds(5));
        using var direct = _cluster.Connect();
        var records = new RecordStore(direct);
        var passes = new List<(DateTimeOffset At, string Outcome)>();
        ApplicationRecord? final = null;
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(120);
        while (DateTimeOffset.UtcNow < deadline)
        {
            var at = DateTimeOffset.UtcNow;
            try
            {
                target.Gateway.BeginPass();
                var result = await target.DeliverAsync(app, new Engine.Execution.DeliveryOptions(), NullEngineOutput.Instance, default);
                passes.Add((at, result.Record?.Phase.ToString() ?? "no record"));
                foreach (var problem in result.Problems) Assert.True(problem.Transient, $"pass at {at:O}: {problem}");
                if (result.Record?.Phase == ApplicationPhase.Running) { final = result.Record; break; }
            }
            catch (VelaProblemException e)
            {
                Assert.True(e.Problem.Transient, e.Problem.ToString());
                passes.Add((at, e.Problem.Id));
            }
            if (outage is not null && back == DateTimeOffset.MaxValue)
            {
                // While it is down the record (read past the proxy) never claims the step after the webhook.
                var during = (await records.ReadAsync(ns, "three", default))?.Record;
                Assert.NotEqual(StepPhase.Succeeded, during?.Workflow?.Find("three")?.Phase);
            }
            await Task.Delay(TimeSpan.FromSeconds(2)); // the loop's interval
        }

        Assert.NotNull(outage);
        await outage!;
        Assert.True(final is not null, "never finished: " + string.Join(", ", passes.Select(p => $"{p.At:HH:mm:ss.f} {p.Outcome}")));
        Assert.All(final!.Workflow!.Steps, s => Assert.Equal(StepPhase.Succeeded, s.Phase));
        Assert.Equal(1, posts);
        Assert.InRange(passes.Count(p => p.At >= back), 1, 2);
        Assert.Contains(passes, p => p.At < back && p.Outcome != "Running"); // passes ran, and failed, while it was down
        Assert.NotNull(await direct.GetAsync((await direct.ResolveAsync("v1", "ConfigMap", default))!, ns, "second", default));
    }
}
