using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Planning;

namespace GitOpsVela.Engine.Kube;

/// <summary>How reconcile runners on one cluster take turns (client-go's leader election, on a coordination.k8s.io/v1 Lease).</summary>
public sealed record LeaseOptions
{
    public const string DefaultName = "gitopsvela-reconcile";

    /// <summary>Namespace of the Lease.</summary>
    public string Namespace { get; init; } = "default";

    public string Name { get; init; } = DefaultName;

    /// <summary>
    /// Who holds the lease. A runner started again with the same identity (the same machine, by default) takes its own
    /// lease back at once, as client-go does; two runners that may run at the same time need identities of their own.
    /// </summary>
    public string Identity { get; init; } = Environment.MachineName;

    /// <summary>How long a lease not renewed stays held (client-go's LeaseDuration; its controllers use 15 s).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A held lease is renewed once this much of <see cref="Duration"/> has passed since its renew time (a third): no write before.</summary>
    public TimeSpan RenewAfter => Duration / 3;

    /// <summary>A holder that could not renew for this long (two thirds of <see cref="Duration"/>, client-go's RenewDeadline) has lost the lease.</summary>
    public TimeSpan RenewDeadline => Duration * 2 / 3;

    /// <summary>How often a holder looks whether a renewal is due (client-go's RetryPeriod, 2 s at most).</summary>
    public TimeSpan RetryPeriod => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(2).Ticks, Duration.Ticks / 6));
}

/// <summary>What a runner found when it tried to take or renew the lease.</summary>
public sealed record LeaseState(bool Held, string? Holder, DateTimeOffset? RenewTime, TimeSpan Duration, bool Written)
{
    /// <summary>When the holder's lease runs out unless renewed.</summary>
    public DateTimeOffset? ExpiresAt => RenewTime + Duration;
}

/// <summary>
/// A coordination.k8s.io/v1 Lease that makes reconcile runners on one cluster take turns, following client-go's leader
/// election: a runner holds it while it renews it within its duration; a lease not renewed in time can be taken; the
/// holder's own identity takes it back at once (a restarted runner does not wait for itself). Unlike client-go, which
/// writes every retry period, a renewal is written only when due (a third of the duration after the last one), so a
/// short pass writes nothing. Writes go through resourceVersion, so two runners racing for a free lease cannot both win.
/// </summary>
internal sealed class ReconcileLease
{
    private readonly KubeClient _client;
    private readonly TimeProvider _clock;
    private JsonObject? _live;

    internal ReconcileLease(KubeClient client, LeaseOptions options, TimeProvider? clock = null)
    {
        _client = client;
        Options = options;
        _clock = clock ?? TimeProvider.System;
    }

    public LeaseOptions Options { get; }

    private ObjectRef Ref => new("coordination.k8s.io/v1", "Lease", Options.Namespace, Options.Name);

    /// <summary>
    /// Takes the lease when it is free, expired or already this identity's, renewing it when its renewal is due;
    /// otherwise reports who holds it until when. Writes only to take it or when a renewal is due.
    /// </summary>
    public async Task<LeaseState> TryAcquireAsync(CancellationToken ct)
    {
        var resource = await ResourceAsync(ct).ConfigureAwait(false);
        try
        {
            var now = _clock.GetUtcNow();
            var live = await _client.GetAsync(resource, Options.Namespace, Options.Name, ct).ConfigureAwait(false);
            if (live is null)
            {
                _live = await CreateAsync(resource, now, ct).ConfigureAwait(false);
                return new LeaseState(true, Options.Identity, now, Options.Duration, Written: true);
            }
            var current = Holder(live);
            var renewed = RenewTime(live);
            var duration = DurationOf(live);
            if (current == Options.Identity && renewed is { } r && now - r < Options.RenewAfter && duration == Options.Duration)
            {
                _live = live;
                return new LeaseState(true, current, r, duration, Written: false);
            }
            if (!string.IsNullOrEmpty(current) && current != Options.Identity && renewed is { } t && t + duration > now)
                return new LeaseState(false, current, t, duration, Written: false);
            _live = await WriteAsync(resource, live, now, ct).ConfigureAwait(false);
            return new LeaseState(true, Options.Identity, now, Options.Duration, Written: true);
        }
        catch (KubeApiException e) when (e.StatusCode == 409)
        {
            // Another runner wrote it between our read and our write: it is theirs.
            JsonObject? live;
            try
            {
                live = await _client.GetAsync(resource, Options.Namespace, Options.Name, ct).ConfigureAwait(false);
            }
            catch (KubeApiException again)
            {
                throw new VelaProblemException(KubeFaults.ToProblem(again, _client, Ref));
            }
            return new LeaseState(false, live is null ? null : Holder(live), live is null ? null : RenewTime(live), live is null ? Options.Duration : DurationOf(live), Written: false);
        }
        catch (KubeApiException e)
        {
            throw new VelaProblemException(KubeFaults.ToProblem(e, _client, Ref));
        }
    }

