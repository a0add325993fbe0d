using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

/// <summary>Shared by ingress, ingress-1-20 and gateway: a Service on the mapped ports and an Ingress routing each path to it.</summary>
internal static class IngressRendering
{
    public static Schema HttpSchema => Schema.Map(Schema.Int(min: 1, max: 65535), required: true);

    public static JsonArray ServicePorts(JsonObject http) =>
        new(http.Sorted().Select(e => (JsonNode)new JsonObject { ["port"] = e.Value?.DeepClone(), ["targetPort"] = e.Value?.DeepClone() }).ToArray());

    public static JsonObject V1Rules(string name, string? domain, JsonObject http) => new()
    {
        ["rules"] = new JsonArray(new JsonObject
        {
            ["host"] = domain,
            ["http"] = new JsonObject { ["paths"] = V1Paths(name, http, "ImplementationSpecific") },
        }),
    };

    /// <summary>networking.k8s.io/v1 paths: each <c>http</c> path to the service's port.</summary>
    public static JsonArray V1Paths(string service, JsonObject http, string pathType) =>
        new(http.Sorted().Select(e => (JsonNode)new JsonObject
        {
            ["path"] = e.Key,
            ["pathType"] = pathType,
            ["backend"] = new JsonObject
            {
                ["service"] = new JsonObject { ["name"] = service, ["port"] = new JsonObject { ["number"] = e.Value?.DeepClone() } },
            },
        }).ToArray());
}

/// <summary>
/// <c>ingress</c> (vela-templates/definitions/deprecated/ingress.cue): outputs <c>service</c> (a port per <c>http</c> entry)
/// and <c>ingress</c> routing <c>domain</c>'s paths to it. KubeVela's template writes networking.k8s.io/v1beta1, which
/// Kubernetes removed in 1.22; GitOpsVela writes the same routes as networking.k8s.io/v1 (the shape of ingress-1-20.cue
/// without the class annotation) so the spec's my-app deploys on today's clusters.
/// </summary>
internal sealed class IngressTrait : ITraitType
{
    public string Name => "ingress";
    public IReadOnlyList<string> AppliesTo { get; } = [];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["domain"] = Schema.String(required: true),
        ["http"] = IngressRendering.HttpSchema,
    });

    public void Apply(TraitRender render)
    {
        var http = render.Properties["http"] as JsonObject ?? new JsonObject();
        var name = render.ComponentName;
        render.AddOutput("service", render.ServiceFor(IngressRendering.ServicePorts(http)));
        render.AddOutput("ingress", new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "Ingress",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = IngressRendering.V1Rules(name, render.Properties.Str("domain"), http),
        });
    }
}

/// <summary>
/// <c>pure-ingress</c> (vela-templates/definitions/internal/trait/pure-ingress.cue, deprecated): output <c>ingress</c>
/// routing <c>domain</c>'s paths to a Service named after the component, without creating one. KubeVela writes
/// networking.k8s.io/v1beta1 (gone since Kubernetes 1.22); GitOpsVela writes the same routes as networking.k8s.io/v1,
/// as for <see cref="IngressTrait"/>.
/// </summary>
internal sealed class PureIngressTrait : ITraitType
{
    public string Name => "pure-ingress";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["domain"] = Schema.String(required: true),
        ["http"] = IngressRendering.HttpSchema,
    });

    public void Apply(TraitRender render)
    {
        var http = render.Properties["http"] as JsonObject ?? new JsonObject();
        var name = render.ComponentName;
        render.AddOutput("ingress", new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "Ingress",
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = IngressRendering.V1Rules(name, render.Properties.Str("domain"), http),
        });
    }
}

/// <summary><c>ingress-1-20</c> (vela-templates/definitions/deprecated/ingress-1-20.cue): as ingress, networking.k8s.io/v1 with the <c>kubernetes.io/ingress.class</c> annotation.</summary>
internal sealed class Ingress120Trait : ITraitType
{
    public string Name => "ingress-1-20";
    public IReadOnlyList<string> AppliesTo { get; } = [];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["domain"] = Schema.String(required: true),
        ["http"] = IngressRendering.HttpSchema,
        ["class"] = Schema.String(@default: "nginx"),
    });

    public void Apply(TraitRender render)
    {
        var http = render.Properties["http"] as JsonObject ?? new JsonObject();
        var name = render.ComponentName;
        render.AddOutput("service", render.ServiceFor(IngressRendering.ServicePorts(http)));
        render.AddOutput("ingress", new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "Ingress",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["annotations"] = new JsonObject { ["kubernetes.io/ingress.class"] = render.Properties.Str("class") ?? "nginx" },
            },
            ["spec"] = IngressRendering.V1Rules(name, render.Properties.Str("domain"), http),
        });
    }
}

