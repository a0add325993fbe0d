using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that give a workload a delivery strategy: kruise-rollout, rolling-release (kubevela/catalog addons/kruise-rollout).
// KubeVela renders them to an OpenKruise Rollout for Kruise's controller; GitOpsVela has no controller, so they render no
// object: they give the component a DeliveryStrategy, which the workflow carries out pass by pass.

/// <summary>
/// <c>kruise-rollout</c> (kubevela/catalog addons/kruise-rollout/definitions/kruise-rollout.cue, every form the addon has
/// had): <c>canary.steps[]</c> (<c>weight</c>, <c>replicas</c>, <c>duration</c>, <c>matches</c>),
/// <c>canary.trafficRoutings[]</c> (<c>type</c> ingress|nginx|gateway, <c>service</c>, <c>ingressName</c> or
/// <c>ingress.name</c>, <c>gatewayHTTPRouteName</c>, <c>gracePeriodSeconds</c>), <c>auto</c>, <c>stepPartition</c>,
/// <c>releaseMode</c>, <c>workloadType</c>; and <c>blueGreen</c> in the shape of Kruise's <c>strategy.blueGreen</c>
/// (same steps and routings). Checked as Kruise's admission webhook checks a Rollout, each problem at its file:line.
/// </summary>
internal sealed class KruiseRolloutTrait : ITraitType
{
    public string Name => "kruise-rollout";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];

    /// <summary>The addon's definitions GitOpsVela carries out itself (the addon renders Rollouts for OpenKruise's controller).</summary>
    internal const string AddonOrigin = "the kruise-rollout addon's definition (kubevela/catalog, addon 1.5.2) carried out without OpenKruise";
    public string Origin => AddonOrigin;

    private static Schema Header => Schema.Object(new()
    {
        ["Type"] = Schema.String(@default: "Exact", @enum: ["Exact", "RegularExpression"]),
        ["Name"] = Schema.String(),
        ["Value"] = Schema.String(),
        ["type"] = Schema.String(@default: "Exact", @enum: ["Exact", "RegularExpression"]),
        ["name"] = Schema.String(),
        ["value"] = Schema.String(),
    });

    internal static Schema Step => Schema.Object(new()
    {
        ["weight"] = Schema.Int(min: 0, max: 100),
        ["replicas"] = Schema.IntOrString(),
        ["duration"] = Schema.Int(min: 0),
        ["matches"] = Schema.Array(Schema.Object(new() { ["headers"] = Schema.Array(Header, required: true) })),
    });

    internal static Schema Routing => Schema.Object(new()
    {
        ["service"] = Schema.String(),
        ["gracePeriodSeconds"] = Schema.Int(@default: 5, min: 0),
        ["ingressName"] = Schema.String(),
        ["gatewayHTTPRouteName"] = Schema.String(),
        ["type"] = Schema.String(@default: "ingress", @enum: ["ingress", "gateway", "nginx", "aliyun-alb", "alb"]),
        ["ingress"] = Schema.Object(new() { ["name"] = Schema.String(), ["classType"] = Schema.String() }),
    });

    private static Schema Plan => Schema.Object(new()
    {
        ["steps"] = Schema.Array(Step),
        ["trafficRoutings"] = Schema.Array(Routing),
    });

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["auto"] = Schema.Bool(@default: false),
        ["releaseMode"] = Schema.String(@default: "canary", @enum: ["canary", "batch"]),
        ["canary"] = Plan,
        ["blueGreen"] = Plan,
        ["workloadType"] = Schema.Object(new() { ["apiVersion"] = Schema.String(required: true), ["kind"] = Schema.String(required: true) }),
        ["stepPartition"] = Schema.Int(min: 0),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var source = StrategyReading.Source(render);
        StrategyReading.RequireDeployment(render, p["workloadType"] as JsonObject, source.Child("workloadType"));
        var canary = p["canary"] as JsonObject;
        var blueGreen = p["blueGreen"] as JsonObject;
        if (canary is not null && blueGreen is not null)
            throw StrategyReading.Problem(render, source.KeyLocation("blueGreen"), "blueGreen", "give canary or blueGreen, not both");
        if (canary is null && blueGreen is null)
            throw StrategyReading.Problem(render, source.Location, "canary", "needs canary (steps, trafficRoutings) or blueGreen");
        var kind = blueGreen is null ? StrategyKind.Canary : StrategyKind.BlueGreen;
        var plan = (canary ?? blueGreen)!;
        var planKey = kind == StrategyKind.Canary ? "canary" : "blueGreen";
        var planSource = source.Child(planKey);

        var routing = StrategyReading.Routing(render, plan["trafficRoutings"] as JsonArray, planSource.Child("trafficRoutings"), $"{planKey}.trafficRoutings");
        var auto = p.Bool("auto");
        int? partition = p["stepPartition"] is JsonValue sp && sp.TryGetValue<long>(out var n) ? (int)n : null;
        var steps = StrategyReading.Steps(render, kind, plan["steps"] as JsonArray, planSource.Child("steps"), $"{planKey}.steps", routing is not null,
            (index, count, step, duration) =>
            {
                if (auto) return PauseKind.Auto;
                if (partition is { } k) return index < k ? PauseKind.Auto : PauseKind.Manual;
                // Kruise goes straight on from the last canary step when it brings every pod or all traffic.
                if (kind == StrategyKind.Canary && index == count - 1 && (step.Weight == 100 || step.Replicas is { IsFull: true })) return PauseKind.Auto;
                return duration is null ? PauseKind.Manual : PauseKind.Timed;
            });
        render.Component.Strategy = StrategyReading.Strategy(render, new DeliveryStrategy(Name, kind, steps, routing, routing?.Service ?? render.ComponentName)
        {
            PartitionRequested = p.Str("releaseMode") == "batch",
        });
    }
}

