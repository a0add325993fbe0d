using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Rendering.Policies;

namespace GitOpsVela.Engine.Planning;

/// <summary>What one workflow step puts in one place: its components there, rendered, in dependency order.</summary>
internal sealed record Deployment(string Step, Placement Placement, IReadOnlyList<RenderedComponent> Components);

/// <summary>What a plan is made for: the clusters that exist (null offline) and the revision being rendered.</summary>
internal sealed record ReleaseContext
{
    /// <summary>Offline: one local cluster, topology policies placed there (for validation and ConvertTo-VelaManifest).</summary>
    public static readonly ReleaseContext Offline = new();

    public string LocalCluster { get; init; } = Topology.Local;

    /// <summary>The clusters topology policies may place into; null offline (every placement is the local cluster).</summary>
    public IReadOnlyList<ClusterInfo>? Clusters { get; init; }

    /// <summary>The revision number the objects carry (<c>&lt;app&gt;-v&lt;n&gt;</c>).</summary>
    public int Revision { get; init; } = 1;

    /// <summary>Objects built from the synced sources of source-backed components (kustomize), by component name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<JsonObject>>? SourceObjects { get; init; }

    public DefinitionRegistry Registry { get; init; } = DefinitionRegistry.BuiltIn;

    /// <summary>Offline only: render every placement into this namespace instead.</summary>
    public string? NamespaceOverride { get; init; }

    /// <summary>The application already passed <see cref="ReleasePlanner.Validate"/>: do not check it again.</summary>
    public bool Validated { get; init; }

    /// <summary>
    /// Per cluster, what it serves of the kinds the components' types write in more than one version (Flux's), found by
    /// discovery (<see cref="IClusterView.ServedVersionsAsync"/>); null offline: the newest GA versions.
    /// </summary>
    public Func<string, ServedApiVersions>? ServedVersions { get; init; }
}

/// <summary>
/// One application's release, planned once per pass: the problems validation finds, the workflow's steps, and for each
/// step that deploys, where its components go and what they render to. The preview (<c>-WhatIf</c>,
/// <c>Compare-VelaApplication</c>) and the real run read the same plan, so they place and render alike.
/// </summary>
internal sealed class ReleasePlan
{
    private readonly Dictionary<string, IReadOnlyList<Deployment>> _byStep;

    internal ReleasePlan(Application application, WorkflowPlan workflow, ReleaseContext context, IReadOnlyList<VelaProblem> problems, IReadOnlyList<Deployment> deployments)
    {
        Application = application;
        Workflow = workflow;
        Context = context;
        Problems = problems;
        Deployments = deployments;
        _byStep = deployments.GroupBy(d => d.Step, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (IReadOnlyList<Deployment>)g.ToList(), StringComparer.Ordinal);
    }

    public Application Application { get; }

    public WorkflowPlan Workflow { get; }

    /// <summary>What the plan was made for (clusters, revision, sources).</summary>
    public ReleaseContext Context { get; }

    public int Revision => Context.Revision;

    public IReadOnlyList<VelaProblem> Problems { get; }

    public bool Succeeded => Problems.Count == 0;

    /// <summary>Which definitions render the application's types, where a definition replaces, or does not replace, a built-in.</summary>
    public IReadOnlyList<DefinitionNote> DefinitionNotes => Context.Registry.Notes;

    /// <summary>Every deployment, step by step in workflow order.</summary>
    public IReadOnlyList<Deployment> Deployments { get; }

    /// <summary>Where the step deploys what (empty for steps that deploy nothing).</summary>
    public IReadOnlyList<Deployment> DeploymentsOf(string step) => _byStep.GetValueOrDefault(step) ?? [];

    /// <summary>Every object the release applies, per cluster, each once (first rendering wins).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<RenderedManifest>> ManifestsByCluster()
    {
        var result = new Dictionary<string, List<RenderedManifest>>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var deployment in Deployments)
        {
            if (!result.TryGetValue(deployment.Placement.Cluster, out var list)) result[deployment.Placement.Cluster] = list = [];
            foreach (var m in deployment.Components.SelectMany(c => c.Manifests))
                if (seen.Add($"{deployment.Placement.Cluster}/{m.ApiVersion}/{m.Kind}/{m.Namespace}/{m.Name}")) list.Add(m);
        }
        return result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<RenderedManifest>)kv.Value, StringComparer.Ordinal);
    }
}

/// <summary>Plans a release (see <see cref="ReleasePlan"/>): validates, resolves placements, renders each component once per placement.</summary>
internal static class ReleasePlanner
{
    public static ReleasePlan Plan(Application app, ReleaseContext context)
    {
        // The application's own types: built-ins, and the definitions it can see (its repository's, then the cluster's).
        context = context with { Registry = context.Registry.For(app) };
        var workflow = WorkflowPlan.For(app);
        var problems = context.Validated ? [] : Validate(app, context.Registry).ToList();
        if (problems.Count > 0) return new ReleasePlan(app, workflow, context, problems, []);

        var deployments = new List<Deployment>();
        // The same component in the same place with the same overrides renders once, whichever steps deploy it.
        var rendered = new Dictionary<(Placement, string Component, string Overrides), RenderedComponent>();
        foreach (var step in workflow.Steps.SelectMany(s => new[] { s }.Concat(s.SubSteps)))
            deployments.AddRange(PlanStep(app, step, context, rendered, problems));
        return new ReleasePlan(app, workflow, context, Sorted(problems.Distinct().ToList()), deployments);
    }

