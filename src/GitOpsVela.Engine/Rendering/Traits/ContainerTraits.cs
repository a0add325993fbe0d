using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Components;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that change the containers of the pod template: env, sidecar, init-container, resource, container-image, command,
// startup-probe, lifecycle, container-ports, service-binding.

/// <summary>
/// <c>env</c> (vela-templates/definitions/internal/trait/env.cue): per container (default: the component's), merges
/// <c>env</c> into the existing variables (overriding values of the same name, keeping <c>valueFrom</c> of the others),
/// drops <c>unset</c> names, or with <c>replace</c> sets exactly <c>env</c>.
/// </summary>
internal sealed class EnvTrait : ITraitType
{
    public string Name => "env";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static readonly Dictionary<string, Schema> Params = new()
    {
        ["containerName"] = Schema.String(@default: ""),
        ["replace"] = Schema.Bool(@default: false),
        ["env"] = Schema.Map(Schema.String()),
        ["unset"] = Schema.Array(Schema.String()),
    };

    public Schema Schema { get; } = ContainerTargets.Forms(Params);

    public void Apply(TraitRender render)
    {
        var pod = render.PodSpec();
        foreach (var (name, p) in render.ContainerParams())
        {
            var container = render.Container(pod, name);
            var env = p["env"] as JsonObject ?? new JsonObject();
            var unset = (p["unset"] as JsonArray)?.Select(u => u?.GetValue<string>()).ToHashSet() ?? [];
            var replace = p.Bool("replace");
            var result = new JsonArray();
            if (container["env"] is JsonArray existing)
            {
                var existingNames = existing.OfType<JsonObject>().Select(e => e.Str("name")).ToHashSet();
                if (!replace)
                {
                    foreach (var e in existing.OfType<JsonObject>())
                    {
                        var key = e.Str("name");
                        if (key is null || unset.Contains(key)) continue;
                        var item = new JsonObject { ["name"] = key };
                        if (env[key] is { } value) item["value"] = value.DeepClone();
                        else
                        {
                            if (e["value"] is { } v) item["value"] = v.DeepClone();
                            if (e["valueFrom"] is { } vf) item["valueFrom"] = vf.DeepClone();
                        }
                        result.Add(item);
                    }
                }
                foreach (var (k, v) in env.Sorted())
                    if (!unset.Contains(k) && (replace || !existingNames.Contains(k))) result.Add(new JsonObject { ["name"] = k, ["value"] = v?.DeepClone() });
            }
            else
            {
                foreach (var (k, v) in env.Sorted())
                    if (!unset.Contains(k)) result.Add(new JsonObject { ["name"] = k, ["value"] = v?.DeepClone() });
            }
            container["env"] = result;
        }
    }
}

/// <summary><c>sidecar</c> (vela-templates/definitions/internal/trait/sidecar.cue): adds (or merges by name) a container in the pod.</summary>
internal sealed class SidecarTrait : ITraitType
{
    public string Name => "sidecar";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["name"] = Schema.String(required: true),
        ["image"] = Schema.String(required: true),
        ["cmd"] = Schema.Array(Schema.String()),
        ["args"] = Schema.Array(Schema.String()),
        ["env"] = PodTemplate.Env(fieldRef: true),
        ["volumes"] = Schema.Array(Schema.Object(new() { ["name"] = Schema.String(required: true), ["path"] = Schema.String(required: true) })),
        ["livenessProbe"] = PodTemplate.ProbeSchema,
        ["readinessProbe"] = PodTemplate.ProbeSchema,
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var container = new JsonObject { ["name"] = p.Clone("name"), ["image"] = p.Clone("image") };
        if (p["cmd"] is { } cmd) container["command"] = cmd.DeepClone();
        if (p["args"] is { } args) container["args"] = args.DeepClone();
        if (p["env"] is { } env) container["env"] = env.DeepClone();
        if (p["volumes"] is JsonArray volumes)
            container["volumeMounts"] = new JsonArray(volumes.OfType<JsonObject>().Select(v => (JsonNode)new JsonObject { ["mountPath"] = v.Clone("path"), ["name"] = v.Clone("name") }).ToArray());
        foreach (var probe in new[] { "livenessProbe", "readinessProbe" })
            if (p[probe] is JsonObject given) container[probe] = PodTemplate.Probe(given);
        JsonPatching.MergeByKey(JsonPatching.List(render.PodSpec(), "containers"), container);
    }
}

