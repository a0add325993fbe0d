using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Tests.Rendering.Golden;

/// <summary>How one object of the union of both sides compared.</summary>
public enum KubeVelaObjectStatus { Identical, Different, Missing, Extra }

/// <summary>One object: its key (<c>Kind apiVersion ns/name</c>), how it compared, what differs and what is only noted.</summary>
public sealed record KubeVelaObjectResult(
    string Key, KubeVelaObjectStatus Status, IReadOnlyList<string> Differences, IReadOnlyList<string> Notes);

/// <summary>The comparison of KubeVela's rendered objects (the cue-oracle's <c>expected.json</c>) with GitOpsVela's.</summary>
public sealed record KubeVelaComparison(IReadOnlyList<KubeVelaObjectResult> Objects)
{
    public int IdenticalCount => Objects.Count(o => o.Status == KubeVelaObjectStatus.Identical);

    public bool Identical => Objects.All(o => o.Status == KubeVelaObjectStatus.Identical);

    /// <summary>compare.py's output: one line per object, its differences and notes under it, then <c>N/M objects identical</c>.</summary>
    public string Report(int maxLinesPerObject = int.MaxValue)
    {
        var text = new StringBuilder();
        foreach (var o in Objects)
        {
            text.Append(o.Status switch
            {
                KubeVelaObjectStatus.Identical => "OK      ",
                KubeVelaObjectStatus.Different => "DIFF    ",
                KubeVelaObjectStatus.Missing => "MISSING ",
                _ => "EXTRA   ",
            }).Append(o.Key);
            if (o.Status == KubeVelaObjectStatus.Extra) text.Append(" (not rendered by the oracle)");
            text.AppendLine();
            var lines = o.Differences.Concat(o.Notes).ToList();
            foreach (var line in lines.Take(maxLinesPerObject)) text.Append("          ").AppendLine(line);
            if (lines.Count > maxLinesPerObject) text.Append("          ... ").Append(lines.Count - maxLinesPerObject).AppendLine(" more");
        }
        text.Append(IdenticalCount).Append('/').Append(Objects.Count).Append(" objects identical");
        return text.ToString();
    }
}