    /// <summary>
    /// Where one step puts what, rendered (for a step whose <c>inputs</c> changed its properties when it runs); problems
    /// (a topology that selects nothing, a component that does not render) are added to <paramref name="problems"/>.
    /// </summary>
    public static IReadOnlyList<Deployment> PlanStep(Application app, PlanStep step, ReleaseContext context, List<VelaProblem> problems) =>
        PlanStep(app, step, context, [], problems);

    /// <summary>
    /// The component an apply-component step deploys, with what its <c>inputs</c> set under <c>properties</c> merged into
    /// its properties (a component's <c>inputs: [{from, parameterKey: properties.x}]</c>).
    /// </summary>
    private static EffectiveComponent WithInputs(Component component, PlanStep step)
    {
        var effective = EffectiveComponent.From(component);
        if (step.Inputs.Count == 0 || step.Properties["properties"] is not JsonObject set) return effective;
        var properties = (JsonObject)effective.Properties.DeepClone();
        foreach (var (key, value) in set) properties[key] = value?.DeepClone();
        return effective with { Properties = properties };
    }

    private static List<Deployment> PlanStep(Application app, PlanStep step, ReleaseContext context,
        Dictionary<(Placement, string Component, string Overrides), RenderedComponent> rendered, List<VelaProblem> problems)
    {
        var deployments = new List<Deployment>();
        try
        {
            foreach (var (placement, components, overrides) in Placements(app, step, context))
            {
                var list = new List<RenderedComponent>();
                foreach (var component in components)
                {
                    if (!rendered.TryGetValue((placement, component.Name, overrides), out var result))
                    {
                        result = ApplicationRenderer.RenderComponent(app, component, Options(placement, context));
                        rendered[(placement, component.Name, overrides)] = result;
                        problems.AddRange(result.Problems);
                    }
                    list.Add(result);
                }
                deployments.Add(new Deployment(step.Name, placement, list));
            }
        }
        catch (VelaProblemException ex)
        {
            problems.Add(ex.Problem);
        }
        return deployments;
    }

    /// <summary>
    /// Everything KubeVela would refuse, checked without a cluster (Test-VelaApplication, ConvertTo-VelaManifest): the plan
    /// of an offline release, whose problems are the application's and whose objects are what it stands for.
    /// </summary>
    public static ReleasePlan Check(Application app, DefinitionRegistry? registry = null, string? targetNamespace = null) =>
        Plan(app, ReleaseContext.Offline with { Registry = registry ?? DefinitionRegistry.BuiltIn, NamespaceOverride = targetNamespace });

    /// <summary>What can be checked without rendering: the application's structure, and its properties against the definitions.</summary>
    public static IReadOnlyList<VelaProblem> Validate(Application app, DefinitionRegistry registry)
    {
        registry = registry.For(app);
        var problems = new List<VelaProblem>(ApplicationValidator.Validate(app, registry.Cluster));
        problems.AddRange(DefinitionCheck.Problems(app, registry));
        return Sorted(problems);
    }

    private static RenderOptions Options(Placement placement, ReleaseContext context) => new()
    {
        Registry = context.Registry,
        Revision = Math.Max(context.Revision, 1),
        Namespace = context.NamespaceOverride ?? placement.Namespace,
        Cluster = placement.Cluster == context.LocalCluster ? null : placement.Cluster,
        SourceObjects = context.SourceObjects,
        ServedVersions = context.ServedVersions?.Invoke(placement.Cluster) ?? ServedApiVersions.Unknown,
    };

    /// <summary>The kinds the application's component types write in the version a cluster serves (ask discovery for these).</summary>
    public static IReadOnlyList<VersionedKind> VersionedKinds(Application app, DefinitionRegistry registry) =>
        app.Components.Select(c => registry.TryGetComponent(c.Type, out var type) ? type.VersionedKinds : [])
            .SelectMany(k => k).Distinct().ToList();