/// <summary>
/// <c>rolling-release</c> (addons/kruise-rollout/definitions/rolling-release.cue), the trait the <c>canary-deploy</c>
/// step adds: one step to <c>weight</c> (or <c>replicas</c>), which holds there — the workflow step is done — until a later
/// <c>canary-deploy</c> asks for more; <c>weight</c> 100 (or <c>final</c> with replicas) promotes. Traffic is routed when the
/// component has a <c>gateway</c> trait (its Ingress, nginx) or renders an HTTPRoute of its own name.
/// </summary>
internal sealed class RollingReleaseTrait : ITraitType
{
    public string Name => "rolling-release";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];
    public string Origin => KruiseRolloutTrait.AddonOrigin;

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["weight"] = Schema.Int(min: 0, max: 100),
        ["replicas"] = Schema.IntOrString(),
        ["final"] = Schema.Bool(@default: false),
        ["workloadType"] = Schema.Object(new() { ["apiVersion"] = Schema.String(required: true), ["kind"] = Schema.String(required: true) }),
        ["rolloutType"] = Schema.String(@default: "partition"),
        // Declared by the addon's definition and never read by it.
        ["trafficRoutings"] = Schema.Array(KruiseRolloutTrait.Routing),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var source = StrategyReading.Source(render);
        StrategyReading.RequireDeployment(render, p["workloadType"] as JsonObject, source.Child("workloadType"));
        var step = new JsonObject();
        p.CopyTo("weight", step);
        p.CopyTo("replicas", step);
        var final = p.Bool("final");
        var steps = StrategyReading.Steps(render, StrategyKind.Canary, new JsonArray(step), source, "", routed: true,
            (_, _, s, _) => s.Weight >= 100 || s.Weight is null && final ? PauseKind.Auto : PauseKind.Hold);
        var name = render.ComponentName;
        TrafficRouting? routing = null;
        if (render.Component.Outputs.Any(o => o.Trait == "gateway" && o.Object["kind"]?.GetValue<string>() == "Ingress"))
            routing = new TrafficRouting(RoutingKind.Ingress, name, name, 5);
        else if (render.Component.Outputs.Any(o => o.Object["kind"]?.GetValue<string>() == "HTTPRoute" && o.Object["metadata"]?["name"]?.GetValue<string>() == name))
            routing = new TrafficRouting(RoutingKind.Gateway, name, name, 5);
        render.Component.Strategy = StrategyReading.Strategy(render, new DeliveryStrategy(Name, StrategyKind.Canary, steps, routing, name)
        {
            PartitionRequested = (p.Str("rolloutType") ?? "partition") == "partition",
        });
    }
}

/// <summary>Reading strategy traits with Kruise's rules, each refusal at the file:line of what it refuses.</summary>
internal static class StrategyReading
{
    public static SourceMap Source(TraitRender render) =>
        render.Trait.Source?.PropertiesSource ?? SourceMap.At(render.Component.Component.Location);

