using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Rendering;

/// <summary>
/// Reading a definition's properties the way its CUE template reads <c>parameter</c>: a value of another type reads as
/// absent (validation has already reported it), so templates apply their defaults instead of failing.
/// </summary>
internal static class JsonProperties
{
    public static string? Str(this JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool Bool(this JsonObject o, string key, bool fallback = false) => o[key] is JsonValue v && v.TryGetValue<bool>(out var b) ? b : fallback;

    public static long Long(this JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<long>(out var l) ? l : o[key] is JsonValue d && d.TryGetValue<double>(out var x) ? (long)x : 0;

    public static JsonNode? Clone(this JsonObject o, string key) => o[key]?.DeepClone();

    /// <summary>
    /// A map's entries in the order CUE's <c>for k, v in parameter.x</c> sees them in KubeVela: properties reach the
    /// templates through Go's encoding/json, which sorts keys bytewise (so Ingress paths, env and service-binding entries
    /// come out sorted, whatever order the file has).
    /// </summary>
    public static IEnumerable<KeyValuePair<string, JsonNode?>> Sorted(this JsonObject o) => o.OrderBy(p => p.Key, StringComparer.Ordinal);

    /// <summary>Copies <paramref name="key"/> (when set) into <paramref name="to"/>, under <paramref name="targetKey"/> if given.</summary>
    public static void CopyTo(this JsonObject from, string key, JsonObject to, string? targetKey = null)
    {
        if (from[key] is { } value) to[targetKey ?? key] = value.DeepClone();
    }
}
