using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Tests.Rendering.Golden;

/// <summary>
/// A deliberate deviation from KubeVela v1.10.9 (listed in known-differences.txt as <c>[deviation:&lt;name&gt;]</c> and in the
/// README's "Conformance" section): how it changes KubeVela's objects. A case with a deviation must differ from
/// expected.json, and match it once the change is applied — so nothing else may differ.
/// </summary>
public sealed record Deviation(string Name, Func<IReadOnlyList<JsonNode?>, IReadOnlyList<JsonNode?>, IReadOnlyList<JsonNode?>> Apply)
{
    /// <summary>The deviation a known-differences reason names (<c>[deviation:ingress-api] ...</c>), or null.</summary>
    public static Deviation? Of(string reason)
    {
        const string prefix = "[deviation:";
        if (!reason.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var name = reason[prefix.Length..reason.IndexOf(']')];
        return All.TryGetValue(name, out var deviation) ? deviation : throw new InvalidDataException($"known-differences.txt names an unknown deviation '{name}'");
    }

    public static IReadOnlyDictionary<string, Deviation> All { get; } = new Deviation[]
    {
        // ingress / pure-ingress: networking.k8s.io/v1 instead of v1beta1 (removed in Kubernetes 1.22), the same routes.
        new("ingress-api", (expected, _) => expected.Select(IngressV1).ToList()),
        // addRevisionLabel: context.revision is a hash of the component (as KubeVela's controller sets it), not dry-run's "".
        new("revision-label", (expected, actual) => expected.Select(o => RevisionLabel(o, actual)).ToList()),
    }.ToDictionary(d => d.Name, StringComparer.Ordinal);

    private static JsonNode? IngressV1(JsonNode? node)
    {
        if (node is not JsonObject o || (string?)o["kind"] != "Ingress" || (string?)o["apiVersion"] != "networking.k8s.io/v1beta1") return node;
        var copy = (JsonObject)o.DeepClone();
        copy["apiVersion"] = "networking.k8s.io/v1";
        foreach (var rule in (copy["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>())
        foreach (var path in (rule["http"]?["paths"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (path["backend"] is not JsonObject backend) continue;
            var port = backend["servicePort"];
            path["pathType"] = "ImplementationSpecific";
            path["backend"] = new JsonObject
            {
                ["service"] = new JsonObject
                {
                    ["name"] = backend["serviceName"]?.DeepClone(),
                    ["port"] = port is JsonValue v && v.TryGetValue<string>(out var name) ? new JsonObject { ["name"] = name } : new JsonObject { ["number"] = port?.DeepClone() },
                },
            };
        }
        return copy;
    }

    private static JsonNode? RevisionLabel(JsonNode? node, IReadOnlyList<JsonNode?> actual)
    {
        if (node is not JsonObject o || o["spec"]?["template"]?["metadata"]?["labels"] is not JsonObject labels || !labels.ContainsKey("app.oam.dev/revision")) return node;
        var same = actual.OfType<JsonObject>().FirstOrDefault(a => (string?)a["kind"] == (string?)o["kind"] && (string?)a["metadata"]?["name"] == (string?)o["metadata"]?["name"]);
        var value = (string?)same?["spec"]?["template"]?["metadata"]?["labels"]?["app.oam.dev/revision"];
        // GitOpsVela's value: 64-bit FNV-1a of the component, in hex.
        if (value is null || value.Length == 0 || !value.All(Uri.IsHexDigit)) return node;
        var copy = (JsonObject)o.DeepClone();
        copy["spec"]!["template"]!["metadata"]!["labels"]!["app.oam.dev/revision"] = value;
        return copy;
    }
}