    public static VelaProblemException Problem(TraitRender render, SourceLocation location, string property, string message) =>
        new(new VelaProblem(ErrorIds.Load.PropertyInvalid, ProblemCategory.InvalidData, $"trait '{render.Trait.Type}': {message}",
            location.IsKnown ? location : render.Trait.Source?.Location ?? render.Component.Component.Location,
            render.Component.Application.Name, render.ComponentName, $"traits[{render.Trait.Type}].properties.{property}".TrimEnd('.')));

    /// <summary>GitOpsVela releases Deployments (Kruise's canary style); other workloads are refused at the trait.</summary>
    public static void RequireDeployment(TraitRender render, JsonObject? workloadType, SourceMap where)
    {
        var workload = render.Workload();
        var apiVersion = workloadType?.Str("apiVersion") ?? workload["apiVersion"]?.GetValue<string>();
        var kind = workloadType?.Str("kind") ?? workload["kind"]?.GetValue<string>();
        if (apiVersion == "apps/v1" && kind == "Deployment" && workload["kind"]?.GetValue<string>() == "Deployment") return;
        throw Problem(render, workloadType is null ? render.Trait.Source?.Location ?? SourceLocation.None : where.Location, workloadType is null ? "" : "workloadType",
            $"GitOpsVela releases apps/v1 Deployments step by step; this component's workload is {workload["apiVersion"]?.GetValue<string>()} {workload["kind"]?.GetValue<string>()}");
    }

    public static TrafficRouting? Routing(TraitRender render, JsonArray? routings, SourceMap source, string path)
    {
        if (routings is null || routings.Count == 0) return null;
        if (routings.Count > 1) throw Problem(render, source.Item(1).Location, $"{path}[1]", "Kruise routes one traffic routing only; give one entry");
        var r = routings[0] as JsonObject ?? new JsonObject();
        var at = source.Item(0);
        var type = r.Str("type") ?? "ingress";
        var service = NonEmpty(r.Str("service")) ?? render.ComponentName;
        var grace = r["gracePeriodSeconds"] is JsonValue g && g.TryGetValue<long>(out var seconds) ? (int)seconds : 5;
        switch (type)
        {
            case "ingress" or "nginx":
                var classType = (r["ingress"] as JsonObject)?.Str("classType");
                if (classType is not null and not "nginx")
                    throw Problem(render, at.Child("ingress").ValueLocation("classType"), $"{path}[0].ingress.classType",
                        $"GitOpsVela drives nginx ingress canary annotations; ingress class '{classType}' is not supported");
                var ingress = NonEmpty(r.Str("ingressName")) ?? NonEmpty((r["ingress"] as JsonObject)?.Str("name")) ?? render.ComponentName;
                return new TrafficRouting(RoutingKind.Ingress, service, ingress, grace);
            case "gateway":
                return new TrafficRouting(RoutingKind.Gateway, service, NonEmpty(r.Str("gatewayHTTPRouteName")) ?? render.ComponentName, grace);
            default:
                throw Problem(render, at.ValueLocation("type"), $"{path}[0].type",
                    $"traffic routing type '{type}' is not supported: GitOpsVela routes through nginx ingress annotations (type ingress or nginx) or Gateway API HTTPRoute weights (type gateway)");
        }
    }

    public delegate PauseKind PauseRule(int index, int count, StrategyStep step, int? duration);

