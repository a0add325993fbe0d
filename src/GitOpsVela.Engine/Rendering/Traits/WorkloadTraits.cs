using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Components;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

/// <summary><c>scaler</c> (vela-templates/definitions/internal/trait/scaler.cue): sets <c>spec.replicas</c> (default 1).</summary>
public sealed class ScalerTrait : ITraitType
{
    public string Name => "scaler";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Object(new() { ["replicas"] = Schema.Int(@default: 1, min: 0) });

    public void Apply(TraitRender render) =>
        JsonPatching.Object(render.Workload(), "spec")["replicas"] = render.Properties.Clone("replicas") ?? 1;
}

/// <summary>
/// <c>labels</c> (vela-templates/definitions/internal/trait/labels.cue): JSON-merge-patches the labels onto the workload's
/// metadata and, when it has one, its pod template (<c>null</c> removes a label).
/// </summary>
public sealed class LabelsTrait : ITraitType
{
    public string Name => "labels";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Map(Schema.String());

    public void Apply(TraitRender render) => MetadataPatch.Apply(render, "labels", jobTemplates: false);
}

/// <summary>
/// <c>annotations</c> (vela-templates/definitions/internal/trait/annotations.cue): as labels, for annotations, also on a
/// CronJob's job template and its pod template.
/// </summary>
public sealed class AnnotationsTrait : ITraitType
{
    public string Name => "annotations";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Map(Schema.String());

    public void Apply(TraitRender render) => MetadataPatch.Apply(render, "annotations", jobTemplates: true);
}

internal static class MetadataPatch
{
    public static void Apply(TraitRender render, string field, bool jobTemplates)
    {
        var workload = render.Workload();
        var patch = new JsonObject { [field] = render.Properties.DeepClone() };
        void On(JsonObject owner) => owner["metadata"] = JsonPatching.MergePatch(owner["metadata"]?.DeepClone(), patch);
        On(workload);
        if (workload["spec"]?["template"] is JsonObject template) On(template);
        if (jobTemplates && workload["spec"]?["jobTemplate"] is JsonObject jobTemplate)
        {
            On(jobTemplate);
            if (jobTemplate["spec"]?["template"] is JsonObject jobPod) On(jobPod);
        }
    }
}

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
        ["env"] = PodTemplate.EnvSchema,
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
        var app = JsonPatching.MergeByKey(JsonPatching.List(pod, "containers"), new JsonObject { ["name"] = render.ComponentName() });
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
/// <c>storage</c> (vela-templates/definitions/internal/trait/storage.cue): pvc/configMap/secret/emptyDir/hostPath volumes
/// named <c>&lt;kind&gt;-&lt;name&gt;</c>, mounted in the first container (block PVCs as volumeDevices, configMap/secret
/// keys as env), and the PVCs, ConfigMaps and Secrets themselves unless <c>mountOnly</c>.
/// </summary>
public sealed class StorageTrait : ITraitType
{
    public string Name => "storage";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private const string Quantity = "^([1-9][0-9]{0,63})(E|P|T|G|M|K|Ei|Pi|Ti|Gi|Mi|Ki)$";

    private static Schema Items => Schema.Array(Schema.Object(new() { ["key"] = Schema.String(required: true), ["path"] = Schema.String(required: true), ["mode"] = Schema.Int(@default: 511) }));

