using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Engine.Rendering.Definitions;

/// <summary>
/// A component type defined by a ComponentDefinition whose schematic is <c>kube</c>, rendered as KubeVela rendered it up to
/// v1.8 (kubevela/kubevela v1.8.2 pkg/appfile/appfile.go <c>GenerateCUETemplate</c>, <c>resolveKubeParameters</c>,
/// <c>setParameterValuesToKubeObj</c>; the schematic was removed in v1.9.0): the template is the workload; every property
/// must be a declared parameter (<c>unsupported parameter "x"</c>), every <c>required</c> parameter must be given
/// (<c>require parameter "x"</c>), and each value, checked against the parameter's type (<c>require "string" type
/// parameter value</c>), is set at each of its field paths. The object then goes on like a CUE component's <c>output</c>:
/// traits patch it, and it gets the application's namespace and KubeVela's labels.
/// </summary>
internal sealed class KubeComponentType : IComponentType
{
    private readonly Definition _definition;
    private readonly KubeSchematic _kube;
    private readonly IReadOnlyDictionary<string, (KubeParameter Parameter, IReadOnlyList<FieldPath> Paths)> _parameters;

    public KubeComponentType(Definition definition, KubeSchematic kube)
    {
        _definition = definition;
        _kube = kube;
        _parameters = kube.Parameters.ToDictionary(p => p.Name, p => (p, (IReadOnlyList<FieldPath>)p.FieldPaths.Select(FieldPath.Parse).ToList()), StringComparer.Ordinal);
        Schema = new Schema
        {
            Type = SchemaType.Object,
            Properties = kube.Parameters.ToDictionary(p => p.Name, p => new Schema
            {
                Type = p.Type switch { "number" => SchemaType.Number, "boolean" => SchemaType.Bool, _ => SchemaType.String },
                Required = p.Required,
                Description = p.Description,
            }, StringComparer.Ordinal),
        };
    }

    public string Name => _definition.Name;

    public Schema Schema { get; }

    public string? WorkloadKind => _definition.WorkloadApiVersion is { } api && _definition.WorkloadKind is { } kind ? $"{api} {kind}" : null;

    public void Render(ComponentRender render)
    {
        foreach (var (name, _) in render.Properties)
            if (!_parameters.ContainsKey(name)) throw Problem($"cannot resolve parameter settings: unsupported parameter \"{name}\"");
        foreach (var parameter in _kube.Parameters.Where(p => p.Required))
            if (!render.Properties.ContainsKey(parameter.Name)) throw Problem($"cannot resolve parameter settings: require parameter \"{parameter.Name}\"");

        var workload = (JsonObject)_kube.Template.DeepClone();
        foreach (var (name, value) in render.Properties)
        {
            var (parameter, paths) = _parameters[name];
            if (!HasType(value, parameter.Type)) throw Problem($"cannot set parameters value: require \"{parameter.Type}\" type parameter value");
            foreach (var path in paths)
            {
                try
                {
                    path.Set(workload, value?.DeepClone());
                }
                catch (FieldPathException ex)
                {
                    throw Problem($"cannot set parameters value: cannot set parameter \"{name}\" to field \"{path}\": {ex.Message}");
                }
            }
        }
        render.Workload = workload;
    }

    private static bool HasType(JsonNode? value, string type) => value is JsonValue v && type switch
    {
        "string" => v.GetValueKind() == JsonValueKind.String,
        "number" => v.GetValueKind() == JsonValueKind.Number,
        _ => v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
    };

    private static VelaProblemException Problem(string message) =>
        new(new VelaProblem(ErrorIds.Render.Failed, ProblemCategory.InvalidData, message, SourceLocation.None));
}
