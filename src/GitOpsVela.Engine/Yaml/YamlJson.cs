using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Yaml;

/// <summary>Converts read YAML into the plain JSON objects rendering works on (what kubectl would send).</summary>
internal static class YamlJson
{
    public static JsonNode? ToJson(YamlNode? node) => node switch
    {
        null => null,
        YamlScalar s => ToJson(s),
        YamlSequence seq => ToJson(seq),
        YamlMapping map => ToJson(map),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };

    public static JsonObject ToJson(YamlMapping map)
    {
        // Built from its properties at once, the object's dictionary is made at its final size (no growing).
        var entries = map.EntrySpan;
        if (entries.Length == 0) return new JsonObject();
        var properties = new KeyValuePair<string, JsonNode?>[entries.Length];
        for (var i = 0; i < entries.Length; i++) properties[i] = new(entries[i].Key.Value, ToJson(entries[i].Value));
        return new JsonObject(properties);
    }

    private static JsonArray ToJson(YamlSequence seq)
    {
        var items = new JsonNode?[seq.Count];
        for (var i = 0; i < items.Length; i++) items[i] = ToJson(seq[i]);
        return new JsonArray(items);
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
