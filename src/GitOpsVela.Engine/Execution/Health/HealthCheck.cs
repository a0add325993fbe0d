using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Kube;

namespace GitOpsVela.Engine.Execution.Health;

internal sealed record HealthStatus(bool Healthy, string Message)
{
    /// <summary>Not healthy and not going to be without a change of spec (a failed Terraform apply): the step fails instead of waiting.</summary>
    public bool Failed { get; init; }
}

/// <summary>
/// KubeVela's health rules for live objects, from the definitions' <c>healthPolicy</c> / <c>customStatus</c>
/// (kubevela/kubevela vela-templates/definitions/internal/component/webservice.cue, worker.cue, statefulset.cue,
/// daemon.cue, task.cue, cron-task.cue): Deployment and StatefulSet are healthy when spec.replicas equals ready, updated
/// and current replicas and the controller has observed the latest generation (message <c>Ready:&lt;ready&gt;/&lt;replicas&gt;</c>);
/// DaemonSet compares numberReady/updated/current with desiredNumberScheduled; a Job when succeeded equals parallelism;
/// a CronJob once it exists; the annotation <c>app.oam.dev/disable-health-check</c> makes any object healthy; any other
/// object is healthy when its Ready condition is True or, having no conditions, once it exists.
/// </summary>
internal static class HealthCheck
{
    public const string DisableAnnotation = "app.oam.dev/disable-health-check";

    public static HealthStatus Evaluate(JsonObject live)
    {
        var kind = live["kind"]?.GetValue<string>();
        var group = ObjectRef.Of(live).Group;
        var status = Evaluate(group, kind, live);
        if (live["metadata"]?["annotations"]?[DisableAnnotation] is not null) return status with { Healthy = true, Failed = false };
        return status;
    }

    private static long Int(JsonNode? node, long fallback = 0) =>
        node is JsonValue v && long.TryParse(v.ToJsonString().Trim('"'), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : fallback;

    private static HealthStatus Evaluate(string group, string? kind, JsonObject o)
    {
        var spec = o["spec"];
        var status = o["status"];
        var generation = Int(o["metadata"]?["generation"]);
        var observed = Int(status?["observedGeneration"]);
        switch (group, kind)
        {
            case ("apps", "Deployment"):
            case ("apps", "StatefulSet"):
                {
                    var replicas = Int(spec?["replicas"], 1); // the API server defaults spec.replicas to 1
                    var ready = Int(status?["readyReplicas"]);
                    var updated = Int(status?["updatedReplicas"]);
                    var current = Int(status?["replicas"]);
                    var healthy = replicas == ready && replicas == updated && replicas == current && observed >= generation;
                    return new HealthStatus(healthy, $"Ready:{ready}/{replicas}");
                }
            case ("apps", "DaemonSet"):
                {
                    var desired = Int(status?["desiredNumberScheduled"]);
                    var ready = Int(status?["numberReady"]);
                    var healthy = desired == ready && desired == Int(status?["updatedNumberScheduled"]) && desired == Int(status?["currentNumberScheduled"]) && observed >= generation;
                    return new HealthStatus(healthy, $"Ready:{ready}/{desired}");
                }
            case ("batch", "Job"):
                {
                    var active = Int(status?["active"]);
                    var failed = Int(status?["failed"]);
                    var succeeded = Int(status?["succeeded"]);
                    var healthy = succeeded == Int(spec?["parallelism"], 1);
                    return new HealthStatus(healthy, $"Active/Failed/Succeeded:{active}/{failed}/{succeeded}");
                }
            case ("batch", "CronJob"):
                return new HealthStatus(true, "exists");
            case (TerraformHealth.Group, "Configuration"):
                return TerraformHealth.Configuration(o);
            case (TerraformHealth.Group, "Provider"):
                return TerraformHealth.Provider(o);
        }
        // Flux objects (KubeVela's fluxcd addon, helm-release-def.cue): healthy only once Flux reports Ready=True.
        if (group.EndsWith(".toolkit.fluxcd.io", StringComparison.Ordinal))
        {
            var fluxReady = (status?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
            if (fluxReady is null) return new HealthStatus(false, $"waiting for Flux to report {kind} Ready");
            var ok = fluxReady["status"]?.GetValue<string>() == "True";
            var text = fluxReady["message"]?.GetValue<string>() ?? fluxReady["reason"]?.GetValue<string>();
            return new HealthStatus(ok, string.IsNullOrEmpty(text) ? $"Ready={fluxReady["status"]?.GetValue<string>()}" : text);
        }
        if (status?["conditions"] is JsonArray { Count: > 0 } conditions)
        {
            var ready = conditions.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "Ready");
            if (ready is null) return new HealthStatus(true, "exists");
            var isTrue = ready["status"]?.GetValue<string>() == "True";
            var message = ready["message"]?.GetValue<string>() ?? ready["reason"]?.GetValue<string>();
            return new HealthStatus(isTrue, string.IsNullOrEmpty(message) ? $"Ready={ready["status"]?.GetValue<string>()}" : message);
        }
        return new HealthStatus(true, "exists");
    }
}
