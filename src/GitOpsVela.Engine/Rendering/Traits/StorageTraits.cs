using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Components;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that give pods storage: storage (volumes of every kind and the claims it creates) and the deprecated configmap,
// pvc and volumes.

/// <summary>
/// <c>storage</c> (vela-templates/definitions/internal/trait/storage.cue): pvc/configMap/secret/emptyDir/hostPath volumes
/// named <c>&lt;kind&gt;-&lt;name&gt;</c>, mounted in the first container (block PVCs as volumeDevices, configMap/secret
/// keys as env), and the PVCs, ConfigMaps and Secrets themselves unless <c>mountOnly</c>.
/// </summary>
internal sealed class StorageTrait : ITraitType
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
        // containers: [{...}, ...] patches the first container. Empty lists are not written (an API server drops them);
        // a pvc mounted at two paths keeps both mounts when the container has no mounts of its own to merge into.
        var first = FirstContainer.Of(render);
        JsonPatching.PatchList(first, "env", env);
        JsonPatching.PatchList(first, "volumeDevices", devices);
        JsonPatching.PatchList(first, "volumeMounts", mounts);

        // Outputs are keyed <kind>-<name>: a claim mounted twice is one PVC.
        foreach (var v in Items("pvc").Where(v => !v.Bool("mountOnly")).DistinctBy(v => v.Str("name")))
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
        foreach (var v in Items("configMap").Where(v => !v.Bool("mountOnly")).DistinctBy(v => v.Str("name")))
        {
            var cm = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = v.Clone("name") } };
            if (v["data"] is { } data) cm["data"] = data.DeepClone();
            render.AddOutput("configmap-" + v.Str("name"), cm);
        }
        foreach (var v in Items("secret").Where(v => !v.Bool("mountOnly")).DistinctBy(v => v.Str("name")))
        {
            var secret = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = v.Clone("name") } };
            if (v["data"] is { } data) secret["data"] = data.DeepClone();
            if (v["stringData"] is { } stringData) secret["stringData"] = stringData.DeepClone();
            render.AddOutput("secret-" + v.Str("name"), secret);
        }
    }
}

/// <summary>The first container of the pod, which the storage traits mount into (<c>containers: [{...}, ...]</c>).</summary>
internal static class FirstContainer
{
    public static JsonObject Of(TraitRender render) =>
        (render.PodSpec()["containers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault() ?? throw render.Problem("the pod has no container to mount into");
}

/// <summary>
/// <c>configmap</c> (vela-templates/definitions/deprecated/configmap.cue): per volume a ConfigMap volume
/// <c>volume-&lt;name&gt;</c> mounted in the first container (<c>readOnly</c> false by default) and, when <c>data</c> is
/// given, the ConfigMap itself (output <c>&lt;name&gt;</c>).
/// </summary>
internal sealed class ConfigMapTrait : ITraitType
{
    public string Name => "configmap";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["volumes"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["mountPath"] = Schema.String(required: true),
            ["readOnly"] = Schema.Bool(@default: false),
            ["data"] = Schema.Map(Schema.String()),
        }), required: true),
    });

    public void Apply(TraitRender render)
    {
        var volumes = (render.Properties["volumes"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        JsonPatching.PatchList(FirstContainer.Of(render), "volumeMounts", volumes.Select(v => new JsonObject
        {
            ["name"] = $"volume-{v.Str("name")}",
            ["mountPath"] = v.Clone("mountPath"),
            ["readOnly"] = v.Bool("readOnly"),
        }).ToList());
        JsonPatching.PatchList(render.PodSpec(), "volumes", volumes.Select(v => new JsonObject
        {
            ["name"] = $"volume-{v.Str("name")}",
            ["configMap"] = new JsonObject { ["name"] = v.Clone("name") },
        }).ToList());
        foreach (var v in volumes.Where(v => v["data"] is not null).DistinctBy(v => v.Str("name")))
            render.AddOutput(v.Str("name")!, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "ConfigMap",
                ["metadata"] = new JsonObject { ["name"] = v.Clone("name") },
                ["data"] = v.Clone("data"),
            });
    }
}

/// <summary>
/// <c>pvc</c> (vela-templates/definitions/deprecated/pvc.cue): the PersistentVolumeClaim <c>claimName</c> (output
/// <c>claim</c>; <c>volumeMode</c> Filesystem by default) as a volume per <c>volumesToMount</c> entry, mounted in the first
/// container (<c>volumeMounts</c>, or <c>volumeDevices</c> for Block). KubeVela's template writes <c>selector</c> into
/// the claim's <c>dataSource</c>, which the API server rejects; GitOpsVela writes it to <c>spec.selector</c>.
/// </summary>
internal sealed class PvcTrait : ITraitType
{
    public string Name => "pvc";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps"];