    private static Schema Ref => Schema.Object(new() { ["name"] = Schema.String(required: true), ["kind"] = Schema.String(required: true), ["apiGroup"] = Schema.String(required: true) });

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["pvc"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["mountOnly"] = Schema.Bool(@default: false),
            ["mountPath"] = Schema.String(required: true),
            ["subPath"] = Schema.String(),
            ["volumeMode"] = Schema.String(@default: "Filesystem"),
            ["volumeName"] = Schema.String(),
            ["accessModes"] = Schema.Array(Schema.String()),
            ["storageClassName"] = Schema.String(),
            ["resources"] = Schema.Object(new()
            {
                ["requests"] = Schema.Object(new() { ["storage"] = new Schema { Type = SchemaType.String, Required = true, Pattern = Quantity } }, required: true),
                ["limits"] = Schema.Object(new() { ["storage"] = new Schema { Type = SchemaType.String, Required = true, Pattern = Quantity } }),
            }),
            ["dataSourceRef"] = Ref,
            ["dataSource"] = Ref,
            ["selector"] = Schema.Object([], open: true),
        })),
        ["configMap"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["mountOnly"] = Schema.Bool(@default: false),
            ["mountToEnv"] = Schema.Object(new() { ["envName"] = Schema.String(required: true), ["configMapKey"] = Schema.String(required: true) }),
            ["mountToEnvs"] = Schema.Array(Schema.Object(new() { ["envName"] = Schema.String(required: true), ["configMapKey"] = Schema.String(required: true) })),
            ["mountPath"] = Schema.String(),
            ["subPath"] = Schema.String(),
            ["defaultMode"] = Schema.Int(@default: 420),
            ["readOnly"] = Schema.Bool(@default: false),
            ["data"] = Schema.Object([], open: true),
            ["items"] = Items,
        })),
        ["secret"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["mountOnly"] = Schema.Bool(@default: false),
            ["mountToEnv"] = Schema.Object(new() { ["envName"] = Schema.String(required: true), ["secretKey"] = Schema.String(required: true) }),
            ["mountToEnvs"] = Schema.Array(Schema.Object(new() { ["envName"] = Schema.String(required: true), ["secretKey"] = Schema.String(required: true) })),
            ["mountPath"] = Schema.String(required: true),
            ["subPath"] = Schema.String(),
            ["defaultMode"] = Schema.Int(@default: 420),
            ["readOnly"] = Schema.Bool(@default: false),
            ["stringData"] = Schema.Object([], open: true),
            ["data"] = Schema.Object([], open: true),
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
            ["path"] = Schema.String(required: true),
            ["mountPath"] = Schema.String(required: true),
            ["type"] = Schema.String(@default: "Directory", @enum: ["Directory", "DirectoryOrCreate", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]),
        })),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        IEnumerable<JsonObject> Items(string key) => (p[key] as JsonArray ?? []).OfType<JsonObject>();
        var volumes = new List<JsonObject>();
        var mounts = new List<JsonObject>();
        var devices = new List<JsonObject>();
        var env = new List<JsonObject>();

        JsonObject Source(JsonObject v, string nameKey)
        {
            var source = new JsonObject { ["defaultMode"] = v.Clone("defaultMode") ?? 420, [nameKey] = v.Clone("name") };
            if (v["items"] is JsonArray items)
                source["items"] = new JsonArray(items.OfType<JsonObject>().Select(i => (JsonNode)new JsonObject
                {
                    ["key"] = i.Clone("key"),
                    ["path"] = i.Clone("path"),
                    ["mode"] = i.Clone("mode") ?? 511,
                }).ToArray());
            return source;
        }
        JsonObject Mount(string name, JsonObject v, bool readOnly = false)
        {
            var mount = new JsonObject { ["name"] = name, ["mountPath"] = v.Clone("mountPath") };
            if (v["subPath"] is { } sub) mount["subPath"] = sub.DeepClone();
            if (readOnly && v.Bool("readOnly")) mount["readOnly"] = true;
            return mount;
        }

        foreach (var v in Items("pvc"))
        {
            var name = "pvc-" + v.Str("name");
            volumes.Add(new JsonObject { ["name"] = name, ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = v.Clone("name") } });
        }
        foreach (var v in Items("configMap").Where(v => v["mountPath"] is not null))
            volumes.Add(new JsonObject { ["name"] = "configmap-" + v.Str("name"), ["configMap"] = Source(v, "name") });
        foreach (var v in Items("secret").Where(v => v["mountPath"] is not null))
            volumes.Add(new JsonObject { ["name"] = "secret-" + v.Str("name"), ["secret"] = Source(v, "secretName") });
        foreach (var v in Items("emptyDir"))
            volumes.Add(new JsonObject { ["name"] = "emptydir-" + v.Str("name"), ["emptyDir"] = new JsonObject { ["medium"] = v.Str("medium") ?? "" } });
        foreach (var v in Items("hostPath"))
            volumes.Add(new JsonObject { ["name"] = "hostpath-" + v.Str("name"), ["hostPath"] = new JsonObject { ["path"] = v.Clone("path"), ["type"] = v.Str("type") ?? "Directory" } });

        foreach (var v in Items("pvc"))
        {
            var mode = v.Str("volumeMode") ?? "Filesystem";
            if (mode == "Filesystem") mounts.Add(Mount("pvc-" + v.Str("name"), v));
            else if (mode == "Block")
            {
                var device = new JsonObject { ["name"] = "pvc-" + v.Str("name"), ["devicePath"] = v.Clone("mountPath") };
                if (v["subPath"] is { } sub) device["subPath"] = sub.DeepClone();
                devices.Add(device);
            }
        }
        foreach (var v in Items("configMap").Where(v => v["mountPath"] is not null)) mounts.Add(Mount("configmap-" + v.Str("name"), v, readOnly: true));
        foreach (var v in Items("secret").Where(v => v["mountPath"] is not null)) mounts.Add(Mount("secret-" + v.Str("name"), v, readOnly: true));
        foreach (var v in Items("emptyDir")) mounts.Add(Mount("emptydir-" + v.Str("name"), v));
        foreach (var v in Items("hostPath")) mounts.Add(new JsonObject { ["name"] = "hostpath-" + v.Str("name"), ["mountPath"] = v.Clone("mountPath") });

        JsonObject EnvFrom(string envName, string refKind, string name, string key) =>
            new() { ["name"] = envName, ["valueFrom"] = new JsonObject { [refKind] = new JsonObject { ["name"] = name, ["key"] = key } } };
        foreach (var v in Items("configMap"))
        {
            if (v["mountToEnv"] is JsonObject one) env.Add(EnvFrom(one.Str("envName")!, "configMapKeyRef", v.Str("name")!, one.Str("configMapKey")!));
        }
        foreach (var v in Items("configMap"))
            foreach (var k in (v["mountToEnvs"] as JsonArray ?? []).OfType<JsonObject>())
                env.Add(EnvFrom(k.Str("envName")!, "configMapKeyRef", v.Str("name")!, k.Str("configMapKey")!));
        foreach (var v in Items("secret"))
        {
            if (v["mountToEnv"] is JsonObject one) env.Add(EnvFrom(one.Str("envName")!, "secretKeyRef", v.Str("name")!, one.Str("secretKey")!));
        }
        foreach (var v in Items("secret"))
            foreach (var k in (v["mountToEnvs"] as JsonArray ?? []).OfType<JsonObject>())
                env.Add(EnvFrom(k.Str("envName")!, "secretKeyRef", v.Str("name")!, k.Str("secretKey")!));

        var pod = render.PodSpec();
        // deDupVolumesArray: the first volume of a name wins.
        var podVolumes = volumes.DistinctBy(v => v.Str("name")).ToList();
        if (podVolumes.Count > 0)
        {
            var list = JsonPatching.List(pod, "volumes");
            foreach (var v in podVolumes) JsonPatching.MergeByKey(list, v);
        }
        // containers: [{...}, ...] patches the first container. Empty lists are not written (an API server drops them).
        var first = (pod["containers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault() ?? throw render.Problem("the pod has no container to mount into");
        foreach (var (key, items) in new[] { ("env", env), ("volumeDevices", devices), ("volumeMounts", mounts) })
        {
            if (items.Count == 0) continue;
            var list = JsonPatching.List(first, key);
            foreach (var item in items) JsonPatching.MergeByKey(list, item);
        }

        foreach (var v in Items("pvc").Where(v => !v.Bool("mountOnly")))
        {
            var spec = new JsonObject
            {
                ["accessModes"] = v.Clone("accessModes") ?? new JsonArray("ReadWriteOnce"),
                ["volumeMode"] = v.Str("volumeMode") ?? "Filesystem",
            };
            if (v["volumeName"] is { } vn) spec["volumeName"] = vn.DeepClone();
            if (v["storageClassName"] is { } sc) spec["storageClassName"] = sc.DeepClone();
            var resources = new JsonObject { ["requests"] = new JsonObject { ["storage"] = v["resources"]?["requests"]?["storage"]?.DeepClone() ?? "8Gi" } };
            if (v["resources"]?["limits"]?["storage"] is { } limit) resources["limits"] = new JsonObject { ["storage"] = limit.DeepClone() };
            spec["resources"] = resources;
            foreach (var key in new[] { "dataSourceRef", "dataSource", "selector" })
                if (v[key] is { } value) spec[key] = value.DeepClone();
            render.AddOutput("pvc-" + v.Str("name"), new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "PersistentVolumeClaim",
                ["metadata"] = new JsonObject { ["name"] = v.Clone("name") },
                ["spec"] = spec,
            });
        }
        foreach (var v in Items("configMap").Where(v => !v.Bool("mountOnly")))
        {
            var cm = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = v.Clone("name") } };
            if (v["data"] is { } data) cm["data"] = data.DeepClone();
            render.AddOutput("configmap-" + v.Str("name"), cm);
        }
        foreach (var v in Items("secret").Where(v => !v.Bool("mountOnly")))
        {
            var secret = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = v.Clone("name") } };
            if (v["data"] is { } data) secret["data"] = data.DeepClone();
            if (v["stringData"] is { } stringData) secret["stringData"] = stringData.DeepClone();
            render.AddOutput("secret-" + v.Str("name"), secret);
        }
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

