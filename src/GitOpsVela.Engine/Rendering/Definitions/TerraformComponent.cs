using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;

namespace GitOpsVela.Engine.Rendering.Definitions;

/// <summary>
/// A component type defined by a ComponentDefinition whose schematic is <c>terraform</c>: it renders the
/// terraform-controller <c>Configuration</c> exactly as KubeVela v1.10.9 does (kubevela/kubevela pkg/appfile/appfile.go
/// <c>generateTerraformConfigurationWorkload</c>):
/// <list type="number">
/// <item><c>terraform.core.oam.dev/v1beta2 Configuration</c> named after the component, in the component's namespace,
/// annotated with the definition's annotations;</item>
/// <item><c>spec</c> is the component's properties read into terraform-controller's <c>ConfigurationSpec</c> as Go's
/// <c>json.Unmarshal</c> reads them (<see cref="ConfigurationSpec"/>): a property whose name is a spec field is lifted into
/// the spec;</item>
/// <item><c>writeConnectionSecretToRef</c>, <c>providerRef</c> and <c>gitCredentialsSecretReference</c> come from the
/// properties, else from the definition; a connection Secret without a namespace goes to the application's;</item>
/// <item><c>hcl</c> is the configuration for type hcl; <c>remote</c> and <c>path</c> for type remote (overriding properties);</item>
/// <item><c>variable</c> is every property except <c>writeConnectionSecretToRef</c>, <c>customRegion</c>, <c>providerRef</c>,
/// <c>forceDelete</c> and <c>gitCredentialsSecretReference</c>.</item>
/// </list>
/// The definition's own <c>deleteResource</c> and <c>customRegion</c> are not copied (KubeVela does not copy them).
/// Its parameter schema is what KubeVela's definition controller generates for the UI (the HCL's variables, typed, required
/// when they have no default, plus <c>writeConnectionSecretToRef</c>, <c>providerRef</c>, <c>deleteResource</c>,
/// <c>region</c>), with the other Configuration fields the renderer lifts; it is closed when the variables are known
/// (inline HCL), so a misspelt variable is reported with its file:line, and open for a remote module.
/// </summary>
internal sealed class TerraformComponentType : IComponentType
{
    public const string ApiVersion = "terraform.core.oam.dev/v1beta2";
    public const string Kind = "Configuration";

    /// <summary>The property names KubeVela removes from <c>spec.variable</c> (pkg/appfile/appfile.go <c>*Key</c> constants).</summary>
    private static readonly string[] NotVariables = ["writeConnectionSecretToRef", "customRegion", "providerRef", "forceDelete", "gitCredentialsSecretReference"];

    private readonly Definition _definition;
    private readonly TerraformSchematic _terraform;

    public TerraformComponentType(Definition definition, TerraformSchematic terraform)
    {
        _definition = definition;
        _terraform = terraform;
        Schema = ParameterSchema(terraform);
    }

    public string Name => _definition.Name;

    public Schema Schema { get; }

    public string? WorkloadKind => $"{ApiVersion} {Kind}";

    /// <summary>The definition this type comes from.</summary>
    public Definition Definition => _definition;

    /// <summary>The names of the configuration's outputs (the keys of its connection Secret), when the HCL is inline.</summary>
    public IReadOnlyList<string>? Outputs => _terraform.Outputs;

