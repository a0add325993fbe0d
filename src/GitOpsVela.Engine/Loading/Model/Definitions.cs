using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Engine.Loading.Model;

/// <summary>The kinds of KubeVela definition GitOpsVela reads (core.oam.dev, any version).</summary>
internal enum DefinitionKind
{
    Component,
    Trait,
    WorkflowStep,
}

/// <summary>How a definition renders its type (<c>spec.schematic</c>).</summary>
internal abstract record Schematic
{
    /// <summary>The key under <c>spec.schematic</c> (<c>terraform</c>, <c>kube</c>, <c>cue</c>, <c>helm</c>), or <c>none</c>.</summary>
    public abstract string Name { get; }
}

/// <summary>
/// <c>spec.schematic.terraform</c> (kubevela/kubevela apis/core.oam.dev/common/types.go <c>Terraform</c>): the configuration
/// text (HCL, JSON, or a git URL for <c>remote</c>) and the Configuration fields the definition fills in. For inline HCL the
/// variables and outputs it declares are read at load time (<see cref="Variables"/>, <see cref="Outputs"/>); they are null
/// when the configuration is remote (KubeVela clones the repository to read them; GitOpsVela does not).
/// </summary>
internal sealed record TerraformSchematic(
    string Configuration,
    string Type,
    string? Path,
    JsonObject? WriteConnectionSecretToRef,
    JsonObject? ProviderRef,
    JsonObject? GitCredentialsSecretReference,
    bool? DeleteResource,
    string? CustomRegion,
    IReadOnlyList<TerraformVariable>? Variables,
    IReadOnlyList<string>? Outputs) : Schematic
{
    public override string Name => "terraform";

    /// <summary>The CRD default of <c>type</c> (kubebuilder default <c>hcl</c>), which a definition read from a file has not had applied.</summary>
    public const string DefaultType = "hcl";
}

/// <summary>One <c>variable "name" { ... }</c> block: its type as written (<c>list(string)</c>), its default, whether it has none.</summary>
internal sealed record TerraformVariable(string Name, string? Type, JsonNode? Default, bool HasDefault, string? Description)
{
    /// <summary>No <c>default</c>: terraform needs a value (terraform-config-inspect's <c>Required</c>).</summary>
    public bool Required => !HasDefault;
}

/// <summary>
/// <c>spec.schematic.kube</c> (KubeVela up to v1.8; removed in v1.9.0): a fixed object and the parameters that set its fields.
/// </summary>
internal sealed record KubeSchematic(JsonObject Template, IReadOnlyList<KubeParameter> Parameters) : Schematic
{
    public override string Name => "kube";
}

/// <summary>One kube parameter: <c>type</c> is string, number or boolean; each value is set at every field path.</summary>
internal sealed record KubeParameter(string Name, string Type, IReadOnlyList<string> FieldPaths, bool Required, string? Description);

/// <summary><c>spec.schematic.cue</c>: a CUE template GitOpsVela cannot evaluate.</summary>
internal sealed record CueSchematic(string Template) : Schematic
{
    public override string Name => "cue";
}

/// <summary><c>spec.schematic.helm</c> (removed from KubeVela in v1.9.0 together with kube).</summary>
internal sealed record HelmSchematic : Schematic
{
    public override string Name => "helm";
}

/// <summary>No schematic at all (a definition that only names a workload or a CRD).</summary>
internal sealed record NoSchematic : Schematic
{
    public override string Name => "none";
}

/// <summary>
/// A ComponentDefinition, TraitDefinition or WorkflowStepDefinition read from a file of the configuration repository or
/// from a cluster: its name and namespace, its schematic, and where it came from (file:line, or the cluster object).
/// </summary>
internal sealed record Definition
{
    public const string SystemNamespace = "vela-system";

    public required DefinitionKind Kind { get; init; }

    public required string Name { get; init; }

    /// <summary>metadata.namespace as written; null when the file names none.</summary>
    public string? Namespace { get; init; }

    /// <summary>
    /// The namespace the definition is looked up in: its own, or <c>vela-system</c> for a repository file that names none
    /// (where <c>vela def apply</c> puts definitions, and where every application finds them).
    /// </summary>
    public string EffectiveNamespace => string.IsNullOrEmpty(Namespace) ? SystemNamespace : Namespace;

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public required Schematic Schematic { get; init; }

