using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Schemas;
using static GitOpsVela.Engine.Rendering.Components.PodTemplate;

namespace GitOpsVela.Engine.Rendering.Components;

/// <summary>
/// <c>webservice</c> (vela-templates/definitions/internal/component/webservice.cue): a Deployment selecting
/// <c>app.oam.dev/component</c>, plus the Service <c>webserviceExpose</c> for ports with <c>expose: true</c>;
/// <c>limit.cpu</c>/<c>limit.memory</c> set limits above the requests.
/// </summary>
internal sealed class WebserviceComponent : IComponentType
{
    public string Name => "webservice";
    public string? WorkloadKind => "apps/v1 Deployment";

    public Schema Schema { get; } = Schema.Object(new Dictionary<string, Schema>(CommonParameters())
    {
        ["port"] = Schema.Int(min: 1, max: 65535),
        ["ports"] = PortsSchema(containerPort: true),
        ["exposeType"] = Schema.String(@default: "ClusterIP", @enum: ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]),
        ["addRevisionLabel"] = Schema.Bool(@default: false),
        ["args"] = Schema.Array(Schema.String()),
        ["limit"] = Schema.Object(new() { ["cpu"] = Schema.String(), ["memory"] = Schema.String() }),
        ["hostAliases"] = HostAliasesSchema,
    });

    public void Render(ComponentRender render)
    {
        render.Workload = PodWorkload("Deployment", Metadata(render), PodSpec(render, Container(render, PortStyle.WithProtocol)), render.Component.Name);
        AddExposeService(render, "webserviceExpose", PortStyle.WithProtocol);
    }
}

/// <summary>
/// <c>worker</c> (vela-templates/definitions/internal/component/worker.cue): a Deployment without ports or Service,
/// for long-running background work.
/// </summary>
internal sealed class WorkerComponent : IComponentType
{
    public string Name => "worker";
    public string? WorkloadKind => "apps/v1 Deployment";

    public Schema Schema { get; } = Schema.Object(CommonParameters(labels: false));

    public void Render(ComponentRender render)
    {
        render.Workload = new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.oam.dev/component"] = render.Component.Name } },
                ["template"] = new JsonObject
                {
                    // worker.cue labels the pods with the application and component only.
                    ["metadata"] = new JsonObject
                    {
                        ["labels"] = new JsonObject
                        {
                            ["app.oam.dev/name"] = render.Application.Name,
                            ["app.oam.dev/component"] = render.Component.Name,
                        },
                    },
                    ["spec"] = PodSpec(render, Container(render, PortStyle.None)),
                },
            },
        };
    }
}

/// <summary>
/// <c>task</c> (vela-templates/definitions/internal/component/task.cue): a Job named <c>&lt;app&gt;-&lt;component&gt;</c>
/// running <c>count</c> pods in parallel to completion, <c>restart</c> policy Never by default.
/// </summary>
internal sealed class TaskComponent : IComponentType
{
    public string Name => "task";
    public string? WorkloadKind => "batch/v1 Job";

    public Schema Schema { get; } = Schema.Object(new Dictionary<string, Schema>(CommonParameters())
    {
        ["count"] = Schema.Int(@default: 1, min: 0),
        ["restart"] = Schema.String(@default: "Never"),
    });

    public void Render(ComponentRender render)
    {
        var count = render.Properties["count"]?.DeepClone() ?? 1;
        render.Workload = new JsonObject
        {
            ["apiVersion"] = "batch/v1",
            ["kind"] = "Job",
            // task.cue (v1.10.3+): the Job is named "<app>-<component>".
            ["metadata"] = new JsonObject { ["name"] = $"{render.Application.Name}-{render.Component.Name}" },
            ["spec"] = new JsonObject
            {
                ["parallelism"] = count,
                ["completions"] = count.DeepClone(),
                ["template"] = new JsonObject
                {
                    ["metadata"] = Metadata(render),
                    ["spec"] = PodSpec(render, Container(render, PortStyle.None),
                        new JsonObject { ["restartPolicy"] = render.Properties.Str("restart") ?? "Never" }),
                },
            },
        };
    }
}

