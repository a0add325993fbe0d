using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering.Patching;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that set what pods and containers are allowed to do: securitycontext, podsecuritycontext.

/// <summary>
/// <c>securitycontext</c> (vela-templates/definitions/internal/trait/securitycontext.cue, KubeVela v1.10+): a container's
/// <c>securityContext</c> — capabilities to add/drop, runAsUser/runAsGroup when given, and allowPrivilegeEscalation,
/// readOnlyRootFilesystem, privileged (false) and runAsNonRoot (true) always — on one container (<c>containerName</c>,
/// default the component's) or on each of <c>containers</c>.
/// </summary>
internal sealed class SecurityContextTrait : ITraitType
{
    public string Name => "securitycontext";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static readonly Dictionary<string, Schema> Params = new()
    {
        ["containerName"] = Schema.String(@default: ""),
        ["addCapabilities"] = Schema.Array(Schema.String()),
        ["allowPrivilegeEscalation"] = Schema.Bool(@default: false),
        ["dropCapabilities"] = Schema.Array(Schema.String()),
        ["privileged"] = Schema.Bool(@default: false),
        ["readOnlyRootFilesystem"] = Schema.Bool(@default: false),
        ["runAsNonRoot"] = Schema.Bool(@default: true),
        ["runAsUser"] = Schema.Int(),
        ["runAsGroup"] = Schema.Int(),
    };

    public Schema Schema { get; } = ContainerTargets.Forms(Params);

    public void Apply(TraitRender render)
    {
        var pod = render.PodSpec();
        foreach (var (name, p) in render.ContainerParams())
        {
            var container = render.Container(pod, name);
            var capabilities = new JsonObject();
            p.CopyTo("addCapabilities", capabilities, "add");
            p.CopyTo("dropCapabilities", capabilities, "drop");
            var context = new JsonObject { ["capabilities"] = capabilities };
            p.CopyTo("runAsUser", context);
            p.CopyTo("runAsGroup", context);
            context["allowPrivilegeEscalation"] = p.Bool("allowPrivilegeEscalation");
            context["readOnlyRootFilesystem"] = p.Bool("readOnlyRootFilesystem");
            context["privileged"] = p.Bool("privileged");
            context["runAsNonRoot"] = p.Bool("runAsNonRoot", fallback: true);
            if (container["securityContext"] is JsonObject existing) JsonPatching.Merge(existing, context);
            else container["securityContext"] = context;
        }
    }
}

/// <summary>
/// <c>podsecuritycontext</c> (vela-templates/definitions/internal/trait/podsecuritycontext.cue, KubeVela v1.10+): the
/// pod's <c>securityContext</c> — appArmorProfile, fsGroup, runAsGroup, runAsUser, seccompProfile when given, and
/// runAsNonRoot (true by default).
/// </summary>
internal sealed class PodSecurityContextTrait : ITraitType
{
    public string Name => "podsecuritycontext";
    public IReadOnlyList<string> AppliesTo { get; } = ["deployments.apps", "statefulsets.apps", "daemonsets.apps", "jobs.batch"];

    private static Schema Profile => Schema.Object(new()
    {
        ["type"] = Schema.String(required: true, @enum: ["RuntimeDefault", "Unconfined", "Localhost"]),
        ["localhostProfile"] = Schema.String(),
    });

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["appArmorProfile"] = Profile,
        ["fsGroup"] = Schema.Int(),
        ["runAsGroup"] = Schema.Int(),
        ["runAsUser"] = Schema.Int(),
        ["runAsNonRoot"] = Schema.Bool(@default: true),
        ["seccompProfile"] = Profile,
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var context = JsonPatching.Object(render.PodSpec(), "securityContext");
        foreach (var key in new[] { "appArmorProfile", "fsGroup", "runAsGroup", "runAsUser", "seccompProfile" }) p.CopyTo(key, context);
        context["runAsNonRoot"] = p.Bool("runAsNonRoot", fallback: true);
    }
}