/// <summary><c>affinity</c> (vela-templates/definitions/internal/trait/affinity.cue): pod/anti/node affinity and tolerations.</summary>
public sealed class AffinityTrait : ITraitType
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

/// <summary>
/// <c>service-account</c> (vela-templates/definitions/internal/trait/service-account.cue): sets <c>serviceAccountName</c>;
/// with <c>create</c> outputs the ServiceAccount, with <c>privileges</c> a Role/RoleBinding (namespace scope) and a
/// ClusterRole/ClusterRoleBinding named <c>&lt;namespace&gt;:&lt;name&gt;</c> (cluster scope).
/// </summary>
public sealed class ServiceAccountTrait : ITraitType
{
    public string Name => "service-account";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["name"] = Schema.String(required: true),
        ["create"] = Schema.Bool(@default: false),
        ["privileges"] = Schema.Array(Schema.Object(new()
        {
            ["verbs"] = Schema.Array(Schema.String(), required: true),
            ["apiGroups"] = Schema.Array(Schema.String()),
            ["resources"] = Schema.Array(Schema.String()),
            ["resourceNames"] = Schema.Array(Schema.String()),
            ["nonResourceURLs"] = Schema.Array(Schema.String()),
            ["scope"] = Schema.String(@default: "namespace", @enum: ["namespace", "cluster"]),
        })),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var name = p.Str("name")!;
        var ns = render.Component.Namespace;
        render.PodSpec()["serviceAccountName"] = name;
        if (p.Bool("create"))
            render.AddOutput("service-account", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = name } });
        if (p["privileges"] is not JsonArray privileges) return;
        JsonArray Rules(IEnumerable<JsonObject> list) => new(list.Select(r =>
        {
            var rule = new JsonObject { ["verbs"] = r.Clone("verbs") };
            foreach (var key in new[] { "apiGroups", "resources", "resourceNames", "nonResourceURLs" }) if (r[key] is { } v) rule[key] = v.DeepClone();
            return (JsonNode)rule;
        }).ToArray());
        var cluster = privileges.OfType<JsonObject>().Where(r => (r.Str("scope") ?? "namespace") == "cluster").ToList();
        var namespaced = privileges.OfType<JsonObject>().Where(r => (r.Str("scope") ?? "namespace") == "namespace").ToList();
        const string Rbac = "rbac.authorization.k8s.io";
        if (cluster.Count > 0)
        {
            var clusterName = $"{ns}:{name}";
            render.AddOutput("cluster-role", new JsonObject { ["apiVersion"] = $"{Rbac}/v1", ["kind"] = "ClusterRole", ["metadata"] = new JsonObject { ["name"] = clusterName }, ["rules"] = Rules(cluster) });
            render.AddOutput("cluster-role-binding", new JsonObject
            {
                ["apiVersion"] = $"{Rbac}/v1",
                ["kind"] = "ClusterRoleBinding",
                ["metadata"] = new JsonObject { ["name"] = clusterName },
                ["roleRef"] = new JsonObject { ["apiGroup"] = Rbac, ["kind"] = "ClusterRole", ["name"] = clusterName },
                ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name, ["namespace"] = ns }),
            });
        }
        if (namespaced.Count > 0)
        {
            render.AddOutput("role", new JsonObject { ["apiVersion"] = $"{Rbac}/v1", ["kind"] = "Role", ["metadata"] = new JsonObject { ["name"] = name }, ["rules"] = Rules(namespaced) });
            render.AddOutput("role-binding", new JsonObject
            {
                ["apiVersion"] = $"{Rbac}/v1",
                ["kind"] = "RoleBinding",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["roleRef"] = new JsonObject { ["apiGroup"] = Rbac, ["kind"] = "Role", ["name"] = name },
                ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name }),
            });
        }
    }
}