/// <summary>
/// <c>init-container</c> (vela-templates/definitions/internal/trait/init-container.cue): an init container sharing an
/// emptyDir volume (<c>mountName</c>, default workdir) with the component's container.
/// </summary>
internal sealed class InitContainerTrait : ITraitType
{
    public string Name => "init-container";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["name"] = Schema.String(required: true),
        ["image"] = Schema.String(required: true),
        ["imagePullPolicy"] = Schema.String(@default: "IfNotPresent", @enum: ["IfNotPresent", "Always", "Never"]),
        ["cmd"] = Schema.Array(Schema.String()),
        ["args"] = Schema.Array(Schema.String()),
        ["env"] = PodTemplate.EnvSchema,
        ["mountName"] = Schema.String(@default: "workdir"),
        ["appMountPath"] = Schema.String(required: true),
        ["initMountPath"] = Schema.String(required: true),
        ["extraVolumeMounts"] = Schema.Array(Schema.Object(new() { ["name"] = Schema.String(required: true), ["mountPath"] = Schema.String(required: true) })),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var pod = render.PodSpec();
        var mountName = p.Str("mountName") ?? "workdir";
        var app = JsonPatching.MergeByKey(JsonPatching.List(pod, "containers"), new JsonObject { ["name"] = render.ComponentName });
        JsonPatching.MergeByKey(JsonPatching.List(app, "volumeMounts"), new JsonObject { ["name"] = mountName, ["mountPath"] = p.Clone("appMountPath") });
        var init = new JsonObject
        {
            ["name"] = p.Clone("name"),
            ["image"] = p.Clone("image"),
            ["imagePullPolicy"] = p.Str("imagePullPolicy") ?? "IfNotPresent",
        };
        if (p["cmd"] is { } cmd) init["command"] = cmd.DeepClone();
        if (p["args"] is { } args) init["args"] = args.DeepClone();
        if (p["env"] is { } env) init["env"] = env.DeepClone();
        var mounts = new JsonArray(new JsonObject { ["name"] = mountName, ["mountPath"] = p.Clone("initMountPath") });
        foreach (var extra in (p["extraVolumeMounts"] as JsonArray ?? []).OfType<JsonObject>()) mounts.Add(extra.DeepClone());
        var existing = (JsonPatching.List(pod, "initContainers")).OfType<JsonObject>().FirstOrDefault(c => c.Str("name") == init.Str("name"));
        var merged = JsonPatching.MergeByKey(JsonPatching.List(pod, "initContainers"), init);
        if (existing is null) merged["volumeMounts"] = mounts;
        else foreach (var m in mounts.OfType<JsonObject>()) JsonPatching.MergeByKey(JsonPatching.List(merged, "volumeMounts"), m);
        JsonPatching.MergeByKey(JsonPatching.List(pod, "volumes"), new JsonObject { ["name"] = mountName, ["emptyDir"] = new JsonObject() });
    }
}

/// <summary>
/// <c>resource</c> (vela-templates/definitions/internal/trait/resource.cue): requests and limits on the first container
/// (of the pod template, or of a CronJob's job template). <c>cpu</c>+<c>memory</c> set both; <c>requests</c>/<c>limits</c>
/// set each (cpu 1 and memory 2048Mi by default); as in the CUE, <c>cpu</c> or <c>memory</c> alone sets nothing.
/// </summary>
internal sealed class ResourceTrait : ITraitType
{
    public string Name => "resource";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch", "cronjobs.batch"];

