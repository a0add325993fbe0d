using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Loading.Schemas;

internal enum SchemaType
{
    /// <summary>Anything (CUE <c>_</c>).</summary>
    Any,
    String,
    Int,
    /// <summary>Int or float (CUE <c>number</c>).</summary>
    Number,
    Bool,
    /// <summary>An object with named <see cref="Schema.Properties"/> (closed unless <see cref="Schema.Open"/>).</summary>
    Object,
    /// <summary>A list of <see cref="Schema.Items"/>.</summary>
    Array,
    /// <summary>An object with any keys whose values are <see cref="Schema.Values"/> (CUE <c>[string]: T</c>).</summary>
    Map,
    /// <summary>An int or a string (CUE <c>int | string</c>, e.g. a port name or number).</summary>
    IntOrString,
}

/// <summary>
/// The schema of a definition's <c>parameter</c> block, transcribed from KubeVela's CUE: property names,
/// types, required-ness (no <c>?</c> and no default), enums, defaults. Used by validation (Test-VelaApplication)
/// and documentation; renderers apply the defaults themselves exactly as the CUE template does.
/// </summary>
internal sealed class Schema
{
    public SchemaType Type { get; init; }
    public bool Required { get; init; }
    public IReadOnlyList<string>? Enum { get; init; }
    public IReadOnlyDictionary<string, Schema> Properties { get; init; } = new Dictionary<string, Schema>();
    public Schema? Items { get; init; }
    public Schema? Values { get; init; }
    /// <summary>Unknown keys allowed (CUE <c>...</c>); a closed object reports them.</summary>
    public bool Open { get; init; }
    public JsonNode? Default { get; init; }
    public string? Description { get; init; }
    /// <summary>Alternatives (CUE disjunction of structs, e.g. <c>close({a: int}) | close({b: string})</c>); the value must match one.</summary>
    public IReadOnlyList<Schema>? OneOf { get; init; }
    /// <summary>Inclusive numeric bounds (CUE <c>&gt;=1 &amp; &lt;=65535</c>).</summary>
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    /// <summary>A regular expression (.NET syntax) the string must match (CUE <c>=~"..."</c>).</summary>
    public string? Pattern { get; init; }

    public static Schema Any(bool required = false) => new() { Type = SchemaType.Any, Required = required };
    public static Schema String(bool required = false, string? @default = null, params string[] @enum) =>
        new() { Type = SchemaType.String, Required = required, Default = @default, Enum = @enum.Length == 0 ? null : @enum };
    public static Schema Int(bool required = false, long? @default = null, double? min = null, double? max = null) =>
        new() { Type = SchemaType.Int, Required = required, Default = @default, Minimum = min, Maximum = max };
    public static Schema Number(bool required = false) => new() { Type = SchemaType.Number, Required = required };
    public static Schema Bool(bool required = false, bool? @default = null) => new() { Type = SchemaType.Bool, Required = required, Default = @default };
    public static Schema IntOrString(bool required = false) => new() { Type = SchemaType.IntOrString, Required = required };
    public static Schema Array(Schema items, bool required = false) => new() { Type = SchemaType.Array, Items = items, Required = required };
    public static Schema Map(Schema values, bool required = false) => new() { Type = SchemaType.Map, Values = values, Required = required };
    public static Schema Object(Dictionary<string, Schema> properties, bool required = false, bool open = false) =>
        new() { Type = SchemaType.Object, Properties = properties, Required = required, Open = open };

    /// <summary>A copy that is required.</summary>
    public Schema AsRequired() => With(required: true);


    private Schema With(bool required) => new()
    {
        Type = Type,
        Required = required,
        Enum = Enum,
        Properties = Properties,
        Items = Items,
        Values = Values,
        Open = Open,
        Default = Default,
        Description = Description,
        OneOf = OneOf,
        Minimum = Minimum,
        Maximum = Maximum,
        Pattern = Pattern,
    };
}