/// <summary>
/// A port of the cue-oracle's <c>compare.py</c> (the rules KubeVela conformance is judged by). Objects are matched by
/// apiVersion/kind/namespace/name (the namespace of well-known cluster-scoped kinds is ignored on both sides). Within an
/// object every field the oracle sets must be present in the actual object with an equal value; lists must have the same
/// length and are compared element by element with the same rule. Numbers compare by value (1 == 1.0); strings, numbers
/// and booleans never equal each other. An empty map or list on one side equals an absent field on the other.
/// Extra fields in the actual object fail at its top level and in <c>metadata</c> (except <c>status</c>, a null
/// <c>metadata.creationTimestamp</c> and empty values); extra labels/annotations are notes only; deeper extra fields are
/// allowed (the actual object may carry defaults).
/// </summary>
public static class KubeVelaComparer
{
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
        "CustomResourceDefinition", "PriorityClass", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration", "APIService", "IngressClass", "RuntimeClass", "CSIDriver",
        "CSINode", "VolumeAttachment", "CertificateSigningRequest", "PodSecurityPolicy",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "FlowSchema",
        "PriorityLevelConfiguration", "ComponentStatus",
    };

    private const int ShowLimit = 80;

    /// <summary>Compares the oracle's objects with the actual ones; <c>List</c> kinds and nested arrays are flattened.</summary>
    public static KubeVelaComparison Compare(IEnumerable<JsonNode?> expected, IEnumerable<JsonNode?> actual)
    {
        var expectedMap = new Dictionary<ObjectKey, JsonObject>();
        foreach (var o in Flatten(expected)) expectedMap[KeyOf(o)] = o;
        var actualMap = new Dictionary<ObjectKey, JsonObject>();
        var duplicates = new HashSet<ObjectKey>();
        foreach (var o in Flatten(actual))
        {
            var k = KeyOf(o);
            if (!actualMap.TryAdd(k, o))
            {
                duplicates.Add(k);
                actualMap[k] = o;
            }
        }

        var keys = expectedMap.Keys.Union(actualMap.Keys)
            .OrderBy(k => k.Kind, StringComparer.Ordinal).ThenBy(k => k.Name, StringComparer.Ordinal)
            .ThenBy(k => k.Namespace, StringComparer.Ordinal).ThenBy(k => k.ApiVersion, StringComparer.Ordinal);
        var results = new List<KubeVelaObjectResult>();
        foreach (var k in keys)
        {
            if (!actualMap.TryGetValue(k, out var act))
            {
                results.Add(new(k.ToString(), KubeVelaObjectStatus.Missing, [], []));
                continue;
            }
            if (!expectedMap.TryGetValue(k, out var exp))
            {
                results.Add(new(k.ToString(), KubeVelaObjectStatus.Extra, [], []));
                continue;
            }
            var differences = new List<string>();
            var notes = new List<string>();
            SubsetDiff(exp, act, "", differences);
            Extras(exp, act, differences, notes);
            if (duplicates.Contains(k)) differences.Add("object appears more than once in the actual output");
            results.Add(new(k.ToString(), differences.Count == 0 ? KubeVelaObjectStatus.Identical : KubeVelaObjectStatus.Different, differences, notes));
        }
        return new KubeVelaComparison(results);
    }

    /// <summary>Reads the oracle's <c>expected.json</c> (a JSON array of objects).</summary>
    public static IReadOnlyList<JsonNode?> ReadExpected(string path) =>
        JsonNode.Parse(File.ReadAllText(path)) is JsonArray array ? array.ToList() : throw new InvalidDataException($"{path} is not a JSON array");

    private readonly record struct ObjectKey(string ApiVersion, string Kind, string Namespace, string Name)
    {
        public override string ToString() => $"{Kind} {ApiVersion} {(Namespace.Length > 0 ? Namespace + "/" : "")}{Name}";
    }

    private static ObjectKey KeyOf(JsonObject o)
    {
        var metadata = o["metadata"] as JsonObject;
        var kind = Text(o["kind"]);
        var ns = Text(metadata?["namespace"]);
        if (ClusterScoped.Contains(kind)) ns = "";
        return new ObjectKey(Text(o["apiVersion"]), kind, ns, Text(metadata?["name"]));

        // compare.py uses `x or ''`: anything but a non-empty value becomes ''.
        static string Text(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
    }

    private static IEnumerable<JsonObject> Flatten(IEnumerable<JsonNode?> documents)
    {
        foreach (var d in documents)
        {
            switch (d)
            {
                case null:
                    break;
                case JsonArray list:
                    foreach (var o in Flatten(list)) yield return o;
                    break;
                case JsonObject o when o["kind"] is JsonValue k && k.GetValueKind() == JsonValueKind.String
                                       && k.GetValue<string>().EndsWith("List", StringComparison.Ordinal) && o["items"] is JsonArray items:
                    foreach (var item in Flatten(items)) yield return item;
                    break;
                case JsonObject o:
                    yield return o;
                    break;
            }
        }
    }

    /// <summary>null, <c>{}</c> or <c>[]</c>.</summary>
    private static bool IsEmpty(JsonNode? n) => n switch
    {
        null => true,
        JsonObject o => o.Count == 0,
        JsonArray a => a.Count == 0,
        _ => n.GetValueKind() == JsonValueKind.Null,
    };

    private static bool IsNull(JsonNode? n) => n is null || (n is JsonValue v && v.GetValueKind() == JsonValueKind.Null);

    private static void SubsetDiff(JsonNode? exp, JsonNode? act, string path, List<string> output)
    {
        switch (exp)
        {
            case JsonObject e:
                if (act is not JsonObject a)
                {
                    if (e.Count == 0 && IsNull(act)) return;
                    output.Add($"{path}: expected {Show(exp)}, got {Show(act)}");
                    return;
                }
                foreach (var (k, v) in e)
                {
                    var p = path.Length > 0 ? $"{path}.{k}" : k;
                    if (!a.TryGetPropertyValue(k, out var av))
                    {
                        if (!IsEmpty(v)) output.Add($"{p}: missing (expected {Show(v)})");
                        continue;
                    }
                    if (IsEmpty(v) && IsEmpty(av)) continue;
                    SubsetDiff(v, av, p, output);
                }
                return;
            case JsonArray e:
                if (act is not JsonArray list)
                {
                    if (e.Count == 0 && IsNull(act)) return;
                    output.Add($"{path}: expected {Show(exp)}, got {Show(act)}");
                    return;
                }
                if (e.Count != list.Count)
                {
                    output.Add($"{path}: expected {e.Count} items, got {list.Count}: expected {Show(exp)}, got {Show(act)}");
                    return;
                }
                for (var i = 0; i < e.Count; i++) SubsetDiff(e[i], list[i], $"{path}[{i}]", output);
                return;
            default:
                if (IsNull(exp))
                {
                    if (!IsNull(act)) output.Add($"{path}: expected null, got {Show(act)}");
                    return;
                }
                if (!SameScalar((JsonValue)exp!, act)) output.Add($"{path}: expected {Show(exp)}, got {Show(act)}");
                return;
        }
    }

    private static bool SameScalar(JsonValue exp, JsonNode? act)
    {
        if (act is not JsonValue a) return false;
        var ek = exp.GetValueKind();
        var ak = a.GetValueKind();
        if (ek is JsonValueKind.True or JsonValueKind.False || ak is JsonValueKind.True or JsonValueKind.False) return ek == ak;
        if (ek == JsonValueKind.Number && ak == JsonValueKind.Number) return Number(exp) == Number(a);
        return ek == JsonValueKind.String && ak == JsonValueKind.String && exp.GetValue<string>() == a.GetValue<string>();
    }

    /// <summary>A number's value, exactly when it fits a decimal (1 == 1.0 == 1e0).</summary>
    private static decimal Number(JsonValue v)
    {
        var text = v.ToJsonString();
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        var dbl = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return dbl > (double)decimal.MaxValue ? decimal.MaxValue : dbl < (double)decimal.MinValue ? decimal.MinValue : (decimal)dbl;
    }

    private static void Extras(JsonObject exp, JsonObject act, List<string> output, List<string> notes)
    {
        foreach (var (k, v) in act)
            if (!exp.ContainsKey(k) && k != "status" && !IsEmpty(v)) output.Add($"{k}: extra field {Show(v)}");
        var em = exp["metadata"] as JsonObject ?? new JsonObject();
        if (act["metadata"] is not JsonObject am) return;
        foreach (var (k, v) in am)
        {
            if (em.ContainsKey(k) || IsEmpty(v)) continue;
            output.Add($"metadata.{k}: extra field {Show(v)}");
        }
        foreach (var field in new[] { "labels", "annotations" })
        {
            var ev = em[field] ?? new JsonObject();
            var av = am[field] ?? new JsonObject();
            if (av is not JsonObject actualMap || ev is not JsonObject expectedMap) continue;
            foreach (var k in actualMap.Select(p => p.Key).Where(k => !expectedMap.ContainsKey(k)).Order(StringComparer.Ordinal))
                notes.Add($"metadata.{field}.{k}: extra {Show(actualMap[k])} (note only)");
        }
    }

    /// <summary>Python's <c>json.dumps(v, sort_keys=True)</c>, cut to 80 characters.</summary>
    internal static string Show(JsonNode? n)
    {
        var text = new StringBuilder();
        Write(n, text);
        var s = text.ToString();
        return s.Length <= ShowLimit ? s : s[..(ShowLimit - 3)] + "...";
    }

    private static void Write(JsonNode? n, StringBuilder text)
    {
        switch (n)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject o:
                text.Append('{');
                var first = true;
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) text.Append(", ");
                    first = false;
                    text.Append(JsonSerializer.Serialize(k)).Append(": ");
                    Write(v, text);
                }
                text.Append('}');
                break;
            case JsonArray a:
                text.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0) text.Append(", ");
                    Write(a[i], text);
                }
                text.Append(']');
                break;
            default:
                text.Append(n.ToJsonString());
                break;
        }
    }
}
