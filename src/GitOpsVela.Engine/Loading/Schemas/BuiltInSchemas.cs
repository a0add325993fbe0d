namespace GitOpsVela.Engine.Loading.Schemas;

/// <summary>
/// Parameter schemas of KubeVela's built-in policies (vela-templates/definitions/internal/policy/*.cue) and workflow
/// steps (vela-templates/definitions/internal/workflowstep/*.cue) that GitOpsVela runs. Component and trait schemas
/// live with their renderers.
/// </summary>
internal static class BuiltInSchemas
{
    private static readonly Schema ResourceSelector = Schema.Object(new()
    {
        ["componentNames"] = Schema.Array(Schema.String()),
        ["componentTypes"] = Schema.Array(Schema.String()),
        ["oamTypes"] = Schema.Array(Schema.String()),
        ["traitTypes"] = Schema.Array(Schema.String()),
        ["resourceTypes"] = Schema.Array(Schema.String()),
        ["resourceNames"] = Schema.Array(Schema.String()),
    });

    /// <summary>policy type -> schema of its properties.</summary>
    public static IReadOnlyDictionary<string, Schema> Policies { get; } = new Dictionary<string, Schema>(StringComparer.Ordinal)
    {
        // topology.cue
        ["topology"] = Schema.Object(new()
        {
            ["clusters"] = Schema.Array(Schema.String()),
            ["clusterLabelSelector"] = Schema.Map(Schema.String()),
            ["clusterSelector"] = Schema.Map(Schema.String()),
            ["allowEmpty"] = Schema.Bool(),
            ["namespace"] = Schema.String(),
        }),
        // override.cue
        ["override"] = Schema.Object(new()
        {
            ["components"] = Schema.Array(Schema.Object(new()
            {
                ["name"] = Schema.String(),
                ["type"] = Schema.String(),
                ["properties"] = Schema.Object([], open: true),
                ["traits"] = Schema.Array(Schema.Object(new()
                {
                    ["type"] = Schema.String(required: true),
                    ["properties"] = Schema.Object([], open: true),
                    ["disable"] = Schema.Bool(@default: false),
                })),
            }), required: true),
            ["selector"] = Schema.Array(Schema.String()),
        }),
        // garbage-collect.cue
        ["garbage-collect"] = Schema.Object(new()
        {
            ["applicationRevisionLimit"] = Schema.Int(),
            ["keepLegacyResource"] = Schema.Bool(@default: false),
            ["continueOnFailure"] = Schema.Bool(@default: false),
            ["rules"] = Schema.Array(Schema.Object(new()
            {
                ["selector"] = ResourceSelector,
                ["strategy"] = Schema.String(@default: "onAppUpdate", @enum: ["onAppUpdate", "onAppDelete", "never"]),
                ["propagation"] = Schema.String(@enum: ["orphan", "cascading"]),
            })),
        }),
        // apply-once.cue
        ["apply-once"] = Schema.Object(new()
        {
            ["enable"] = Schema.Bool(@default: false),
            ["rules"] = Schema.Array(Schema.Object(new()
            {
                ["selector"] = ResourceSelector,
                ["strategy"] = Schema.Object(new()
                {
                    ["affect"] = Schema.String(@enum: ["onUpdate", "onStateKeep", "always"]),
                    ["path"] = Schema.Array(Schema.String(), required: true),
                }),
            })),
        }),
        ["shared-resource"] = Schema.Object(new() { ["rules"] = Schema.Array(Schema.Object(new() { ["selector"] = ResourceSelector })) }),
        ["take-over"] = Schema.Object(new() { ["rules"] = Schema.Array(Schema.Object(new() { ["selector"] = ResourceSelector })) }),
        ["read-only"] = Schema.Object(new() { ["rules"] = Schema.Array(Schema.Object(new() { ["selector"] = ResourceSelector })) }),
    };

    private static readonly Schema SecretKey = Schema.Object(new()
    {
        ["name"] = Schema.String(required: true),
        ["key"] = Schema.String(required: true),
    });

