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
            // Deprecated alias of clusterLabelSelector (KubeVela honours it behind the DeprecatedPolicySpec gate; GitOpsVela always).
            ["clusterSelector"] = Schema.Map(Schema.String()),
            // KubeVela v1.4.0–v1.5.3 spelled clusters "cluster".
            ["cluster"] = Schema.Array(Schema.String()),
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
        // resource-update.cue (v1.9+)
        ["resource-update"] = Schema.Object(new()
        {
            ["rules"] = Schema.Array(Schema.Object(new()
            {
                ["selector"] = ResourceSelector,
                ["strategy"] = Schema.Object(new()
                {
                    ["op"] = Schema.String(@default: "patch", @enum: ["patch", "replace"]),
                    ["recreateFields"] = Schema.Array(Schema.String()),
                }),
            })),
        }),
    };

    private static readonly Schema SecretKey = Schema.Object(new()
    {
        ["name"] = Schema.String(required: true),
        ["key"] = Schema.String(required: true),
    });

    /// <summary>
    /// A URL (or an email password) in every form KubeVela has accepted since v1.1 (see <see cref="Model.UrlSource"/>):
    /// a plain string (webhook-notification v1.1.1–v1.1.5, and v1.2–v1.5's <c>value | secretRef</c> definitions, which
    /// also take a bare <c>{name, key}</c>); <c>{address?, fromSecret?}</c> (v1.1.6–v1.1.13, address winning when both are
    /// set); <c>{value} | {secretRef}</c> (v1.2 on; open structs until v1.6, so both may be set, value winning).
    /// </summary>
    private static readonly Schema ValueOrSecret = new()
    {
        OneOf =
        [
            Schema.String(),
            Schema.Object(new() { ["value"] = Schema.String(required: true), ["secretRef"] = SecretKey }),
            Schema.Object(new() { ["secretRef"] = SecretKey.AsRequired() }),
            Schema.Object(new() { ["address"] = Schema.String(required: true), ["fromSecret"] = SecretKey }),
            Schema.Object(new() { ["fromSecret"] = SecretKey.AsRequired() }),
            SecretKey,
        ],
        Description = Model.UrlSource.AcceptedForms,
    };

    // The messages are open structs in every release; fields an input sets (parameterKey) need not be in the file.
    private static readonly Schema SlackMessage = Schema.Object(new()
    {
        ["text"] = Schema.String(required: true),
        ["blocks"] = Schema.Array(Schema.Any()),
        ["attachments"] = Schema.Object(new() { ["blocks"] = Schema.Array(Schema.Any()), ["color"] = Schema.String() }, open: true),
        ["thread_ts"] = Schema.String(),
        ["mrkdwn"] = Schema.Bool(@default: true),
    }, required: true, open: true);

    private static readonly Schema DingTalkMessage = Schema.Object(new()
    {
        ["msgtype"] = Schema.String(@default: "text", @enum: ["text", "link", "markdown", "actionCard", "feedCard"]),
        ["text"] = Schema.Object(new() { ["content"] = Schema.String(required: true) }, open: true),
    }, required: true, open: true);

    private static readonly Schema LarkMessage = Schema.Object(new()
    {
        ["msg_type"] = Schema.String(required: true),
        ["content"] = Schema.String(required: true),
    }, required: true, open: true);

    private static Schema Channel(Schema message) => Schema.Object(new() { ["url"] = ValueOrSecret.AsRequired(), ["message"] = message });

    private static readonly Schema Email = Schema.Object(new()
    {
        ["from"] = Schema.Object(new()
        {
            ["address"] = Schema.String(required: true),
            ["alias"] = Schema.String(),
            ["password"] = ValueOrSecret.AsRequired(),
            ["host"] = Schema.String(required: true),
            ["port"] = Schema.Int(@default: 587),
        }, required: true),
        ["to"] = Schema.Array(Schema.String(), required: true),
        ["content"] = Schema.Object(new() { ["subject"] = Schema.String(required: true), ["body"] = Schema.String(required: true) }, required: true),
    });

    private static Schema Notification => Schema.Object(new()
    {
        ["lark"] = Channel(LarkMessage),
        ["dingding"] = Channel(DingTalkMessage),
        ["slack"] = Channel(SlackMessage),
        ["email"] = Email,
    });

    /// <summary>
    /// <c>apply-object</c>'s forms: <c>{value: {object}, cluster}</c> (v1.1.7 on) and, before, the object itself as the
    /// properties (v1.1.4–v1.1.6).
    /// </summary>
    private static readonly Schema ApplyObject = new()
    {
        OneOf =
        [
            Schema.Object(new() { ["value"] = Schema.Object([], required: true, open: true), ["cluster"] = Schema.String(@default: "") }),
            Schema.Object(new() { ["apiVersion"] = Schema.String(required: true), ["kind"] = Schema.String(required: true) }, open: true),
        ],
        Description = "{value: <object>, cluster: <name>} or, as in KubeVela v1.1.4–v1.1.6, the object itself (apiVersion, kind, metadata, ...)",
    };

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
        ["apply-object"] = ApplyObject,
        ["read-object"] = Schema.Object(new()
        {
            ["apiVersion"] = Schema.String(@default: "core.oam.dev/v1beta1"),
            ["kind"] = Schema.String(@default: "Application"),
            ["name"] = Schema.String(required: true),
            ["namespace"] = Schema.String(@default: "default"),
            ["cluster"] = Schema.String(@default: ""),
        }),
        ["webhook"] = Schema.Object(new() { ["url"] = ValueOrSecret.AsRequired(), ["data"] = Schema.Any() }),
        // notification (v1.2 on) and its predecessor webhook-notification (v1.1, deprecated v1.2–v1.5): the same channels.
        ["notification"] = Notification,
        ["webhook-notification"] = Notification,
        ["request"] = Schema.Object(new()
        {
            ["url"] = Schema.String(required: true),
            ["method"] = Schema.String(@default: "GET", @enum: ["GET", "POST", "PUT", "DELETE"]),
            ["body"] = Schema.Any(),
            ["header"] = Schema.Map(Schema.String()),
        }),
        ["print-message-in-status"] = Schema.Object(new() { ["message"] = Schema.String(required: true) }),
        // apply-terraform-config.cue (v1.7.0 to v1.10.9).
        ["apply-terraform-config"] = Schema.Object(new()
        {
            ["source"] = new Schema
            {
                Required = true,
                OneOf =
                [
                    Schema.Object(new() { ["hcl"] = Schema.String(required: true) }),
                    Schema.Object(new() { ["remote"] = Schema.String(@default: Model.ApplyTerraformConfigSpec.DefaultRemote), ["path"] = Schema.String() }),
                ],
                Description = "{hcl: <terraform configuration>} or {remote: <git URL>, path: <folder>}",
            },
            ["deleteResource"] = Schema.Bool(@default: true),
            ["variable"] = Schema.Object([], open: true),
            ["writeConnectionSecretToRef"] = Schema.Object(new() { ["name"] = Schema.String(required: true), ["namespace"] = Schema.String() }),
            ["providerRef"] = Schema.Object(new() { ["name"] = Schema.String(required: true), ["namespace"] = Schema.String() }),
            ["region"] = Schema.String(),
            ["jobEnv"] = Schema.Object([], open: true),
            ["forceDelete"] = Schema.Bool(@default: false),
        }),
        // apply-terraform-provider.cue (v1.7.0 to v1.10.9): one of the closed provider definitions.
        ["apply-terraform-provider"] = new Schema
        {
            OneOf =
            [
                Provider("alibaba", typeRequired: false, "accessKey", "secretKey", "region"),
                Provider("aws", typeRequired: true, "accessKey", "secretKey", "region", "token?"),
                Provider(null, typeRequired: false, "subscriptionID", "tenantID", "clientID", "clientSecret"),
                Provider("baidu", typeRequired: true, "accessKey", "secretKey", "region"),
                Provider("ec", typeRequired: true, "apiKey?"),
                Provider("gcp", typeRequired: true, "credentials", "region", "project"),
                Provider("tencent", typeRequired: true, "secretID", "secretKey", "region"),
                Provider("ucloud", typeRequired: true, "publicKey", "privateKey", "projectID", "region"),
            ],
            Description = "alibaba {accessKey, secretKey, region}, {type: aws, accessKey, secretKey, region, token?}, azure {subscriptionID, tenantID, clientID, clientSecret}, "
                          + "{type: baidu, accessKey, secretKey, region}, {type: ec, apiKey?}, {type: gcp, credentials, region, project}, "
                          + "{type: tencent, secretID, secretKey, region}, {type: ucloud, publicKey, privateKey, projectID, region}; each with an optional name",
        },
    };

    /// <summary>One provider form of apply-terraform-provider: its fixed <c>type</c> (none for Azure's), required fields, optional ones ending in '?'.</summary>
    private static Schema Provider(string? type, bool typeRequired, params string[] fields)
    {
        var properties = new Dictionary<string, Schema> { ["name"] = Schema.String() };
        if (type is not null) properties["type"] = Schema.String(required: typeRequired, @enum: [type]);
        foreach (var field in fields)
            properties[field.TrimEnd('?')] = Schema.String(required: !field.EndsWith('?'));
        return Schema.Object(properties);
    }
}
