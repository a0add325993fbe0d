using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Planning;

/// <summary>One field that differs: a path like <c>spec.template.spec.containers[0].image</c>, old and new values as JSON (null when absent).</summary>
public sealed record FieldChange(string Path, string? Old, string? New)
{
    public override string ToString() => $"{Path}: {Old ?? "(none)"} -> {New ?? "(none)"}";
}

/// <summary>
/// How desired objects compare with live ones. An object is unchanged when the live object carries the hash of the
/// desired manifest GitOpsVela last applied (<see cref="AppliedHashAnnotation"/>) and every desired field still has its
/// value live (server defaults and other managers' fields are extra, not differences).
/// </summary>
internal static class ObjectComparison
{
    public const string AppliedHashAnnotation = "gitopsvela.io/applied-hash";

    /// <summary>Hash of the manifest as GitOpsVela would apply it (without the hash annotation itself).</summary>
    public static string ManifestHash(JsonObject desired)
    {
        var copy = (JsonObject)desired.DeepClone();
        if (copy["metadata"]?["annotations"] is JsonObject a)
        {
            a.Remove(AppliedHashAnnotation);
            if (a.Count == 0) ((JsonObject)copy["metadata"]!).Remove("annotations");
        }
        var canonical = Canonical(copy);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)), 0, 12).ToLowerInvariant();
    }

    /// <summary>The desired object with the hash annotation added.</summary>
    public static JsonObject WithHash(JsonObject desired)
    {
        var hash = ManifestHash(desired);
        var copy = (JsonObject)desired.DeepClone();
        var meta = copy["metadata"] as JsonObject ?? new JsonObject();
        copy["metadata"] = meta;
        var annotations = meta["annotations"] as JsonObject ?? new JsonObject();
        meta["annotations"] = annotations;
        annotations[AppliedHashAnnotation] = hash;
        return copy;
    }

    /// <summary>True when GitOpsVela applied the live object (it carries the applied-hash annotation).</summary>
    public static bool WasApplied(JsonObject live) => live["metadata"]?["annotations"]?[AppliedHashAnnotation] is not null;

    public static bool IsUnchanged(JsonObject desiredWithHash, JsonObject live)
    {
        var want = desiredWithHash["metadata"]?["annotations"]?[AppliedHashAnnotation]?.GetValue<string>();
        var have = live["metadata"]?["annotations"]?[AppliedHashAnnotation]?.GetValue<string>();
        return want is not null && want == have && IsSubset(ForComparison(desiredWithHash), live);
    }

    /// <summary>Secrets: the server turns stringData into base64 data, so compare that way.</summary>
    private static JsonObject ForComparison(JsonObject desired)
    {
        if (desired["kind"]?.GetValue<string>() != "Secret" || desired["stringData"] is not JsonObject stringData) return desired;
        var copy = (JsonObject)desired.DeepClone();
        var data = copy["data"] as JsonObject ?? new JsonObject();
        foreach (var (k, v) in stringData)
            data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v?.ToString() ?? string.Empty));
        copy["data"] = data;
        copy.Remove("stringData");
        return copy;
    }

    /// <summary>Every field of <paramref name="desired"/> has the same value in <paramref name="live"/> (lists element by element, same length).</summary>
    public static bool IsSubset(JsonNode? desired, JsonNode? live)
    {
        switch (desired)
        {
            case null: return live is null;
            case JsonObject d:
                if (live is not JsonObject l) return false;
                foreach (var (k, v) in d)
                {
                    if (!l.TryGetPropertyValue(k, out var lv) || lv is null)
                    {
                        // A real API server drops empty maps and lists of built-in kinds (Go's omitempty): `data: {}` reads back absent.
                        if (v is null or JsonObject { Count: 0 } or JsonArray { Count: 0 }) continue;
                        return false;
                    }
                    if (!IsSubset(v, lv)) return false;
                }
                return true;
            case JsonArray da:
                if (live is not JsonArray la || la.Count != da.Count) return false;
                for (var i = 0; i < da.Count; i++)
                    if (!IsSubset(da[i], la[i])) return false;
                return true;
            default:
                return ScalarEquals(desired, live);
        }
    }

    private static bool ScalarEquals(JsonNode a, JsonNode? b)
    {
        if (b is null) return false;
        var ka = a.GetValueKind();
        var kb = b.GetValueKind();
        if (ka == JsonValueKind.Number && kb == JsonValueKind.Number)
            return decimal.TryParse(a.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                   && decimal.TryParse(b.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var y) && x == y;
        if (JsonNode.DeepEquals(a, b)) return true;
        // The API server canonicalises resource quantities ("0.5" -> "500m", 1 -> "1", "1024Mi" -> "1Gi").
        return Quantity(a) is { } qa && Quantity(b) is { } qb && qa == qb;
    }

    private static readonly (string Suffix, decimal Factor)[] QuantitySuffixes =
    [
        ("Ki", 1024m), ("Mi", 1024m * 1024), ("Gi", 1024m * 1024 * 1024), ("Ti", 1024m * 1024 * 1024 * 1024), ("Pi", 1024m * 1024 * 1024 * 1024 * 1024),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1000m), ("M", 1000_000m), ("G", 1000_000_000m), ("T", 1000_000_000_000m), ("P", 1000_000_000_000_000m),
    ];

    /// <summary>A Kubernetes resource quantity's value, or null when the scalar is not one.</summary>
    internal static decimal? Quantity(JsonNode node)
    {
        var kind = node.GetValueKind();
        var text = kind switch
        {
            JsonValueKind.Number => node.ToJsonString(),
            JsonValueKind.String => node.GetValue<string>(),
            _ => null,
        };
        if (string.IsNullOrEmpty(text)) return null;
        foreach (var (suffix, factor) in QuantitySuffixes)
        {
            if (text.Length > suffix.Length && text.EndsWith(suffix, StringComparison.Ordinal) &&
                decimal.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                return n * factor;
        }
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? plain : null;
    }

    /// <summary>
    /// The fields of <paramref name="desired"/> whose live value differs (live -> desired): what someone changed in the
    /// cluster since GitOpsVela applied it (<c>kubectl scale</c>, <c>kubectl set image</c>). Empty when the live object
    /// carries another manifest hash (that is an update, not drift) or matches.
    /// </summary>
    public static IReadOnlyList<FieldChange> Drift(JsonObject desiredWithHash, JsonObject live)
    {
        var want = desiredWithHash["metadata"]?["annotations"]?[AppliedHashAnnotation]?.GetValue<string>();
        var have = live["metadata"]?["annotations"]?[AppliedHashAnnotation]?.GetValue<string>();
        if (want is null || want != have) return [];
        var desired = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var current = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Flatten(Clean(ForComparison(desiredWithHash)), string.Empty, desired);
        Flatten(Clean(live), string.Empty, current);
        var drift = new List<FieldChange>();
        foreach (var (path, value) in desired)
        {
            current.TryGetValue(path, out var now);
            if (now == value || now is null && value is "{}" or "[]") continue;
            // A quantity written another way ("0.5" vs "500m") is the same value.
            if (now is not null && JsonNode.Parse(now) is { } n && JsonNode.Parse(value) is { } v && IsSubset(v, n)) continue;
            drift.Add(new FieldChange(path, now, value));
        }
        return drift;
    }

    /// <summary>Field-level differences between two versions of an object, ignoring server bookkeeping (resourceVersion, managedFields, ...).</summary>
    public static IReadOnlyList<FieldChange> Diff(JsonObject? before, JsonObject after)
    {
        var old = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var now = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (before is not null) Flatten(Clean(before), string.Empty, old);
        Flatten(Clean(after), string.Empty, now);
        var changes = new List<FieldChange>();
        foreach (var path in old.Keys.Union(now.Keys).OrderBy(p => p, StringComparer.Ordinal))
        {
            old.TryGetValue(path, out var o);
            now.TryGetValue(path, out var n);
            if (o != n) changes.Add(new FieldChange(path, o, n));
        }
        return changes;
    }

    private static readonly string[] Bookkeeping = ["resourceVersion", "managedFields", "generation", "uid", "creationTimestamp", "selfLink"];

    private static JsonObject Clean(JsonObject obj)
    {
        var c = (JsonObject)obj.DeepClone();
        c.Remove("status");
        if (c["metadata"] is JsonObject m)
        {
            foreach (var k in Bookkeeping) m.Remove(k);
            if (m["annotations"] is JsonObject a)
            {
                a.Remove(AppliedHashAnnotation);
                if (a.Count == 0) m.Remove("annotations");
            }
        }
        return c;
    }

    private static void Flatten(JsonNode? node, string path, IDictionary<string, string> into)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                foreach (var (k, v) in o) Flatten(v, path.Length == 0 ? k : $"{path}.{k}", into);
                break;
            case JsonArray a when a.Count > 0:
                for (var i = 0; i < a.Count; i++) Flatten(a[i], $"{path}[{i}]", into);
                break;
            default:
                into[path] = node?.ToJsonString() ?? "null";
                break;
        }
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => JsonSerializer.Serialize(kv.Key) + ":" + Canonical(kv.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };
}
