using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Tests.Execution;
using GitOpsVela.TestKube;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

/// <summary>
/// Reconcile runners take turns by a Lease as client-go's leader election does: a held lease blocks others until it runs
/// out, its own identity takes it back at once, a renewal is written only when due, a long pass keeps renewing it, a pass
/// whose runner cannot renew is stopped, a loop outlives failed passes and gives the lease up when it ends.
/// Against the test API server, or the cluster named by GITOPSVELA_TEST_KUBECONFIG.
/// </summary>
public sealed class ReconcileLeaseTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();
    private KubeClient _client = null!;
    private string _ns = null!;

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        _client = _cluster.Connect();
        _ns = await _cluster.CreateNamespaceAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _cluster.DisposeAsync();
    }

    private ReconcileLease Lease(string identity, TimeProvider? clock = null, int seconds = 30) =>
        new(_client, new LeaseOptions { Namespace = _ns, Identity = identity, Duration = TimeSpan.FromSeconds(seconds) }, clock);

    private async Task<JsonObject> LiveAsync() =>
        (await _client.GetAsync((await _client.ResolveAsync("coordination.k8s.io/v1", "Lease", default))!, _ns, LeaseOptions.DefaultName, default))!;

    private static Func<CancellationToken, Task<IReadOnlyList<ReconcileItem>>> Pass(Func<CancellationToken, Task> body) => async ct =>
    {
        await body(ct);
        return [];
    };

    [Fact]
    public async Task A_held_lease_blocks_another_runner_until_it_runs_out_and_its_own_identity_takes_it_back_at_once()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var a = Lease("runner-a", clock);
        var b = Lease("runner-b", clock);

        var taken = await a.TryAcquireAsync(default);
        Assert.True(taken.Held);
        Assert.True(taken.Written);
        var version = (string?)(await LiveAsync())["metadata"]!["resourceVersion"];
        var acquired = (string?)(await LiveAsync())["spec"]!["acquireTime"];

        // Not due for renewal: held, and nothing written.
        clock.Advance(TimeSpan.FromSeconds(5));
        var again = await a.TryAcquireAsync(default);
        Assert.True(again.Held);
        Assert.False(again.Written);
        Assert.Equal(version, (string?)(await LiveAsync())["metadata"]!["resourceVersion"]);

        var blocked = await b.TryAcquireAsync(default);
        Assert.False(blocked.Held);
        Assert.Equal("runner-a", blocked.Holder);
        Assert.Equal(taken.RenewTime!.Value.AddSeconds(30), blocked.ExpiresAt!.Value, TimeSpan.FromMilliseconds(1));

        // runner-a is killed and started again (a new process, the same identity): it does not wait for itself.
        var restarted = Lease("runner-a", clock);
        clock.Advance(TimeSpan.FromSeconds(6)); // a renewal is now due
        var back = await restarted.TryAcquireAsync(default);
        Assert.True(back.Held);
        Assert.True(back.Written);
        var spec = (await LiveAsync())["spec"]!;
        Assert.Equal(0, (long)spec["leaseTransitions"]!);
        Assert.Equal(acquired, (string?)spec["acquireTime"]); // its own lease, renewed: the same acquisition

        clock.Advance(TimeSpan.FromSeconds(31)); // runner-a stopped renewing: the lease ran out
        var takeover = await b.TryAcquireAsync(default);
        Assert.True(takeover.Held);
        Assert.Equal(1, (long)(await LiveAsync())["spec"]!["leaseTransitions"]!);
        Assert.False((await a.TryAcquireAsync(default)).Held);
    }

    [Fact]
    public async Task A_single_pass_skipped_for_a_held_lease_says_who_holds_it_until_when()
    {
        await Lease("runner-a").TryAcquireAsync(default);
        var runner = new ReconcileRunner(Lease("runner-b"), NullEngineOutput.Instance);
        var ran = false;
        var passes = new List<ReconcilePass>();

        await runner.RunAsync(Pass(_ => { ran = true; return Task.CompletedTask; }), loop: false, TimeSpan.Zero, passes.Add, default);

        Assert.False(ran);
        var pass = Assert.Single(passes);
        Assert.Equal(ReconcilePassOutcome.Skipped, pass.Outcome);
        Assert.Equal(ErrorIds.Reconcile.LeaseHeld, pass.Problem!.Id);
        Assert.Contains("runner 'runner-a' holds the lease " + _ns + "/gitopsvela-reconcile until ", pass.Problem.Message);
        Assert.Contains("this runner is 'runner-b'", pass.Problem.Message);
    }

    [Fact]
    public async Task A_pass_longer_than_the_lease_keeps_renewing_it_so_no_other_runner_gets_in()
    {
        var runner = new ReconcileRunner(Lease("runner-a", seconds: 3), NullEngineOutput.Instance);
        var other = Lease("runner-b", seconds: 3);
        var passes = new List<ReconcilePass>();
        var tries = new List<LeaseState>();

        await runner.RunAsync(Pass(async ct =>
        {
            // The pass outlasts the 3 s lease twice over; the other runner keeps trying meanwhile.
            for (var i = 0; i < 12; i++)
            {
                tries.Add(await other.TryAcquireAsync(ct));
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
        }), loop: false, TimeSpan.Zero, passes.Add, default);

        Assert.Equal(ReconcilePassOutcome.Completed, Assert.Single(passes).Outcome);
        Assert.All(tries, t => Assert.Equal(("runner-a", false), (t.Holder, t.Held)));
        // Renewed during the pass: the renew time moved on from when it was taken.
        Assert.True(DateTimeOffset.Parse((string)(await LiveAsync())["spec"]!["renewTime"]!) > passes[0].Started.AddSeconds(2));
    }

    [Fact]
    public async Task A_runner_that_cannot_renew_stops_its_pass_before_the_lease_runs_out()
    {
        if (_cluster.Server is not { } server) return; // needs injected faults: the test API server only
        var log = new Recorded();
        var runner = new ReconcileRunner(Lease("runner-a", seconds: 3), log);
        var passes = new List<ReconcilePass>();
        var stopped = false;

        await runner.RunAsync(Pass(async ct =>
        {
            // From now on every write of the lease fails, as when the API server drops this runner's requests.
            server.Faults.Add(new KubeFault { Kind = FaultKind.Status, Code = 503, Verb = "update", Resource = "leases" });
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                stopped = ct.IsCancellationRequested;
            }
        }), loop: false, TimeSpan.Zero, passes.Add, default);

        Assert.True(stopped);
        var pass = Assert.Single(passes);
        Assert.Equal(ReconcilePassOutcome.LeaseLost, pass.Outcome);
        Assert.Equal(ErrorIds.Reconcile.LeaseLost, pass.Problem!.Id);
        Assert.Contains("could not be renewed for 2 s", pass.Problem.Message);
        // Stopped within the renew deadline (2 s), before the 3 s lease could pass to another runner.
        var renewed = DateTimeOffset.Parse((string)(await LiveAsync())["spec"]!["renewTime"]!);
        Assert.True(pass.Finished < renewed.AddSeconds(3), $"stopped at {pass.Finished:O}, lease renewed {renewed:O}\n" + string.Join("\n", log.Lines));
    }

    [Fact]
    public async Task A_loop_reports_a_failed_pass_and_goes_on_then_gives_the_lease_up_when_stopped()
    {
        var runner = new ReconcileRunner(Lease("runner-a"), NullEngineOutput.Instance);
        var passes = new List<ReconcilePass>();
        using var stop = new CancellationTokenSource();
        var calls = 0;

        var loop = runner.RunAsync(Pass(_ => ++calls == 1
            ? throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.Unreachable, ProblemCategory.ConnectionError,
                "cannot reach the API server", SourceLocation.None) { Transient = true })
            : Task.CompletedTask), loop: true, TimeSpan.FromMilliseconds(50), p =>
        {
            passes.Add(p);
            if (passes.Count == 3) stop.Cancel();
        }, stop.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
        Assert.Equal([ReconcilePassOutcome.Failed, ReconcilePassOutcome.Completed, ReconcilePassOutcome.Completed], passes.Select(p => p.Outcome));
        Assert.Equal(ErrorIds.Cluster.Unreachable, passes[0].Problem!.Id);
        // Given up: another runner takes it at once.
        Assert.Null((string?)(await LiveAsync())["spec"]!["holderIdentity"]);
        Assert.True((await Lease("runner-b").TryAcquireAsync(default)).Held);
    }

    private sealed class Recorded : IEngineOutput
    {
        public List<string> Lines { get; } = [];

        public void Verbose(string message) => Lines.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {message}");

        public void Warning(string message) => Lines.Add($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} WARNING {message}");

        public void Progress(string activity, string status, int percentComplete) { }
    }
}