    /// <summary>
    /// The clusters the application's steps deploy to, without rendering (placements that cannot be resolved are left out;
    /// planning reports them).
    /// </summary>
    public static IReadOnlyList<string> Clusters(Application app, ReleaseContext context)
    {
        var clusters = new List<string>();
        foreach (var step in WorkflowPlan.For(app).Steps.SelectMany(s => new[] { s }.Concat(s.SubSteps)))
        {
            try
            {
                clusters.AddRange(Placements(app, step, context).Select(p => p.Item1.Cluster));
            }
            catch (VelaProblemException)
            {
            }
        }
        return clusters.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>Where a step puts which components: apply-component by its properties, deploy by its topology and override policies.</summary>
    private static IEnumerable<(Placement, IReadOnlyList<EffectiveComponent>, string Overrides)> Placements(Application app, PlanStep step, ReleaseContext context)
    {
        switch (step.Spec)
        {
            case ApplyComponentSpec apply when app.FindComponent(apply.Component) is { } component:
            {
                var cluster = apply.Cluster is { } c && c != Topology.Local && context.Clusters is not null ? c : context.LocalCluster;
                yield return (new Placement(cluster, apply.Namespace), [WithInputs(component, step)], "");
                break;
            }
            case DeploySpec deploy:
            {
                var policies = deploy.Policies.Select(app.FindPolicy).OfType<Policy>().ToList();
                var overrides = policies.Where(p => p.Spec is OverrideSpec).ToList();
                var components = DependencyOrder(OverridePolicy.Apply(app, overrides));
                if (deploy.IgnoreTerraformComponent)
                {
                    // KubeVela's deploy step (pkg/workflow/providers/multicluster/deploy.go loadComponents) leaves Terraform
                    // components to apply-component steps unless ignoreTerraformComponent is false.
                    components = components.Where(c => !IsTerraform(context.Registry, c.Type)).ToList();
                }
                var topologies = policies.Where(p => p.Spec is TopologySpec).ToList();
                var placements = new List<Placement>();
                foreach (var topology in topologies)
                {
                    placements.AddRange(context.Clusters is null
                        ? [new Placement(context.LocalCluster, ((TopologySpec)topology.Spec).Namespace)]
                        : Topology.Resolve(app, topology, context.Clusters, context.LocalCluster));
                }
                if (topologies.Count == 0) placements.Add(new Placement(context.LocalCluster, null));
                var key = string.Join(",", overrides.Select(o => o.Name));
                foreach (var placement in placements.Distinct()) yield return (placement, components, key);
                break;
            }
            case CanaryDeploySpec canary:
            {
                // canary-deploy.cue: op.#Deploy with the step's policies plus an inline override adding rolling-release.
                var policies = canary.Policies.Select(app.FindPolicy).OfType<Policy>().ToList();
                var rolling = new JsonObject { ["weight"] = (long)canary.Weight, ["rolloutType"] = canary.RolloutType };
                var inline = new Policy
                {
                    Name = "canary",
                    Type = "override",
                    Spec = new OverrideSpec([new ComponentPatch(null, null, null, [new TraitPatch("rolling-release", rolling, false)], null,
                        step.Source?.Source ?? SourceMap.At(SourceLocation.None))], canary.Components.Count > 0 ? canary.Components : null),
                    Properties = [],
                    Source = step.Source?.Source ?? SourceMap.At(SourceLocation.None),
                };
                var overrides = policies.Where(p => p.Spec is OverrideSpec).Append(inline).ToList();
                // canary-deploy.cue's op.#Deploy sets ignoreTerraformComponent: true, as a deploy step does by default.
                var components = DependencyOrder(OverridePolicy.Apply(app, overrides)).Where(c => !IsTerraform(context.Registry, c.Type)).ToList();
                var placements = new List<Placement>();
                foreach (var topology in policies.Where(p => p.Spec is TopologySpec))
                    placements.AddRange(context.Clusters is null
                        ? [new Placement(context.LocalCluster, ((TopologySpec)topology.Spec).Namespace)]
                        : Topology.Resolve(app, topology, context.Clusters, context.LocalCluster));
                if (placements.Count == 0) placements.Add(new Placement(context.LocalCluster, null));
                var key = string.Join(",", overrides.Select(o => o.Name)) + $"@{canary.Weight}";
                foreach (var placement in placements.Distinct()) yield return (placement, components, key);
                break;
            }
        }
    }

    /// <summary>True when the type renders a terraform-controller Configuration (KubeVela's Terraform capability category).</summary>
    public static bool IsTerraform(DefinitionRegistry registry, string type) =>
        registry.TryGetComponent(type, out var t) && t is Rendering.Definitions.TerraformComponentType;

    /// <summary>Components in an order where each comes after those it depends on (the order they are applied in).</summary>
    private static IReadOnlyList<EffectiveComponent> DependencyOrder(IReadOnlyList<EffectiveComponent> components)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var remaining = components.ToList();
        var ordered = new List<EffectiveComponent>(components.Count);
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(c => c.Source.DependsOn.All(d => done.Contains(d) || components.All(x => x.Name != d))) ?? remaining[0];
            remaining.Remove(next);
            done.Add(next.Name);
            ordered.Add(next);
        }
        return ordered;
    }

    /// <summary>Problems by file, line and column (those without a place last, in the order found).</summary>
    public static IReadOnlyList<VelaProblem> Sorted(IReadOnlyList<VelaProblem> problems) => problems.Count <= 1 ? problems.ToList() : problems
        .Select((p, i) => (p, i))
        .OrderBy(x => x.p.Location.IsKnown ? 0 : 1)
        .ThenBy(x => x.p.Location.File, StringComparer.Ordinal)
        .ThenBy(x => x.p.Location.Line).ThenBy(x => x.p.Location.Column).ThenBy(x => x.i)
        .Select(x => x.p).ToList();
}
