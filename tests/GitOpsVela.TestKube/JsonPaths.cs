using System.Text.Json.Nodes;

namespace GitOpsVela.TestKube;

/// <summary>A field path inside an object (<c>spec.replicas</c>, <c>metadata.labels.app.oam.dev/name</c>), one segment per map key.</summary>
internal readonly record struct FieldPath(string Key)
{
    private const char Separator = '\u001f';

    public static FieldPath Of(IEnumerable<string> segments) => new(string.Join(Separator, segments));

    public string[] Segments => Key.Split(Separator);

    /// <summary>As the real API server prints field paths in apply conflicts: <c>.spec.replicas</c>.</summary>
    public override string ToString() => "." + Key.Replace(Separator, '.');

    public bool StartsWith(string first) => Key == first || Key.StartsWith(first + Separator, StringComparison.Ordinal);
}

internal static class JsonPaths
{
    /// <summary>Paths the server owns: never part of a field manager's set.</summary>
    private static readonly HashSet<string> ServerMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "generateName"];

    /// <summary>Every leaf of the object a manager can own: scalars, lists (atomic) and empty maps; never apiVersion, kind, status or server metadata.</summary>
    public static Dictionary<FieldPath, JsonNode?> OwnableLeaves(JsonObject obj, bool statusOnly = false)
    {
        var leaves = new Dictionary<FieldPath, JsonNode?>();
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind") continue;
            if (statusOnly != (key == "status")) continue;
            if (key == "metadata" && value is JsonObject meta)
            {
                foreach (var (mk, mv) in meta)
                    if (!ServerMetadata.Contains(mk)) Collect(mv, ["metadata", mk], leaves);
                continue;
            }
            Collect(value, [key], leaves);
        }
        return leaves;
    }

    private static void Collect(JsonNode? node, List<string> path, Dictionary<FieldPath, JsonNode?> into)
    {
        if (node is JsonObject o && o.Count > 0)
        {
            foreach (var (k, v) in o)
            {
                path.Add(k);
                Collect(v, path, into);
                path.RemoveAt(path.Count - 1);
            }
            return;
        }
        into[FieldPath.Of(path)] = node;
    }

    public static JsonNode? Get(JsonObject obj, FieldPath path)
    {
        JsonNode? cur = obj;
        foreach (var s in path.Segments)
        {
            if (cur is not JsonObject o || !o.TryGetPropertyValue(s, out cur)) return null;
        }
        return cur;
    }

    public static bool Has(JsonObject obj, FieldPath path)
    {
        JsonNode? cur = obj;
        foreach (var s in path.Segments)
        {
            if (cur is not JsonObject o || !o.TryGetPropertyValue(s, out cur)) return false;
        }
        return true;
    }

    public static void Set(JsonObject obj, FieldPath path, JsonNode? value)
    {
        var segs = path.Segments;
        var cur = obj;
        for (var i = 0; i < segs.Length - 1; i++)
        {
            if (cur[segs[i]] is not JsonObject next)
            {
                next = new JsonObject();
                cur[segs[i]] = next;
            }
            cur = next;
        }
        var last = segs[^1];
        // An empty map in an applied config does not wipe what others put inside it.
        if (value is JsonObject { Count: 0 } && cur[last] is JsonObject) return;
        cur[last] = value?.DeepClone();
    }

    /// <summary>Removes a leaf and then every parent map left empty (below the top-level key).</summary>
    public static void Remove(JsonObject obj, FieldPath path)
    {
        var segs = path.Segments;
        var chain = new List<JsonObject> { obj };
        var cur = obj;
        for (var i = 0; i < segs.Length - 1; i++)
        {
            if (cur[segs[i]] is not JsonObject next) return;
            chain.Add(next);
            cur = next;
        }
        cur.Remove(segs[^1]);
        for (var i = segs.Length - 2; i >= 1; i--)
        {
            if (chain[i + 1].Count == 0) chain[i].Remove(segs[i]);
            else break;
        }
    }

    /// <summary>RFC 7386 JSON merge patch.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (k, v) in p)
        {
            if (v is null) result.Remove(k);
            else result[k] = MergePatch(result[k], v);
        }
        return result;
    }

    /// <summary>RFC 6902 JSON patch; throws <see cref="InvalidOperationException"/> with the reason when an operation cannot apply.</summary>
    public static JsonNode JsonPatch(JsonNode target, JsonArray ops)
    {
        var doc = target.DeepClone();
        foreach (var opNode in ops)
        {
            if (opNode is not JsonObject op) throw new InvalidOperationException("a patch operation must be an object");
            var name = op["op"]?.GetValue<string>() ?? throw new InvalidOperationException("missing op");
            var path = op["path"]?.GetValue<string>() ?? throw new InvalidOperationException("missing path");
            switch (name)
            {
                case "add": doc = PointerAdd(doc, path, op["value"]?.DeepClone()); break;
                case "remove": PointerRemove(doc, path); break;
                case "replace":
                    PointerGet(doc, path);
                    PointerRemove(doc, path);
                    doc = PointerAdd(doc, path, op["value"]?.DeepClone());
                    break;
                case "move":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw new InvalidOperationException("missing from");
                    var v = PointerGet(doc, from)?.DeepClone();
                    PointerRemove(doc, from);
                    doc = PointerAdd(doc, path, v);
                    break;
                }
                case "copy":
                {
                    var from = op["from"]?.GetValue<string>() ?? throw new InvalidOperationException("missing from");
                    doc = PointerAdd(doc, path, PointerGet(doc, from)?.DeepClone());
                    break;
                }
                case "test":
                    if (!JsonNode.DeepEquals(PointerGet(doc, path), op["value"]))
                        throw new InvalidOperationException($"testing value {path} failed");
                    break;
                default: throw new InvalidOperationException($"unknown op {name}");
            }
        }
        return doc;
    }

    private static string[] Tokens(string pointer) =>
        pointer.Length == 0 ? [] : pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private static JsonNode? PointerGet(JsonNode doc, string pointer)
    {
        JsonNode? cur = doc;
        foreach (var t in Tokens(pointer))
        {
            cur = cur switch
            {
                JsonObject o when o.TryGetPropertyValue(t, out var v) => v,
                JsonArray a when int.TryParse(t, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new InvalidOperationException($"path {pointer} does not exist"),
            };
        }
        return cur;
    }

    private static (JsonNode parent, string last) Parent(JsonNode doc, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0) throw new InvalidOperationException("the root cannot be the target");
        var parentPointer = "/" + string.Join('/', tokens[..^1].Select(t => t.Replace("~", "~0").Replace("/", "~1")));
        var parent = tokens.Length == 1 ? doc : PointerGet(doc, parentPointer) ?? throw new InvalidOperationException($"path {pointer} does not exist");
        return (parent, tokens[^1]);
    }

    private static JsonNode PointerAdd(JsonNode doc, string pointer, JsonNode? value)
    {
        if (pointer.Length == 0) return value ?? throw new InvalidOperationException("cannot replace the root with null");
        var (parent, last) = Parent(doc, pointer);
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count: a.Insert(i, value); break;
            default: throw new InvalidOperationException($"path {pointer} does not exist");
        }
        return doc;
    }

    private static void PointerRemove(JsonNode doc, string pointer)
    {
        var (parent, last) = Parent(doc, pointer);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last): o.Remove(last); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count: a.RemoveAt(i); break;
            default: throw new InvalidOperationException($"path {pointer} does not exist");
        }
    }
}