    /// <summary><c>spec.workload.definition</c> (<c>apiVersion</c>, <c>kind</c>) or <c>spec.workload.type</c> of a ComponentDefinition.</summary>
    public string? WorkloadApiVersion { get; init; }

    public string? WorkloadKind { get; init; }

    /// <summary>A TraitDefinition's <c>appliesToWorkloads</c>.</summary>
    public IReadOnlyList<string> AppliesToWorkloads { get; init; } = [];

    /// <summary>True when read from a cluster (its <see cref="Location"/> then names the context and object).</summary>
    public bool FromCluster { get; init; }

    /// <summary>Where the definition starts: file:line:column, or <c>cluster '&lt;context&gt;' ComponentDefinition vela-system/x</c>.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>Where its parts were written (only a location for definitions read from a cluster).</summary>
    public required SourceMap Source { get; init; }

    /// <summary><c>ComponentDefinition</c>, <c>TraitDefinition</c>, <c>WorkflowStepDefinition</c>.</summary>
    public string KindName => KindNameOf(Kind);

    public static string KindNameOf(DefinitionKind kind) => kind switch
    {
        DefinitionKind.Component => "ComponentDefinition",
        DefinitionKind.Trait => "TraitDefinition",
        _ => "WorkflowStepDefinition",
    };

    /// <summary>"ComponentDefinition vela-system/aws-rds (definitions/rds.yaml:1:1)".</summary>
    public string Describe() => $"{KindName} {EffectiveNamespace}/{Name} ({Location})";
}

/// <summary>Which definition a type name resolves to for one application, and the ones it hides.</summary>
internal sealed record DefinitionLookup(Definition? Found, IReadOnlyList<Definition> Hidden)
{
    public static readonly DefinitionLookup None = new(null, []);
}

/// <summary>
/// The definitions an application can use, in lookup precedence: those of the repository it was read with come before
/// those of the cluster, and within each, KubeVela's order applies (<see cref="Find"/>). Immutable; built by Loading,
/// read by Rendering and Planning.
/// </summary>
internal sealed class DefinitionCatalogue
{
    public static readonly DefinitionCatalogue Empty = new([]);

    public DefinitionCatalogue(IReadOnlyList<Definition> definitions) => Definitions = definitions;

    /// <summary>Every definition, highest precedence first.</summary>
    public IReadOnlyList<Definition> Definitions { get; }

    public bool IsEmpty => Definitions.Count == 0;

    /// <summary>This catalogue, then <paramref name="lower"/> (whose definitions lose to this one's at the same namespace level).</summary>
    public DefinitionCatalogue Then(DefinitionCatalogue? lower) =>
        lower is null || lower.IsEmpty ? this : IsEmpty ? lower : new DefinitionCatalogue([.. Definitions, .. lower.Definitions]);

    /// <summary>
    /// KubeVela's lookup (pkg/oam/util/helper.go <c>GetDefinition</c>): the application's namespace first, then
    /// <c>vela-system</c>; the first hit wins. Definitions in other namespaces are not visible to the application.
    /// </summary>
    public DefinitionLookup Find(DefinitionKind kind, string name, string applicationNamespace)
    {
        var candidates = Definitions.Where(d => d.Kind == kind && d.Name == name).ToList();
        if (candidates.Count == 0) return DefinitionLookup.None;
        var visible = candidates.Where(d => d.EffectiveNamespace == applicationNamespace)
            .Concat(candidates.Where(d => d.EffectiveNamespace == Definition.SystemNamespace && applicationNamespace != Definition.SystemNamespace))
            .ToList();
        return visible.Count == 0 ? DefinitionLookup.None : new DefinitionLookup(visible[0], visible.Skip(1).ToList());
    }

    /// <summary>The names of every definition of <paramref name="kind"/> an application in <paramref name="applicationNamespace"/> can use.</summary>
    public IEnumerable<string> NamesVisibleFrom(DefinitionKind kind, string applicationNamespace) =>
        Definitions.Where(d => d.Kind == kind && (d.EffectiveNamespace == applicationNamespace || d.EffectiveNamespace == Definition.SystemNamespace))
            .Select(d => d.Name).Distinct(StringComparer.Ordinal);
}
