using System.Diagnostics;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
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
        Assert.NotNull(await client.ResolveAsync("v1", "ConfigMap", default));
    }
}
