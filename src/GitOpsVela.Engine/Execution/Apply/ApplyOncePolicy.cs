using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Apply;

/// <summary>When an apply happens: a workflow step delivering a revision, or the state keep of a finished one.</summary>
internal enum ApplyStage { Dispatch, StateKeep }

/// <summary>
/// KubeVela's <c>apply-once</c> policy (vela-templates/definitions/internal/policy/apply-once.cue; pkg/resourcekeeper).
/// <c>enable: true</c> with no rules turns the state keep off: a finished revision is not applied again when the cluster
/// drifts. Its <c>rules</c> name fields to leave to others — <c>strategy.path</c>, e.g. <c>spec.replicas</c> scaled by an
/// HPA — for the objects their <c>selector</c> matches (the first matching rule): once the object exists, those fields are
/// left out of what is applied, so the live values stay and the field manager <c>gitopsvela</c> never takes them back;
/// <c>affect</c> says when: always (empty), <c>onUpdate</c> (workflow applies) or <c>onStateKeep</c> (drift correction).
/// </summary>
internal sealed partial class ApplyOncePolicy
{
    private readonly IReadOnlyList<ApplyOnceRule> _rules;

    private ApplyOncePolicy(IReadOnlyList<ApplyOnceRule> rules) => _rules = rules;

    public static ApplyOncePolicy? From(Application app)
    {
        var spec = app.PoliciesOf<ApplyOnceSpec>().FirstOrDefault();
        if (spec is not { Enable: true }) return null;
        return new ApplyOncePolicy(spec.Rules.Where(r => r.Paths.Count > 0).ToList());
    }

    public bool HasRules => _rules.Count > 0;

    /// <summary>The manifest without the fields the rules leave alone (a copy; the rendered one is not changed).</summary>
    public RenderedManifest Filter(RenderedManifest manifest, string? componentType, bool exists, ApplyStage stage)
    {
        var identity = new ResourceIdentity(manifest.Component, componentType, manifest.Trait, manifest.Kind, manifest.Name);
        var rule = _rules.FirstOrDefault(r => r.Selector.Matches(identity));
        // affect: "" and "always" at both stages, "onUpdate" when a workflow applies, "onStateKeep" when a finished revision is kept.
        if (rule is null || !exists) return manifest;
        if (rule.Affect == "onUpdate" && stage != ApplyStage.Dispatch || rule.Affect == "onStateKeep" && stage != ApplyStage.StateKeep) return manifest;
        var copy = (JsonObject)manifest.Object.DeepClone();
        foreach (var path in rule.Paths) Remove(copy, path);
        return manifest with { Object = copy };
    }

    [GeneratedRegex(@"([^.\[\]]+)|\[(\d+)\]")]
    private static partial Regex Segment();

    /// <summary>Removes a dot path with optional indexes (<c>spec.template.spec.containers[0].image</c>, <c>*</c> for the whole object is not allowed).</summary>
    private static void Remove(JsonObject obj, string path)
    {
        var segments = Segment().Matches(path).Select(m => m.Groups[1].Success ? (object)m.Groups[1].Value : int.Parse(m.Groups[2].Value)).ToList();
        if (segments.Count == 0) return;
        JsonNode? node = obj;
        for (var i = 0; i < segments.Count - 1 && node is not null; i++)
            node = segments[i] is string key ? (node as JsonObject)?[key] : (node as JsonArray) is { } a && (int)segments[i] < a.Count ? a[(int)segments[i]] : null;
        switch (node, segments[^1])
        {
            case (JsonObject o, string key):
                o.Remove(key);
                break;
            case (JsonArray a, int index) when index < a.Count:
                a.RemoveAt(index);
                break;
        }
    }
}