    private const string Memory = "^([1-9][0-9]{0,63})(E|P|T|G|M|K|Ei|Pi|Ti|Gi|Mi|Ki)$";

    private static Schema CpuMemory => Schema.Object(new()
    {
        ["cpu"] = new Schema { OneOf = [Schema.Number(), Schema.String()] },
        ["memory"] = new Schema { Type = SchemaType.String, Pattern = Memory },
    });

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["cpu"] = new Schema { OneOf = [Schema.Number(), Schema.String()] },
        ["memory"] = new Schema { Type = SchemaType.String, Pattern = Memory },
        ["requests"] = CpuMemory,
        ["limits"] = CpuMemory,
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var resources = new JsonObject();
        JsonObject Pair(JsonObject? from) => new() { ["cpu"] = from?.Clone("cpu") ?? 1, ["memory"] = from?.Clone("memory") ?? "2048Mi" };
        if (p["cpu"] is not null && p["memory"] is not null && p["requests"] is null && p["limits"] is null)
        {
            resources["requests"] = new JsonObject { ["cpu"] = p.Clone("cpu"), ["memory"] = p.Clone("memory") };
            resources["limits"] = new JsonObject { ["cpu"] = p.Clone("cpu"), ["memory"] = p.Clone("memory") };
        }
        if (p["requests"] is JsonObject requests) resources["requests"] = Pair(requests);
        if (p["limits"] is JsonObject limits) resources["limits"] = Pair(limits);

        var workload = render.Workload();
        var pods = new List<JsonObject>();
        if (workload["spec"]?["template"]?["spec"] is JsonObject pod) pods.Add(pod);
        if (workload["spec"]?["jobTemplate"]?["spec"]?["template"]?["spec"] is JsonObject jobPod) pods.Add(jobPod);
        foreach (var spec in pods)
        {
            var first = (spec["containers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault() ?? throw render.Problem("the pod has no container");
            var target = JsonPatching.Object(first, "resources");
            // +patchStrategy=retainKeys: requests and limits are replaced as a whole.
            foreach (var (key, value) in resources) target[key] = value?.DeepClone();
        }
    }
}

/// <summary><c>container-image</c> (vela-templates/definitions/internal/trait/container-image.cue): sets the image (and pull policy) of containers by name.</summary>
internal sealed class ContainerImageTrait : ITraitType
{
    public string Name => "container-image";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static readonly Dictionary<string, Schema> Params = new()
    {
        ["containerName"] = Schema.String(@default: ""),
        ["image"] = Schema.String(required: true),
        ["imagePullPolicy"] = Schema.String(@default: "", @enum: ["", "IfNotPresent", "Always", "Never"]),
    };

    public Schema Schema { get; } = ContainerTargets.Forms(Params);

    public void Apply(TraitRender render)
    {
        var pod = render.PodSpec();
        foreach (var (name, p) in render.ContainerParams())
        {
            var container = render.Container(pod, name);
            container["image"] = p.Clone("image");
            if (p.Str("imagePullPolicy") is { Length: > 0 } policy) container["imagePullPolicy"] = policy;
        }
    }
}

/// <summary>
/// <c>command</c> (vela-templates/definitions/internal/trait/command.cue): replaces a container's command; sets
/// <c>args</c>, or adds <c>addArgs</c> / removes <c>delArgs</c> from the existing ones.
/// </summary>
internal sealed class CommandTrait : ITraitType
{
    public string Name => "command";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static readonly Dictionary<string, Schema> Params = new()
    {
        ["containerName"] = Schema.String(@default: ""),
        ["command"] = Schema.Array(Schema.String()),
        ["args"] = Schema.Array(Schema.String()),
        ["addArgs"] = Schema.Array(Schema.String()),
        ["delArgs"] = Schema.Array(Schema.String()),
    };

    public Schema Schema { get; } = ContainerTargets.Forms(Params);

