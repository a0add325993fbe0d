using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Rendering;

/// <summary>
/// A component's revision hash (CUE <c>context.revision</c>): 64-bit FNV-1a over the canonical JSON (keys sorted) of its
/// name, type, properties and traits (type and properties, in order), as lowercase hex like KubeVela's
/// <c>strconv.FormatUint(hash, 16)</c>. KubeVela hashes its Go struct with hashstructure, whose digits cannot be
/// reproduced outside Go; the value here changes when, and only when, the same parts change.
/// </summary>
internal static class ComponentHash
{
    public static string Of(EffectiveComponent component)
    {
        var text = new StringBuilder();
        text.Append("{\"name\":").Append(JsonSerializer.Serialize(component.Name))
            .Append(",\"type\":").Append(JsonSerializer.Serialize(component.Type))
            .Append(",\"properties\":");
        Canonical(component.Properties, text);
        text.Append(",\"traits\":[");
        for (var i = 0; i < component.Traits.Count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append("{\"type\":").Append(JsonSerializer.Serialize(component.Traits[i].Type)).Append(",\"properties\":");
            Canonical(component.Traits[i].Properties, text);
            text.Append('}');
        }
        text.Append("]}");
        const ulong offset = 14695981039346656037, prime = 1099511628211;
        var hash = offset;
        foreach (var b in Encoding.UTF8.GetBytes(text.ToString()))
        {
            hash ^= b;
            hash *= prime;
        }
        return hash.ToString("x", CultureInfo.InvariantCulture);
    }

    private static void Canonical(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject o:
                text.Append('{');
                var first = true;
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) text.Append(',');
                    first = false;
                    text.Append(JsonSerializer.Serialize(key)).Append(':');
                    Canonical(value, text);
                }
                text.Append('}');
                break;
            case JsonArray a:
                text.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    Canonical(a[i], text);
                }
                text.Append(']');
                break;
            default:
                text.Append(node.ToJsonString());
                break;
        }
    }
}
