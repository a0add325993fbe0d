using System.Text;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Steps;

/// <summary>
/// <c>apply-terraform-config</c> (vela-templates/definitions/internal/workflowstep/apply-terraform-config.cue): applies a
/// terraform-controller <c>terraform.core.oam.dev/v1beta2 Configuration</c> named <c>&lt;app&gt;-&lt;step&gt;</c> in the
/// application's namespace — spec <c>deleteResource</c>, <c>variable</c>, <c>forceDelete</c>, then <c>path</c>,
/// <c>remote</c> or <c>hcl</c> from <c>source</c>, <c>providerRef</c> and <c>writeConnectionSecretToRef</c> (their namespace
/// defaulting to the application's) — and waits until <c>status.apply.state</c> is <c>Available</c>. The template also
/// writes <c>jobEnv</c> and <c>region</c>, which the v1beta2 schema does not have (its fields are <c>JobEnv</c> and
/// <c>customRegion</c>), so the API server drops them; GitOpsVela leaves them out, so the object it applies is the one that
/// is stored. The Configuration carries the application's labels and is removed with it. A Configuration the controller
/// failed to apply fails the step with the controller's message. Outputs read the live Configuration as
/// <c>apply.$returns.value</c> (v1.10) or <c>apply.value</c> (earlier), e.g.
/// <c>valueFrom: apply.value.status.apply.outputs.DB_HOST.value</c>; since the status holds every Terraform output,
/// sensitive ones too, they are treated as values read from a Secret (never recorded).
/// </summary>
internal sealed class ApplyTerraformConfigStep(DeliveryRun run) : IStepExecutor
{
    public string Type => "apply-terraform-config";

    public async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (ApplyTerraformConfigSpec)context.Spec;
        var app = context.Application;
        if (spec.Hcl is null && spec.Remote is null) return StepOutcome.Failed("source must be {hcl: ...} or {remote: ..., path: ...}");
        var configuration = Render(app, context.Step.Name, spec);
        if (spec.JobEnv is not null || spec.Region is not null)
            context.Output.Verbose($"{app}: step '{context.Step.Name}': jobEnv and region are not fields of the v1beta2 Configuration (JobEnv, customRegion); the API server would drop them, so they are left out as in KubeVela's result");
        var outcome = await TerraformObjects.ApplyAndWaitAsync(run, context, configuration, "apply", "Configuration", cancellationToken).ConfigureAwait(false);
        // terraform-controller writes every Terraform output into the status, sensitive ones too: outputs read from it are
        // kept as from a Secret (in memory; the record names where they came from, and this step reads them again later).
        return outcome.Phase == StepPhase.Succeeded
            ? outcome with { SecretSource = $"Configuration {app.Namespace}/{app.Name}-{context.Step.Name} status.apply.outputs" }
            : outcome;
    }

    /// <summary>The Configuration the step's template renders (without the fields the API server drops).</summary>
    public static JsonObject Render(Application app, string step, ApplyTerraformConfigSpec spec)
    {
        var s = new JsonObject
        {
            ["deleteResource"] = spec.DeleteResource,
            ["variable"] = spec.Variable.DeepClone(),
            ["forceDelete"] = spec.ForceDelete,
        };
        if (spec.Path is not null) s["path"] = spec.Path;
        if (spec.Remote is not null) s["remote"] = spec.Remote;
        if (spec.Hcl is not null) s["hcl"] = spec.Hcl;
        if (spec.ProviderRef is { } provider) s["providerRef"] = Reference(provider, app.Namespace);
        if (spec.WriteConnectionSecretToRef is { } secret) s["writeConnectionSecretToRef"] = Reference(secret, app.Namespace);
        return TerraformObjects.Labelled(app, new JsonObject
        {
            ["apiVersion"] = "terraform.core.oam.dev/v1beta2",
            ["kind"] = "Configuration",
            ["metadata"] = new JsonObject { ["name"] = $"{app.Name}-{step}", ["namespace"] = app.Namespace },
            ["spec"] = s,
        });
    }

    private static JsonObject Reference(TerraformReference reference, string appNamespace) =>
        new() { ["name"] = reference.Name, ["namespace"] = reference.Namespace ?? appNamespace };
}

