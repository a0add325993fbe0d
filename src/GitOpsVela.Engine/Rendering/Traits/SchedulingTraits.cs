using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that say where pods may run: affinity, tolerations, topology spread, node-affinity.

/// <summary>
/// <c>affinity</c> (vela-templates/definitions/internal/trait/affinity.cue): pod/anti/node affinity and tolerations. The
/// terms are typed by the CUE's <c>#labelSelector</c> / <c>#nodeSelecor</c>, so a match expression without
/// <c>operator</c> gets "In", and a toleration without one gets "Equal".
/// </summary>
internal sealed class AffinityTrait : ITraitType
{
    public string Name => "affinity";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static Schema LabelSelector => Schema.Object(new()
    {
        ["matchLabels"] = Schema.Map(Schema.String()),
        ["matchExpressions"] = Schema.Array(Schema.Object(new()
        {
            ["key"] = Schema.String(required: true),
            ["operator"] = Schema.String(@default: "In", @enum: ["In", "NotIn", "Exists", "DoesNotExist"]),
            ["values"] = Schema.Array(Schema.String()),
        })),
    });

    private static Schema TermSchema => Schema.Object(new()
    {
        ["labelSelector"] = LabelSelector,
        ["namespaces"] = Schema.Array(Schema.String()),
        ["topologyKey"] = Schema.String(required: true),
        ["namespaceSelector"] = LabelSelector,
    });