/// <summary>
/// <c>gateway</c> (vela-templates/definitions/internal/trait/gateway.cue): a Service (output <c>service[-&lt;name&gt;]</c>,
/// named <c>&lt;component&gt;[-&lt;name&gt;]</c>, ports <c>port-&lt;n&gt;</c>) unless <c>existingServiceName</c> names one, and a
/// networking.k8s.io/v1 Ingress (output <c>ingress[-&lt;name&gt;]</c>) routing each <c>http</c> path (<c>pathType</c>) to it:
/// the class in <c>spec.ingressClassName</c> with <c>classInSpec</c>, else in the <c>kubernetes.io/ingress.class</c>
/// annotation; <c>gatewayHost</c> as <c>ingress.controller/host</c>; TLS for <c>domain</c> with <c>secretName</c>; no host
/// without <c>domain</c>. The trait may be attached more than once with different names.
/// </summary>
internal sealed class GatewayTrait : ITraitType
{
    public string Name => "gateway";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["domain"] = Schema.String(),
        ["http"] = IngressRendering.HttpSchema,
        ["class"] = Schema.String(@default: "nginx"),
        ["classInSpec"] = Schema.Bool(@default: false),
        ["secretName"] = Schema.String(),
        ["gatewayHost"] = Schema.String(),
        ["name"] = Schema.String(),
        ["pathType"] = Schema.String(@default: "ImplementationSpecific", @enum: ["ImplementationSpecific", "Prefix", "Exact"]),
        ["annotations"] = Schema.Map(Schema.String()),
        ["labels"] = Schema.Map(Schema.String()),
        ["existingServiceName"] = Schema.String(),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var http = p["http"] as JsonObject ?? new JsonObject();
        var suffix = p.Str("name") is { } n ? "-" + n : "";
        var component = render.ComponentName;
        var serviceName = p.Str("existingServiceName") ?? component + suffix;
        var cls = p.Str("class") ?? "nginx";
        var inSpec = p.Bool("classInSpec");
        var pathType = p.Str("pathType") ?? "ImplementationSpecific";
        var domain = p.Str("domain");

        if (p.Str("existingServiceName") is null)
            render.AddOutput("service" + suffix, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = serviceName },
                ["spec"] = new JsonObject
                {
                    ["selector"] = new JsonObject { ["app.oam.dev/component"] = component },
                    ["ports"] = new JsonArray(http.Sorted().Select(e => (JsonNode)new JsonObject
                    {
                        ["name"] = $"port-{e.Value}",
                        ["port"] = e.Value?.DeepClone(),
                        ["targetPort"] = e.Value?.DeepClone(),
                    }).ToArray()),
                },
            });

        var annotations = new JsonObject();
        if (!inSpec) annotations["kubernetes.io/ingress.class"] = cls;
        if (p.Str("gatewayHost") is { } host) annotations["ingress.controller/host"] = host;
        if (p["annotations"] is JsonObject extra) foreach (var (k, v) in extra) annotations[k] = v?.DeepClone();
        var metadata = new JsonObject { ["name"] = component + suffix, ["annotations"] = annotations };
        if (p["labels"] is JsonObject labels && labels.Count > 0) metadata["labels"] = labels.DeepClone();

        var spec = new JsonObject();
        if (inSpec) spec["ingressClassName"] = cls;
        if (p.Str("secretName") is { } secret)
            spec["tls"] = new JsonArray(new JsonObject { ["hosts"] = new JsonArray(JsonValue.Create(domain)), ["secretName"] = secret });
        var rule = new JsonObject();
        if (domain is not null) rule["host"] = domain;
        rule["http"] = new JsonObject { ["paths"] = IngressRendering.V1Paths(serviceName, http, pathType) };
        spec["rules"] = new JsonArray(rule);
        render.AddOutput("ingress" + suffix, new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "Ingress",
            ["metadata"] = metadata,
            ["spec"] = spec,
        });
    }
}

