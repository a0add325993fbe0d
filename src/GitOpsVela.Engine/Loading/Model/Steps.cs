using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Loading.Model;

/// <summary>
/// A workflow step's properties, typed (kubevela/kubevela v1.10.9 vela-templates/definitions/internal/workflowstep, and
/// the forms earlier releases accepted). A step with <c>inputs</c> is typed again after the inputs are set.
/// </summary>
public abstract record StepSpec;

/// <summary>A step type GitOpsVela does not know, or <c>step-group</c>.</summary>
internal sealed record CustomStepSpec(JsonObject Properties) : StepSpec;

/// <summary><c>apply-component</c>: one component, optionally to another <c>cluster</c> / <c>namespace</c>.</summary>
internal sealed record ApplyComponentSpec(string Component, string? Cluster, string? Namespace) : StepSpec;

/// <summary><c>deploy</c>: the components after the named override policies, to the placements of the named topology policies.</summary>
internal sealed record DeploySpec(IReadOnlyList<string> Policies, int Parallelism, bool Auto, bool IgnoreTerraformComponent) : StepSpec;

/// <summary>
/// <c>canary-deploy</c> (kubevela/catalog addons/kruise-rollout/definitions/canary-deploy.cue): deploys like <c>deploy</c>
/// with an inline override adding the <c>rolling-release</c> trait (<c>weight</c>, <c>rolloutType</c>) to the named
/// <c>components</c> (all when empty); done once the release stands at <c>weight</c>, or is promoted at 100.
/// </summary>
internal sealed record CanaryDeploySpec(IReadOnlyList<string> Policies, IReadOnlyList<string> Components, int Weight, string RolloutType) : StepSpec;

/// <summary><c>suspend</c>: until resumed, or for <c>duration</c>.</summary>
internal sealed record SuspendSpec(TimeSpan? Duration, string? Message) : StepSpec;

/// <summary><c>depends-on-app</c>: waits for another application (created from the ConfigMap of the same name when missing).</summary>
internal sealed record DependsOnAppSpec(string Name, string Namespace) : StepSpec;

/// <summary><c>apply-object</c>: one object as given (<c>value</c>, or the whole properties in KubeVela v1.1.4–v1.1.6's form).</summary>
internal sealed record ApplyObjectSpec(JsonObject Value, string? Cluster) : StepSpec;

/// <summary><c>read-object</c>: one object's content becomes the step's output.</summary>
internal sealed record ReadObjectSpec(string ApiVersion, string Kind, string Name, string? Namespace, string? Cluster) : StepSpec;

/// <summary><c>webhook</c>: POSTs <c>data</c> (or the application) to a URL.</summary>
internal sealed record WebhookSpec(UrlSource Url, JsonNode? Data) : StepSpec;

/// <summary><c>notification</c> / <c>webhook-notification</c>: Slack, DingTalk, Lark messages (email is refused at run time).</summary>
internal sealed record NotificationSpec(IReadOnlyList<NotificationChannel> Channels, JsonObject? Email) : StepSpec
{
    /// <summary>The email sender's password in any <see cref="UrlSource"/> form; null without email.</summary>
    public UrlSource? EmailPassword { get; init; }
}

internal sealed record NotificationChannel(string Kind, UrlSource Url, JsonNode? Message);

/// <summary><c>request</c>: an HTTP request whose answer becomes the step's output.</summary>
internal sealed record RequestSpec(string Url, string Method, JsonNode? Body, IReadOnlyDictionary<string, string> Header) : StepSpec;

/// <summary><c>print-message-in-status</c>.</summary>
internal sealed record PrintMessageSpec(string Message) : StepSpec;

/// <summary>
/// A URL (or password) written as a plain string, <c>{value}</c> or <c>{address}</c>, or read from a Secret with
/// <c>{secretRef: {name, key}}</c>, <c>{fromSecret: {name, key}}</c> or a bare <c>{name, key}</c> — the forms of KubeVela's
/// releases since v1.1. A Secret's value is read (in the application's namespace) when the step runs and never kept.
/// </summary>
internal sealed record UrlSource(string? Value, string? SecretName, string? SecretKey)
{
    public bool FromSecret => SecretName is not null;

    /// <summary>The forms accepted, for error messages.</summary>
    public const string AcceptedForms =
        "a string, {value: <url>} or {secretRef: {name: <secret>, key: <key>}} (KubeVela v1.2 on), " +
        "{address: <url>} or {fromSecret: {name: <secret>, key: <key>}} (v1.1.6–v1.1.13), or {name: <secret>, key: <key>} (v1.2–v1.5)";
}

/// <summary>
/// <c>apply-terraform-config</c> (vela-templates/definitions/internal/workflowstep/apply-terraform-config.cue, v1.7.0 to
/// v1.10.9): a terraform-controller Configuration named <c>&lt;app&gt;-&lt;step&gt;</c> from inline HCL (<see cref="Hcl"/>) or a
/// module (<see cref="Remote"/>, <see cref="Path"/>), waited for until Available. References default to the application's namespace.
/// </summary>
internal sealed record ApplyTerraformConfigSpec(
    string? Hcl,
    string? Remote,
    string? Path,
    bool DeleteResource,
    JsonObject Variable,
    TerraformReference? WriteConnectionSecretToRef,
    TerraformReference? ProviderRef,
    string? Region,
    JsonObject? JobEnv,
    bool ForceDelete) : StepSpec
{
    /// <summary>The module <c>source.remote</c> defaults to.</summary>
    public const string DefaultRemote = "https://github.com/kubevela-contrib/terraform-modules.git";
}

/// <summary>A <c>{name, namespace}</c> reference; a null namespace means the application's.</summary>
internal sealed record TerraformReference(string Name, string? Namespace);

/// <summary>
/// <c>apply-terraform-provider</c> (vela-templates/definitions/internal/workflowstep/apply-terraform-provider.cue, v1.7.0 to
/// v1.10.9): a provider config (<see cref="Type"/> alibaba, aws, azure, baidu, ec, gcp, tencent, ucloud) named
/// <c>&lt;app&gt;-&lt;step&gt;</c>, whose <see cref="Config"/> keys are the step's (<c>ALICLOUD_ACCESS_KEY</c>, ...), and the
/// terraform-controller Provider <see cref="Name"/> it makes, waited for until ready.
/// </summary>
internal sealed record ApplyTerraformProviderSpec(string Type, string Name, IReadOnlyList<KeyValuePair<string, string>> Config) : StepSpec;
