using System.Globalization;
using System.Text.RegularExpressions;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Loading.Schemas;

/// <summary>
/// Checks a YAML value against a definition's <see cref="Schema"/> the way CUE unification would reject it:
/// missing required properties, unknown properties of closed objects, wrong types, values outside an enum or range.
/// Works on the YAML nodes so each problem points at the exact file:line:column. Problems name the property path
/// (<c>ports[0].port</c>).
/// </summary>
public sealed class SchemaValidator
{
    private readonly string _id;
    private readonly string? _application;
    private readonly string? _component;
    private readonly string _subject;
    private readonly List<VelaProblem> _problems = [];

    /// <param name="subject">What is being checked, for messages ("component type 'webservice'").</param>
    public SchemaValidator(string id, string subject, string? application, string? component)
    {
        _id = id;
        _subject = subject;
        _application = application;
        _component = component;
    }

    public IReadOnlyList<VelaProblem> Problems => _problems;

    /// <param name="where">Where the value is referenced from (its key); missing required properties point there.</param>
    public static IReadOnlyList<VelaProblem> Validate(YamlNode? value, Schema schema, string subject, string? application, string? component, string prefix = "", SourceLocation? where = null)
    {
        var v = new SchemaValidator("VelaPropertyInvalid", subject, application, component);
        v.Check(value, schema, prefix, where ?? value?.Location ?? SourceLocation.None);
        return v.Problems;
    }

    public void Check(YamlNode? node, Schema schema, string path, SourceLocation where)
    {
        if (node is null or YamlScalar { Kind: ScalarKind.Null })
        {
            // An explicit null for an optional property reads as "not set", as kubectl users expect.
            if (schema.Required && schema.Default is null) Add($"is required by {_subject}", where, path);
            return;
        }
        if (schema.OneOf is { Count: > 0 } alternatives)
        {
            foreach (var alt in alternatives)
            {
                var trial = new SchemaValidator(_id, _subject, _application, _component);
                trial.Check(node, alt, path, where);
                if (trial.Problems.Count == 0) return;
            }
            Add($"does not match any form {_subject} accepts", node.Location, path);
            return;
        }
        switch (schema.Type)
        {
            case SchemaType.Any:
                return;
            case SchemaType.Object:
                if (node is not YamlMapping map) { TypeError(node, "an object", path); return; }
                foreach (var (name, propSchema) in schema.Properties)
                {
                    if (!map.TryGetValue(name, out var child))
                    {
                        if (propSchema.Required && propSchema.Default is null) Add($"is required by {_subject}", where.IsKnown ? where : map.Location, Join(path, name));
                        continue;
                    }
                    Check(child, propSchema, Join(path, name), map.KeyLocation(name));
                }
                if (!schema.Open)
                {
                    foreach (var (key, _) in map.Entries)
                    {
                        if (schema.Properties.ContainsKey(key.Value)) continue;
                        var known = schema.Properties.Keys.Order(StringComparer.Ordinal).ToList();
                        Add($"is not a property of {_subject}" + (known.Count > 0 ? $" (known: {string.Join(", ", known)})" : ""),
                            key.Location, Join(path, key.Value));
                    }
                }
                return;
            case SchemaType.Map:
                if (node is not YamlMapping values) { TypeError(node, "an object", path); return; }
                if (schema.Values is { } valueSchema)
                    foreach (var (key, value) in values.Entries) Check(value, valueSchema, Join(path, key.Value), key.Location);
                return;
            case SchemaType.Array:
                if (node is not YamlSequence seq) { TypeError(node, "a list", path); return; }
                if (schema.Items is { } itemSchema)
                    for (var i = 0; i < seq.Count; i++) Check(seq[i], itemSchema, $"{path}[{i}]", seq[i].Location);
                return;
        }

        if (node is not YamlScalar scalar)
        {
            TypeError(node, Expected(schema.Type), path);
            return;
        }
        var ok = schema.Type switch
        {
            SchemaType.String => scalar.Kind == ScalarKind.String,
            SchemaType.Int => scalar.Kind == ScalarKind.Int,
            SchemaType.Number => scalar.Kind is ScalarKind.Int or ScalarKind.Float,
            SchemaType.Bool => scalar.Kind == ScalarKind.Bool,
            SchemaType.IntOrString => scalar.Kind is ScalarKind.Int or ScalarKind.String,
            _ => true,
        };
        if (!ok)
        {
            TypeError(node, Expected(schema.Type), path);
            return;
        }
        if (schema.Enum is { Count: > 0 } allowed && !allowed.Contains(scalar.Value, StringComparer.Ordinal))
            Add($"must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, not \"{scalar.Value}\"", scalar.Location, path);
        if ((schema.Minimum is not null || schema.Maximum is not null) && scalar.Kind is ScalarKind.Int or ScalarKind.Float
            && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (number < schema.Minimum) Add($"must be at least {schema.Minimum}, not {scalar.Value}", scalar.Location, path);
            if (number > schema.Maximum) Add($"must be at most {schema.Maximum}, not {scalar.Value}", scalar.Location, path);
        }
        if (schema.Pattern is { } pattern && scalar.Kind == ScalarKind.String && !Regex.IsMatch(scalar.Value, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            Add($"\"{scalar.Value}\" does not match {pattern}", scalar.Location, path);
    }

    private static string Expected(SchemaType type) => type switch
    {
        SchemaType.String => "a string",
        SchemaType.Int => "an integer",
        SchemaType.Number => "a number",
        SchemaType.Bool => "a boolean (true or false)",
        SchemaType.IntOrString => "an integer or a string",
        SchemaType.Array => "a list",
        _ => "an object",
    };

    private void TypeError(YamlNode node, string expected, string path)
    {
        var actual = node is YamlScalar s ? $"{s.KindName} {(s.Kind == ScalarKind.String ? $"\"{s.Value}\"" : s.Value)}" : node.KindName;
        var hint = node is YamlScalar { Kind: not ScalarKind.String, IsQuoted: false } && expected == "a string" ? " (quote it to make it a string)" : "";
        Add($"must be {expected}, not {actual}{hint}", node.Location, path);
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private void Add(string message, SourceLocation location, string path) =>
        _problems.Add(new VelaProblem(_id, ProblemCategory.InvalidData, message, location, _application, _component, path.Length == 0 ? null : path));
}