/// <summary>
/// <c>apply-terraform-provider</c> (vela-templates/definitions/internal/workflowstep/apply-terraform-provider.cue): creates
/// the provider config <c>&lt;app&gt;-&lt;step&gt;</c> in the application's namespace from KubeVela's config template
/// <c>terraform-&lt;type&gt;</c> (kubevela/catalog addons/terraform-&lt;type&gt;/config-templates/&lt;type&gt;-provider.cue, rendered
/// by pkg/config's ParseConfig): the config Secret (the template's <c>output</c> with <c>credentials</c> lines, labelled and
/// annotated as a config, with <c>input-properties</c> and <c>objects-reference</c>) and the terraform-controller
/// <c>terraform.core.oam.dev/v1beta1 Provider</c> named <c>name</c> in namespace <c>default</c> that reads it. Then it waits
/// until the Provider <c>{name, the application's namespace}</c> reports <c>ready</c> — which is the same Provider only for an
/// application in <c>default</c> (validation says so for others). Configs are not the application's: they stay when it is
/// removed, as in KubeVela. Outputs read the Provider as <c>read.$returns.value</c> or <c>read.value</c>.
/// </summary>
internal sealed class ApplyTerraformProviderStep(DeliveryRun run) : IStepExecutor
{
    public string Type => "apply-terraform-provider";

    /// <summary>Per provider type: the Provider's <c>spec.provider</c>, the config key of its region, and the credentials lines (prefix, config key).</summary>
    private static readonly IReadOnlyDictionary<string, (string? Region, (string Prefix, string Key)[] Credentials, bool LabelsOnSecret, bool Sensitive)> Templates =
        new Dictionary<string, (string?, (string, string)[], bool, bool)>(StringComparer.Ordinal)
        {
            ["alibaba"] = ("ALICLOUD_REGION", [("accessKeyID", "ALICLOUD_ACCESS_KEY"), ("accessKeySecret", "ALICLOUD_SECRET_KEY")], false, true),
            ["aws"] = ("AWS_DEFAULT_REGION", [("awsAccessKeyID", "AWS_ACCESS_KEY_ID"), ("awsSecretAccessKey", "AWS_SECRET_ACCESS_KEY"), ("awsSessionToken", "AWS_SESSION_TOKEN")], true, false),
            ["azure"] = (null, [("armClientID", "ARM_CLIENT_ID"), ("armClientSecret", "ARM_CLIENT_SECRET"), ("armSubscriptionID", "ARM_SUBSCRIPTION_ID"), ("armTenantID", "ARM_TENANT_ID")], true, true),
            ["baidu"] = ("BAIDUCLOUD_REGION", [("accessKey", "BAIDUCLOUD_ACCESS_KEY"), ("secretKey", "BAIDUCLOUD_SECRET_KEY")], true, true),
            ["ec"] = (null, [("ecApiKey", "EC_API_KEY")], false, true),
            ["gcp"] = ("GOOGLE_REGION", [("gcpCredentialsJSON", "GOOGLE_CREDENTIALS"), ("gcpProject", "GOOGLE_PROJECT")], true, true),
            ["tencent"] = ("TENCENTCLOUD_REGION", [("secretID", "TENCENTCLOUD_SECRET_ID"), ("secretKey", "TENCENTCLOUD_SECRET_KEY")], true, true),
            ["ucloud"] = ("UCLOUD_REGION", [("privateKey", "UCLOUD_PRIVATE_KEY"), ("publicKey", "UCLOUD_PUBLIC_KEY"), ("projectID", "UCLOUD_PROJECT_ID")], true, true),
        };

