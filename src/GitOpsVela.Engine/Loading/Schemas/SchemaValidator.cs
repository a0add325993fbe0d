using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Loading.Schemas;

/// <summary>
/// Checks a value against a definition's <see cref="Schema"/> the way CUE unification would reject it:
/// missing required properties, unknown properties of closed objects, wrong types, values outside an enum or range.
/// Walks the value with its <see cref="SourceMap"/> so each problem points at the exact file:line:column. Problems name the property path
/// (<c>ports[0].port</c>).
/// </summary>
internal sealed class SchemaValidator
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

    /// <param name="value">The value as plain JSON.</param>
    /// <param name="source">Where the value was written.</param>
    /// <param name="where">Where the value is referenced from (its key); missing required properties point there.</param>
    public static IReadOnlyList<VelaProblem> Validate(JsonNode? value, SourceMap source, Schema schema, string subject, string? application, string? component,
        string prefix = "", SourceLocation? where = null, string id = ErrorIds.Load.PropertyInvalid)
    {
        var v = new SchemaValidator(id, subject, application, component);
        v.Check(value, source, schema, prefix, where ?? source.Location);
        return v.Problems;
    }

    public void Check(JsonNode? node, SourceMap source, Schema schema, string path, SourceLocation where)
    {
        if (node is null)
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
                trial.Check(node, source, alt, path, where);
                if (trial.Problems.Count == 0) return;
            }
            Add($"does not match any form {_subject} accepts" + (schema.Description is { } forms ? $"; accepted: {forms}" : ""), source.Location, path);
            return;
        }
        switch (schema.Type)
        {
            case SchemaType.Any:
                return;
            case SchemaType.Object:
                if (node is not JsonObject map) { TypeError(node, source, "an object", path); return; }
                foreach (var (name, propSchema) in schema.Properties)
                {
                    if (!map.TryGetPropertyValue(name, out var child))
                    {
                        if (propSchema.Required && propSchema.Default is null) Add($"is required by {_subject}", where.IsKnown ? where : source.Location, Join(path, name));
                        continue;
                    }
                    Check(child, source.Child(name), propSchema, Join(path, name), source.KeyLocation(name));
                }
                if (!schema.Open)
                {
                    foreach (var (key, _) in map)
                    {
                        if (schema.Properties.ContainsKey(key)) continue;
                        var known = schema.Properties.Keys.Order(StringComparer.Ordinal).ToList();
                        Add($"is not a property of {_subject}" + (known.Count > 0 ? $" (known: {string.Join(", ", known)})" : ""),
                            source.KeyLocation(key), Join(path, key));
                    }
                }
                return;
            case SchemaType.Map:
                if (node is not JsonObject values) { TypeError(node, source, "an object", path); return; }
                if (schema.Values is { } valueSchema)
                    foreach (var (key, value) in values) Check(value, source.Child(key), valueSchema, Join(path, key), source.KeyLocation(key));
                return;
            case SchemaType.Array:
                if (node is not JsonArray seq) { TypeError(node, source, "a list", path); return; }
                if (schema.Items is { } itemSchema)
                    for (var i = 0; i < seq.Count; i++) Check(seq[i], source.Item(i), itemSchema, $"{path}[{i}]", source.Item(i).Location);
                return;
        }

        if (node is not JsonValue scalar)
        {
            TypeError(node, source, Expected(schema.Type), path);
            return;
        }
        var kind = scalar.GetValueKind();
        var isInt = kind == JsonValueKind.Number && scalar.TryGetValue<long>(out _);
        var ok = schema.Type switch
        {
            SchemaType.String => kind == JsonValueKind.String,
            SchemaType.Int => isInt,
            SchemaType.Number => kind == JsonValueKind.Number,
            SchemaType.Bool => kind is JsonValueKind.True or JsonValueKind.False,
            SchemaType.IntOrString => isInt || kind == JsonValueKind.String,
            _ => true,
        };
        if (!ok)
        {
            TypeError(node, source, Expected(schema.Type), path);
            return;
        }
        var text = kind == JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString();
        if (schema.Enum is { Count: > 0 } allowed && !allowed.Contains(text, StringComparer.Ordinal))
            Add($"must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, not \"{text}\"", source.Location, path);
        if ((schema.Minimum is not null || schema.Maximum is not null) && kind == JsonValueKind.Number
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (number < schema.Minimum) Add($"must be at least {schema.Minimum}, not {text}", source.Location, path);
            if (number > schema.Maximum) Add($"must be at most {schema.Maximum}, not {text}", source.Location, path);
        }
        if (schema.Pattern is { } pattern && kind == JsonValueKind.String && !Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            Add($"\"{text}\" does not match {pattern}", source.Location, path);
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

    private void TypeError(JsonNode node, SourceMap source, string expected, string path)
    {
        var kind = node.GetValueKind();
        var actual = kind switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "list",
            JsonValueKind.String => $"string \"{node.GetValue<string>()}\"",
            JsonValueKind.Number => (node is JsonValue v && v.TryGetValue<long>(out _) ? "integer " : "number ") + node.ToJsonString(),
            JsonValueKind.True or JsonValueKind.False => "boolean " + node.ToJsonString(),
            _ => kind.ToString().ToLowerInvariant(),
        };
        var hint = kind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False && !source.IsQuoted && expected == "a string" ? " (quote it to make it a string)" : "";
        Add($"must be {expected}, not {actual}{hint}", source.Location, path);
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private void Add(string message, SourceLocation location, string path) =>
        _problems.Add(new VelaProblem(_id, ProblemCategory.InvalidData, message, location, _application, _component, path.Length == 0 ? null : path));
}