    private const string Quantity = "^([1-9][0-9]{0,63})(E|P|T|G|M|K|Ei|Pi|Ti|Gi|Mi|Ki)$";

    private static Schema Ref => Schema.Object(new() { ["name"] = Schema.String(required: true), ["kind"] = Schema.String(required: true), ["apiGroup"] = Schema.String(required: true) });

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["claimName"] = Schema.String(required: true),
        ["volumeMode"] = Schema.String(@default: "Filesystem"),
        ["volumeName"] = Schema.String(),
        ["accessModes"] = Schema.Array(Schema.String(), required: true),
        ["storageClassName"] = Schema.String(),
        ["resources"] = Schema.Object(new()
        {
            ["requests"] = Schema.Object(new() { ["storage"] = new Schema { Type = SchemaType.String, Required = true, Pattern = Quantity } }, required: true),
            ["limits"] = Schema.Object(new() { ["storage"] = new Schema { Type = SchemaType.String, Required = true, Pattern = Quantity } }),
        }, required: true),
        ["dataSourceRef"] = Ref,
        ["dataSource"] = Ref,
        ["selector"] = Schema.Object([], open: true),
        ["volumesToMount"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["devicePath"] = Schema.String(),
            ["mountPath"] = Schema.String(),
        }), required: true),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var mode = p.Str("volumeMode") ?? "Filesystem";
        var claim = p.Str("claimName");
        var mounts = (p["volumesToMount"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var first = FirstContainer.Of(render);
        if (mode == "Block")
            JsonPatching.PatchList(first, "volumeDevices", mounts.Select(v => new JsonObject { ["name"] = v.Clone("name"), ["devicePath"] = v.Clone("devicePath") }).ToList());
        else if (mode == "Filesystem")
            JsonPatching.PatchList(first, "volumeMounts", mounts.Select(v => new JsonObject { ["name"] = v.Clone("name"), ["mountPath"] = v.Clone("mountPath") }).ToList());
        JsonPatching.PatchList(render.PodSpec(), "volumes", mounts.Select(v => new JsonObject
        {
            ["name"] = v.Clone("name"),
            ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = claim },
        }).ToList());

        var spec = new JsonObject { ["accessModes"] = p.Clone("accessModes"), ["volumeMode"] = mode };
        p.CopyTo("volumeName", spec);
        p.CopyTo("storageClassName", spec);
        var resources = new JsonObject { ["requests"] = new JsonObject { ["storage"] = p["resources"]?["requests"]?["storage"]?.DeepClone() } };
        if (p["resources"]?["limits"]?["storage"] is { } limit) resources["limits"] = new JsonObject { ["storage"] = limit.DeepClone() };
        spec["resources"] = resources;
        p.CopyTo("dataSourceRef", spec);
        p.CopyTo("dataSource", spec);
        p.CopyTo("selector", spec);
        render.AddOutput("claim", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "PersistentVolumeClaim",
            ["metadata"] = new JsonObject { ["name"] = claim },
            ["spec"] = spec,
        });
    }
}

/// <summary>
/// <c>volumes</c> (vela-templates/definitions/deprecated/volumes.cue): pod volumes by <c>type</c> — pvc, configMap and
/// secret (defaultMode 420, items' mode 511) or emptyDir (the default) — merged by name into the pod's volumes. Nothing
/// is mounted: a sidecar or the component mounts them by name.
/// </summary>
internal sealed class VolumesTrait : ITraitType
{
    public string Name => "volumes";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["volumes"] = Schema.Array(Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["type"] = Schema.String(@default: "emptyDir", @enum: ["emptyDir", "pvc", "configMap", "secret"]),
            ["claimName"] = Schema.String(),
            ["defaultMode"] = Schema.Int(),
            ["cmName"] = Schema.String(),
            ["secretName"] = Schema.String(),
            ["items"] = Schema.Array(Schema.Object(new() { ["key"] = Schema.String(required: true), ["path"] = Schema.String(required: true), ["mode"] = Schema.Int(@default: 511) })),
            ["medium"] = Schema.String(@enum: ["", "Memory"]),
        })),
    });

    public void Apply(TraitRender render) =>
        JsonPatching.PatchList(render.PodSpec(), "volumes",
            (render.Properties["volumes"] as JsonArray ?? []).OfType<JsonObject>().Select(v => (JsonObject)PodTemplate.LegacyVolume(v)).ToList());
}