/// <summary>
/// <c>cron-task</c> (vela-templates/definitions/internal/component/cron-task.cue): a batch/v1 CronJob whose job template
/// runs <c>count</c> pods, with schedule, concurrency policy, history limits and backoff as the CUE defaults them.
/// </summary>
internal sealed class CronTaskComponent : IComponentType
{
    public string Name => "cron-task";
    public string? WorkloadKind => "batch/v1 CronJob";

    public Schema Schema { get; } = Schema.Object(new Dictionary<string, Schema>(CommonParameters())
    {
        ["schedule"] = Schema.String(required: true),
        ["startingDeadlineSeconds"] = Schema.Int(),
        ["suspend"] = Schema.Bool(@default: false),
        ["concurrencyPolicy"] = Schema.String(@default: "Allow", @enum: ["Allow", "Forbid", "Replace"]),
        ["successfulJobsHistoryLimit"] = Schema.Int(@default: 3),
        ["failedJobsHistoryLimit"] = Schema.Int(@default: 1),
        ["count"] = Schema.Int(@default: 1, min: 0),
        ["restart"] = Schema.String(@default: "Never"),
        ["hostAliases"] = HostAliasesSchema,
        ["ttlSecondsAfterFinished"] = Schema.Int(),
        ["activeDeadlineSeconds"] = Schema.Int(),
        ["backoffLimit"] = Schema.Int(@default: 6),
    });

    public void Render(ComponentRender render)
    {
        var p = render.Properties;
        var count = p["count"]?.DeepClone() ?? 1;
        var jobSpec = new JsonObject
        {
            ["parallelism"] = count,
            ["completions"] = count.DeepClone(),
        };
        p.CopyTo("ttlSecondsAfterFinished", jobSpec);
        p.CopyTo("activeDeadlineSeconds", jobSpec);
        jobSpec["backoffLimit"] = p["backoffLimit"]?.DeepClone() ?? 6;
        jobSpec["template"] = new JsonObject
        {
            ["metadata"] = Metadata(render),
            ["spec"] = PodSpec(render, Container(render, PortStyle.None), new JsonObject { ["restartPolicy"] = p.Str("restart") ?? "Never" }),
        };
        var spec = new JsonObject
        {
            ["schedule"] = p["schedule"]?.DeepClone(),
            ["concurrencyPolicy"] = p.Str("concurrencyPolicy") ?? "Allow",
            ["suspend"] = p["suspend"]?.DeepClone() ?? false,
            ["successfulJobsHistoryLimit"] = p["successfulJobsHistoryLimit"]?.DeepClone() ?? 3,
            ["failedJobsHistoryLimit"] = p["failedJobsHistoryLimit"]?.DeepClone() ?? 1,
        };
        p.CopyTo("startingDeadlineSeconds", spec);
        spec["jobTemplate"] = new JsonObject { ["metadata"] = Metadata(render), ["spec"] = jobSpec };
        render.Workload = new JsonObject { ["apiVersion"] = "batch/v1", ["kind"] = "CronJob", ["spec"] = spec };
    }
}

/// <summary>
/// <c>daemon</c> (vela-templates/definitions/internal/component/daemon.cue): a DaemonSet, one pod per node, plus the
/// Service the CUE names <c>webserviceExpose</c> for exposed ports.
/// </summary>
internal sealed class DaemonComponent : IComponentType
{
    public string Name => "daemon";
    public string? WorkloadKind => "apps/v1 DaemonSet";

