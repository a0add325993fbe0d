using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;

namespace GitOpsVela.Engine.Rendering.Components;

/// <summary>
/// The container and pod template the workload component types share, as their CUE templates build them
/// (kubevela/kubevela vela-templates/definitions/internal/component/{webservice,worker,task,cron-task,daemon,statefulset}.cue):
/// the container named after the component, ports, image pull policy, <c>cmd</c>, <c>args</c>, <c>env</c>, <c>cpu</c>/<c>memory</c>
/// as equal requests and limits, <c>volumeMounts</c> (pvc, configMap, secret, emptyDir, hostPath; volumes de-duplicated by
/// name) or the deprecated <c>volumes</c>, probes with #HealthProbe's defaults, <c>hostAliases</c> and <c>imagePullSecrets</c>.
/// </summary>
internal static class PodTemplate
{
    /// <summary>How a type names its container ports.</summary>
    public enum PortStyle
    {
        /// <summary>No ports (worker, task, cron-task).</summary>
        None,
        /// <summary><c>port-&lt;port&gt;</c> (daemon.cue).</summary>
        Plain,
        /// <summary><c>containerPort</c> may differ from <c>port</c>; non-TCP names get <c>-&lt;protocol&gt;</c> (webservice.cue, statefulset.cue).</summary>
        WithProtocol,
    }

    public static JsonObject Labels(ComponentRender render)
    {
        var labels = new JsonObject();
        if (render.Properties["labels"] is JsonObject user)
            foreach (var (k, v) in user) labels[k] = v?.DeepClone();
        if (render.Properties.Bool("addRevisionLabel")) labels["app.oam.dev/revision"] = render.ComponentRevision;
        labels["app.oam.dev/name"] = render.Application.Name;
        labels["app.oam.dev/component"] = render.Component.Name;
        return labels;
    }

    /// <summary>The pod template's metadata: the type's labels and <c>annotations</c>.</summary>
    public static JsonObject Metadata(ComponentRender render)
    {
        var metadata = new JsonObject { ["labels"] = Labels(render) };
        if (render.Properties["annotations"] is JsonObject annotations) metadata["annotations"] = annotations.DeepClone();
        return metadata;
    }

    public static JsonObject Container(ComponentRender render, PortStyle ports)
    {
        var p = render.Properties;
        var container = new JsonObject
        {
            ["name"] = render.Component.Name,
            ["image"] = p.Str("image"),
        };
        if (ports != PortStyle.None)
        {
            if (p["ports"] is JsonArray list)
                container["ports"] = new JsonArray(list.OfType<JsonObject>().Select(v => (JsonNode)ContainerPort(v, ports)).ToArray());
            else if (p["port"] is { } port)
                container["ports"] = new JsonArray(new JsonObject { ["containerPort"] = port.DeepClone() });
        }
        p.CopyTo("imagePullPolicy", container);
        if (p["cmd"] is { } cmd) container["command"] = cmd.DeepClone();
        p.CopyTo("args", container);
        p.CopyTo("env", container);
        if (p["cpu"] is not null || p["memory"] is not null)
        {
            var limits = new JsonObject();
            var requests = new JsonObject();
            // webservice's limit.cpu / limit.memory replace the limit of a request that is set (webservice.cue v1.10.3+).
            var limit = p["limit"] as JsonObject;
            foreach (var key in new[] { "cpu", "memory" })
            {
                if (p[key] is not { } value) continue;
                limits[key] = (limit?[key] ?? value).DeepClone();
                requests[key] = value.DeepClone();
            }
            container["resources"] = new JsonObject { ["limits"] = limits, ["requests"] = requests };
        }
        if (p["volumeMounts"] is JsonObject mounts) container["volumeMounts"] = new JsonArray(Mounts(mounts).ToArray());
        else if (p["volumes"] is JsonArray volumes)
            container["volumeMounts"] = new JsonArray(volumes.OfType<JsonObject>().Select(v => (JsonNode)new JsonObject
            {
                ["mountPath"] = v["mountPath"]?.DeepClone(),
                ["name"] = v["name"]?.DeepClone(),
            }).ToArray());
        if (p["livenessProbe"] is JsonObject liveness) container["livenessProbe"] = Probe(liveness);
        if (p["readinessProbe"] is JsonObject readiness) container["readinessProbe"] = Probe(readiness);
        return container;
    }

    private static JsonObject ContainerPort(JsonObject v, PortStyle style)
    {
        var port = v.Long("port");
        var containerPort = style == PortStyle.WithProtocol && v["containerPort"] is not null ? v.Long("containerPort") : port;
        var protocol = v.Str("protocol") ?? "TCP";
        return new JsonObject
        {
            ["containerPort"] = containerPort,
            ["protocol"] = protocol,
            ["name"] = v.Str("name") ?? DefaultPortName(containerPort, protocol, style),
        };
    }