    private static Schema NodeSelector => Schema.Object(new()
    {
        ["key"] = Schema.String(required: true),
        ["operator"] = Schema.String(@default: "In", @enum: ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]),
        ["values"] = Schema.Array(Schema.String()),
    });

    private static Schema NodeSelectorTerm => Schema.Object(new()
    {
        ["matchExpressions"] = Schema.Array(NodeSelector),
        ["matchFields"] = Schema.Array(NodeSelector),
    });

    private static Schema Affinity => Schema.Object(new()
    {
        ["required"] = Schema.Array(TermSchema),
        ["preferred"] = Schema.Array(Schema.Object(new() { ["weight"] = Schema.Int(required: true, min: 1, max: 100), ["podAffinityTerm"] = TermSchema.AsRequired() })),
    });

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["podAffinity"] = Affinity,
        ["podAntiAffinity"] = Affinity,
        ["nodeAffinity"] = Schema.Object(new()
        {
            ["required"] = Schema.Object(new() { ["nodeSelectorTerms"] = Schema.Array(NodeSelectorTerm, required: true) }),
            ["preferred"] = Schema.Array(Schema.Object(new() { ["weight"] = Schema.Int(required: true, min: 1, max: 100), ["preference"] = NodeSelectorTerm.AsRequired() })),
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

    /// <summary>A copy of a selector with <c>operator: "In"</c> filled into its match expressions (and match fields).</summary>
    internal static JsonNode? WithOperators(JsonNode? selector)
    {
        if (selector?.DeepClone() is not JsonObject copy) return selector?.DeepClone();
        foreach (var list in new[] { "matchExpressions", "matchFields" })
            foreach (var e in (copy[list] as JsonArray ?? []).OfType<JsonObject>())
                e["operator"] ??= "In";
        return copy;
    }

    private static JsonObject Term(JsonObject k)
    {
        var term = new JsonObject();
        if (k["labelSelector"] is { } selector) term["labelSelector"] = WithOperators(selector);
        if (k["namespaces"] is { } namespaces) term["namespaces"] = namespaces.DeepClone();
        term["topologyKey"] = k.Clone("topologyKey");
        if (k["namespaceSelector"] is { } ns) term["namespaceSelector"] = WithOperators(ns);
        return term;
    }

    private static JsonObject PodAffinity(JsonObject a)
    {
        var result = new JsonObject();
        if (a["required"] is JsonArray required)
            result["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(required.OfType<JsonObject>().Select(k => (JsonNode)Term(k)).ToArray());
        if (a["preferred"] is JsonArray preferred)
            result["preferredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(preferred.OfType<JsonObject>().Select(k => (JsonNode)new JsonObject
            {
                ["weight"] = k.Clone("weight"),
                ["podAffinityTerm"] = k["podAffinityTerm"] is JsonObject term ? Term(term) : null,
            }).ToArray());
        return result;
    }

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var pod = render.PodSpec();
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
                        return WithOperators(t);
                    }).ToArray()),
                };
            if (na["preferred"] is JsonArray preferred)
                node["preferredDuringSchedulingIgnoredDuringExecution"] = new JsonArray(preferred.OfType<JsonObject>().Select(k => (JsonNode)new JsonObject
                {
                    ["weight"] = k.Clone("weight"),
                    ["preference"] = WithOperators(k["preference"]),
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

/// <summary>
/// <c>topologyspreadconstraints</c> (vela-templates/definitions/internal/trait/topologyspreadconstraints.cue): the pod's
/// <c>topologySpreadConstraints</c>, <c>whenUnsatisfiable</c> DoNotSchedule by default, match expressions' operator In.
/// </summary>
internal sealed class TopologySpreadConstraintsTrait : ITraitType
{
    public string Name => "topologyspreadconstraints";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["constraints"] = Schema.Array(Schema.Object(new()
        {
            ["maxSkew"] = Schema.Int(required: true),
            ["topologyKey"] = Schema.String(required: true),
            ["whenUnsatisfiable"] = Schema.String(@default: "DoNotSchedule", @enum: ["DoNotSchedule", "ScheduleAnyway"]),
            ["labelSelector"] = Schema.Object(new()
            {
                ["matchLabels"] = Schema.Map(Schema.String()),
                ["matchExpressions"] = Schema.Array(Schema.Object(new()
                {
                    ["key"] = Schema.String(required: true),
                    ["operator"] = Schema.String(@default: "In", @enum: ["In", "NotIn", "Exists", "DoesNotExist"]),
                    ["values"] = Schema.Array(Schema.String()),
                })),
            }, required: true),
            ["minDomains"] = Schema.Int(),
            ["matchLabelKeys"] = Schema.Array(Schema.String()),
            ["nodeAffinityPolicy"] = Schema.String(@enum: ["Honor", "Ignore"]),
            ["nodeTaintsPolicy"] = Schema.String(@enum: ["Honor", "Ignore"]),
        }), required: true),
    });

    public void Apply(TraitRender render)
    {
        var constraints = new JsonArray();
        foreach (var v in (render.Properties["constraints"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var c = new JsonObject
            {
                ["maxSkew"] = v.Clone("maxSkew"),
                ["topologyKey"] = v.Clone("topologyKey"),
                ["whenUnsatisfiable"] = v.Str("whenUnsatisfiable") ?? "DoNotSchedule",
                ["labelSelector"] = AffinityTrait.WithOperators(v["labelSelector"]),
            };
            foreach (var key in new[] { "nodeAffinityPolicy", "nodeTaintsPolicy", "minDomains", "matchLabelKeys" }) v.CopyTo(key, c);
            constraints.Add(c);
        }
        render.PodSpec()["topologySpreadConstraints"] = constraints;
    }
}

/// <summary>
/// <c>node-affinity</c> (vela-templates/definitions/deprecated/node-affinity.cue): a required node affinity with one
/// term matching each <c>affinity</c> key <c>In</c> its values, and a NoSchedule toleration (operator Equal) per
/// <c>tolerations</c> entry; both in key order.
/// </summary>
internal sealed class NodeAffinityTrait : ITraitType
{
    public string Name => "node-affinity";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["affinity"] = Schema.Map(Schema.Array(Schema.String())),
        ["tolerations"] = Schema.Map(Schema.String()),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var pod = render.PodSpec();
        if (p["affinity"] is JsonObject affinity)
            JsonPatching.Object(JsonPatching.Object(pod, "affinity"), "nodeAffinity")["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
            {
                ["nodeSelectorTerms"] = new JsonArray(new JsonObject
                {
                    ["matchExpressions"] = new JsonArray(affinity.Sorted().Select(e => (JsonNode)new JsonObject
                    {
                        ["key"] = e.Key,
                        ["operator"] = "In",
                        ["values"] = e.Value?.DeepClone(),
                    }).ToArray()),
                }),
            };
        if (p["tolerations"] is JsonObject tolerations)
            pod["tolerations"] = new JsonArray(tolerations.Sorted().Select(e => (JsonNode)new JsonObject
            {
                ["effect"] = "NoSchedule",
                ["key"] = e.Key,
                ["operator"] = "Equal",
                ["value"] = e.Value?.DeepClone(),
            }).ToArray());
    }
}
