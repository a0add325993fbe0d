using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;

namespace GitOpsVela.Engine.Rendering;

/// <summary>A component type (KubeVela ComponentDefinition): renders the workload and its auxiliary outputs.</summary>
internal interface IComponentType
{
    /// <summary>The <c>type:</c> name, e.g. <c>webservice</c>.</summary>
    string Name { get; }

    /// <summary>The definition's <c>parameter</c> schema.</summary>
    Schema Schema { get; }

    /// <summary>The workload's kind as KubeVela's definition declares it (<c>apps/v1 Deployment</c>), or null for autodetect types (raw, k8s-objects).</summary>
    string? WorkloadKind { get; }

    /// <summary>Fills <see cref="ComponentRender.Workload"/> and <see cref="ComponentRender.Outputs"/> from <see cref="ComponentRender.Properties"/>.</summary>
    void Render(ComponentRender render);

    /// <summary>Kinds this type writes in the version the cluster serves (<see cref="ComponentRender.ServedVersions"/>); none for most.</summary>
    IReadOnlyList<VersionedKind> VersionedKinds => [];
}

/// <summary>A trait type (KubeVela TraitDefinition): patches the workload and/or adds outputs.</summary>
internal interface ITraitType
{
    string Name { get; }

    Schema Schema { get; }

    /// <summary>appliesToWorkloads from the definition (<c>deployments.apps</c>, <c>*</c>, ...).</summary>
    IReadOnlyList<string> AppliesTo { get; }

    /// <summary>Whose definition the built-in transcribes, as notes name it.</summary>
    string Origin => "KubeVela v1.10.9's definition transcribed";

    void Apply(TraitRender render);
}

/// <summary>Everything a component type needs, and what it produces.</summary>
internal sealed class ComponentRender
{
    public required Application Application { get; init; }
    public required Component Component { get; init; }

    /// <summary>The component's properties (after override policies), as plain JSON.</summary>
    public required JsonObject Properties { get; init; }

    /// <summary>CUE <c>context.namespace</c>: where the application's objects go.</summary>
    public required string Namespace { get; init; }

    /// <summary>CUE <c>context.appRevision</c> (<c>&lt;app&gt;-v&lt;n&gt;</c>).</summary>
    public required string AppRevision { get; init; }

    /// <summary>The component as deployed (after override policies); <see cref="ComponentRevision"/> is its hash.</summary>
    public EffectiveComponent? Effective { get; init; }

    private string? _componentRevision;

    /// <summary>
    /// CUE <c>context.revision</c>, the component revision: KubeVela's controller sets it to a hash of the component spec
    /// (generator.go <c>ComputeSpecHash(comp)</c>); GitOpsVela hashes the same parts (see <see cref="ComponentHash"/>), so the
    /// value changes exactly when the component does. Computed on first use.
    /// </summary>
    public string ComponentRevision => _componentRevision ??= ComponentHash.Of(Effective ?? new EffectiveComponent(Component, Component.Type, Properties, []));

    /// <summary>
    /// Objects a source-backed component (<c>kustomize</c>) delivers, built from its synced repository by the reconcile
    /// stage; null when rendering offline.
    /// </summary>
    public IReadOnlyList<JsonObject>? SourceObjects { get; init; }

    /// <summary>
    /// What the target cluster serves of the kinds the type writes in more than one version (<see cref="IComponentType.VersionedKinds"/>);
    /// <see cref="ServedApiVersions.Unknown"/> offline (the newest GA versions).
    /// </summary>
    public ServedApiVersions ServedVersions { get; init; } = ServedApiVersions.Unknown;

    /// <summary>CUE <c>output</c>: the workload.</summary>
    public JsonObject? Workload { get; set; }

    /// <summary>CUE <c>outputs</c>: auxiliary objects by name, in insertion order (component's first, then each trait's).</summary>
    public List<RenderedOutput> Outputs { get; } = [];

    /// <summary>The delivery strategy a trait (<c>kruise-rollout</c>, <c>rolling-release</c>) gives the workload; null: pod template changes roll out natively.</summary>
    public DeliveryStrategy? Strategy { get; set; }
}

/// <summary>One trait applied to a rendered component.</summary>
internal sealed class TraitRender
{
    public required ComponentRender Component { get; init; }
    public required EffectiveTrait Trait { get; init; }
    public required JsonObject Properties { get; init; }

    /// <summary>Adds an output object (CUE <c>outputs: name: {...}</c>) attributed to this trait.</summary>
    public void AddOutput(string name, JsonObject obj) => Component.Outputs.Add(new RenderedOutput(name, obj, Trait.Type));

    /// <summary>CUE <c>context.name</c>: the component's name.</summary>
    public string ComponentName => Component.Component.Name;

    /// <summary>CUE <c>context.output</c>: the workload to patch; a problem when the component renders none.</summary>
    public JsonObject Workload() => Component.Workload ?? throw Problem("the component renders no workload to patch");

    /// <summary><c>context.output.spec.template.spec</c>; a problem when the workload has no pod template.</summary>
    public JsonObject PodSpec() =>
        Workload()["spec"]?["template"]?["spec"] as JsonObject
        ?? throw Problem($"{Workload()["kind"]?.GetValue<string>()} has no pod template (spec.template.spec) to patch");

    /// <summary>The container named <paramref name="name"/>; the CUE's <c>container &lt;name&gt; not found</c> otherwise.</summary>
    public JsonObject Container(JsonObject podSpec, string name) =>
        (podSpec["containers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["name"]?.GetValue<string>() == name)
        ?? throw Problem($"container {name} not found");

    /// <summary>A problem with this trait, placed at the trait in the file.</summary>
    public VelaProblemException Problem(string message) =>
        new(new VelaProblem(ErrorIds.Render.TraitFailed, ProblemCategory.InvalidData, $"trait '{Trait.Type}': {message}",
            Trait.Source?.Location ?? Component.Component.Location, Component.Application.Name, ComponentName, $"traits[{Trait.Type}]"));
}

/// <summary>An auxiliary object; <see cref="Trait"/> is the trait type that produced it, null when the component did.</summary>
internal sealed record RenderedOutput(string Name, JsonObject Object, string? Trait = null);

/// <summary>A final Kubernetes object with what produced it.</summary>
public sealed record RenderedManifest(JsonObject Object, string Application, string Component, string? Trait, string? OutputName)
{
    public string ApiVersion => Object["apiVersion"]?.GetValue<string>() ?? string.Empty;
    public string Kind => Object["kind"]?.GetValue<string>() ?? string.Empty;
    public string Name => Object["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
    public string? Namespace => Object["metadata"]?["namespace"]?.GetValue<string>();
}
