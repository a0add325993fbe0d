using System.Text.Json.Nodes;

namespace GitOpsVela.TestKube;

/// <summary>
/// A field path inside an object, one segment per map key (<c>spec.replicas</c>, <c>metadata.labels.app.oam.dev/name</c>)
/// or per element of an associative list, named by its keys (<c>containers[name="web"]</c>), as server-side apply tracks them.
/// </summary>
internal readonly record struct FieldPath(string Key)
{
    private const char Separator = '\u001f';
    internal const char ElementMark = '\u0002';

    public static FieldPath Of(IEnumerable<string> segments) => new(string.Join(Separator, segments));

    public string[] Segments => Key.Split(Separator);

    public static bool IsElement(string segment) => segment.Length > 0 && segment[0] == ElementMark;

    public static JsonObject ElementKeys(string segment) => JsonNode.Parse(segment[1..])!.AsObject();

    /// <summary>As the real API server prints field paths in apply conflicts: <c>.spec.template.spec.containers[name="web"].image</c>.</summary>
    public override string ToString() => string.Concat(Segments.Select(s =>
        IsElement(s) ? "[" + string.Join(",", ElementKeys(s).Select(kv => $"{kv.Key}={kv.Value!.ToJsonString()}")) + "]" : "." + s));

    /// <summary>The managedFields (FieldsV1) key of one segment: <c>f:name</c> or <c>k:{"name":"web"}</c>.</summary>
    public static string FieldsV1Key(string segment) => IsElement(segment) ? "k:" + segment[1..] : "f:" + segment;
}

