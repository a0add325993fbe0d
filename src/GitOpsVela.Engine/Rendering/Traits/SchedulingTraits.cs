using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that say where pods may run: affinity and tolerations.

/// <summary><c>affinity</c> (vela-templates/definitions/internal/trait/affinity.cue): pod/anti/node affinity and tolerations.</summary>
internal sealed class AffinityTrait : ITraitType
{
    public string Name => "affinity";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static Schema Term => Schema.Object(new()
    {
        ["labelSelector"] = Schema.Object([], open: true),
        ["namespace"] = Schema.String(),
        ["namespaces"] = Schema.Array(Schema.String()),
        ["topologyKey"] = Schema.String(required: true),
        ["namespaceSelector"] = Schema.Object([], open: true),
    });

    private static Schema Affinity => Schema.Object(new()
    {
        ["required"] = Schema.Array(Term),
        ["preferred"] = Schema.Array(Schema.Object(new() { ["weight"] = Schema.Int(required: true, min: 1, max: 100), ["podAffinityTerm"] = Term.AsRequired() })),
    });

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["podAffinity"] = Affinity,
        ["podAntiAffinity"] = Affinity,
        ["nodeAffinity"] = Schema.Object(new()
        {
            ["required"] = Schema.Object(new() { ["nodeSelectorTerms"] = Schema.Array(Schema.Object([], open: true), required: true) }),
            ["preferred"] = Schema.Array(Schema.Object(new() { ["weight"] = Schema.Int(required: true, min: 1, max: 100), ["preference"] = Schema.Object([], required: true, open: true) })),
        }),
        ["tolerations"] = Schema.Array(Schema.Object(new()
        {
            ["key"] = Schema.String(),
            ["operator"] = Schema.String(@default: "Equal", @enum: ["Equal", "Exists"]),
            ["value"] = Schema.String(),
            ["effect"] = Schema.String(@enum: ["NoSchedule", "PreferNoSchedule", "NoExecute"]),
            ["tolerationSeconds"] = Schema.Int(),
        })),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var pod = render.PodSpec();
        JsonObject Term(JsonObject k)
        {
            var term = new JsonObject();
            foreach (var key in new[] { "labelSelector", "namespace", "namespaces" }) if (k[key] is { } v) term[key] = v.DeepClone();
            term["topologyKey"] = k.Clone("topologyKey");
            if (k["namespaceSelector"] is { } ns) term["namespaceSelector"] = ns.DeepClone();
            return term;
        }
        JsonObject PodAffinity(JsonObject a)
        {
            var result = new JsonObject();
            if (a["required"] is JsonArray required)
                result["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(required.OfType<JsonObject>().Select(k => (JsonNode)Term(k)).ToArray());
            if (a["preferred"] is JsonArray preferred)
                result["preferredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(preferred.OfType<JsonObject>().Select(k => (JsonNode)new JsonObject
                {
                    ["weight"] = k.Clone("weight"),
                    ["podAffinityTerm"] = k.Clone("podAffinityTerm"),
                }).ToArray());
            return result;
        }
        if (p["podAffinity"] is JsonObject pa) JsonPatching.Object(pod, "affinity")["podAffinity"] = PodAffinity(pa);
        if (p["podAntiAffinity"] is JsonObject paa) JsonPatching.Object(pod, "affinity")["podAntiAffinity"] = PodAffinity(paa);
        if (p["nodeAffinity"] is JsonObject na)
        {
            var node = new JsonObject();
            if (na["required"]?["nodeSelectorTerms"] is JsonArray terms)
                node["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
                {
                    ["nodeSelectorTerms"] = new JsonArray(terms.OfType<JsonObject>().Select(k =>
                    {
                        var t = new JsonObject();
                        if (k["matchExpressions"] is { } me) t["matchExpressions"] = me.DeepClone();
                        if (k["matchFields"] is { } mf) t["matchFields"] = mf.DeepClone();
                        return (JsonNode)t;
                    }).ToArray()),
                };
            if (na["preferred"] is JsonArray preferred)
                node["preferredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(preferred.OfType<JsonObject>().Select(k => (JsonNode)new JsonObject
                {
                    ["weight"] = k.Clone("weight"),
                    ["preference"] = k.Clone("preference"),
                }).ToArray());
            JsonPatching.Object(pod, "affinity")["nodeAffinity"] = node;
        }
        if (p["tolerations"] is JsonArray tolerations)
            pod["tolerations"] = new JsonArray(tolerations.OfType<JsonObject>().Select(k =>
            {
                var t = new JsonObject();
                foreach (var key in new[] { "key", "effect", "value" }) if (k[key] is { } v) t[key] = v.DeepClone();
                t["operator"] = k.Str("operator") ?? "Equal";
                if (k["tolerationSeconds"] is { } s) t["tolerationSeconds"] = s.DeepClone();
                return (JsonNode)t;
            }).ToArray());
    }
}