/// <summary>
/// <c>expose</c> (vela-templates/definitions/internal/trait/expose.cue): output <c>service</c> for <c>ports</c> (or the
/// deprecated <c>port</c> list), selecting the component's pods or <c>matchLabels</c>, of <c>type</c>.
/// </summary>
internal sealed class ExposeTrait : ITraitType
{
    public string Name => "expose";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["port"] = Schema.Array(Schema.Int(min: 1, max: 65535)),
        ["ports"] = Schema.Array(Schema.Object(new()
        {
            ["port"] = Schema.Int(required: true, min: 1, max: 65535),
            ["name"] = Schema.String(),
            ["protocol"] = Schema.String(@default: "TCP", @enum: ["TCP", "UDP", "SCTP"]),
            ["nodePort"] = Schema.Int(),
        })),
        ["annotations"] = Schema.Map(Schema.String()),
        ["matchLabels"] = Schema.Map(Schema.String()),
        ["type"] = Schema.String(@default: "ClusterIP", @enum: ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var type = p.Str("type") ?? "ClusterIP";
        var ports = new JsonArray();
        if (p["ports"] is JsonArray list)
        {
            foreach (var v in list.OfType<JsonObject>())
            {
                var port = v["port"]!.GetValue<long>();
                var protocol = v.Str("protocol") ?? "TCP";
                var entry = new JsonObject { ["port"] = port, ["targetPort"] = port };
                entry["name"] = v.Str("name") ?? (protocol == "TCP" ? $"port-{port}" : $"port-{port}-{protocol.ToLowerInvariant()}");
                if (v["nodePort"] is { } nodePort && type == "NodePort") entry["nodePort"] = nodePort.DeepClone();
                entry["protocol"] = protocol;
                ports.Add(entry);
            }
        }
        else if (p["port"] is JsonArray legacy)
        {
            foreach (var v in legacy)
            {
                var port = v!.GetValue<long>();
                ports.Add(new JsonObject { ["name"] = $"port-{port}", ["port"] = port, ["targetPort"] = port });
            }
        }
        var metadata = new JsonObject { ["annotations"] = p.Clone("annotations") ?? new JsonObject() };
        render.AddOutput("service", render.ServiceFor(ports, metadata, p["matchLabels"]?.DeepClone() as JsonObject, type));
    }
}

/// <summary>The Service that traits exposing a component add.</summary>
internal static class ServiceOutput
{
    /// <summary>Appends a Service output named <paramref name="output"/> selecting the component's pods.</summary>
    public static JsonObject ServiceFor(this TraitRender render, JsonArray ports, JsonObject? metadataExtra = null, JsonObject? selector = null, string? type = null)
    {
        var metadata = new JsonObject { ["name"] = render.ComponentName };
        if (metadataExtra is not null) JsonPatching.Merge(metadata, metadataExtra);
        var spec = new JsonObject
        {
            ["selector"] = selector ?? new JsonObject { ["app.oam.dev/component"] = render.ComponentName },
            ["ports"] = ports,
        };
        if (type is not null) spec["type"] = type;
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Service", ["metadata"] = metadata, ["spec"] = spec };
    }
}

/// <summary>
/// <c>hostalias</c> (vela-templates/definitions/internal/trait/hostalias.cue): entries of the pod's
/// <c>/etc/hosts</c>, merged by <c>ip</c> into the <c>hostAliases</c> the component already has.
/// </summary>
internal sealed class HostAliasTrait : ITraitType
{
    public string Name => "hostalias";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["hostAliases"] = Schema.Array(Schema.Object(new()
        {
            ["ip"] = Schema.String(required: true),
            ["hostnames"] = Schema.Array(Schema.String(), required: true),
        }), required: true),
    });

    public void Apply(TraitRender render)
    {
        JsonPatching.PatchList(render.PodSpec(), "hostAliases", (render.Properties["hostAliases"] as JsonArray ?? []).OfType<JsonObject>().ToList(), patchKey: "ip");
    }
}