internal static class JsonPaths
{
    /// <summary>Paths the server owns: never part of a field manager's set.</summary>
    private static readonly HashSet<string> ServerMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "generateName"];

    /// <summary>
    /// The merge keys of the built-in API's associative lists (x-kubernetes-list-type: map) that objects GitOpsVela renders
    /// use; other lists are atomic. Container ports are keyed by containerPort+protocol, Service ports by port+protocol.
    /// </summary>
    private static string[]? ListKeys(List<string> path, string field) => field switch
    {
        "containers" or "initContainers" or "ephemeralContainers" or "env" or "volumes" or "imagePullSecrets" => ["name"],
        "volumeMounts" => ["mountPath"],
        "hostAliases" => ["ip"],
        "ports" => path.Count >= 2 && FieldPath.IsElement(path[^2]) ? ["containerPort", "protocol"] : ["port", "protocol"],
        _ => null,
    };

    private static JsonObject? ElementKey(JsonNode? element, string[] keys)
    {
        if (element is not JsonObject o) return null;
        var key = new JsonObject();
        foreach (var k in keys.Order(StringComparer.Ordinal))
        {
            var v = o[k];
            if (v is null && k == "protocol") v = "TCP"; // the API's default, part of the key
            if (v is null) return null;
            key[k] = v.DeepClone();
        }
        return key;
    }

    private static string ElementSegment(JsonObject key) => FieldPath.ElementMark + key.ToJsonString();

    /// <summary>
    /// Every leaf of the object a manager can own: scalars, atomic lists and empty maps, and the fields of associative-list
    /// elements (built-in kinds); never apiVersion, kind, status or server metadata.
    /// </summary>
    public static Dictionary<FieldPath, JsonNode?> OwnableLeaves(JsonObject obj, bool statusOnly = false, bool associativeLists = true)
    {
        var leaves = new Dictionary<FieldPath, JsonNode?>();
        foreach (var (key, value) in obj)
        {
            if (key is "apiVersion" or "kind") continue;
            if (statusOnly != (key == "status")) continue;
            if (key == "metadata" && value is JsonObject meta)
            {
                foreach (var (mk, mv) in meta)
                    if (!ServerMetadata.Contains(mk)) Collect(mv, ["metadata", mk], leaves, associativeLists);
                continue;
            }
            Collect(value, [key], leaves, associativeLists);
        }
        return leaves;
    }

    private static void Collect(JsonNode? node, List<string> path, Dictionary<FieldPath, JsonNode?> into, bool associativeLists)
    {
        if (node is JsonObject o && o.Count > 0)
        {
            foreach (var (k, v) in o)
            {
                path.Add(k);
                Collect(v, path, into, associativeLists);
                path.RemoveAt(path.Count - 1);
            }
            return;
        }
        if (associativeLists && node is JsonArray a && a.Count > 0 && ListKeys(path, path[^1]) is { } keys)
        {
            var elements = a.Select(e => ElementKey(e, keys)).ToList();
            var distinct = elements.Where(k => k is not null).Select(k => k!.ToJsonString()).Distinct().Count();
            if (elements.All(k => k is not null) && distinct == elements.Count)
            {
                for (var i = 0; i < a.Count; i++)
                {
                    path.Add(ElementSegment(elements[i]!));
                    Collect(a[i], path, into, associativeLists);
                    path.RemoveAt(path.Count - 1);
                }
                return;
            }
        }
        into[FieldPath.Of(path)] = node;
    }

    /// <summary>The child at one segment: a map key, or the associative-list element with those keys.</summary>
    private static bool TryChild(JsonNode? cur, string segment, out JsonNode? child)
    {
        child = null;
        if (FieldPath.IsElement(segment))
        {
            if (cur is not JsonArray a) return false;
            var want = FieldPath.ElementKeys(segment);
            var keys = want.Select(kv => kv.Key).ToArray();
            child = a.FirstOrDefault(e => ElementKey(e, keys) is { } k && JsonNode.DeepEquals(k, want));
            return child is not null;
        }
        return cur is JsonObject o && o.TryGetPropertyValue(segment, out child);
    }

    public static JsonNode? Get(JsonObject obj, FieldPath path)
    {
        JsonNode? cur = obj;
        foreach (var s in path.Segments)
            if (!TryChild(cur, s, out cur)) return null;
        return cur;
    }

    public static bool Has(JsonObject obj, FieldPath path)
    {
        JsonNode? cur = obj;
        foreach (var s in path.Segments)
            if (!TryChild(cur, s, out cur)) return false;
        return true;
    }

    public static void Set(JsonObject obj, FieldPath path, JsonNode? value)
    {
        var segs = path.Segments;
        JsonNode cur = obj;
        for (var i = 0; i < segs.Length - 1; i++)
        {
            var seg = segs[i];
            var wantArray = FieldPath.IsElement(segs[i + 1]);
            TryChild(cur, seg, out var next);
            if (FieldPath.IsElement(seg))
            {
                if (next is not JsonObject)
                {
                    next = FieldPath.ElementKeys(seg);
                    ((JsonArray)cur).Add(next);
                }
            }
            else if (wantArray ? next is not JsonArray : next is not JsonObject)
            {
                next = wantArray ? new JsonArray() : new JsonObject();
                ((JsonObject)cur)[seg] = next;
            }
            cur = next!;
        }
        var target = (JsonObject)cur;
        var last = segs[^1];
        // An empty map in an applied config does not wipe what others put inside it.
        if (value is JsonObject { Count: 0 } && target[last] is JsonObject) return;
        target[last] = value?.DeepClone();
    }

    /// <summary>The path of the associative-list element a leaf is a key field of, or null.</summary>
    public static FieldPath? KeyFieldElement(FieldPath path)
    {
        var segs = path.Segments;
        if (segs.Length < 2 || !FieldPath.IsElement(segs[^2])) return null;
        return FieldPath.ElementKeys(segs[^2]).ContainsKey(segs[^1]) ? FieldPath.Of(segs[..^1]) : null;
    }

    /// <summary>Removes a leaf (or a whole list element) and then every map or list left empty by it (below the top-level key).</summary>
    public static void Remove(JsonObject obj, FieldPath path)
    {
        var segs = path.Segments;
        var chain = new List<JsonNode> { obj };
        JsonNode cur = obj;
        for (var i = 0; i < segs.Length - 1; i++)
        {
            if (!TryChild(cur, segs[i], out var next) || next is null) return;
            chain.Add(next);
            cur = next;
        }
        if (!RemoveChild(cur, segs[^1])) return;
        for (var i = segs.Length - 2; i >= 1; i--)
        {
            var node = chain[i + 1];
            var empty = node is JsonObject { Count: 0 } || node is JsonArray { Count: 0 };
            if (!empty) break;
            RemoveChild(chain[i], segs[i]);
        }
    }

    private static bool RemoveChild(JsonNode parent, string segment)
    {
        if (FieldPath.IsElement(segment))
        {
            if (parent is not JsonArray a || !TryChild(a, segment, out var element)) return false;
            a.Remove(element);
            return true;
        }
        return parent is JsonObject o && o.Remove(segment);
    }

    /// <summary>
    /// Strategic merge patch (what kubectl patch/edit/set send): like a merge patch, except that associative lists merge
    /// element by element on their keys; <c>$</c> directives are ignored.
    /// </summary>
    public static JsonNode? StrategicMerge(JsonNode? target, JsonNode? patch, List<string>? path = null)
    {
        path ??= [];
        if (patch is not JsonObject p) return patch?.DeepClone();
        var result = target is JsonObject t ? (JsonObject)t.DeepClone() : new JsonObject();
        foreach (var (k, v) in p)
        {
            if (k.StartsWith('$')) continue;
            if (v is null)
            {
                result.Remove(k);
                continue;
            }
            path.Add(k);
            if (v is JsonArray patchList && result[k] is JsonArray liveList && ListKeys(path, k) is { } keys &&
                patchList.All(e => ElementKey(e, keys) is not null))
            {
                var merged = (JsonArray)liveList.DeepClone();
                foreach (var element in patchList)
                {
                    var key = ElementKey(element, keys)!;
                    var existing = merged.FirstOrDefault(e => ElementKey(e, keys) is { } ek && JsonNode.DeepEquals(ek, key));
                    path.Add(ElementSegment(key));
                    if (existing is null) merged.Add(StrategicMerge(null, element, path));
                    else merged[merged.IndexOf(existing)] = StrategicMerge(existing, element, path);
                    path.RemoveAt(path.Count - 1);
                }
                result[k] = merged;
            }
            else result[k] = StrategicMerge(result[k], v, path);
            path.RemoveAt(path.Count - 1);
        }
        return result;
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
