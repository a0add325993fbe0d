using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Semantics;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Loading;

/// <summary>
/// Reads a KubeVela <c>ComponentDefinition</c>, <c>TraitDefinition</c> or <c>WorkflowStepDefinition</c> (core.oam.dev, any
/// version) into a <see cref="Definition"/>, from a file (with file:line of every part) or from a cluster object. Problems of
/// shape (no name, two schematics, a terraform schematic without configuration, HCL that does not parse, a kube parameter
/// of an unknown type or with a path that cannot be parsed) are collected as <c>Load.DefinitionInvalid</c>; a definition
/// with problems is not returned, so a type it would define stays unknown and says so.
/// </summary>
internal sealed class DefinitionParser
{
    private static readonly IReadOnlyDictionary<string, DefinitionKind> Kinds = new Dictionary<string, DefinitionKind>(StringComparer.Ordinal)
    {
        ["ComponentDefinition"] = DefinitionKind.Component,
        ["TraitDefinition"] = DefinitionKind.Trait,
        ["WorkflowStepDefinition"] = DefinitionKind.WorkflowStep,
    };

    /// <summary>The kinds read, for listing them in a cluster.</summary>
    public static IReadOnlyCollection<string> KindNames => Kinds.Keys.ToList();

    private readonly List<VelaProblem> _problems = [];
    private string _what = "definition";

    public IReadOnlyList<VelaProblem> Problems => _problems;

    /// <summary>True when the document is one of the definition kinds this parser reads.</summary>
    public static bool IsDefinition(YamlNode? root) =>
        root is YamlMapping map && map.GetString("kind") is { } kind && Kinds.ContainsKey(kind)
        && (map.GetString("apiVersion")?.StartsWith(ApplicationParser.ApiGroup + "/", StringComparison.Ordinal) ?? false);

    /// <summary>True when the object is one of the definition kinds this parser reads.</summary>
    public static bool IsDefinition(JsonObject obj) =>
        Str(obj["kind"]) is { } kind && Kinds.ContainsKey(kind) && (Str(obj["apiVersion"])?.StartsWith(ApplicationParser.ApiGroup + "/", StringComparison.Ordinal) ?? false);

    /// <summary>A definition read from a file.</summary>
    public Definition? Parse(YamlDocument document)
    {
        if (document.Root is not YamlMapping root) return null;
        return Parse(YamlJson.ToJson(root), SourceMap.Of(root, document.Location), fromCluster: false);
    }

    /// <summary>A definition read from a cluster; <paramref name="where"/> names the context and object in place of a file.</summary>
    public Definition? Parse(JsonObject obj, SourceLocation where) => Parse(obj, SourceMap.At(where), fromCluster: true);

    private Definition? Parse(JsonObject obj, SourceMap source, bool fromCluster)
    {
        var kind = Kinds[Str(obj["kind"])!];
        var metadata = obj["metadata"] as JsonObject;
        var name = Str(metadata?["name"]);
        _what = $"{Definition.KindNameOf(kind)} '{name}'";
        if (string.IsNullOrEmpty(name))
        {
            Add("metadata.name is required", source.Child("metadata").Location);
            return null;
        }
        var before = _problems.Count;
        var spec = obj["spec"] as JsonObject ?? [];
        var specSource = source.Child("spec");
        var schematic = ReadSchematic(spec["schematic"], specSource.Child("schematic"), kind);
        var workload = spec["workload"] as JsonObject;
        var workloadDefinition = workload?["definition"] as JsonObject;
        if (_problems.Count > before || schematic is null) return null;
        return new Definition
        {
            Kind = kind,
            Name = name,
            Namespace = Str(metadata?["namespace"]) is { Length: > 0 } ns ? ns : null,
            Annotations = StringMap(metadata?["annotations"]),
            Labels = StringMap(metadata?["labels"]),
            Schematic = schematic,
            WorkloadApiVersion = Str(workloadDefinition?["apiVersion"]),
            WorkloadKind = Str(workloadDefinition?["kind"]) ?? Str(workload?["type"]),
            AppliesToWorkloads = (spec["appliesToWorkloads"] as JsonArray)?.Select(Str).OfType<string>().ToList() ?? [],
            FromCluster = fromCluster,
            Location = source.Location,
            Source = source,
        };
    }

    private Schematic? ReadSchematic(JsonNode? node, SourceMap source, DefinitionKind kind)
    {
        if (node is null) return new NoSchematic();
        if (node is not JsonObject schematic)
        {
            Add("spec.schematic must be an object", source.Location);
            return null;
        }
        var present = new[] { "cue", "kube", "terraform", "helm" }.Where(k => schematic[k] is not null).ToList();
        if (present.Count > 1)
        {
            Add($"spec.schematic has {string.Join(" and ", present)}; a definition has one schematic", source.Location);
            return null;
        }
        if (present.Count == 0) return new NoSchematic();
        var key = present[0];
        var value = schematic[key];
        var at = source.Child(key);
        if (value is not JsonObject body)
        {
            Add($"spec.schematic.{key} must be an object", at.Location);
            return null;
        }
        return key switch
        {
            "cue" => new CueSchematic(Str(body["template"]) ?? ""),
            "helm" => new HelmSchematic(),
            "kube" => Kube(body, at),
            _ => Terraform(body, at),
        };
    }