    /// <summary>
    /// Renews the held lease when its renewal is due (else nothing). False when another runner has taken it meanwhile;
    /// a transient failure throws, for the caller to try again within the renew deadline.
    /// </summary>
    internal async Task<bool> RenewIfDueAsync(CancellationToken ct)
    {
        var now = _clock.GetUtcNow();
        if (_live is { } held && RenewTime(held) is { } last && now - last < Options.RenewAfter) return true;
        var resource = await ResourceAsync(ct).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var live = _live ?? await _client.GetAsync(resource, Options.Namespace, Options.Name, ct).ConfigureAwait(false);
                if (live is null || Holder(live) != Options.Identity) return false;
                _live = await WriteAsync(resource, live, now, ct).ConfigureAwait(false);
                return true;
            }
            catch (KubeApiException e) when (e.StatusCode == 409 && attempt == 1)
            {
                // Written by someone else since we last wrote it: read it again and see whose it is now.
                _live = null;
            }
            catch (KubeApiException e)
            {
                throw new VelaProblemException(KubeFaults.ToProblem(e, _client, Ref));
            }
        }
    }

    /// <summary>The renew time this runner last wrote or found (null before it held the lease).</summary>
    internal DateTimeOffset? LastRenewTime => _live is null ? null : RenewTime(_live);

    /// <summary>Gives the lease up when this runner holds it, so another need not wait for it to run out (a runner that stops for good).</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        try
        {
            var resource = await ResourceAsync(ct).ConfigureAwait(false);
            var live = await _client.GetAsync(resource, Options.Namespace, Options.Name, ct).ConfigureAwait(false);
            if (live is null || Holder(live) != Options.Identity) return;
            var spec = (JsonObject)live["spec"]!;
            spec["holderIdentity"] = null;
            spec["leaseDurationSeconds"] = 1L; // as client-go's release: expired a second after its renew time
            spec["renewTime"] = MicroTime(_clock.GetUtcNow());
            await _client.ReplaceAsync(resource, live, ct).ConfigureAwait(false);
            _live = null;
        }
        catch (Exception e) when (e is KubeApiException or VelaProblemException)
        {
            // Releasing is a courtesy: the lease runs out by itself.
        }
    }

    private async Task<ApiResource> ResourceAsync(CancellationToken ct)
    {
        try
        {
            return await _client.ResolveAsync("coordination.k8s.io/v1", "Lease", ct).ConfigureAwait(false)
                ?? throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.KindNotServed, ProblemCategory.ResourceUnavailable,
                    "the cluster serves no coordination.k8s.io/v1 Lease, which reconcile runners take turns by", SourceLocation.None));
        }
        catch (KubeApiException e)
        {
            throw new VelaProblemException(KubeFaults.ToProblem(e, _client, Ref));
        }
    }

    private async Task<JsonObject> CreateAsync(ApiResource resource, DateTimeOffset now, CancellationToken ct)
    {
        var lease = new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = Options.Name, ["namespace"] = Options.Namespace },
            ["spec"] = Spec(now, now, transitions: 0),
        };
        try
        {
            return await _client.CreateAsync(resource, lease, ct).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == 404)
        {
            // The lease's namespace does not exist yet (a fresh cluster): create it, then the lease.
            var namespaces = await _client.ResolveAsync("v1", "Namespace", ct).ConfigureAwait(false);
            if (namespaces is null) throw;
            try
            {
                await _client.CreateAsync(namespaces, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Namespace",
                    ["metadata"] = new JsonObject { ["name"] = Options.Namespace },
                }, ct).ConfigureAwait(false);
            }
            catch (KubeApiException exists) when (exists.StatusCode == 409)
            {
            }
            return await _client.CreateAsync(resource, lease, ct).ConfigureAwait(false);
        }
    }

    private Task<JsonObject> WriteAsync(ApiResource resource, JsonObject current, DateTimeOffset now, CancellationToken ct)
    {
        var live = (JsonObject)current.DeepClone(); // the held copy stays as the server has it until the write succeeds
        var ours = Holder(live) == Options.Identity;
        var transitions = live["spec"]?["leaseTransitions"]?.GetValue<long>() ?? 0;
        var acquired = ours && live["spec"]?["acquireTime"]?.GetValue<string>() is { } a && Parse(a) is { } at ? at : now;
        live["spec"] = Spec(acquired, now, ours ? transitions : transitions + 1);
        return _client.ReplaceAsync(resource, live, ct);
    }

    private JsonObject Spec(DateTimeOffset acquired, DateTimeOffset renewed, long transitions) => new()
    {
        ["holderIdentity"] = Options.Identity,
        ["leaseDurationSeconds"] = (long)Math.Ceiling(Options.Duration.TotalSeconds),
        ["acquireTime"] = MicroTime(acquired),
        ["renewTime"] = MicroTime(renewed),
        ["leaseTransitions"] = transitions,
    };

    private static string? Holder(JsonObject live) => live["spec"]?["holderIdentity"]?.GetValue<string>() is { Length: > 0 } h ? h : null;

    private static DateTimeOffset? RenewTime(JsonObject live) => live["spec"]?["renewTime"]?.GetValue<string>() is { } r ? Parse(r) : null;

    private TimeSpan DurationOf(JsonObject live) =>
        live["spec"]?["leaseDurationSeconds"]?.GetValue<long>() is { } s ? TimeSpan.FromSeconds(s) : Options.Duration;

    private static DateTimeOffset? Parse(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static string MicroTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