/// <summary>
/// <c>hpa</c> (vela-templates/definitions/internal/trait/hpa.cue): an autoscaling/v2 HorizontalPodAutoscaler (clusters
/// 1.23 and later) scaling the workload on CPU, optionally memory (whose target, as in KubeVela's template, takes the
/// cpu value and type) and pod custom metrics.
/// </summary>
public sealed class HpaTrait : ITraitType
{
    public string Name => "hpa";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps"];

    private static Schema Target => Schema.Object(new()
    {
        ["type"] = Schema.String(@default: "Utilization", @enum: ["Utilization", "AverageValue"]),
        ["value"] = Schema.Int(@default: 50),
    });

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["min"] = Schema.Int(@default: 1, min: 0),
        ["max"] = Schema.Int(@default: 10, min: 1),
        ["targetAPIVersion"] = Schema.String(@default: "apps/v1"),
        ["targetKind"] = Schema.String(@default: "Deployment"),
        ["cpu"] = Target,
        ["mem"] = Target,
        ["podCustomMetrics"] = Schema.Array(Schema.Object(new() { ["name"] = Schema.String(required: true), ["value"] = Schema.String(required: true) })),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var cpu = p["cpu"] as JsonObject ?? new JsonObject();
        var cpuType = cpu.Str("type") ?? "Utilization";
        var cpuValue = cpu.Clone("value") ?? 50;
        JsonObject Target(string type)
        {
            var target = new JsonObject { ["type"] = type };
            if (cpuType == "Utilization") target["averageUtilization"] = cpuValue.DeepClone();
            if (cpuType == "AverageValue") target["averageValue"] = cpuValue.DeepClone();
            return target;
        }
        var metrics = new JsonArray(new JsonObject { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "cpu", ["target"] = Target(cpuType) } });
        if (p["mem"] is JsonObject mem)
            metrics.Add(new JsonObject { ["type"] = "Resource", ["resource"] = new JsonObject { ["name"] = "memory", ["target"] = Target(mem.Str("type") ?? "Utilization") } });
        foreach (var m in (p["podCustomMetrics"] as JsonArray ?? []).OfType<JsonObject>())
            metrics.Add(new JsonObject
            {
                ["type"] = "Pods",
                ["pods"] = new JsonObject
                {
                    ["metric"] = new JsonObject { ["name"] = m.Clone("name") },
                    ["target"] = new JsonObject { ["type"] = "AverageValue", ["averageValue"] = m.Clone("value") },
                },
            });
        render.AddOutput("hpa", new JsonObject
        {
            ["apiVersion"] = "autoscaling/v2",
            ["kind"] = "HorizontalPodAutoscaler",
            ["metadata"] = new JsonObject { ["name"] = render.ComponentName() },
            ["spec"] = new JsonObject
            {
                ["scaleTargetRef"] = new JsonObject
                {
                    ["apiVersion"] = p.Str("targetAPIVersion") ?? "apps/v1",
                    ["kind"] = p.Str("targetKind") ?? "Deployment",
                    ["name"] = render.ComponentName(),
                },
                ["minReplicas"] = p.Clone("min") ?? 1,
                ["maxReplicas"] = p.Clone("max") ?? 10,
                ["metrics"] = metrics,
            },
        });
    }
}

