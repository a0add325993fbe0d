using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Apply;

internal enum ApplyAction
{
    Created,
    Configured,
    Unchanged,
    /// <summary>Not applied yet: its kind is not served (its CRD is not installed).</summary>
    Waiting,
    Failed,
}

internal sealed record ApplyOutcome(ObjectRef Object, ApplyAction Action, string? Message = null, VelaProblem? Problem = null, JsonObject? Live = null)
{
    /// <summary>Fields someone changed in the cluster that this apply put back (live -> desired).</summary>
    public IReadOnlyList<FieldChange> Drift { get; init; } = [];

    /// <summary>The component (and trait) that rendered the object, when applied from <see cref="RenderedManifest"/>s.</summary>
    public string? Component { get; init; }
    public string? Trait { get; init; }
}

internal sealed class ApplyResult
{
    public List<ApplyOutcome> Outcomes { get; } = [];

    /// <summary>Every object is in the cluster as desired.</summary>
    public bool Succeeded => Outcomes.All(o => o.Action is ApplyAction.Created or ApplyAction.Configured or ApplyAction.Unchanged);

    public IEnumerable<VelaProblem> Problems => Outcomes.Where(o => o.Problem is not null).Select(o => o.Problem!).Distinct();

    public int Writes => Outcomes.Count(o => o.Action is ApplyAction.Created or ApplyAction.Configured);

    /// <summary>The inventory of what is now in the cluster (objects created, configured or unchanged).</summary>
    public IReadOnlyList<InventoryEntry> Inventory(string cluster) => Outcomes
        .Where(o => o.Action is ApplyAction.Created or ApplyAction.Configured or ApplyAction.Unchanged)
        .Select(o => new InventoryEntry(cluster, o.Object.ApiVersion, o.Object.Kind, o.Object.Namespace, o.Object.Name, o.Component ?? string.Empty, o.Trait))
        .ToList();
}

/// <summary>
/// Puts rendered objects into a cluster with server-side apply (field manager <c>gitopsvela</c>): namespaces first, then
/// CRDs, then everything else; objects whose live state already matches are skipped, so a reconcile that changes nothing
/// writes nothing. Live state is read by one LIST per kind and namespace. Custom resources whose CRD is missing wait with
/// a clear message; conflicts with other field managers are reported per object with a hint (<see cref="ApplyOptions.Force"/> takes over).
/// </summary>
internal sealed class Applier(KubeClient client, IEngineOutput output, LiveObjectCache? cache = null)
{
    /// <summary>Applies rendered manifests; outcomes carry their component and trait (for the inventory).</summary>
    public async Task<ApplyResult> ApplyAsync(IReadOnlyList<RenderedManifest> manifests, ApplyOptions options, CancellationToken cancellationToken)
    {
        var result = await ApplyAsync(manifests.Select(m => m.Object), options, manifests.FirstOrDefault()?.Application, cancellationToken).ConfigureAwait(false);
        var byKey = new Dictionary<string, RenderedManifest>(StringComparer.Ordinal);
        foreach (var m in manifests) byKey.TryAdd(Key(ObjectRef.Of(m.Object)), m);
        for (var i = 0; i < result.Outcomes.Count; i++)
        {
            var o = result.Outcomes[i];
            if (byKey.TryGetValue(Key(o.Object), out var m)) result.Outcomes[i] = o with { Component = m.Component, Trait = m.Trait };
        }
        return result;

        string Key(ObjectRef r) => $"{r.Group}/{r.Kind}/{r.Name}";
    }

    public async Task<ApplyResult> ApplyAsync(IEnumerable<JsonObject> objects, ApplyOptions options, string? application, CancellationToken cancellationToken)
    {
        var result = new ApplyResult();
        var live = cache ?? new LiveObjectCache(client);
        var ordered = objects.Select((o, i) => (o, i)).OrderBy(x => KnownKinds.ApplyOrder(x.o)).ThenBy(x => x.i).Select(x => x.o).ToList();
        var appliedCrdGroups = new HashSet<string>(StringComparer.Ordinal);
        KubeApiException? fatal = null;
        foreach (var obj in ordered)
        {
            var target = ObjectRef.Of(obj);
            if (fatal is not null)
            {
                result.Outcomes.Add(new ApplyOutcome(target, ApplyAction.Failed, fatal.Message, KubeFaults.ToProblem(fatal, client, target, application)));
                continue;
            }
            try
            {
                var outcome = await ApplyOneAsync(obj, target, options, application, live, appliedCrdGroups, cancellationToken).ConfigureAwait(false);
                result.Outcomes.Add(outcome);
                output.Verbose($"{target}: {outcome.Action.ToString().ToLowerInvariant()}" + (outcome.Message is null ? string.Empty : $" ({outcome.Message})"));
            }
            catch (KubeApiException e)
            {
                var problem = KubeFaults.ToProblem(e, client, target, application);
                result.Outcomes.Add(new ApplyOutcome(target, ApplyAction.Failed, problem.Message, problem));
                output.Warning(problem.ToString());
                if (KubeFaults.IsClusterWide(e)) fatal = e;
            }
        }
        return result;
    }