    private KubeSchematic? Kube(JsonObject kube, SourceMap source)
    {
        if (kube["template"] is not JsonObject template || template.Count == 0)
        {
            Add("spec.schematic.kube.template must be a Kubernetes object", source.ValueLocation("template"));
            return null;
        }
        if (Str(template["apiVersion"]) is null || Str(template["kind"]) is null)
            Add("spec.schematic.kube.template needs apiVersion and kind", source.ValueLocation("template"));
        var parameters = new List<KubeParameter>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var list = kube["parameters"];
        if (list is not null and not JsonArray) Add("spec.schematic.kube.parameters must be a list", source.ValueLocation("parameters"));
        var items = (list as JsonArray)?.ToList() ?? [];
        for (var i = 0; i < items.Count; i++)
        {
            var at = source.Child("parameters").Item(i);
            if (items[i] is not JsonObject p)
            {
                Add("each kube parameter must be an object", at.Location);
                continue;
            }
            var name = Str(p["name"]);
            if (string.IsNullOrEmpty(name))
            {
                Add("a kube parameter needs a name", at.Location);
                continue;
            }
            if (!names.Add(name)) Add($"kube parameter '{name}' is declared more than once", at.ValueLocation("name"));
            var type = Str(p["type"]);
            if (type is not ("string" or "number" or "boolean"))
                Add($"kube parameter '{name}' has type '{type ?? "(none)"}'; it must be string, number or boolean", at.ValueLocation("type"));
            var paths = new List<string>();
            if (p["fieldPaths"] is not JsonArray fieldPaths || fieldPaths.Count == 0)
                Add($"kube parameter '{name}' needs fieldPaths, the fields of the template it sets", at.ValueLocation("fieldPaths"));
            else
            {
                for (var j = 0; j < fieldPaths.Count; j++)
                {
                    var text = Str(fieldPaths[j]);
                    string? error = null;
                    if (text is null || !FieldPath.TryParse(text, out _, out error))
                        Add($"kube parameter '{name}': {error ?? "each field path must be a string"}", at.Child("fieldPaths").Item(j).Location);
                    else paths.Add(text);
                }
            }
            var required = p["required"] is JsonValue r && r.TryGetValue<bool>(out var req) && req;
            parameters.Add(new KubeParameter(name, type ?? "string", paths, required, Str(p["description"])));
        }
        return new KubeSchematic((JsonObject)template.DeepClone(), parameters);
    }

    private TerraformSchematic? Terraform(JsonObject tf, SourceMap source)
    {
        var configuration = Str(tf["configuration"]);
        if (string.IsNullOrEmpty(configuration))
        {
            // KubeVela: errTerraformConfigurationIsNotSet ("terraform configuration is not set").
            Add("spec.schematic.terraform.configuration is not set (the HCL text, or the git URL for type: remote)", source.ValueLocation("configuration"));
            return null;
        }
        var type = Str(tf["type"]) is { Length: > 0 } t ? t : TerraformSchematic.DefaultType;
        if (type is not ("hcl" or "json" or "remote"))
        {
            Add($"spec.schematic.terraform.type is '{type}'; it must be hcl, json or remote", source.ValueLocation("type"));
            return null;
        }
        IReadOnlyList<TerraformVariable>? variables = null;
        IReadOnlyList<string>? outputs = null;
        if (type == "hcl")
        {
            try
            {
                var module = TerraformModule.Read(configuration);
                variables = module.Variables;
                outputs = module.Outputs;
            }
            catch (HclException ex)
            {
                Add($"spec.schematic.terraform.configuration is not valid HCL: line {ex.Line}, column {ex.Column} of the configuration: {ex.Message}",
                    source.ValueLocation("configuration"));
                return null;
            }
        }
        return new TerraformSchematic(
            configuration,
            type,
            Str(tf["path"]) is { Length: > 0 } path ? path : null,
            Reference(tf, "writeConnectionSecretToRef", source),
            Reference(tf, "providerRef", source),
            Reference(tf, "gitCredentialsSecretReference", source),
            tf["deleteResource"] is JsonValue d && d.TryGetValue<bool>(out var delete) ? delete : null,
            Str(tf["customRegion"]),
            variables,
            outputs);
    }

    private JsonObject? Reference(JsonObject tf, string key, SourceMap source)
    {
        var node = tf[key];
        if (node is null) return null;
        if (node is JsonObject o && Str(o["name"]) is { Length: > 0 }) return (JsonObject)o.DeepClone();
        Add($"spec.schematic.terraform.{key} must be an object with a name", source.ValueLocation(key));
        return null;
    }

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static IReadOnlyDictionary<string, string> StringMap(JsonNode? node) =>
        node is JsonObject o
            ? o.Where(kv => kv.Value is JsonValue).ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : kv.Value!.ToJsonString(), StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private void Add(string message, SourceLocation location) =>
        _problems.Add(new VelaProblem(ErrorIds.Load.DefinitionInvalid, ProblemCategory.InvalidData, $"{_what}: {message}", location));
}