    public static IReadOnlyList<StrategyStep> Steps(TraitRender render, StrategyKind kind, JsonArray? list, SourceMap source, string path, bool routed, PauseRule pause)
    {
        if (list is null || list.Count == 0)
        {
            if (kind == StrategyKind.BlueGreen)
            {
                // Blue-green without steps: the new version at full size with no traffic, then the switch; each waits for Resume.
                var preview = new StrategyStep(0, new StrategyReplicas(100, true), PauseKind.Manual, 0, []);
                var promote = new StrategyStep(100, new StrategyReplicas(100, true), PauseKind.Manual, 0, []);
                return [preview with { Pause = pause(0, 2, preview, null) }, promote with { Pause = pause(1, 2, promote, null) }];
            }
            throw Problem(render, source.Location, path, "steps cannot be empty (Kruise needs at least one step)");
        }
        var steps = new List<StrategyStep>();
        var durations = new List<int?>();
        for (var i = 0; i < list.Count; i++)
        {
            var item = list[i] as JsonObject ?? new JsonObject();
            var at = source.Item(i);
            var where = path.Length == 0 ? "" : $"{path}[{i}]";
            int? weight = item["weight"] is JsonValue w && w.TryGetValue<long>(out var wl) ? (int)wl : null;
            var replicas = ReadReplicas(render, item["replicas"], at, Join(where, "replicas"));
            int? duration = item["duration"] is JsonValue d && d.TryGetValue<long>(out var dl) ? (int)dl : null;
            var matches = ReadMatches(render, item["matches"] as JsonArray, at.Child("matches"), Join(where, "matches"));
            if (weight is null && replicas is null && matches.Count == 0)
                throw Problem(render, at.Location, where, "a step needs weight or replicas (Kruise: weight and replicas cannot be empty at the same time)");
            if (kind == StrategyKind.BlueGreen && !routed && weight is not (null or 0 or 100))
                throw Problem(render, at.ValueLocation("weight"), Join(where, "weight"),
                    $"blue-green without a traffic routing switches the Service's selector at once: weight is 0 or 100, not {weight}");
            if (matches.Count > 0 && !routed)
                throw Problem(render, at.KeyLocation("matches"), Join(where, "matches"), "matches need a traffic routing (trafficRoutings) to send those requests to the new version");
            if (steps.Count > 0)
            {
                var prev = steps[^1];
                if (weight is not null && prev.Weight is not null && weight < prev.Weight)
                    throw Problem(render, at.ValueLocation("weight"), Join(where, "weight"), $"weights must not decrease from step to step ({prev.Weight} then {weight})");
                var a = prev.EffectiveReplicas(kind);
                var b = (replicas ?? (kind == StrategyKind.BlueGreen ? new StrategyReplicas(100, true) : new StrategyReplicas(weight ?? 0, true)));
                if (a.Percent == b.Percent && b.Value < a.Value && (replicas is not null || weight is not null))
                    throw Problem(render, at.Location, Join(where, "replicas"), $"replicas must not decrease from step to step ({a} then {b})");
            }
            steps.Add(new StrategyStep(weight, replicas, PauseKind.Manual, duration ?? 0, matches));
            durations.Add(duration);
        }
        return steps.Select((s, i) => s with { Pause = pause(i, steps.Count, s, durations[i]) }).ToList();
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static StrategyReplicas? ReadReplicas(TraitRender render, JsonNode? node, SourceMap at, string path)
    {
        if (node is not JsonValue v) return null;
        const string rule = "replicas is a count with 0 < replicas <= 100, or a percentage with \"0%\" < replicas <= \"100%\" (Kruise's rule)";
        if (v.TryGetValue<long>(out var count))
        {
            if (count is <= 0 or > 100) throw Problem(render, at.ValueLocation("replicas"), path, $"{rule}, not {count}");
            return new StrategyReplicas((int)count, false);
        }
        var text = v.TryGetValue<string>(out var s) ? s.Trim() : "";
        if (text.EndsWith('%') && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent is > 0 and <= 100)
            return new StrategyReplicas(percent, true);
        throw Problem(render, at.ValueLocation("replicas"), path, $"{rule}, not \"{text}\"");
    }

    private static IReadOnlyList<HeaderMatch> ReadMatches(TraitRender render, JsonArray? matches, SourceMap source, string path)
    {
        var result = new List<HeaderMatch>();
        if (matches is null) return result;
        for (var i = 0; i < matches.Count; i++)
        {
            var headers = (matches[i] as JsonObject)?["headers"] as JsonArray ?? [];
            // Kruise's nginx and Gateway API routing use the first header of each match.
            if (headers.FirstOrDefault() is not JsonObject h) continue;
            var at = source.Item(i).Child("headers").Item(0);
            var name = h.Str("Name") ?? h.Str("name");
            var value = h.Str("Value") ?? h.Str("value");
            if (string.IsNullOrEmpty(name) || value is null)
                throw Problem(render, at.Location, $"{path}[{i}].headers[0]", "a header match needs Name and Value");
            result.Add(new HeaderMatch(name, value, (h.Str("Type") ?? h.Str("type")) == "RegularExpression"));
        }
        return result;
    }

    /// <summary>One strategy per component: a second strategy trait is refused.</summary>
    public static DeliveryStrategy Strategy(TraitRender render, DeliveryStrategy strategy)
    {
        if (render.Component.Strategy is { } other && other.Trait != strategy.Trait)
            throw Problem(render, render.Trait.Source?.Location ?? SourceLocation.None, "",
                $"the component already has a delivery strategy from trait '{other.Trait}'; give one of kruise-rollout and rolling-release");
        return strategy;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
