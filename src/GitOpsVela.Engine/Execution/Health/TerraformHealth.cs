using System.Globalization;
using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Execution.Health;

/// <summary>
/// Health of terraform-controller objects. A <c>Configuration</c> is healthy as KubeVela judges it
/// (kubevela/kubevela pkg/controller/core.oam.dev/v1beta1/application/apply.go <c>setStatus</c>): when
/// <c>status.apply.state</c> is <c>Available</c> and the controller has seen the latest spec
/// (<c>status.observedGeneration</c> is 0 or equals <c>metadata.generation</c>); its message is <c>status.apply.message</c>.
/// Beyond KubeVela, which keeps waiting, a Configuration the controller has given up on for its current spec — a state
/// in <see cref="FailedStates"/> with <c>observedGeneration</c> equal to <c>generation</c> — is <see cref="HealthStatus.Failed"/>,
/// so the step fails with the controller's message instead of waiting until its timeout. A <c>Provider</c> is healthy when
/// <c>status.state</c> is <c>ready</c> (what <c>apply-terraform-provider</c> waits for).
/// </summary>
internal static class TerraformHealth
{
    public const string Group = "terraform.core.oam.dev";

    /// <summary>terraform-controller states (api/types/state.go) that do not change until the spec does.</summary>
    public static readonly IReadOnlySet<string> FailedStates = new HashSet<string>(StringComparer.Ordinal)
    {
        "ApplyFailed", "ConfigurationSpecNotValid", "InvalidRegion", "TerraformInitError",
        "InvalidGitCredentialsSecretReference", "InvalidTerraformCredentialsSecretReference",
        "InvalidTerraformRCConfigMapReference", "InvalidTerraformCredentialsHelperConfigMapReference",
    };

    public static HealthStatus Configuration(JsonObject live)
    {
        var apply = live["status"]?["apply"];
        var state = Text(apply?["state"]);
        var message = Text(apply?["message"]);
        var generation = Long(live["metadata"]?["generation"]);
        var observed = Long(live["status"]?["observedGeneration"]);
        var latest = observed == 0 || observed == generation;
        var text = message.Length > 0 ? message
            : state.Length > 0 ? state
            : "waiting for terraform-controller to report the Configuration's state";
        if (!latest) return new HealthStatus(false, $"waiting for terraform-controller to pick up the latest spec (generation {generation}, observed {observed}); last state {(state.Length > 0 ? state : "none")}");
        if (state == "Available") return new HealthStatus(true, text);
        return new HealthStatus(false, state.Length > 0 && message.Length > 0 ? $"{state}: {message}" : text)
        {
            Failed = observed != 0 && FailedStates.Contains(state),
        };
    }

    public static HealthStatus Provider(JsonObject live)
    {
        var state = Text(live["status"]?["state"]);
        var message = Text(live["status"]?["message"]);
        if (state == "ready") return new HealthStatus(true, message.Length > 0 ? message : "ready");
        return new HealthStatus(false, state.Length == 0 ? "waiting for terraform-controller to report the Provider ready"
            : message.Length > 0 ? $"{state}: {message}" : state);
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private static long Long(JsonNode? node) =>
        node is JsonValue v && long.TryParse(v.ToJsonString().Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