    public void Render(ComponentRender render)
    {
        var properties = render.Properties;
        var spec = ConfigurationSpec.Read(properties);
        var appNamespace = render.Application.Namespace;

        if (spec["writeConnectionSecretToRef"] is null && _terraform.WriteConnectionSecretToRef is { } secretRef)
            spec["writeConnectionSecretToRef"] = ConfigurationSpec.Normalize("writeConnectionSecretToRef", secretRef);
        if (spec["writeConnectionSecretToRef"] is JsonObject secret && secret["namespace"] is null)
            secret["namespace"] = appNamespace;
        if (spec["providerRef"] is null && _terraform.ProviderRef is { } providerRef)
            spec["providerRef"] = ConfigurationSpec.Normalize("providerRef", providerRef);
        if (spec["gitCredentialsSecretReference"] is null && _terraform.GitCredentialsSecretReference is { } git)
            spec["gitCredentialsSecretReference"] = ConfigurationSpec.Normalize("gitCredentialsSecretReference", git);

        switch (_terraform.Type)
        {
            case "hcl":
                spec["hcl"] = _terraform.Configuration;
                break;
            case "remote":
                spec["remote"] = _terraform.Configuration;
                if (_terraform.Path is { } path) spec["path"] = path;
                else spec.Remove("path");
                break;
        }

        var variable = new JsonObject();
        foreach (var (key, value) in properties)
            if (!NotVariables.Contains(key, StringComparer.Ordinal)) variable[key] = value?.DeepClone();
        spec["variable"] = variable;

        var metadata = new JsonObject { ["name"] = render.Component.Name, ["namespace"] = render.Namespace };
        if (_definition.Annotations.Count > 0)
        {
            var annotations = new JsonObject();
            foreach (var (key, value) in _definition.Annotations) annotations[key] = value;
            metadata["annotations"] = annotations;
        }
        render.Workload = new JsonObject
        {
            ["apiVersion"] = ApiVersion,
            ["kind"] = Kind,
            ["metadata"] = metadata,
            ["spec"] = ConfigurationSpec.InFieldOrder(spec),
        };
    }

    /// <summary>The parameter schema (see the class summary).</summary>
    private static Schema ParameterSchema(TerraformSchematic terraform)
    {
        var properties = new Dictionary<string, Schema>(StringComparer.Ordinal);
        // The Configuration fields the renderer lifts from properties (they may be set, as KubeVela lets them be).
        foreach (var (field, schema) in ConfigurationSpec.FieldSchemas) properties[field] = schema;
        // parseOtherProperties4TerraformDefinition.
        properties["writeConnectionSecretToRef"] = Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["namespace"] = Schema.String(),
        });
        properties["providerRef"] = Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["namespace"] = Schema.String(@default: "default"),
        });
        properties["deleteResource"] = Schema.Bool(@default: true);
        properties["region"] = new Schema { Type = SchemaType.String, Description = "passed to the configuration as the variable 'region'" };
        // Go reads JobEnv whatever its case; jobEnv is how apply-terraform-config spells it.
        properties["jobEnv"] = Schema.Any();
        foreach (var variable in terraform.Variables ?? [])
            properties[variable.Name] = VariableSchema(variable);
        return new Schema { Type = SchemaType.Object, Properties = properties, Open = terraform.Variables is null };
    }

    /// <summary>An untyped variable's type, from its default (none: string), as KubeVela infers it.</summary>
    private static SchemaType KindOfDefault(JsonNode? value) => value switch
    {
        null => SchemaType.String,
        JsonArray => SchemaType.Array,
        JsonObject => SchemaType.Object,
        _ => value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.String => SchemaType.String,
            System.Text.Json.JsonValueKind.Number => SchemaType.Number,
            _ => SchemaType.Bool,
        },
    };

    /// <summary>A variable's schema by KubeVela's mapping (pkg/controller/utils/capability.go <c>GetOpenAPISchemaFromTerraformComponentDefinition</c>).</summary>
    private static Schema VariableSchema(TerraformVariable variable)
    {
        var type = variable.Type is null ? null : string.Concat(variable.Type.Where(c => !char.IsWhiteSpace(c)));
        SchemaType kind = type switch
        {
            "string" => SchemaType.String,
            "number" => SchemaType.Number,
            "bool" => SchemaType.Bool,
            "list" or "tuple" or "set" => SchemaType.Array,
            "map" or "object" => SchemaType.Object,
            "any" => SchemaType.Any,
            null or "" => KindOfDefault(variable.Default),
            _ when type.StartsWith("list(", StringComparison.Ordinal) || type.StartsWith("set(", StringComparison.Ordinal)
                   || type.StartsWith("tuple(", StringComparison.Ordinal) => SchemaType.Array,
            _ when type.StartsWith("map(", StringComparison.Ordinal) || type.StartsWith("object(", StringComparison.Ordinal) => SchemaType.Object,
            _ => SchemaType.Any,
        };
        return new Schema
        {
            Type = kind,
            Items = kind == SchemaType.Array ? Schema.Any() : null,
            Open = true,
            Required = variable.Required,
            Default = variable.Default?.DeepClone(),
            Description = variable.Description,
        };
    }
}