    public void Apply(TraitRender render)
    {
        var pod = render.PodSpec();
        foreach (var (name, p) in render.ContainerParams())
        {
            var container = render.Container(pod, name);
            if (p["command"] is JsonArray command) container["command"] = command.DeepClone();
            var args = p["args"] as JsonArray;
            var add = p["addArgs"] as JsonArray;
            var del = p["delArgs"] as JsonArray;
            if ((add is not null || del is not null) && args is not null) throw render.Problem("cannot set addArgs/delArgs and args at the same time");
            var baseArgs = (args ?? container["args"] as JsonArray ?? []).Select(a => a!.GetValue<string>()).ToList();
            var delSet = del?.Select(a => a!.GetValue<string>()).ToHashSet() ?? [];
            var argSet = baseArgs.ToHashSet();
            var result = baseArgs.Where(a => !delSet.Contains(a))
                .Concat((add ?? []).Select(a => a!.GetValue<string>()).Where(a => !delSet.Contains(a) && !argSet.Contains(a)))
                .Select(a => (JsonNode)JsonValue.Create(a)!).ToArray();
            container["args"] = new JsonArray(result);
        }
    }
}

/// <summary>
/// <c>startup-probe</c> (vela-templates/definitions/internal/trait/startup-probe.cue): a <c>startupProbe</c> (exec, httpGet,
/// grpc or tcpSocket, with the timing defaults always written) on one container (<c>containerName</c>, default the
/// component's). KubeVela's usage example attaches the trait once per container. The <c>probes: [...]</c> form, whose
/// template reads a <c>name</c> field its schema does not have (KubeVela fails with <c>undefined field: name</c>), is
/// rendered here with each entry's <c>containerName</c>.
/// </summary>
internal sealed class StartupProbeTrait : ITraitType
{
    public string Name => "startup-probe";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static readonly Dictionary<string, Schema> Params = new()
    {
        ["containerName"] = Schema.String(@default: ""),
        ["initialDelaySeconds"] = Schema.Int(@default: 0),
        ["periodSeconds"] = Schema.Int(@default: 10),
        ["timeoutSeconds"] = Schema.Int(@default: 1),
        ["successThreshold"] = Schema.Int(@default: 1),
        ["failureThreshold"] = Schema.Int(@default: 3),
        ["terminationGracePeriodSeconds"] = Schema.Int(),
        ["exec"] = Schema.Object(new() { ["command"] = Schema.Array(Schema.String(), required: true) }),
        ["httpGet"] = Schema.Object(new()
        {
            ["path"] = Schema.String(),
            ["port"] = Schema.Int(required: true),
            ["host"] = Schema.String(),
            ["scheme"] = Schema.String(@enum: ["HTTP", "HTTPS"]),
            ["httpHeaders"] = Schema.Array(Schema.Object(new() { ["name"] = Schema.String(required: true), ["value"] = Schema.String(required: true) })),
        }),
        ["grpc"] = Schema.Object(new() { ["port"] = Schema.Int(required: true), ["service"] = Schema.String() }),
        ["tcpSocket"] = Schema.Object(new() { ["port"] = Schema.Int(required: true), ["host"] = Schema.String() }),
    };

    public Schema Schema { get; } = ContainerTargets.Forms(Params, "probes");

