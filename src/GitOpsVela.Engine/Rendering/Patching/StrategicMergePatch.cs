using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Rendering.Patching;

/// <summary>
/// Kubernetes strategic merge patch as kustomize applies it to built-in kinds: maps merge, <c>null</c> and
/// <c>$patch: delete</c> remove, associative lists (containers by name, ports by port, volumeMounts by mountPath, ...)
/// merge element by element, every other value is replaced.
/// </summary>
internal static class StrategicMergePatch
{
    /// <summary>Applies <paramref name="patch"/> to <paramref name="target"/> in place.</summary>
    public static void Apply(JsonObject target, JsonObject patch) => Merge(target, patch, "");

    /// <summary>Patch merge keys of the built-in kinds kustomize merges lists by.</summary>
    private static string? MergeKey(string path, string field) => field switch
    {
        "containers" or "initContainers" or "ephemeralContainers" or "volumes" or "env" or "imagePullSecrets" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "ports" when path.EndsWith("containers", StringComparison.Ordinal) || path.Contains("containers") => "containerPort",
        "ports" => "port",
        "tolerations" => null,
        _ => null,
    };

    private static void Merge(JsonObject target, JsonObject patch, string path)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null)
            {
                target.Remove(key);
                continue;
            }
            if (value is JsonObject po && po["$patch"]?.GetValue<string>() == "delete")
            {
                target.Remove(key);
                continue;
            }
            if (value is JsonObject pobj && target[key] is JsonObject tobj) Merge(tobj, pobj, path + "." + key);
            else if (value is JsonArray parr && target[key] is JsonArray tarr && MergeKey(path, key) is { } mk)
            {
                // As kustomize merges associative lists: the patch's elements first (merged into the originals they name),
                // then the original elements the patch does not mention.
                var merged = new JsonArray();
                var used = new HashSet<string?>();
                foreach (var item in parr.OfType<JsonObject>())
                {
                    var id = item[mk]?.ToJsonString();
                    used.Add(id);
                    var existing = tarr.OfType<JsonObject>().FirstOrDefault(e => e[mk]?.ToJsonString() == id);
                    if (item["$patch"]?.GetValue<string>() == "delete") continue;
                    if (existing is null) merged.Add(item.DeepClone());
                    else
                    {
                        var copy = (JsonObject)existing.DeepClone();
                        Merge(copy, item, path + "." + key);
                        merged.Add(copy);
                    }
                }
                foreach (var e in tarr.OfType<JsonObject>().Where(e => !used.Contains(e[mk]?.ToJsonString()))) merged.Add(e.DeepClone());
                target[key] = merged;
            }
            else target[key] = value.DeepClone();
        }
    }
}
