using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Yaml;

/// <summary>
/// Writes JSON objects as block-style YAML the way kubectl prints them (2-space indent, lists not
/// indented under their key, strings quoted only where a plain scalar would read back as something else).
/// </summary>
public static class YamlWriter
{
    public static string Write(IEnumerable<JsonNode?> documents)
    {
        var sb = new StringBuilder();
        foreach (var doc in documents) Append(sb, doc);
        return sb.ToString();
    }

    /// <summary>
    /// Appends one document to <paramref name="text"/>, after a <c>---</c> when it already holds one (every document
    /// writes at least a line): a long multi-document text made without a string per document.
    /// </summary>
    public static void Append(StringBuilder text, JsonNode? document)
    {
        if (text.Length > 0) text.Append("---\n");
        WriteDocument(text, document);
    }

    public static string Write(JsonNode? document)
    {
        var sb = new StringBuilder();
        WriteDocument(sb, document);
        return sb.ToString();
    }

    private static void WriteDocument(StringBuilder sb, JsonNode? doc)
    {
        switch (doc)
        {
            case JsonObject o when o.Count > 0: WriteObject(sb, o, 0); break;
            case JsonArray a when a.Count > 0: WriteArray(sb, a, 0); break;
            default: sb.Append(Scalar(doc)).Append('\n'); break;
        }
    }

    private static void WriteObject(StringBuilder sb, JsonObject obj, int indent, bool firstInline = false)
    {
        var first = true;
        foreach (var (key, value) in obj)
        {
            if (!(first && firstInline)) sb.Append(' ', indent);
            first = false;
            sb.Append(Key(key)).Append(':');
            WriteValueAfterKey(sb, value, indent);
        }
    }

    private static void WriteValueAfterKey(StringBuilder sb, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject o when o.Count > 0:
                sb.Append('\n');
                WriteObject(sb, o, indent + 2);
                break;
            case JsonArray a when a.Count > 0:
                sb.Append('\n');
                WriteArray(sb, a, indent);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Contains('\n'):
                WriteBlockString(sb, v.GetValue<string>(), indent + 2);
                break;
            default:
                sb.Append(' ').Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteArray(StringBuilder sb, JsonArray arr, int indent)
    {
        foreach (var item in arr)
        {
            sb.Append(' ', indent).Append('-');
            switch (item)
            {
                case JsonObject o when o.Count > 0:
                    sb.Append(' ');
                    WriteObject(sb, o, indent + 2, firstInline: true);
                    break;
                case JsonArray a when a.Count > 0:
                    sb.Append('\n');
                    WriteArray(sb, a, indent + 2);
                    break;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Contains('\n'):
                    WriteBlockString(sb, v.GetValue<string>(), indent + 2);
                    break;
                default:
                    sb.Append(' ').Append(Scalar(item)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteBlockString(StringBuilder sb, string s, int indent)
    {
        // Literal block when every line round-trips; otherwise a double-quoted scalar.
        if (s.Any(c => c is '\r' or '\t' || char.IsControl(c) && c != '\n') || s.StartsWith(' ') || s.StartsWith('\n'))
        {
            sb.Append(' ').Append(DoubleQuote(s)).Append('\n');
            return;
        }
        var chomp = s.EndsWith("\n\n", StringComparison.Ordinal) ? "+" : s.EndsWith('\n') ? string.Empty : "-";
        sb.Append(" |").Append(chomp).Append('\n');
        var body = s.EndsWith('\n') ? s[..^1] : s;
        foreach (var line in body.Split('\n'))
        {
            if (line.Length > 0) sb.Append(' ', indent).Append(line);
            sb.Append('\n');
        }
    }

    private static string Key(string key) => NeedsQuotes(key) ? DoubleQuote(key) : key;

    public static string Scalar(JsonNode? value)
    {
        if (value is null) return "null";
        if (value is JsonObject) return "{}";
        if (value is JsonArray) return "[]";
        var v = (JsonValue)value;
        return v.GetValueKind() switch
        {
            JsonValueKind.String => StringScalar(v.GetValue<string>()),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.ToJsonString(),
            _ => v.ToJsonString(),
        };
    }

    private static string StringScalar(string s) => NeedsQuotes(s) ? SingleOrDouble(s) : s;

    private static bool NeedsQuotes(string s)
    {
        if (s.Length == 0) return true;
        if (ScalarResolver.Resolve(s, null) != ScalarKind.String) return true;
        if (s[0] is ' ' or '\t' || s[^1] is ' ' or '\t') return true;
        if ("-?:,[]{}#&*!|>'\"%@`".Contains(s[0]))
        {
            // "-foo", ":foo" and "?foo" are fine when not followed by a space; indicators that always start something are not.
            if (!(s[0] is '-' or '?' or ':') || s.Length == 1 || s[1] == ' ') return true;
        }
        if (s.Contains(": ", StringComparison.Ordinal) || s.Contains(" #", StringComparison.Ordinal) || s.EndsWith(':')) return true;
        foreach (var c in s)
            if (char.IsControl(c) || c == '\uFEFF') return true;
        return false;
    }

    private static string SingleOrDouble(string s) =>
        s.Any(c => char.IsControl(c) || c == '\uFEFF') ? DoubleQuote(s) : "'" + s.Replace("'", "''") + "'";

    private static string DoubleQuote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || c == '\uFEFF') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