    /// <summary>A URL in every form KubeVela has accepted since v1.1 (see <see cref="Model.UrlSource"/>).</summary>
    private static readonly Schema ValueOrSecret = new()
    {
        OneOf =
        [
            Schema.String(),
            Schema.Object(new() { ["value"] = Schema.String(required: true) }),
            Schema.Object(new() { ["secretRef"] = SecretKey.AsRequired() }),
            Schema.Object(new() { ["address"] = Schema.String(required: true) }),
            Schema.Object(new() { ["fromSecret"] = SecretKey.AsRequired() }),
        ],
        Description = Model.UrlSource.AcceptedForms,
    };

    private static readonly Schema NotificationTarget = Schema.Object(new() { ["url"] = ValueOrSecret.AsRequired(), ["message"] = Schema.Any() }, open: true);

    /// <summary>workflow step type -> schema of its properties.</summary>
    public static IReadOnlyDictionary<string, Schema> Steps { get; } = new Dictionary<string, Schema>(StringComparer.Ordinal)
    {
        ["apply-component"] = Schema.Object(new()
        {
            ["component"] = Schema.String(required: true),
            ["cluster"] = Schema.String(),
            ["namespace"] = Schema.String(),
        }),
        ["deploy"] = Schema.Object(new()
        {
            ["auto"] = Schema.Bool(@default: true),
            ["policies"] = Schema.Array(Schema.String()),
            ["parallelism"] = Schema.Int(@default: 5, min: 1),
            ["ignoreTerraformComponent"] = Schema.Bool(@default: true),
        }),
        // kubevela/catalog addons/kruise-rollout/definitions/canary-deploy.cue
        ["canary-deploy"] = Schema.Object(new()
        {
            ["policies"] = Schema.Array(Schema.String()),
            ["components"] = Schema.Array(Schema.String()),
            ["weight"] = Schema.Int(required: true, min: 0, max: 100),
            ["rolloutType"] = Schema.String(@default: "partition"),
        }),
        ["suspend"] = Schema.Object(new() { ["duration"] = Schema.String(), ["message"] = Schema.String() }),
        ["step-group"] = Schema.Object([], open: true),
        ["depends-on-app"] = Schema.Object(new()
        {
            ["name"] = Schema.String(required: true),
            ["namespace"] = Schema.String(required: true),
        }),
        ["apply-object"] = Schema.Object(new() { ["value"] = Schema.Object([], required: true, open: true), ["cluster"] = Schema.String(@default: "") }),
        ["read-object"] = Schema.Object(new()
        {
            ["apiVersion"] = Schema.String(@default: "core.oam.dev/v1beta1"),
            ["kind"] = Schema.String(@default: "Application"),
            ["name"] = Schema.String(required: true),
            ["namespace"] = Schema.String(@default: "default"),
            ["cluster"] = Schema.String(@default: ""),
        }),
        ["webhook"] = Schema.Object(new() { ["url"] = ValueOrSecret.AsRequired(), ["data"] = Schema.Any() }),
        ["notification"] = Schema.Object(new()
        {
            ["lark"] = NotificationTarget,
            ["dingding"] = NotificationTarget,
            ["slack"] = NotificationTarget,
            ["email"] = Schema.Object([], open: true),
        }),
        ["webhook-notification"] = Schema.Object(new()
        {
            ["lark"] = NotificationTarget,
            ["dingding"] = NotificationTarget,
            ["slack"] = NotificationTarget,
            ["email"] = Schema.Object([], open: true),
        }),
        ["request"] = Schema.Object(new()
        {
            ["url"] = Schema.String(required: true),
            ["method"] = Schema.String(@default: "GET", @enum: ["GET", "POST", "PUT", "DELETE"]),
            ["body"] = Schema.Any(),
            ["header"] = Schema.Map(Schema.String()),
        }),
        ["print-message-in-status"] = Schema.Object(new() { ["message"] = Schema.String(required: true) }),
    };
}