/// <summary>
/// terraform-controller's <c>v1beta2.ConfigurationSpec</c> (api/v1beta2/configuration_types.go at the commit KubeVela v1.10.9
/// pins) as Go's encoding/json reads and writes it: a property whose name matches a field (exactly, else ignoring case)
/// fills it; a value of the wrong type fails the whole read as <c>json.Unmarshal</c> does; unknown keys inside the
/// structs are dropped; written back, empty optional fields are left out and <c>gitRef</c>, a struct, is always there.
/// </summary>
internal static class ConfigurationSpec
{
    private enum F { String, Bool, OptionalBool, Raw, GitRef, Backend, SecretReference, Reference, CoreSecretReference }

    /// <summary>The fields in declaration order (the order Go writes them in).</summary>
    private static readonly (string Name, F Type)[] Fields =
    [
        ("hcl", F.String), ("remote", F.String), ("gitRef", F.GitRef), ("variable", F.Raw), ("backend", F.Backend), ("path", F.String),
        ("writeConnectionSecretToRef", F.SecretReference), ("providerRef", F.Reference), ("JobEnv", F.Raw), ("inlineCredentials", F.Bool),
        ("deleteResource", F.OptionalBool), ("customRegion", F.String), ("forceDelete", F.OptionalBool),
        ("gitCredentialsSecretReference", F.CoreSecretReference), ("terraformCredentialsSecretReference", F.CoreSecretReference),
        ("terraformRCConfigMapReference", F.CoreSecretReference), ("terraformCredentialsHelperConfigMapReference", F.CoreSecretReference),
    ];

    /// <summary>Schemas of the fields, for validating properties that set them.</summary>
    public static IReadOnlyList<(string Name, Schema Schema)> FieldSchemas { get; } = Fields.Select(f => (f.Name, f.Type switch
    {
        F.String => Schema.String(),
        F.Bool or F.OptionalBool => Schema.Bool(),
        F.Raw => Schema.Any(),
        F.GitRef => Schema.Object(new() { ["branch"] = Schema.String(), ["tag"] = Schema.String(), ["commit"] = Schema.String() }),
        F.Backend => Schema.Object(new()
        {
            ["secretSuffix"] = Schema.String(),
            ["inClusterConfig"] = Schema.Bool(),
            ["inline"] = Schema.String(),
            ["backendType"] = Schema.String(@enum: ["kubernetes", "s3"]),
            ["kubernetes"] = Schema.Object(new() { ["secret_suffix"] = Schema.String(required: true), ["namespace"] = Schema.String() }),
            ["s3"] = Schema.Object(new() { ["region"] = Schema.String(), ["bucket"] = Schema.String(required: true), ["key"] = Schema.String(required: true) }),
        }),
        _ => Schema.Object(new() { ["name"] = Schema.String(required: f.Type != F.CoreSecretReference), ["namespace"] = Schema.String() }),
    })).ToList();

    /// <summary>The spec as Go reads the properties into it (fields not set are absent; <c>gitRef</c> is <c>{}</c>).</summary>
    public static JsonObject Read(JsonObject properties)
    {
        var spec = new JsonObject();
        foreach (var (key, value) in properties)
        {
            var field = Fields.FirstOrDefault(f => f.Name == key);
            if (field.Name is null) field = Fields.FirstOrDefault(f => string.Equals(f.Name, key, StringComparison.OrdinalIgnoreCase));
            if (field.Name is null) continue;
            var read = Decode(field.Type, value, $"ConfigurationSpec.{field.Name}");
            if (read.Set) spec[field.Name] = read.Value;
        }
        spec["gitRef"] ??= new JsonObject();
        return spec;
    }

    /// <summary>A reference from the definition, written as the field's Go type writes it.</summary>
    public static JsonNode? Normalize(string field, JsonObject value) =>
        Decode(Fields.First(f => f.Name == field).Type, value, $"ConfigurationSpec.{field}").Value;

    /// <summary>The spec's fields in Go's order (what <c>kubectl get -o json</c> of the rendered object would show first).</summary>
    public static JsonObject InFieldOrder(JsonObject spec)
    {
        var ordered = new JsonObject();
        foreach (var (name, _) in Fields)
            if (spec.TryGetPropertyValue(name, out var value)) ordered[name] = value?.DeepClone();
        return ordered;
    }

