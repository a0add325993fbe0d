using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Components;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that change the containers of the pod template: env, sidecar, init-container, resource, container-image, command.

/// <summary>
/// <c>env</c> (vela-templates/definitions/internal/trait/env.cue): per container (default: the component's), merges
/// <c>env</c> into the existing variables (overriding values of the same name, keeping <c>valueFrom</c> of the others),
/// drops <c>unset</c> names, or with <c>replace</c> sets exactly <c>env</c>.
/// </summary>
public sealed class EnvTrait : ITraitType
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

    public Schema Schema { get; } = new() { OneOf = [Schema.Object(Params), Schema.Object(new() { ["containers"] = Schema.Array(Schema.Object(Params), required: true) })] };

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
                foreach (var (k, v) in env)
                    if (!unset.Contains(k) && (replace || !existingNames.Contains(k))) result.Add(new JsonObject { ["name"] = k, ["value"] = v?.DeepClone() });
            }
            else
            {
                foreach (var (k, v) in env)
                    if (!unset.Contains(k)) result.Add(new JsonObject { ["name"] = k, ["value"] = v?.DeepClone() });
            }
            container["env"] = result;
        }
    }
}

/// <summary><c>sidecar</c> (vela-templates/definitions/internal/trait/sidecar.cue): adds (or merges by name) a container in the pod.</summary>
public sealed class SidecarTrait : ITraitType
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
public sealed class InitContainerTrait : ITraitType
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
public sealed class ResourceTrait : ITraitType
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
public sealed class ContainerImageTrait : ITraitType
{
    public string Name => "container-image";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static readonly Dictionary<string, Schema> Params = new()
    {
        ["containerName"] = Schema.String(@default: ""),
        ["image"] = Schema.String(required: true),
        ["imagePullPolicy"] = Schema.String(@default: "", @enum: ["", "IfNotPresent", "Always", "Never"]),
    };

    public Schema Schema { get; } = new() { OneOf = [Schema.Object(Params), Schema.Object(new() { ["containers"] = Schema.Array(Schema.Object(Params), required: true) })] };

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
public sealed class CommandTrait : ITraitType
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

    public Schema Schema { get; } = new() { OneOf = [Schema.Object(Params), Schema.Object(new() { ["containers"] = Schema.Array(Schema.Object(Params), required: true) })] };

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

/// <summary>Which containers a container-patching trait acts on.</summary>
internal static class ContainerTargets
{
    /// <summary>The parameter sets a container-patching trait acts on: one (containerName defaulting to the component) or <c>containers[]</c>.</summary>
    public static IEnumerable<(string Name, JsonObject Params)> ContainerParams(this TraitRender render)
    {
        var p = render.Properties;
        if (p["containers"] is JsonArray list)
        {
            foreach (var c in list.OfType<JsonObject>())
            {
                var name = c.Str("containerName");
                if (string.IsNullOrEmpty(name)) throw render.Problem("containerName must be set for containers");
                yield return (name, c);
            }
            yield break;
        }
        var single = p.Str("containerName");
        yield return (string.IsNullOrEmpty(single) ? render.ComponentName : single, p);
    }
}
