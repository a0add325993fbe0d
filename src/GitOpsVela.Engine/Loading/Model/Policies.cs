using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GitOpsVela.Engine.Loading.Model;

/// <summary>
/// A policy's properties, typed at load time (kubevela/kubevela v1.10.9 vela-templates/definitions/internal/policy and
/// the Go types that act on them). Later stages switch on the record type, never on raw properties.
/// </summary>
public abstract record PolicySpec;

/// <summary>A policy type GitOpsVela does not know; validation reports it.</summary>
internal sealed record CustomPolicySpec(JsonObject Properties) : PolicySpec;

/// <summary>
/// <c>topology</c>: <c>clusters</c> by name, else <c>clusterLabelSelector</c> (or the deprecated <c>clusterSelector</c>),
/// else the local cluster; <c>namespace</c> to deploy into; <c>allowEmpty</c> lets a selector match nothing.
/// </summary>
internal sealed record TopologySpec(
    IReadOnlyList<string>? Clusters,
    IReadOnlyDictionary<string, string>? ClusterLabelSelector,
    bool AllowEmpty,
    string? Namespace,
    SourceMap Source) : PolicySpec;

/// <summary><c>override</c>: component patches applied in order by the deploy step, then <c>selector</c> filters the components.</summary>
internal sealed record OverrideSpec(IReadOnlyList<ComponentPatch> Components, IReadOnlyList<string>? Selector) : PolicySpec;

/// <summary>One entry of an override's <c>components</c>: which components (<c>name</c> pattern, <c>type</c>) and what to merge.</summary>
internal sealed record ComponentPatch(string? Name, string? Type, JsonObject? Properties, IReadOnlyList<TraitPatch> Traits, string? ExternalRevision, SourceMap Source)
{
    /// <summary>KubeVela's test for "a name a new component could have" (unanchored, so any lowercase letter passes).</summary>
    private static readonly Regex NewComponentName = new("[a-z]([a-z-]{0,61}[a-z])?", RegexOptions.CultureInvariant);