    private static string DefaultPortName(long port, string protocol, PortStyle style) =>
        style == PortStyle.WithProtocol && protocol != "TCP" ? $"port-{port}-{protocol.ToLowerInvariant()}" : $"port-{port}";

    /// <summary>The Service ports of <c>ports[]</c> with <c>expose: true</c>.</summary>
    public static JsonArray ExposedPorts(JsonObject properties, PortStyle style)
    {
        var result = new JsonArray();
        if (properties["ports"] is not JsonArray list) return result;
        var exposeType = properties.Str("exposeType") ?? "ClusterIP";
        foreach (var v in list.OfType<JsonObject>().Where(v => v.Bool("expose")))
        {
            var port = v.Long("port");
            var target = v["containerPort"] is not null ? v.Long("containerPort") : port;
            var protocol = v.Str("protocol") ?? "TCP";
            var entry = new JsonObject { ["port"] = port, ["targetPort"] = target };
            entry["name"] = v.Str("name") ?? (style == PortStyle.WithProtocol ? DefaultPortName(target, protocol, style) : $"port-{port}");
            if (style == PortStyle.WithProtocol)
            {
                if (v["nodePort"] is { } nodePort && exposeType == "NodePort") entry["nodePort"] = nodePort.DeepClone();
                entry["protocol"] = protocol;
            }
            result.Add(entry);
        }
        return result;
    }

