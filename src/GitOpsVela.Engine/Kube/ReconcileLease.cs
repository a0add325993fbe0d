using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Planning;

namespace GitOpsVela.Engine.Kube;

/// <summary>
/// A coordination.k8s.io/v1 Lease that makes two reconcile runners on the same cluster take turns: a pass runs only while
/// its runner holds the lease; a lease not renewed within its duration can be taken over. Writes go through
/// resourceVersion, so two runners racing for a free lease cannot both win.
/// </summary>
public sealed class ReconcileLease
{
    private readonly KubeClient client;
    private readonly string @namespace;
    private readonly string holder;
    private readonly TimeSpan duration;
    private readonly TimeProvider _clock;

    internal ReconcileLease(KubeClient client, string @namespace, string holder, TimeSpan duration, TimeProvider? clock = null)
    {
        this.client = client;
        this.@namespace = @namespace;
        this.holder = holder;
        this.duration = duration;
        _clock = clock ?? TimeProvider.System;
    }

    public const string Name = "gitopsvela-reconcile";

    public string Holder => holder;

    /// <summary>Takes or renews the lease; false (with the current holder) when another runner holds it.</summary>
    public async Task<(bool Acquired, string? CurrentHolder)> TryAcquireAsync(CancellationToken ct)
    {
        try
        {
            var resource = await client.ResolveAsync("coordination.k8s.io/v1", "Lease", ct).ConfigureAwait(false)
                ?? throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.Invalid, ProblemCategory.ResourceUnavailable, "the cluster serves no coordination.k8s.io/v1 Lease", SourceLocation.None));
            var now = _clock.GetUtcNow();
            var live = await client.GetAsync(resource, @namespace, Name, ct).ConfigureAwait(false);
            var spec = new JsonObject
            {
                ["holderIdentity"] = Holder,
                ["leaseDurationSeconds"] = (long)duration.TotalSeconds,
                ["renewTime"] = MicroTime(now),
            };
            if (live is null)
            {
                spec["acquireTime"] = MicroTime(now);
                await client.CreateAsync(resource, new JsonObject
                {
                    ["apiVersion"] = "coordination.k8s.io/v1",
                    ["kind"] = "Lease",
                    ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = @namespace },
                    ["spec"] = spec,
                }, ct).ConfigureAwait(false);
                return (true, Holder);
            }
            var current = live["spec"]?["holderIdentity"]?.GetValue<string>();
            var renewed = live["spec"]?["renewTime"]?.GetValue<string>() is { } r && DateTimeOffset.TryParse(r, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : DateTimeOffset.MinValue;
            var seconds = live["spec"]?["leaseDurationSeconds"]?.GetValue<long>() ?? (long)duration.TotalSeconds;
            if (!string.IsNullOrEmpty(current) && current != Holder && renewed.AddSeconds(seconds) > now) return (false, current);
            spec["acquireTime"] = current == Holder ? live["spec"]?["acquireTime"]?.DeepClone() ?? MicroTime(now) : MicroTime(now);
            live["spec"] = spec;
            await client.ReplaceAsync(resource, live, ct).ConfigureAwait(false);
            return (true, Holder);
        }
        catch (KubeApiException e) when (e.StatusCode == 409)
        {
            return (false, null); // another runner took it between our read and write
        }
        catch (KubeApiException e)
        {
            throw new VelaProblemException(KubeFaults.ToProblem(e, client, new ObjectRef("coordination.k8s.io/v1", "Lease", @namespace, Name)));
        }
    }

    /// <summary>Gives the lease up (when held), so the other runner need not wait for it to expire.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        try
        {
            var resource = await client.ResolveAsync("coordination.k8s.io/v1", "Lease", ct).ConfigureAwait(false);
            if (resource is null) return;
            var live = await client.GetAsync(resource, @namespace, Name, ct).ConfigureAwait(false);
            if (live?["spec"]?["holderIdentity"]?.GetValue<string>() != Holder) return;
            live["spec"]!["holderIdentity"] = null;
            await client.ReplaceAsync(resource, live, ct).ConfigureAwait(false);
        }
        catch (KubeApiException)
        {
            // Releasing is a courtesy: the lease expires by itself.
        }
    }

    private static string MicroTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