    private async Task<ApplyOutcome> ApplyOneAsync(JsonObject obj, ObjectRef target, ApplyOptions options, string? application, LiveObjectCache live,
        HashSet<string> appliedCrdGroups, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(target.ApiVersion) || string.IsNullOrEmpty(target.Kind) || string.IsNullOrEmpty(target.Name))
        {
            var problem = new VelaProblem(ErrorIds.Cluster.ObjectInvalid, ProblemCategory.InvalidData, $"{target}: an object needs apiVersion, kind and metadata.name", SourceLocation.None, application);
            return new ApplyOutcome(target, ApplyAction.Failed, problem.Message, problem);
        }
        var resource = await client.ResolveAsync(target.ApiVersion, target.Kind, cancellationToken).ConfigureAwait(false);
        if (resource is null && appliedCrdGroups.Contains(target.Group))
            resource = await WaitForCrdAsync(target, options.CrdEstablishTimeout, cancellationToken).ConfigureAwait(false);
        if (resource is null)
        {
            var message = IsBuiltInGroup(target.Group)
                ? $"{target}: the cluster does not serve {target.ApiVersion} {target.Kind} (this API version is not available on this cluster)"
                : $"{target}: the cluster does not serve {target.ApiVersion} {target.Kind} yet (its CustomResourceDefinition is not installed); it is applied once the CRD exists";
            return new ApplyOutcome(target, ApplyAction.Waiting, message,
                new VelaProblem(ErrorIds.Cluster.KindNotServed, ProblemCategory.ResourceUnavailable, message, SourceLocation.None, application));
        }

        var desired = DesiredObject.Normalize(obj, resource, client.DefaultNamespace);
        target = ObjectRef.Of(desired);
        var current = await live.FindAsync(resource, target.Namespace, target.Name, cancellationToken).ConfigureAwait(false);
        if (current is not null && ObjectComparison.IsUnchanged(desired, current))
            return new ApplyOutcome(target, ApplyAction.Unchanged, Live: current);

        var drift = current is null ? [] : ObjectComparison.Drift(desired, current);
        JsonObject applied;
        try
        {
            applied = await client.ApplyAsync(resource, desired, options.FieldManager, options.Force, options.DryRun, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == 409 && !options.Force && current is not null && ObjectComparison.WasApplied(current)
                                         && ConflictManagers(e) is { Count: > 0 } managers && managers.All(IsKubectl))
        {
            // Someone changed fields of an object GitOpsVela applied by hand with kubectl (scale, edit, set image): the spec
            // wins, as KubeVela and Flux keep it. Objects it never applied are not adopted this way.
            // Fields another tool or controller owns stay a conflict, to be taken over with -TakeOwnership.
            output.Verbose($"{target}: taking back from {string.Join(", ", managers)} the fields changed by hand");
            applied = await client.ApplyAsync(resource, desired, options.FieldManager, force: true, options.DryRun, cancellationToken).ConfigureAwait(false);
        }
        if (!options.DryRun) live.Update(resource, applied);
        if (target.Kind == "CustomResourceDefinition" && !options.DryRun)
        {
            var group = desired["spec"]?["group"]?.GetValue<string>();
            if (group is not null)
            {
                appliedCrdGroups.Add(group);
                foreach (var v in (desired["spec"]?["versions"] as JsonArray ?? []).OfType<JsonObject>())
                    if (v["name"]?.GetValue<string>() is { } version) client.ForgetDiscovery($"{group}/{version}");
            }
        }
        return new ApplyOutcome(target, current is null ? ApplyAction.Created : ApplyAction.Configured,
            drift.Count == 0 ? null : "corrected drift: " + string.Join(", ", drift.Take(5)) + (drift.Count > 5 ? $" (+{drift.Count - 5} more)" : ""), Live: applied)
        {
            Drift = drift,
        };
    }

    /// <summary>The field managers a server-side apply conflict names (<c>conflict with "kubectl-scale" using apps/v1</c>).</summary>
    internal static IReadOnlyList<string> ConflictManagers(KubeApiException e) =>
        System.Text.RegularExpressions.Regex.Matches(e.Message + "\n" + string.Join("\n", e.Causes.Select(c => c.Message)), "conflicts? with \"([^\"]+)\"")
            .Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>kubectl's own managers (kubectl, kubectl-edit, kubectl-scale, kubectl-set, kubectl-patch, kubectl-client-side-apply, ...): hands, not controllers.</summary>
    private static bool IsKubectl(string manager) => manager == "kubectl" || manager.StartsWith("kubectl-", StringComparison.Ordinal);

    /// <summary>Kubernetes' own API groups (core, apps, batch, *.k8s.io): a missing version there is not a missing CRD.</summary>
    internal static bool IsBuiltInGroup(string group) => group.Length == 0 || !group.Contains('.') || group.EndsWith(".k8s.io", StringComparison.Ordinal);

    private async Task<ApiResource?> WaitForCrdAsync(ObjectRef target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            client.ForgetDiscovery(target.ApiVersion);
            var resource = await client.ResolveAsync(target.ApiVersion, target.Kind, cancellationToken).ConfigureAwait(false);
            if (resource is not null || DateTime.UtcNow >= deadline) return resource;
            output.Verbose($"{target}: waiting for its CustomResourceDefinition to be established");
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }
}