    public async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (ApplyTerraformProviderSpec)context.Spec;
        var app = context.Application;
        if (spec.Type == "azure" || !Templates.ContainsKey(spec.Type))
            return StepOutcome.Failed($"no config template terraform-{spec.Type}: KubeVela's step names the template after the provider's type, and "
                                      + (spec.Type == "azure" ? "its Azure form has no type" : "there is none of that type"));
        var (secret, provider) = Render(app, context.Step.Name, spec);
        var cluster = run.Gateway.LocalCluster;
        var manifests = new[] { secret, provider }.Select(o => new RenderedManifest(o, app.Name, context.Step.Name, null, null)).ToList();
        foreach (var ns in manifests.Select(m => m.Namespace).OfType<string>().Distinct())
            await run.Gateway.EnsureNamespaceAsync(cluster, ns, cancellationToken).ConfigureAwait(false);
        var report = await run.Gateway.ApplyAsync(cluster, manifests, run.Force, cancellationToken).ConfigureAwait(false);
        if (report.Problems.Count > 0) return StepOutcome.From(report.Problems, "Apply");
        if (report.Objects.FirstOrDefault(o => o.Action == ApplyAction.Waiting) is { } waiting)
            return StepOutcome.Waiting(waiting.Message ?? "waiting for terraform-controller's Provider CRD");

        // The step reads the Provider in the application's namespace (the template made it in default).
        var read = new RenderedManifest(new JsonObject
        {
            ["apiVersion"] = "terraform.core.oam.dev/v1beta1",
            ["kind"] = "Provider",
            ["metadata"] = new JsonObject { ["name"] = spec.Name, ["namespace"] = app.Namespace },
        }, app.Name, context.Step.Name, null, null);
        return await TerraformObjects.WaitAsync(run, context, read, "read", "Provider", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What the config template renders: the config Secret and the Provider.</summary>
    public static (JsonObject Secret, JsonObject Provider) Render(Application app, string step, ApplyTerraformProviderSpec spec)
    {
        var template = Templates[spec.Type];
        var config = spec.Config.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var name = $"{app.Name}-{step}";
        var providerLabels = new JsonObject
        {
            ["config.oam.dev/catalog"] = "velacore-config",
            ["config.oam.dev/type"] = "terraform-provider",
            ["config.oam.dev/provider"] = $"terraform-{spec.Type}",
        };
        var providerSpec = new JsonObject { ["provider"] = spec.Type };
        if (template.Region is { } regionKey) providerSpec["region"] = config.GetValueOrDefault(regionKey) ?? "";
        providerSpec["credentials"] = new JsonObject
        {
            ["source"] = "Secret",
            ["secretRef"] = new JsonObject { ["namespace"] = app.Namespace, ["name"] = name, ["key"] = "credentials" },
        };
        var provider = new JsonObject
        {
            ["apiVersion"] = "terraform.core.oam.dev/v1beta1",
            ["kind"] = "Provider",
            ["metadata"] = new JsonObject { ["name"] = spec.Name, ["namespace"] = "default", ["labels"] = providerLabels.DeepClone() },
            ["spec"] = providerSpec,
        };

        // pkg/config ParseConfig: the template's output Secret, then the config labels (type overwritten with the
        // template's name), annotations, and the input properties and references to the objects it made.
        var labels = template.LabelsOnSecret ? (JsonObject)providerLabels.DeepClone() : new JsonObject();
        labels["config.oam.dev/catalog"] = "velacore-config";
        labels["config.oam.dev/type"] = $"terraform-{spec.Type}";
        labels["config.oam.dev/scope"] = "system";
        // Go writes a map's keys sorted.
        var input = new JsonObject();
        foreach (var (key, value) in spec.Config.Append(new("name", spec.Name)).OrderBy(kv => kv.Key, StringComparer.Ordinal)) input[key] = value;
        var references = new JsonArray(new JsonObject
        {
            ["kind"] = "Provider",
            ["namespace"] = "default",
            ["name"] = spec.Name,
            ["apiVersion"] = "terraform.core.oam.dev/v1beta1",
        });
        var secret = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = app.Namespace,
                ["labels"] = labels,
                ["annotations"] = new JsonObject
                {
                    ["config.oam.dev/sensitive"] = template.Sensitive ? "true" : "false",
                    ["config.oam.dev/template-namespace"] = "vela-system",
                    ["config.oam.dev/alias"] = "",
                    ["config.oam.dev/description"] = "",
                },
            },
            ["type"] = "Opaque",
            // The template writes credentials as stringData; the API server stores it in data, as written here.
            ["data"] = new JsonObject
            {
                ["credentials"] = Base64(string.Join("\n", template.Credentials.Select(c => $"{c.Prefix}: {config.GetValueOrDefault(c.Key) ?? ""}"))),
                ["input-properties"] = Base64(input.ToJsonString()),
                ["objects-reference"] = Base64(references.ToJsonString()),
            },
        };
        return (secret, provider);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}