    public void Apply(TraitRender render)
    {
        var pod = render.PodSpec();
        foreach (var (name, p) in render.ContainerParams("probes"))
        {
            var container = render.Container(pod, name);
            var probe = new JsonObject();
            foreach (var handler in new[] { "exec", "httpGet", "grpc", "tcpSocket" }) p.CopyTo(handler, probe);
            probe["initialDelaySeconds"] = p.Clone("initialDelaySeconds") ?? 0;
            probe["periodSeconds"] = p.Clone("periodSeconds") ?? 10;
            probe["timeoutSeconds"] = p.Clone("timeoutSeconds") ?? 1;
            probe["successThreshold"] = p.Clone("successThreshold") ?? 1;
            probe["failureThreshold"] = p.Clone("failureThreshold") ?? 3;
            p.CopyTo("terminationGracePeriodSeconds", probe);
            container["startupProbe"] = probe;
        }
    }
}

/// <summary>
/// <c>lifecycle</c> (vela-templates/definitions/internal/trait/lifecycle.cue): <c>postStart</c>/<c>preStop</c> hooks on
/// every container of the pod (the patch is a list pattern, <c>containers: [...{lifecycle: ...}]</c>), sidecars included;
/// an <c>httpGet</c> handler's <c>scheme</c> defaults to HTTP.
/// </summary>
internal sealed class LifecycleTrait : ITraitType
{
    public string Name => "lifecycle";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static Schema Handler => Schema.Object(new()
    {
        ["exec"] = Schema.Object(new() { ["command"] = Schema.Array(Schema.String(), required: true) }),
        ["httpGet"] = Schema.Object(new()
        {
            ["path"] = Schema.String(),
            ["port"] = Schema.Int(required: true, min: 1, max: 65535),
            ["host"] = Schema.String(),
            ["scheme"] = Schema.String(@default: "HTTP", @enum: ["HTTP", "HTTPS"]),
            ["httpHeaders"] = Schema.Array(Schema.Object(new() { ["name"] = Schema.String(required: true), ["value"] = Schema.String(required: true) })),
        }),
        ["tcpSocket"] = Schema.Object(new() { ["port"] = Schema.Int(required: true, min: 1, max: 65535), ["host"] = Schema.String() }),
    });

    public Schema Schema { get; } = Schema.Object(new() { ["postStart"] = Handler, ["preStop"] = Handler });

    private static JsonObject Hook(JsonObject given)
    {
        var hook = (JsonObject)given.DeepClone();
        if (hook["httpGet"] is JsonObject http) http["scheme"] ??= "HTTP";
        return hook;
    }

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        foreach (var container in (render.PodSpec()["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var lifecycle = JsonPatching.Object(container, "lifecycle");
            if (p["postStart"] is JsonObject postStart) lifecycle["postStart"] = Hook(postStart);
            if (p["preStop"] is JsonObject preStop) lifecycle["preStop"] = Hook(preStop);
        }
    }
}

/// <summary>
/// <c>container-ports</c> (vela-templates/definitions/internal/trait/container-ports.cue, KubeVela v1.9.4+): a container's
/// ports, replaced as a whole (<c>+patchStrategy=replace</c>). Without ports of its own the container gets the given ones
/// (protocol TCP by default); with ports, each keeps containerPort, protocol and name and takes hostPort/hostIP from the
/// given port of the same protocol and number, and given ports it lacks are appended (without a name).
/// </summary>
internal sealed class ContainerPortsTrait : ITraitType
{
    public string Name => "container-ports";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static readonly Dictionary<string, Schema> Params = new()
    {
        ["containerName"] = Schema.String(@default: ""),
        ["ports"] = Schema.Array(Schema.Object(new()
        {
            ["containerPort"] = Schema.Int(required: true),
            ["protocol"] = Schema.String(@default: "TCP", @enum: ["TCP", "UDP", "SCTP"]),
            ["hostPort"] = Schema.Int(),
            ["hostIP"] = Schema.String(),
        })),
    };

    public Schema Schema { get; } = ContainerTargets.Forms(Params);

    private static string Key(JsonObject port) => (port.Str("protocol") ?? "TCP").ToLowerInvariant() + port.Long("containerPort");