/// <summary><c>json-patch</c> (vela-templates/definitions/internal/trait/json-patch.cue): RFC 6902 <c>operations</c> on the workload.</summary>
public sealed class JsonPatchTrait : ITraitType
{
    public string Name => "json-patch";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Object(new() { ["operations"] = Schema.Array(Schema.Object([], open: true), required: true) });

    public void Apply(TraitRender render)
    {
        try
        {
            var patched = JsonPatching.JsonPatch(render.Workload(), render.Properties["operations"] as JsonArray ?? []);
            render.Component.Workload = patched as JsonObject ?? throw render.Problem("the patch must leave an object");
        }
        catch (PatchException ex)
        {
            throw render.Problem(ex.Message);
        }
    }
}

/// <summary><c>json-merge-patch</c> (vela-templates/definitions/internal/trait/json-merge-patch.cue): an RFC 7386 merge patch on the workload.</summary>
public sealed class JsonMergePatchTrait : ITraitType
{
    public string Name => "json-merge-patch";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public Schema Schema { get; } = Schema.Object([], open: true);

    public void Apply(TraitRender render) =>
        render.Component.Workload = JsonPatching.MergePatch(render.Workload().DeepClone(), render.Properties) as JsonObject
                                    ?? throw render.Problem("the patch must leave an object");
}
