using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Loading;

/// <summary>
/// Turns one YAML document into an <see cref="Application"/>. Shape problems (a list where an object
/// belongs, a missing name) are collected, each naming file:line:column and the part it concerns; the
/// application is still returned whenever it has a name, so callers can report all of them at once.
/// </summary>
internal sealed class ApplicationParser
{
    public const string ApiGroup = "core.oam.dev";

    private readonly List<VelaProblem> _problems = [];
    private string? _app;

    public IReadOnlyList<VelaProblem> Problems => _problems;

    /// <summary>True when the document is a KubeVela Application (any core.oam.dev version).</summary>
    public static bool IsApplication(YamlNode? root) =>
        root is YamlMapping map
        && map.GetString("kind") == "Application"
        && (map.GetString("apiVersion")?.StartsWith(ApiGroup + "/", StringComparison.Ordinal) ?? false);

    /// <summary>True when the object is a KubeVela Application (any core.oam.dev version).</summary>
    public static bool IsApplication(System.Text.Json.Nodes.JsonObject obj) =>
        obj["kind"] is System.Text.Json.Nodes.JsonValue kind && kind.TryGetValue<string>(out var k) && k == "Application"
        && obj["apiVersion"] is System.Text.Json.Nodes.JsonValue api && api.TryGetValue<string>(out var a) && a.StartsWith(ApiGroup + "/", StringComparison.Ordinal);

    public Application? Parse(YamlDocument document)
    {
        if (document.Root is not YamlMapping root)
        {
            Add(ErrorIds.Load.ApplicationInvalid, "the document is not an object", document.Location);
            return null;
        }
        var metadata = Mapping(root, "metadata", required: true);
        var name = metadata?.GetString("name");
        if (string.IsNullOrEmpty(name))
        {
            Add(ErrorIds.Load.ApplicationInvalid, "metadata.name is required", metadata?.Location ?? root.Location, property: "metadata.name");
            return null;
        }
        _app = name;
        var ns = metadata!.GetString("namespace");
        var spec = Mapping(root, "spec", required: true) ?? YamlMapping.Empty(root.Location);
        return new Application
        {
            Name = name,
            Namespace = string.IsNullOrEmpty(ns) ? Application.DefaultNamespace : ns,
            ApiVersion = root.GetString("apiVersion")!,
            Labels = StringMap(metadata, "labels"),
            Annotations = StringMap(metadata, "annotations"),
            Components = List(spec, "components").Select(ParseComponent).OfType<Component>().ToList(),
            Policies = List(spec, "policies").Select(ParsePolicy).OfType<Policy>().ToList(),
            Workflow = Mapping(spec, "workflow") is { } wf ? ParseWorkflow(wf) : null,
            Location = document.Location,
            DocumentIndex = document.Index,
            DocumentReader = () => YamlJson.ToJson(root),
            Source = SourceMap.Of(root, document.Location),
        };
    }

    private Component? ParseComponent(YamlNode node)
    {
        if (!IsMapping(node, "spec.components[]", out var map)) return null;
        var name = RequiredString(map, "name", "component");
        var type = RequiredString(map, "type", "component", component: name);
        if (name is null || type is null) return null;
        return new Component
        {
            Name = name,
            Type = type,
            Properties = Json(Mapping(map, "properties", component: name)),
            Traits = List(map, "traits", name).Select(t => ParseTrait(t, name)).OfType<Trait>().ToList(),
            DependsOn = StringList(map, "dependsOn", name),
            Inputs = Inputs(map, name),
            Outputs = Outputs(map, name),
            ExternalRevision = map.GetString("externalRevision"),
            Source = SourceMap.Of(map, map.Location),
        };
    }

    private Trait? ParseTrait(YamlNode node, string component)
    {
        if (!IsMapping(node, "traits[]", out var map, component)) return null;
        var type = RequiredString(map, "type", "trait", component: component);
        if (type is null) return null;
        return new Trait
        {
            Type = type,
            Properties = Json(Mapping(map, "properties", component: component)),
            Source = SourceMap.Of(map, map.Location),
        };
    }

    private Policy? ParsePolicy(YamlNode node)
    {
        if (!IsMapping(node, "spec.policies[]", out var map)) return null;
        var name = RequiredString(map, "name", "policy");
        var type = RequiredString(map, "type", "policy");
        if (name is null || type is null) return null;
        var source = SourceMap.Of(map, map.Location);
        var properties = Json(Mapping(map, "properties"));
        return new Policy
        {
            Name = name,
            Type = type,
            Properties = properties,
            Spec = SpecReader.Policy(type, properties, source.Child("properties")),
            Source = source,
        };
    }

    private Workflow ParseWorkflow(YamlMapping map)
    {
        var mode = Mapping(map, "mode");
        return new Workflow
        {
            Steps = List(map, "steps").Select(s => ParseStep(s, "spec.workflow.steps[]")).OfType<WorkflowStep>().ToList(),
            Mode = mode is null ? null : Mode(mode, "steps"),
            SubStepMode = mode is null ? null : Mode(mode, "subSteps"),
            Ref = map.GetString("ref"),
            Source = SourceMap.Of(map, map.Location),
        };
    }

