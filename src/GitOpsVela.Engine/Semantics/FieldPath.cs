using System.Globalization;
using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Semantics;

/// <summary>A field path that cannot be parsed or set; the message says where.</summary>
internal sealed class FieldPathException(string message) : Exception(message);

/// <summary>
/// Kubernetes field paths as crossplane-runtime's <c>fieldpath</c> package reads and sets them (the paths of KubeVela's
/// <c>kube</c> schematic parameters): <c>spec.replicas</c>, <c>spec.containers[0].image</c>,
/// <c>metadata.annotations['example.org/a']</c>, <c>data[.config.yml]</c>. A bracketed segment is an array index when it is
/// an unsigned 32-bit integer, otherwise a field name (quotes trimmed). Setting a value creates the objects and arrays on
/// the way and grows an array with nulls up to the index, as the package's <c>Paved.SetValue</c> does.
/// </summary>
internal sealed class FieldPath
{
    /// <summary>One segment: a field name, or an array index.</summary>
    public readonly record struct Segment(string? Field, int Index)
    {
        public bool IsIndex => Field is null;

        public override string ToString() => IsIndex ? $"[{Index}]" : Field!;
    }

    private FieldPath(string text, IReadOnlyList<Segment> segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    public IReadOnlyList<Segment> Segments { get; }

    public override string ToString() => Text;

    public static bool TryParse(string text, out FieldPath? path, out string? error)
    {
        try
        {
            path = Parse(text);
            error = null;
            return true;
        }
        catch (FieldPathException ex)
        {
            path = null;
            error = ex.Message;
            return false;
        }
    }

    public static FieldPath Parse(string text)
    {
        var segments = new List<Segment>();
        var i = 0;
        FieldPathException Error(int at, string what) => new($"field path '{text}': {what} at position {at}");
        if (text.Length == 0) throw new FieldPathException("a field path cannot be empty");
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '.')
            {
                if (i == 0 || i == text.Length - 1) throw Error(i, "unexpected '.'");
                var next = text[i + 1];
                if (next is '.' or '[') throw Error(i + 1, $"unexpected '{next}'");
                i++;
                continue;
            }
            if (c == '[')
            {
                var close = text.IndexOf(']', i);
                if (close < 0) throw Error(i, "unterminated '['");
                if (close == i + 1) throw Error(i + 1, "unexpected ']'");
                var inner = text[(i + 1)..close];
                var nested = inner.IndexOf('[');
                if (nested >= 0) throw Error(i + 1 + nested, "unexpected '['");
                segments.Add(uint.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index <= int.MaxValue
                    ? new Segment(null, (int)index)
                    : new Segment(inner.Trim('\'', '"'), 0));
                i = close + 1;
                continue;
            }
            if (c == ']') throw Error(i, "unexpected ']'");
            var start = i;
            while (i < text.Length && text[i] is not ('.' or '[' or ']')) i++;
            if (i < text.Length && text[i] == ']') throw Error(i, "unexpected ']'");
            segments.Add(new Segment(text[start..i].Trim('\'', '"'), 0));
        }
        return new FieldPath(text, segments);
    }

    /// <summary>Sets <paramref name="value"/> at this path in <paramref name="root"/>, creating what is missing on the way.</summary>
    public void Set(JsonObject root, JsonNode? value)
    {
        JsonNode current = root;
        for (var s = 0; s < Segments.Count; s++)
        {
            var segment = Segments[s];
            var last = s == Segments.Count - 1;
            var nextIsIndex = !last && Segments[s + 1].IsIndex;
            if (segment.IsIndex)
            {
                if (current is not JsonArray array) throw new FieldPathException($"field path '{Text}': {Prefix(s)} is not an array");
                while (array.Count <= segment.Index) array.Add(null);
                if (last)
                {
                    array[segment.Index] = value;
                    return;
                }
                current = Child(array[segment.Index], nextIsIndex, child => array[segment.Index] = child, s);
            }
            else
            {
                if (current is not JsonObject obj) throw new FieldPathException($"field path '{Text}': {Prefix(s)} is not an object");
                if (last)
                {
                    obj[segment.Field!] = value;
                    return;
                }
                current = Child(obj[segment.Field!], nextIsIndex, child => obj[segment.Field!] = child, s);
            }
        }
    }

    private JsonNode Child(JsonNode? existing, bool array, Action<JsonNode> attach, int s)
    {
        if (existing is null)
        {
            JsonNode created = array ? new JsonArray() : new JsonObject();
            attach(created);
            return created;
        }
        if (array ? existing is JsonArray : existing is JsonObject) return existing;
        throw new FieldPathException($"field path '{Text}': {Prefix(s + 1)} is not {(array ? "an array" : "an object")}");
    }

    private string Prefix(int count)
    {
        if (count == 0) return "the object";
        var text = string.Concat(Segments.Take(count).Select((seg, i) => seg.IsIndex ? $"[{seg.Index}]" : i == 0 ? seg.Field : "." + seg.Field));
        return $"'{text}'";
    }
}