    /// <summary>The Service a type renders for its exposed ports (output <paramref name="outputName"/>), when any port is exposed.</summary>
    public static void AddExposeService(ComponentRender render, string outputName, PortStyle style)
    {
        var ports = ExposedPorts(render.Properties, style);
        if (ports.Count == 0) return;
        render.Outputs.Add(new RenderedOutput(outputName, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = render.Component.Name },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["app.oam.dev/component"] = render.Component.Name },
                ["ports"] = ports,
                ["type"] = render.Properties.Str("exposeType") ?? "ClusterIP",
            },
        }));
    }

    /// <summary>
    /// A pod-template workload (Deployment, DaemonSet, StatefulSet) selecting <c>app.oam.dev/component</c>, as
    /// webservice.cue, worker.cue, daemon.cue and statefulset.cue build it.
    /// </summary>
    public static JsonObject PodWorkload(string kind, JsonObject templateMetadata, JsonObject podSpec, string component) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = kind,
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.oam.dev/component"] = component } },
            ["template"] = new JsonObject { ["metadata"] = templateMetadata, ["spec"] = podSpec },
        },
    };

    /// <summary>The pod spec around the container: hostAliases, imagePullSecrets, volumes.</summary>
    public static JsonObject PodSpec(ComponentRender render, JsonObject container, JsonObject? extra = null)
    {
        var p = render.Properties;
        var spec = extra ?? new JsonObject();
        spec["containers"] = new JsonArray(container);
        if (p["hostAliases"] is JsonArray aliases)
            spec["hostAliases"] = new JsonArray(aliases.OfType<JsonObject>().Select(a => (JsonNode)new JsonObject
            {
                ["ip"] = a["ip"]?.DeepClone(),
                ["hostnames"] = a["hostnames"]?.DeepClone(),
            }).ToArray());
        if (p["imagePullSecrets"] is JsonArray secrets)
            spec["imagePullSecrets"] = new JsonArray(secrets.Select(s => (JsonNode)new JsonObject { ["name"] = s?.DeepClone() }).ToArray());
        if (p["volumeMounts"] is JsonObject mounts) spec["volumes"] = new JsonArray(Volumes(mounts).ToArray());
        else if (p["volumes"] is JsonArray volumes) spec["volumes"] = new JsonArray(volumes.OfType<JsonObject>().Select(LegacyVolume).ToArray());
        return spec;
    }

    private static readonly string[] MountKinds = ["pvc", "configMap", "secret", "emptyDir", "hostPath"];

    private static IEnumerable<JsonNode> Mounts(JsonObject mounts)
    {
        foreach (var kind in MountKinds)
        {
            if (mounts[kind] is not JsonArray list) continue;
            foreach (var v in list.OfType<JsonObject>())
            {
                var mount = new JsonObject { ["mountPath"] = v["mountPath"]?.DeepClone() };
                if (v["subPath"] is { } subPath) mount["subPath"] = subPath.DeepClone();
                mount["name"] = v["name"]?.DeepClone();
                yield return mount;
            }
        }
    }

    private static IEnumerable<JsonNode> Volumes(JsonObject mounts)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in MountKinds)
        {
            if (mounts[kind] is not JsonArray list) continue;
            foreach (var v in list.OfType<JsonObject>())
            {
                var name = v.Str("name") ?? "";
                if (!seen.Add(name)) continue;
                var volume = new JsonObject { ["name"] = name };
                switch (kind)
                {
                    case "pvc":
                        volume["persistentVolumeClaim"] = new JsonObject { ["claimName"] = v["claimName"]?.DeepClone() };
                        break;
                    case "configMap":
                        volume["configMap"] = KeyedSource(v, "name", "cmName");
                        break;
                    case "secret":
                        volume["secret"] = KeyedSource(v, "secretName", "secretName");
                        break;
                    case "emptyDir":
                        volume["emptyDir"] = new JsonObject { ["medium"] = v.Str("medium") ?? "" };
                        break;
                    case "hostPath":
                        volume["hostPath"] = new JsonObject { ["path"] = v["path"]?.DeepClone() };
                        break;
                }
                yield return volume;
            }
        }
    }

    public static JsonNode LegacyVolume(JsonObject v)
    {
        var volume = new JsonObject { ["name"] = v["name"]?.DeepClone() };
        switch (v.Str("type") ?? "emptyDir")
        {
            case "pvc":
                volume["persistentVolumeClaim"] = new JsonObject { ["claimName"] = v["claimName"]?.DeepClone() };
                break;
            case "configMap":
                volume["configMap"] = KeyedSource(v, "name", "cmName");
                break;
            case "secret":
                volume["secret"] = KeyedSource(v, "secretName", "secretName");
                break;
            default:
                volume["emptyDir"] = new JsonObject { ["medium"] = v.Str("medium") ?? "" };
                break;
        }
        return volume;
    }

    /// <summary>configMap/secret volume source: defaultMode (420), the referenced name, items with mode (511).</summary>
    private static JsonObject KeyedSource(JsonObject v, string targetKey, string sourceKey)
    {
        var source = new JsonObject { ["defaultMode"] = v["defaultMode"]?.DeepClone() ?? 420, [targetKey] = v[sourceKey]?.DeepClone() };
        if (v["items"] is JsonArray items)
            source["items"] = new JsonArray(items.OfType<JsonObject>().Select(i => (JsonNode)new JsonObject
            {
                ["key"] = i["key"]?.DeepClone(),
                ["path"] = i["path"]?.DeepClone(),
                ["mode"] = i["mode"]?.DeepClone() ?? 511,
            }).ToArray());
        return source;
    }

    /// <summary>A probe with #HealthProbe's defaults filled in.</summary>
    public static JsonObject Probe(JsonObject given)
    {
        var probe = (JsonObject)given.DeepClone();
        probe["initialDelaySeconds"] ??= 0;
        probe["periodSeconds"] ??= 10;
        probe["timeoutSeconds"] ??= 1;
        probe["successThreshold"] ??= 1;
        probe["failureThreshold"] ??= 3;
        return probe;
    }

    // ---- schema pieces shared by the types ----

    public static Schema ProbeSchema { get; } = Schema.Object(new()
    {
        ["exec"] = Schema.Object(new() { ["command"] = Schema.Array(Schema.String(), required: true) }),
        ["httpGet"] = Schema.Object(new()
        {
            ["path"] = Schema.String(required: true),
            ["port"] = Schema.Int(required: true),
            ["host"] = Schema.String(),
            ["scheme"] = Schema.String(),
            ["httpHeaders"] = Schema.Array(Schema.Object(new() { ["name"] = Schema.String(required: true), ["value"] = Schema.String(required: true) })),
        }),
        ["tcpSocket"] = Schema.Object(new() { ["port"] = Schema.Int(required: true) }),
        ["initialDelaySeconds"] = Schema.Int(@default: 0),
        ["periodSeconds"] = Schema.Int(@default: 10),
        ["timeoutSeconds"] = Schema.Int(@default: 1),
        ["successThreshold"] = Schema.Int(@default: 1),
        ["failureThreshold"] = Schema.Int(@default: 3),
    });

    private static Schema Items => Schema.Array(Schema.Object(new()
    {
        ["key"] = Schema.String(required: true),
        ["path"] = Schema.String(required: true),
        ["mode"] = Schema.Int(@default: 511),
    }));

    public static Schema EnvSchema { get; } = Env(fieldRef: false);

    /// <summary>A container's <c>env</c>: values or references to Secret/ConfigMap keys (and, for sidecar, to pod fields).</summary>
    public static Schema Env(bool fieldRef)
    {
        var valueFrom = new Dictionary<string, Schema>
        {
            ["secretKeyRef"] = Schema.Object(new() { ["name"] = Schema.String(required: true), ["key"] = Schema.String(required: true) }),
            ["configMapKeyRef"] = Schema.Object(new() { ["name"] = Schema.String(required: true), ["key"] = Schema.String(required: true) }),
        };
        if (fieldRef) valueFrom["fieldRef"] = Schema.Object(new() { ["fieldPath"] = Schema.String(required: true) });
        return Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["value"] = Schema.String(),
            ["valueFrom"] = Schema.Object(valueFrom),
        }));
    }

    public static Schema VolumeMountsSchema { get; } = Schema.Object(new()
    {
        ["pvc"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["mountPath"] = Schema.String(required: true),
            ["subPath"] = Schema.String(),
            ["claimName"] = Schema.String(required: true),
        })),
        ["configMap"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["mountPath"] = Schema.String(required: true),
            ["subPath"] = Schema.String(),
            ["defaultMode"] = Schema.Int(@default: 420),
            ["cmName"] = Schema.String(required: true),
            ["items"] = Items,
        })),
        ["secret"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["mountPath"] = Schema.String(required: true),
            ["subPath"] = Schema.String(),
            ["defaultMode"] = Schema.Int(@default: 420),
            ["secretName"] = Schema.String(required: true),
            ["items"] = Items,
        })),
        ["emptyDir"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["mountPath"] = Schema.String(required: true),
            ["subPath"] = Schema.String(),
            ["medium"] = Schema.String(@default: "", @enum: ["", "Memory"]),
        })),
        ["hostPath"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["mountPath"] = Schema.String(required: true),
            ["subPath"] = Schema.String(),
            ["path"] = Schema.String(required: true),
            ["mountPropagation"] = Schema.String(@enum: ["None", "HostToContainer", "Bidirectional"]),
            ["readOnly"] = Schema.Bool(),
        })),
    });

    /// <summary>The deprecated <c>volumes</c> list (its fields depend on <c>type</c>, so they are checked loosely).</summary>
    public static Schema LegacyVolumesSchema { get; } = Schema.Array(Schema.Object(new()
    {
        ["name"] = Schema.String(required: true),
        ["mountPath"] = Schema.String(required: true),
        ["type"] = Schema.String(@default: "emptyDir", @enum: ["pvc", "configMap", "secret", "emptyDir"]),
        ["claimName"] = Schema.String(),
        ["defaultMode"] = Schema.Int(),
        ["cmName"] = Schema.String(),
        ["secretName"] = Schema.String(),
        ["items"] = Items,
        ["medium"] = Schema.String(@enum: ["", "Memory"]),
    }));

    public static Schema HostAliasesSchema { get; } = Schema.Array(Schema.Object(new()
    {
        ["ip"] = Schema.String(required: true),
        ["hostnames"] = Schema.Array(Schema.String(), required: true),
    }));

    /// <summary>Parameters every container type has.</summary>
    public static Dictionary<string, Schema> CommonParameters(bool labels = true)
    {
        var d = new Dictionary<string, Schema>
        {
            ["image"] = Schema.String(required: true),
            ["imagePullPolicy"] = Schema.String(@enum: ["Always", "Never", "IfNotPresent"]),
            ["imagePullSecrets"] = Schema.Array(Schema.String()),
            ["cmd"] = Schema.Array(Schema.String()),
            ["env"] = EnvSchema,
            ["cpu"] = Schema.String(),
            ["memory"] = Schema.String(),
            ["volumeMounts"] = VolumeMountsSchema,
            ["volumes"] = LegacyVolumesSchema,
            ["livenessProbe"] = ProbeSchema,
            ["readinessProbe"] = ProbeSchema,
        };
        if (labels)
        {
            d["labels"] = Schema.Map(Schema.String());
            d["annotations"] = Schema.Map(Schema.String());
        }
        return d;
    }

    public static Schema PortsSchema(bool containerPort) => Schema.Array(Schema.Object(containerPort
        ? new()
        {
            ["port"] = Schema.Int(required: true, min: 1, max: 65535),
            ["containerPort"] = Schema.Int(min: 1, max: 65535),
            ["name"] = Schema.String(),
            ["protocol"] = Schema.String(@default: "TCP", @enum: ["TCP", "UDP", "SCTP"]),
            ["expose"] = Schema.Bool(@default: false),
            ["nodePort"] = Schema.Int(),
        }
        : new()
        {
            ["port"] = Schema.Int(required: true, min: 1, max: 65535),
            ["name"] = Schema.String(),
            ["protocol"] = Schema.String(@default: "TCP", @enum: ["TCP", "UDP", "SCTP"]),
            ["expose"] = Schema.Bool(@default: false),
        }));
}
