using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Planning;

/// <summary>
/// Previews a delivery (Compare-VelaApplication, Invoke-VelaWorkflow -WhatIf) without changing anything: renders the
/// application for every placement its workflow would deploy to, asks each cluster what applying would change, and
/// lists as Prune what the record holds that the new rendering no longer has.
/// </summary>
public sealed class DeliveryPlanner(IClusterView gateway,
    Func<Application, IReadOnlyList<Policy>, IReadOnlyList<EffectiveComponent>>? mergeOverrides = null, DefinitionRegistry? registry = null)
{
    private readonly DefinitionRegistry _registry = registry ?? DefinitionRegistry.BuiltIn;

    public async Task<DeliveryPlan> PlanAsync(Application app, IReadOnlyList<InventoryEntry> recorded, CancellationToken ct, IReadOnlyDictionary<string, IReadOnlyList<System.Text.Json.Nodes.JsonObject>>? sourceObjects = null)
    {
        var problems = ApplicationCheck.Validate(app, _registry).ToList();
        if (problems.Count > 0) return new DeliveryPlan([], problems);
        var byCluster = new Dictionary<string, List<RenderedManifest>>(StringComparer.Ordinal);
        try
        {
            foreach (var (placement, components) in Placements(app))
            {
                var options = new RenderOptions
                {
                    Registry = _registry,
                    Namespace = placement.Namespace,
                    Cluster = placement.Cluster == gateway.LocalCluster ? null : placement.Cluster,
                    Components = components,
                    SourceObjects = sourceObjects,
                };
                var result = ApplicationRenderer.Render(app, options);
                problems.AddRange(result.Problems);
                if (!byCluster.TryGetValue(placement.Cluster, out var list)) byCluster[placement.Cluster] = list = [];
                list.AddRange(result.Manifests.Where(m => list.All(x => x.Kind != m.Kind || x.Name != m.Name || x.Namespace != m.Namespace)));
            }
        }
        catch (VelaProblemException ex)
        {
            problems.Add(ex.Problem);
        }
        if (problems.Count > 0) return new DeliveryPlan([], problems);

        var changes = new List<ObjectChange>();
        foreach (var (cluster, manifests) in byCluster)
            changes.AddRange(await gateway.DiffAsync(cluster, ManifestOrder.Sort(manifests), ct).ConfigureAwait(false));

        var rendered = changes.Select(c => new InventoryEntry(c.Cluster, c.ApiVersion, c.Kind, c.Namespace, c.Name, c.Component ?? "").Key).ToHashSet(StringComparer.Ordinal);
        foreach (var entry in recorded.DistinctBy(e => e.Key).Where(e => !rendered.Contains(e.Key)))
            changes.Add(new ObjectChange(ChangeAction.Prune, entry.Cluster, entry.ApiVersion, entry.Kind, entry.Namespace, entry.Name, app.Name, entry.Component, []));
        return new DeliveryPlan(changes, []);
    }

    /// <summary>Where the workflow would put which components: deploy steps by their policies, apply-component steps by their properties.</summary>
    private IEnumerable<(Placement, IReadOnlyList<EffectiveComponent>)> Placements(Application app)
    {
        var plan = WorkflowPlan.For(app);
        var all = plan.Steps.SelectMany(s => new[] { s }.Concat(s.SubSteps)).ToList();
        var local = new Placement(gateway.LocalCluster, null);
        foreach (var step in all)
        {
            if (step.Spec is ApplyComponentSpec apply && app.FindComponent(apply.Component) is { } component)
            {
                var cluster = apply.Cluster is { } c && c != Topology.Local ? c : gateway.LocalCluster;
                yield return (new Placement(cluster, apply.Namespace), [EffectiveComponent.From(component)]);
            }
            else if (step.Spec is DeploySpec deploy)
            {
                var policies = deploy.Policies.Select(app.FindPolicy).OfType<Policy>().ToList();
                var overrides = policies.Where(p => p.Spec is OverrideSpec).ToList();
                IReadOnlyList<EffectiveComponent> components = overrides.Count == 0
                    ? app.Components.Select(EffectiveComponent.From).ToList() : (mergeOverrides ?? Rendering.Policies.OverridePolicy.Apply)(app, overrides);
                var topologies = policies.Where(p => p.Spec is TopologySpec).ToList();
                if (topologies.Count == 0) yield return (local, components);
                foreach (var topology in topologies)
                    foreach (var placement in Topology.Resolve(app, topology, gateway.Clusters, gateway.LocalCluster))
                        yield return (placement, components);
            }
        }
    }
}