/// <summary>What the two Terraform steps share: labelling, applying, and waiting for terraform-controller's verdict.</summary>
internal static class TerraformObjects
{
    /// <summary>The application's labels (as apply-object gives them), so the object is in its inventory and removed with it.</summary>
    public static JsonObject Labelled(Application app, JsonObject obj)
    {
        var metadata = (JsonObject)obj["metadata"]!;
        metadata["labels"] = new JsonObject
        {
            [KubeVelaLabels.AppName] = app.Name,
            [KubeVelaLabels.AppNamespace] = app.Namespace,
            [KubeVelaLabels.ManagedBy] = KubeVelaLabels.ManagedByValue,
        };
        return obj;
    }

    /// <summary>Applies the object (recorded in the inventory), then waits for it as <see cref="WaitAsync"/>.</summary>
    public static async Task<StepOutcome> ApplyAndWaitAsync(DeliveryRun run, StepContext context, JsonObject obj, string field, string what, CancellationToken ct)
    {
        var cluster = run.Gateway.LocalCluster;
        var manifest = new RenderedManifest(obj, context.Application.Name, context.Step.Name, null, null);
        await run.Gateway.EnsureNamespaceAsync(cluster, context.Application.Namespace, ct).ConfigureAwait(false);
        var report = await run.Gateway.ApplyAsync(cluster, [manifest], run.Force, ct).ConfigureAwait(false);
        run.RecordApplied(cluster, report.Objects);
        if (report.Problems.Count > 0) return StepOutcome.From(report.Problems, "Apply");
        if (report.Objects.FirstOrDefault(o => o.Action == ApplyAction.Waiting) is { } waiting)
            return StepOutcome.Waiting(waiting.Message ?? $"waiting for terraform-controller's {what} CRD");
        return await WaitAsync(run, context, manifest, field, what, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until terraform-controller reports the object ready (Configuration Available, Provider ready); fails with the
    /// controller's message when it gave up on the current spec. Succeeds with the live object as the template's
    /// <paramref name="field"/> (<c>&lt;field&gt;.$returns.value</c> and <c>&lt;field&gt;.value</c>) for outputs.
    /// </summary>
    public static async Task<StepOutcome> WaitAsync(DeliveryRun run, StepContext context, RenderedManifest manifest, string field, string what, CancellationToken ct)
    {
        var cluster = run.Gateway.LocalCluster;
        var health = (await run.Gateway.HealthAsync(cluster, [manifest], ct).ConfigureAwait(false)).Single();
        var name = $"{what} {manifest.Namespace}/{manifest.Name}";
        if (!health.Exists) return StepOutcome.Waiting($"waiting for {name} to exist");
        if (health.Failed) return StepOutcome.Failed($"{name}: {health.Message}", "Unhealthy");
        if (!health.Healthy) return StepOutcome.Waiting($"waiting for {name}: {health.Message}");
        var live = await run.Gateway.GetAsync(cluster, manifest.ApiVersion, manifest.Kind, manifest.Namespace, manifest.Name, ct).ConfigureAwait(false);
        return StepOutcome.Succeeded($"{name} is ready: {health.Message}") with
        {
            Fields = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
            {
                [field] = new JsonObject { ["value"] = live?.DeepClone(), ["$returns"] = new JsonObject { ["value"] = live?.DeepClone() } },
            },
        };
    }
}
