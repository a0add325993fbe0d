using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Yaml;

/// <summary>Converts read YAML into the plain JSON objects rendering works on (what kubectl would send).</summary>
internal static class YamlJson
{
    public static JsonNode? ToJson(YamlNode? node) => node switch
    {
        null => null,
        YamlScalar s => ToJson(s),
        YamlSequence seq => new JsonArray(seq.Items.Select(ToJson).ToArray()),
        YamlMapping map => ToJson(map),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    public static JsonObject ToJson(YamlMapping map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Entries) obj[key.Value] = ToJson(value);
        return obj;
    }

    public static JsonNode? ToJson(YamlScalar s) => s.Kind switch
    {
        ScalarKind.Null => null,
        ScalarKind.Bool => JsonValue.Create(ScalarResolver.ToBool(s.Value)),
        ScalarKind.Int => ScalarResolver.TryToInt(s.Value, out var l) ? JsonValue.Create(l) : JsonValue.Create(ScalarResolver.ToDouble(s.Value)),
        ScalarKind.Float => FloatValue(ScalarResolver.ToDouble(s.Value)),
        _ => JsonValue.Create(s.Value),
    };

    private static JsonNode FloatValue(double d) =>
        // JSON has no NaN/Infinity; kubectl would fail on them too. Keep the text so the error surfaces at validation.
        double.IsFinite(d) ? JsonValue.Create(d) : JsonValue.Create(d.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