    private WorkflowStep? ParseStep(YamlNode node, string where)
    {
        if (!IsMapping(node, where, out var map)) return null;
        var name = RequiredString(map, "name", "workflow step");
        var type = RequiredString(map, "type", "workflow step");
        if (name is null || type is null) return null;
        var properties = Json(Mapping(map, "properties"));
        return new WorkflowStep
        {
            Name = name,
            Type = type,
            Properties = properties,
            Spec = SpecReader.Step(type, properties),
            SubSteps = List(map, "subSteps").Select(s => ParseStep(s, $"step '{name}' subSteps[]")).OfType<WorkflowStep>().ToList(),
            If = ScalarText(map, "if"),
            Timeout = ScalarText(map, "timeout"),
            DependsOn = StringList(map, "dependsOn"),
            Inputs = Inputs(map, null),
            Outputs = Outputs(map, null),
            Alias = Mapping(map, "meta")?.GetString("alias"),
            Source = SourceMap.Of(map, map.Location),
        };
    }

    private WorkflowMode? Mode(YamlMapping mode, string key)
    {
        var text = mode.GetString(key);
        if (text is null) return null;
        if (text.Equals("DAG", StringComparison.OrdinalIgnoreCase)) return WorkflowMode.DAG;
        if (text.Equals("StepByStep", StringComparison.OrdinalIgnoreCase)) return WorkflowMode.StepByStep;
        Add(ErrorIds.Load.ApplicationInvalid, $"workflow mode '{text}' is not one of DAG, StepByStep", mode[key]!.Location, property: $"spec.workflow.mode.{key}");
        return null;
    }

    private IReadOnlyList<StepInput> Inputs(YamlMapping owner, string? component)
    {
        var result = new List<StepInput>();
        foreach (var item in List(owner, "inputs", component))
        {
            if (!IsMapping(item, "inputs[]", out var map, component)) continue;
            var from = RequiredString(map, "from", "input", component);
            if (from is not null) result.Add(new StepInput(from, map.GetString("parameterKey"), map.Location));
        }
        return result;
    }

    private IReadOnlyList<StepOutput> Outputs(YamlMapping owner, string? component)
    {
        var result = new List<StepOutput>();
        foreach (var item in List(owner, "outputs", component))
        {
            if (!IsMapping(item, "outputs[]", out var map, component)) continue;
            var name = RequiredString(map, "name", "output", component);
            var valueFrom = RequiredString(map, "valueFrom", "output", component);
            if (name is not null && valueFrom is not null) result.Add(new StepOutput(name, valueFrom, map.Location));
        }
        return result;
    }

    private YamlMapping? Mapping(YamlMapping owner, string key, bool required = false, string? component = null)
    {
        if (!owner.TryGetValue(key, out var value) || value is YamlScalar { Kind: ScalarKind.Null })
        {
            if (required) Add(ErrorIds.Load.ApplicationInvalid, $"'{key}' is required", owner.Location, component, key);
            return null;
        }
        if (value is YamlMapping map) return map;
        Add(ErrorIds.Load.ApplicationInvalid, $"'{key}' must be an object, not a {value.KindName}", value.Location, component, key);
        return null;
    }

    private static System.Text.Json.Nodes.JsonObject Json(YamlMapping? map) => map is null ? [] : YamlJson.ToJson(map);

    private IReadOnlyList<YamlNode> List(YamlMapping owner, string key, string? component = null)
    {
        if (!owner.TryGetValue(key, out var value) || value is YamlScalar { Kind: ScalarKind.Null }) return [];
        if (value is YamlSequence seq) return seq.Items;
        Add(ErrorIds.Load.ApplicationInvalid, $"'{key}' must be a list, not a {value.KindName}", value.Location, component, key);
        return [];
    }

    private IReadOnlyList<string> StringList(YamlMapping owner, string key, string? component = null)
    {
        var result = new List<string>();
        foreach (var item in List(owner, key, component))
        {
            if (item is YamlScalar { Kind: not ScalarKind.Null } s) result.Add(s.Value);
            else Add(ErrorIds.Load.ApplicationInvalid, $"'{key}' entries must be names, not a {item.KindName}", item.Location, component, key);
        }
        return result;
    }

    private IReadOnlyDictionary<string, string> StringMap(YamlMapping owner, string key)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Mapping(owner, key) is not { } map) return result;
        foreach (var (k, v) in map.EntrySpan)
        {
            if (v is YamlScalar s) result[k.Value] = s.Kind == ScalarKind.Null ? string.Empty : s.Value;
            else Add(ErrorIds.Load.ApplicationInvalid, $"metadata.{key}.{k.Value} must be a string", v.Location, property: $"metadata.{key}.{k.Value}");
        }
        return result;
    }

    private string? ScalarText(YamlMapping owner, string key) =>
        owner.TryGetValue(key, out var v) && v is YamlScalar { Kind: not ScalarKind.Null } s ? s.Value : null;

    private string? RequiredString(YamlMapping map, string key, string what, string? component = null)
    {
        if (map.TryGetValue(key, out var value) && value is YamlScalar { Kind: not ScalarKind.Null } s && s.Value.Length > 0)
            return s.Value;
        var location = value?.Location ?? map.Location;
        Add(ErrorIds.Load.ApplicationInvalid, value is null or YamlScalar ? $"{what} '{key}' is required" : $"{what} '{key}' must be a string, not a {value.KindName}",
            location, component, key);
        return null;
    }

    private bool IsMapping(YamlNode node, string where, out YamlMapping map, string? component = null)
    {
        if (node is YamlMapping m)
        {
            map = m;
            return true;
        }
        Add(ErrorIds.Load.ApplicationInvalid, $"{where} must be an object, not a {node.KindName}", node.Location, component);
        map = null!;
        return false;
    }

    private void Add(string id, string message, SourceLocation location, string? component = null, string? property = null) =>
        _problems.Add(new VelaProblem(id, ProblemCategory.InvalidData, message, location, _app, component, property));
}
