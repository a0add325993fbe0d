using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Rendering.Patching;

/// <summary>A patch that cannot be applied; the renderer reports it against the trait that asked for it.</summary>
internal sealed class PatchException(string message) : Exception(message);

/// <summary>
/// The patch strategies KubeVela's traits use on the workload (kubevela/kubevela pkg/cue/model/sets strategy patching):
/// maps merge key by key, lists marked <c>+patchKey=name</c> merge element by element on that key (new elements are
/// appended), <c>+patchStrategy=replace/retainKeys</c> replace the value, RFC 7386 JSON merge patch (<c>null</c> deletes)
/// and RFC 6902 JSON patch.
/// </summary>
internal static class JsonPatching
{
    /// <summary>Merges <paramref name="patch"/> into <paramref name="target"/>: maps recursively, everything else replaced.</summary>
    public static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is JsonObject child && target[key] is JsonObject existing) Merge(existing, child);
            else target[key] = value?.DeepClone();
        }
    }

    /// <summary>Merges <paramref name="item"/> into the list element with the same <paramref name="key"/> value, or appends it.</summary>
    public static JsonObject MergeByKey(JsonArray list, JsonObject item, string key = "name")
    {
        var id = item[key]?.ToJsonString();
        var match = id is null ? null : list.OfType<JsonObject>().FirstOrDefault(e => e[key]?.ToJsonString() == id);
        if (match is null)
        {
            var copy = (JsonObject)item.DeepClone();
            list.Add(copy);
            return copy;
        }
        Merge(match, item);
        return match;
    }

    /// <summary>
    /// A <c>+patchKey</c> list patch as KubeVela's CUE applies it: each item merges into the element of <paramref name="owner"/>'s
    /// list at <paramref name="key"/> with the same <paramref name="patchKey"/> value (or is appended); when the owner has no
    /// such list, the items are the list as given (duplicates kept). No items, no list.
    /// </summary>
    public static void PatchList(JsonObject owner, string key, IReadOnlyList<JsonObject> items, string patchKey = "name")
    {
        if (items.Count == 0) return;
        if (owner[key] is JsonArray list)
            foreach (var item in items) MergeByKey(list, item, patchKey);
        else
            owner[key] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray());
    }

    /// <summary>The list at <paramref name="key"/> of <paramref name="owner"/>, created empty when missing.</summary>
    public static JsonArray List(JsonObject owner, string key)
    {
        if (owner[key] is JsonArray list) return list;
        var created = new JsonArray();
        owner[key] = created;
        return created;
    }

    /// <summary>The object at <paramref name="key"/> of <paramref name="owner"/>, created empty when missing.</summary>
    public static JsonObject Object(JsonObject owner, string key)
    {
        if (owner[key] is JsonObject obj) return obj;
        var created = new JsonObject();
        owner[key] = created;
        return created;
    }

    /// <summary>RFC 7386 JSON merge patch: objects merge, <c>null</c> removes, anything else replaces.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject) return patch?.DeepClone();
        var result = target as JsonObject ?? new JsonObject();
        foreach (var (key, value) in patchObject)
        {
            if (value is null) result.Remove(key);
            else result[key] = MergePatch(result[key]?.DeepClone(), value);
        }
        return result;
    }

    /// <summary>RFC 6902 JSON patch: add, remove, replace, move, copy, test. The whole patch fails on the first bad operation.</summary>
    public static JsonNode? JsonPatch(JsonNode? document, JsonArray operations)
    {
        var doc = document?.DeepClone();
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op) throw new PatchException($"operations[{i}] must be an object");
            var name = op["op"]?.GetValue<string>() ?? throw new PatchException($"operations[{i}] has no op");
            var path = op["path"]?.GetValue<string>() ?? throw new PatchException($"operations[{i}] has no path");
            try
            {
                switch (name)
                {
                    case "add": doc = Add(doc, path, Required(op, "value", i)); break;
                    case "remove": doc = Remove(doc, path, out _); break;
                    case "replace":
                        Get(doc, path);
                        doc = Add(Remove(doc, path, out _), path, Required(op, "value", i));
                        break;
                    case "move":
                        {
                            var from = op["from"]?.GetValue<string>() ?? throw new PatchException($"operations[{i}] move needs from");
                            doc = Remove(doc, from, out var moved);
                            doc = Add(doc, path, moved);
                            break;
                        }
                    case "copy":
                        {
                            var from = op["from"]?.GetValue<string>() ?? throw new PatchException($"operations[{i}] copy needs from");
                            doc = Add(doc, path, Get(doc, from)?.DeepClone());
                            break;
                        }
                    case "test":
                        if (!JsonNode.DeepEquals(Get(doc, path), op["value"])) throw new PatchException($"test failed: {path} is not {op["value"]?.ToJsonString() ?? "null"}");
                        break;
                    default:
                        throw new PatchException($"op '{name}' is not one of add, remove, replace, move, copy, test");
                }
            }
            catch (PatchException ex)
            {
                throw new PatchException($"operations[{i}] ({name} {path}): {ex.Message}");
            }
        }
        return doc;
    }

    private static JsonNode? Required(JsonObject op, string key, int i) =>
        op.ContainsKey(key) ? op[key]?.DeepClone() : throw new PatchException($"operations[{i}] needs {key}");

    private static List<string> Pointer(string path)
    {
        if (path.Length == 0) return [];
        if (path[0] != '/') throw new PatchException($"path '{path}' must start with /");
        return path[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    private static JsonNode? Get(JsonNode? doc, string path)
    {
        var node = doc;
        foreach (var token in Pointer(path))
        {
            node = node switch
            {
                JsonObject o when o.ContainsKey(token) => o[token],
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw new PatchException($"path {path} does not exist"),
            };
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode? doc, string path)
    {
        var tokens = Pointer(path);
        if (tokens.Count == 0) throw new PatchException("the whole document cannot be the target");
        var parent = tokens.Count == 1 ? doc
            : Get(doc, "/" + string.Join('/', tokens.Take(tokens.Count - 1).Select(t => t.Replace("~", "~0").Replace("/", "~1"))));
        return (parent ?? throw new PatchException($"the parent of {path} is null"), tokens[^1]);
    }

    private static JsonNode? Add(JsonNode? doc, string path, JsonNode? value)
    {
        if (path.Length == 0) return value;
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count:
                a.Insert(i, value);
                break;
            default:
                throw new PatchException($"cannot add at {path}");
        }
        return doc;
    }

    private static JsonNode? Remove(JsonNode? doc, string path, out JsonNode? removed)
    {
        var (parent, last) = Parent(doc, path);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                removed = o[last];
                o.Remove(last);
                removed = removed?.DeepClone();
                break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count:
                removed = a[i]?.DeepClone();
                a.RemoveAt(i);
                break;
            default:
                throw new PatchException($"path {path} does not exist");
        }
        return doc;
    }
}