    public Schema Schema { get; } = Schema.Object(new Dictionary<string, Schema>(CommonParameters())
    {
        ["port"] = Schema.Int(min: 1, max: 65535),
        ["ports"] = PortsSchema(containerPort: true),
        ["exposeType"] = Schema.String(@default: "ClusterIP", @enum: ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]),
        ["addRevisionLabel"] = Schema.Bool(@default: false),
        ["hostAliases"] = HostAliasesSchema,
    });

    public void Render(ComponentRender render)
    {
        render.Workload = PodWorkload("DaemonSet", Metadata(render), PodSpec(render, Container(render, PortStyle.Plain)), render.Component.Name);
        AddExposeService(render, "webserviceExpose", PortStyle.Plain);
    }
}

/// <summary>
/// <c>statefulset</c> (vela-templates/definitions/internal/component/statefulset.cue): a StatefulSet plus the Service
/// <c>statefulsetsExpose</c> for exposed ports.
/// </summary>
internal sealed class StatefulSetComponent : IComponentType
{
    public string Name => "statefulset";
    public string? WorkloadKind => "apps/v1 StatefulSet";

    public Schema Schema { get; } = Schema.Object(new Dictionary<string, Schema>(CommonParameters())
    {
        ["port"] = Schema.Int(min: 1, max: 65535),
        ["ports"] = PortsSchema(containerPort: true),
        ["exposeType"] = Schema.String(@default: "ClusterIP", @enum: ["ClusterIP", "NodePort", "LoadBalancer"]),
        ["addRevisionLabel"] = Schema.Bool(@default: false),
        ["args"] = Schema.Array(Schema.String()),
        ["hostAliases"] = HostAliasesSchema,
    });

    public void Render(ComponentRender render)
    {
        render.Workload = PodWorkload("StatefulSet", Metadata(render), PodSpec(render, Container(render, PortStyle.WithProtocol)), render.Component.Name);
        AddExposeService(render, "statefulsetsExpose", PortStyle.WithProtocol);
    }
}

/// <summary>
/// <c>k8s-objects</c> (vela-templates/definitions/internal/component/k8s-objects.cue): the first object is the workload,
/// the others are outputs <c>objects-1</c>, <c>objects-2</c>, ...
/// </summary>
internal sealed class K8sObjectsComponent : IComponentType
{
    public string Name => "k8s-objects";
    public string? WorkloadKind => null;

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["objects"] = Schema.Array(Schema.Object(new()
        {
            ["apiVersion"] = Schema.String(required: true),
            ["kind"] = Schema.String(required: true),
            ["metadata"] = Schema.Object(new() { ["name"] = Schema.String(required: true) }, required: true, open: true),
        }, open: true), required: true),
    });

    public void Render(ComponentRender render)
    {
        if (render.Properties["objects"] is not JsonArray { Count: > 0 } objects)
            throw new Diagnostics.VelaProblemException(new Diagnostics.VelaProblem(ErrorIds.Load.PropertyInvalid, Diagnostics.ProblemCategory.InvalidData,
                "objects must list at least one object", render.Component.Location, render.Application.Name, render.Component.Name, "properties.objects"));
        render.Workload = (JsonObject)objects[0]!.DeepClone();
        for (var i = 1; i < objects.Count; i++) render.Outputs.Add(new RenderedOutput($"objects-{i}", (JsonObject)objects[i]!.DeepClone()));
    }
}

/// <summary>
/// <c>raw</c>: KubeVela's built-in type whose properties are one Kubernetes object, applied as written (the spec's
/// <c>mysql-cluster</c> MysqlCluster).
/// </summary>
internal sealed class RawComponent : IComponentType
{
    public string Name => "raw";
    public string? WorkloadKind => null;

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["apiVersion"] = Schema.String(required: true),
        ["kind"] = Schema.String(required: true),
        ["metadata"] = Schema.Object(new() { ["name"] = Schema.String(), ["namespace"] = Schema.String() }, open: true),
    }, open: true);

    public void Render(ComponentRender render) => render.Workload = (JsonObject)render.Properties.DeepClone();
}