    public void Apply(TraitRender render)
    {
        var pod = render.PodSpec();
        foreach (var (name, p) in render.ContainerParams())
        {
            var container = render.Container(pod, name);
            var given = (p["ports"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var result = new JsonArray();
            if (container["ports"] is not JsonArray existing)
            {
                foreach (var port in given)
                {
                    var entry = new JsonObject { ["containerPort"] = port.Clone("containerPort"), ["protocol"] = port.Str("protocol") ?? "TCP" };
                    port.CopyTo("hostPort", entry);
                    port.CopyTo("hostIP", entry);
                    result.Add(entry);
                }
            }
            else
            {
                var byKey = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
                foreach (var port in given) byKey[Key(port)] = port;
                var baseKeys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var port in existing.OfType<JsonObject>())
                {
                    var key = Key(port);
                    baseKeys.Add(key);
                    var entry = new JsonObject { ["containerPort"] = port.Clone("containerPort"), ["protocol"] = port.Clone("protocol"), ["name"] = port.Clone("name") };
                    if (byKey.TryGetValue(key, out var match))
                    {
                        match.CopyTo("hostPort", entry);
                        match.CopyTo("hostIP", entry);
                    }
                    result.Add(entry);
                }
                foreach (var port in given.Where(g => !baseKeys.Contains(Key(g))))
                {
                    var entry = new JsonObject { ["containerPort"] = port.Clone("containerPort"), ["protocol"] = port.Str("protocol") ?? "TCP" };
                    port.CopyTo("hostPort", entry);
                    port.CopyTo("hostIP", entry);
                    result.Add(entry);
                }
            }
            container["ports"] = result;
        }
    }
}

/// <summary>
/// <c>service-binding</c> (vela-templates/definitions/internal/trait/service-binding.cue, deprecated in favour of
/// storage): for each <c>envMappings</c> entry (in key order) an env variable of the component's container read from a
/// Secret's key (<c>key</c>, default the variable's name), merged by name into the container's env.
/// </summary>
internal sealed class ServiceBindingTrait : ITraitType
{
    public string Name => "service-binding";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["envMappings"] = Schema.Map(Schema.Object(new() { ["key"] = Schema.String(), ["secret"] = Schema.String(required: true) }), required: true),
    });

    public void Apply(TraitRender render)
    {
        var mappings = render.Properties["envMappings"] as JsonObject ?? new JsonObject();
        var container = JsonPatching.MergeByKey(JsonPatching.List(render.PodSpec(), "containers"), new JsonObject { ["name"] = render.ComponentName });
        var items = mappings.Sorted().Where(m => m.Value is JsonObject).Select(m => new JsonObject
        {
            ["name"] = m.Key,
            ["valueFrom"] = new JsonObject
            {
                ["secretKeyRef"] = new JsonObject { ["name"] = m.Value!["secret"]?.DeepClone(), ["key"] = m.Value["key"]?.DeepClone() ?? m.Key },
            },
        }).ToList();
        JsonPatching.PatchList(container, "env", items);
    }
}

/// <summary>Which containers a container-patching trait acts on.</summary>
internal static class ContainerTargets
{
    /// <summary>
    /// The two forms of a container-patching trait's properties (CUE <c>#PatchParams | close({containers: [...#PatchParams]})</c>):
    /// the parameters for one container, or a list of them, each naming its container; a value in neither form is
    /// refused with both.
    /// </summary>
    public static Schema Forms(Dictionary<string, Schema> parameters, string listKey = "containers") => new()
    {
        OneOf = [Schema.Object(parameters), Schema.Object(new() { [listKey] = Schema.Array(Schema.Object(parameters), required: true) })],
        Description = $"{{{string.Join(", ", parameters.Keys)}}} for one container (containerName defaults to the component's), " +
                      $"or {{{listKey}: [{{containerName: <name>, ...}}, ...]}}",
    };

    /// <summary>The parameter sets a container-patching trait acts on: one (containerName defaulting to the component) or <c>containers[]</c>.</summary>
    public static IEnumerable<(string Name, JsonObject Params)> ContainerParams(this TraitRender render, string listKey = "containers")
    {
        var p = render.Properties;
        if (p[listKey] is JsonArray list)
        {
            foreach (var c in list.OfType<JsonObject>())
            {
                var name = c.Str("containerName");
                if (string.IsNullOrEmpty(name)) throw render.Problem($"containerName must be set for {listKey}");
                yield return (name, c);
            }
            yield break;
        }
        var single = p.Str("containerName");
        yield return (string.IsNullOrEmpty(single) ? render.ComponentName : single, p);
    }
}