    /// <summary>
    /// The pattern KubeVela (pkg/policy/envbinding/patch.go) matches component names with:
    /// <c>regexp.Compile(strings.ReplaceAll(name, "*", ".*"))</c>, not anchored; null when it is no regular expression
    /// (then it matches nothing).
    /// </summary>
    public static Regex? NamePattern(string name)
    {
        try
        {
            return new Regex(name.Replace("*", ".*"), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The names among <paramref name="names"/> that <paramref name="name"/> selects.</summary>
    public static IEnumerable<string> Selects(string name, IEnumerable<string> names) =>
        NamePattern(name) is { } pattern ? names.Where(n => pattern.IsMatch(n)) : [];

    /// <summary>Whether an entry named <paramref name="name"/> that selects nothing is added as a new component.</summary>
    public static bool AddsComponent(string name) => NewComponentName.IsMatch(name);
}

/// <summary>A trait patch of an override: merged into the trait of that type, added, or removed with <c>disable</c>.</summary>
internal sealed record TraitPatch(string Type, JsonObject? Properties, bool Disable);

internal enum GarbageCollectStrategy { OnAppUpdate, OnAppDelete, Never }

/// <summary><c>garbage-collect</c>: what happens to objects that leave the application or outlive it.</summary>
internal sealed record GarbageCollectSpec(
    bool KeepLegacyResource,
    bool ContinueOnFailure,
    int? ApplicationRevisionLimit,
    IReadOnlyList<GarbageCollectRule> Rules) : PolicySpec
{
    /// <summary>The strategy of the first rule whose selector matches, <c>onAppUpdate</c> otherwise.</summary>
    public GarbageCollectStrategy StrategyFor(ResourceIdentity resource) =>
        Rules.FirstOrDefault(r => r.Selector.Matches(resource))?.Strategy ?? GarbageCollectStrategy.OnAppUpdate;
}

internal sealed record GarbageCollectRule(ResourceSelector Selector, GarbageCollectStrategy Strategy, string? Propagation);

/// <summary><c>apply-once</c>: <c>enable</c>, and rules naming fields (<c>strategy.path</c>) left to others after the first apply.</summary>
internal sealed record ApplyOnceSpec(bool Enable, IReadOnlyList<ApplyOnceRule> Rules) : PolicySpec;

/// <summary><c>affect</c>: <c>onUpdate</c>, <c>onStateKeep</c>, <c>always</c> (or empty, which is always).</summary>
internal sealed record ApplyOnceRule(ResourceSelector Selector, IReadOnlyList<string> Paths, string Affect);

/// <summary><c>shared-resource</c>: matched objects may be shared with other applications (<c>app.oam.dev/shared-by</c>).</summary>
internal sealed record SharedResourceSpec(IReadOnlyList<ResourceSelector> Rules) : PolicySpec;

/// <summary><c>read-only</c>: matched objects are never created or changed, only read.</summary>
internal sealed record ReadOnlySpec(IReadOnlyList<ResourceSelector> Rules) : PolicySpec;

/// <summary><c>take-over</c>: matched objects that exist without an owner are adopted.</summary>
internal sealed record TakeOverSpec(IReadOnlyList<ResourceSelector> Rules) : PolicySpec;

/// <summary><c>resource-update</c>: <c>op</c> patch or replace, and fields whose change recreates the object.</summary>
internal sealed record ResourceUpdateSpec(IReadOnlyList<ResourceUpdateRule> Rules) : PolicySpec;

internal sealed record ResourceUpdateRule(ResourceSelector Selector, string Op, IReadOnlyList<string> RecreateFields);

/// <summary><c>replication</c>: one copy of the selected components per key (<c>context.replicaKey</c>).</summary>
internal sealed record ReplicationSpec(IReadOnlyList<string> Keys, IReadOnlyList<string> Selector) : PolicySpec;

/// <summary><c>debug</c>: keep per-step debug data; no properties.</summary>
internal sealed record DebugSpec : PolicySpec;

/// <summary>What a resource policy rule compares: an object's kind and name and the labels KubeVela puts on it.</summary>
internal readonly record struct ResourceIdentity(string Component, string? ComponentType, string? Trait, string Kind, string Name);

/// <summary>
/// KubeVela's resource rule selector (<c>#ResourcePolicyRuleSelector</c>): every list that is set must contain the
/// object's value (the lists are ANDed); a selector with no list set matches nothing.
/// </summary>
internal sealed record ResourceSelector(
    IReadOnlyList<string>? ComponentNames = null,
    IReadOnlyList<string>? ComponentTypes = null,
    IReadOnlyList<string>? OamTypes = null,
    IReadOnlyList<string>? TraitTypes = null,
    IReadOnlyList<string>? ResourceTypes = null,
    IReadOnlyList<string>? ResourceNames = null)
{
    public bool IsEmpty => ComponentNames is not { Count: > 0 } && ComponentTypes is not { Count: > 0 } && OamTypes is not { Count: > 0 }
        && TraitTypes is not { Count: > 0 } && ResourceTypes is not { Count: > 0 } && ResourceNames is not { Count: > 0 };

    public bool Matches(ResourceIdentity r)
    {
        if (IsEmpty) return false;
        static bool In(IReadOnlyList<string>? list, string? value) => list is not { Count: > 0 } || (value is not null && list.Contains(value, StringComparer.Ordinal));
        // The label KubeVela compares is WORKLOAD/TRAIT; its documentation says COMPONENT/TRAIT: both are accepted.
        var oamMatch = OamTypes is not { Count: > 0 }
            || (r.Trait is null ? OamTypes.Contains("WORKLOAD") || OamTypes.Contains("COMPONENT") : OamTypes.Contains("TRAIT"));
        return oamMatch && In(ComponentNames, r.Component) && In(ComponentTypes, r.ComponentType) && In(TraitTypes, r.Trait)
            && In(ResourceTypes, r.Kind) && In(ResourceNames, r.Name);
    }
}
