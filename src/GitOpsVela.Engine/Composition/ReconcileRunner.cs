using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Planning;

namespace GitOpsVela.Engine.Composition;

/// <summary>How a reconcile pass ended.</summary>
public enum ReconcilePassOutcome
{
    /// <summary>The pass ran (its applications may still have problems of their own).</summary>
    Completed,

    /// <summary>Another runner holds the lease; nothing was done.</summary>
    Skipped,

    /// <summary>The pass could not run or stopped on a failure (the cluster went away, a source could not be read).</summary>
    Failed,

    /// <summary>The lease could not be renewed in time, so the pass was stopped before another runner could take over.</summary>
    LeaseLost,
}

/// <summary>One pass of a <see cref="ReconcileRunner"/>: what it did, or why it did not.</summary>
public sealed record ReconcilePass(int Number, ReconcilePassOutcome Outcome, IReadOnlyList<ReconcileItem> Items, LeaseState? Lease,
    VelaProblem? Problem, DateTimeOffset Started, DateTimeOffset Finished);

/// <summary>
/// Runs reconcile passes the way a controller runs under leader election, without being one: a pass runs only while this
/// runner holds the lease; the lease is renewed (when due) while a pass runs and between passes of a loop, and a runner
/// that cannot renew it within the renew deadline stops its pass, so two runners never reconcile at once. A failed pass
/// is reported and, in a loop, the next one runs after the interval; stopping (the token) ends everything within a second
/// and gives the lease up when looping.
/// </summary>
public sealed class ReconcileRunner
{
    private readonly ReconcileLease _lease;
    private readonly TimeProvider _clock;
    private readonly IEngineOutput _output;

    internal ReconcileRunner(ReconcileLease lease, IEngineOutput output, TimeProvider? clock = null)
    {
        _lease = lease;
        _output = output;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>
    /// One pass (or, with <paramref name="loop"/>, pass after pass <paramref name="interval"/> apart until
    /// <paramref name="ct"/> is cancelled), each reported through <paramref name="onPass"/> as it ends.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task<IReadOnlyList<ReconcileItem>>> pass, bool loop, TimeSpan interval,
        Action<ReconcilePass> onPass, CancellationToken ct)
    {
        using var holding = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task? renewing = null;
        CancellationTokenSource? lostSignal = null;
        VelaProblem? lost = null;
        try
        {
            for (var number = 1; ; number++)
            {
                var started = _clock.GetUtcNow();
                LeaseState? state = null;
                try
                {
                    state = await _lease.TryAcquireAsync(ct).ConfigureAwait(false);
                }
                catch (VelaProblemException e)
                {
                    onPass(new ReconcilePass(number, ReconcilePassOutcome.Failed, [], null, e.Problem, started, _clock.GetUtcNow()));
                }
                if (state is { Held: false })
                {
                    onPass(new ReconcilePass(number, ReconcilePassOutcome.Skipped, [], state, Held(state), started, _clock.GetUtcNow()));
                }
                else if (state is { Held: true })
                {
                    if (renewing is null || renewing.IsCompleted)
                    {
                        lost = null;
                        lostSignal?.Dispose();
                        var signal = lostSignal = new CancellationTokenSource();
                        renewing = KeepRenewingAsync(problem =>
                        {
                            lost = problem;
                            signal.Cancel();
                        }, holding.Token);
                    }
                    // Losing the lease stops the pass (client-go's OnStoppedLeading), before another runner can start one.
                    using var running = CancellationTokenSource.CreateLinkedTokenSource(ct, lostSignal!.Token);
                    try
                    {
                        var items = await pass(running.Token).ConfigureAwait(false);
                        onPass(new ReconcilePass(number, ReconcilePassOutcome.Completed, items, state, null, started, _clock.GetUtcNow()));
                    }
                    catch (Exception e) when (e is OperationCanceledException or VelaProblemException && !ct.IsCancellationRequested && lost is not null)
                    {
                        onPass(new ReconcilePass(number, ReconcilePassOutcome.LeaseLost, [], state, lost, started, _clock.GetUtcNow()));
                    }
                    catch (VelaProblemException e)
                    {
                        onPass(new ReconcilePass(number, ReconcilePassOutcome.Failed, [], state, e.Problem, started, _clock.GetUtcNow()));
                    }
                }
                if (!loop) break;
                await Task.Delay(interval, _clock, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            await holding.CancelAsync().ConfigureAwait(false);
            if (renewing is not null) await renewing.ConfigureAwait(false);
            lostSignal?.Dispose();
            // A loop that ends stops for good: give the lease up so a standby runner need not wait it out. One pass keeps
            // it (client-go's default), so the next scheduled pass of the same runner takes it back without a write.
            if (loop && renewing is not null && lost is null)
            {
                using var release = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _lease.ReleaseAsync(release.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Renews the lease whenever due until <paramref name="ct"/> ends it; returns (after calling <paramref name="onLost"/>) when it could not be renewed in time.</summary>
    private async Task KeepRenewingAsync(Action<VelaProblem> onLost, CancellationToken ct)
    {
        var options = _lease.Options;
        var lastGood = _lease.LastRenewTime ?? _clock.GetUtcNow();
        VelaProblem? failure = null;
        while (true)
        {
            try
            {
                await Task.Delay(options.RetryPeriod, _clock, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                if (!await _lease.RenewIfDueAsync(ct).ConfigureAwait(false))
                {
                    onLost(Lost($"another runner took the lease {options.Namespace}/{options.Name}"));
                    return;
                }
                lastGood = _lease.LastRenewTime ?? lastGood;
                failure = null;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (VelaProblemException e)
            {
                failure = e.Problem;
                _output.Verbose($"could not renew the lease {options.Namespace}/{options.Name} (trying again): {e.Problem.Message}");
            }
            if (failure is not null && _clock.GetUtcNow() - lastGood >= options.RenewDeadline)
            {
                onLost(Lost($"the lease {options.Namespace}/{options.Name} could not be renewed for {options.RenewDeadline.TotalSeconds:0} s ({failure.Message})"));
                return;
            }
        }
    }

    private VelaProblem Held(LeaseState state)
    {
        var o = _lease.Options;
        var until = state.ExpiresAt is { } e ? $" until {e.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC unless renewed" : "";
        return new VelaProblem(ErrorIds.Reconcile.LeaseHeld, ProblemCategory.ResourceUnavailable,
            $"pass skipped: runner '{state.Holder}' holds the lease {o.Namespace}/{o.Name}{until}; this runner is '{o.Identity}' " +
            "(a runner restarted with its own identity, -LeaseIdentity, takes its lease back at once)", SourceLocation.None) { Transient = true };
    }

    private static VelaProblem Lost(string why) => new(ErrorIds.Reconcile.LeaseLost, ProblemCategory.ResourceUnavailable,
        $"pass stopped: {why}; what it finished is recorded, the next pass that holds the lease goes on from there", SourceLocation.None) { Transient = true };
}