    /// <summary>(Set, Value): whether the field is written, and what with. Set is false for a null the field ignores.</summary>
    private static (bool Set, JsonNode? Value) Decode(F type, JsonNode? value, string where)
    {
        if (value is null)
            // JSON null: a pointer or RawExtension becomes nil (left out when written); a value field keeps its zero value.
            return (false, null);
        switch (type)
        {
            case F.String:
                var s = String(value, where);
                return (s.Length > 0, s);
            case F.Bool:
                var b = Bool(value, where);
                return (b, b);
            case F.OptionalBool:
                return (true, Bool(value, where));
            case F.Raw:
                return (true, value.DeepClone());
            case F.GitRef:
                return (true, Struct(value, where, [("branch", F.String), ("tag", F.String), ("commit", F.String)]));
            case F.Backend:
            {
                var backend = Struct(value, where, [("secretSuffix", F.String), ("inClusterConfig", F.Bool), ("inline", F.String), ("backendType", F.String)]);
                var input = (JsonObject)value;
                if (Member(input, "kubernetes") is { } k && k is not null)
                {
                    var kube = Struct(k, where + ".kubernetes", [("namespace", F.String)]);
                    var ordered = new JsonObject { ["secret_suffix"] = Member(k as JsonObject, "secret_suffix") is { } ss ? String(ss, where + ".kubernetes.secret_suffix") : "" };
                    if (kube["namespace"] is { } ns) ordered["namespace"] = ns.DeepClone();
                    backend["kubernetes"] = ordered;
                }
                if (Member(input, "s3") is { } s3 && s3 is not null)
                {
                    var region = Struct(s3, where + ".s3", [("region", F.String)]);
                    var o = (JsonObject)s3;
                    var ordered = new JsonObject();
                    if (region["region"] is { } r) ordered["region"] = r.DeepClone();
                    ordered["bucket"] = Member(o, "bucket") is { } bucket ? String(bucket, where + ".s3.bucket") : "";
                    ordered["key"] = Member(o, "key") is { } key ? String(key, where + ".s3.key") : "";
                    backend["s3"] = ordered;
                }
                return (true, backend);
            }
            case F.SecretReference:
            case F.Reference:
            {
                var reference = Struct(value, where, [("name", F.String), ("namespace", F.String)]);
                var ordered = new JsonObject { ["name"] = reference["name"]?.DeepClone() ?? "" };
                if (reference["namespace"] is { } ns) ordered["namespace"] = ns.DeepClone();
                return (true, ordered);
            }
            default:
                return (true, Struct(value, where, [("name", F.String), ("namespace", F.String)]));
        }
    }

    private static JsonObject Struct(JsonNode value, string where, (string Name, F Type)[] fields)
    {
        if (value is not JsonObject obj) throw TypeError(value, where, "object");
        var result = new JsonObject();
        foreach (var (name, type) in fields)
        {
            if (Member(obj, name) is not { } member) continue;
            var (set, decoded) = Decode(type, member, $"{where}.{name}");
            if (set) result[name] = decoded;
        }
        return result;
    }

    /// <summary>The member Go would read for <paramref name="name"/>: an exact key, else the last key equal to it ignoring case.</summary>
    private static JsonNode? Member(JsonObject? obj, string name)
    {
        if (obj is null) return null;
        if (obj.TryGetPropertyValue(name, out var exact)) return exact;
        JsonNode? found = null;
        foreach (var (key, value) in obj)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) found = value;
        return found;
    }

    private static string String(JsonNode value, string where) =>
        value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : throw TypeError(value, where, "string");

    private static bool Bool(JsonNode value, string where) =>
        value is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
            ? v.GetValue<bool>() : throw TypeError(value, where, "bool");

    /// <summary>KubeVela's error, wrapping Go's <c>json.UnmarshalTypeError</c>.</summary>
    private static VelaProblemException TypeError(JsonNode value, string where, string type)
    {
        var kind = value.GetValueKind() switch
        {
            System.Text.Json.JsonValueKind.Object => "object",
            System.Text.Json.JsonValueKind.Array => "array",
            System.Text.Json.JsonValueKind.String => "string",
            System.Text.Json.JsonValueKind.Number => "number",
            _ => "bool",
        };
        return new VelaProblemException(new VelaProblem(ErrorIds.Render.Failed, ProblemCategory.InvalidData,
            $"failed to convert Terraform component properties: json: cannot unmarshal {kind} into Go struct field {where} of type {type}", SourceLocation.None));
    }
}
