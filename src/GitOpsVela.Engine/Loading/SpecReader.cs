using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Engine.Loading;

/// <summary>
/// Types policy and workflow-step properties (see <see cref="PolicySpec"/>, <see cref="StepSpec"/>). Reading is lenient:
/// a value of the wrong shape reads as absent, because validation (<see cref="ApplicationValidator"/>) reports it with
/// its place; nothing here throws.
/// </summary>
internal static class SpecReader
{
    public static PolicySpec Policy(string type, JsonObject p, SourceMap source) => type switch
    {
        "topology" => new TopologySpec(
            Strings(p["clusters"]) ?? Strings(p["cluster"]),
            StringMap(p["clusterLabelSelector"]) ?? StringMap(p["clusterSelector"]),
            Bool(p["allowEmpty"]) ?? false,
            NonEmpty(Str(p["namespace"])),
            source),
        "override" => new OverrideSpec(
            Objects(p["components"]).Select((c, i) => new ComponentPatch(
                NonEmpty(Str(c["name"])),
                NonEmpty(Str(c["type"])),
                c["properties"] as JsonObject,
                Objects(c["traits"]).Where(t => Str(t["type"]) is not null)
                    .Select(t => new TraitPatch(Str(t["type"])!, t["properties"] as JsonObject, Bool(t["disable"]) ?? false)).ToList(),
                NonEmpty(Str(c["externalRevision"])),
                source.Child("components").Item(i))).ToList(),
            Strings(p["selector"])),
        "garbage-collect" => new GarbageCollectSpec(
            Bool(p["keepLegacyResource"]) ?? false,
            Bool(p["continueOnFailure"]) ?? false,
            Int(p["applicationRevisionLimit"]),
            Objects(p["rules"]).Select(r => new GarbageCollectRule(
                Selector(r["selector"]),
                Str(r["strategy"]) switch { "onAppDelete" => GarbageCollectStrategy.OnAppDelete, "never" => GarbageCollectStrategy.Never, _ => GarbageCollectStrategy.OnAppUpdate },
                Str(r["propagation"]))).ToList()),
        "apply-once" => new ApplyOnceSpec(
            Bool(p["enable"]) ?? false,
            Objects(p["rules"]).Select(r => new ApplyOnceRule(
                Selector(r["selector"]),
                Strings(r["strategy"]?["path"]) ?? [],
                Str(r["strategy"]?["affect"]) ?? "")).ToList()),
        "shared-resource" => new SharedResourceSpec(Objects(p["rules"]).Select(r => Selector(r["selector"])).ToList()),
        "read-only" => new ReadOnlySpec(Objects(p["rules"]).Select(r => Selector(r["selector"])).ToList()),
        "take-over" => new TakeOverSpec(Objects(p["rules"]).Select(r => Selector(r["selector"])).ToList()),
        "resource-update" => new ResourceUpdateSpec(Objects(p["rules"]).Select(r => new ResourceUpdateRule(
            Selector(r["selector"]), Str(r["strategy"]?["op"]) ?? "patch", Strings(r["strategy"]?["recreateFields"]) ?? [])).ToList()),
        "replication" => new ReplicationSpec(Strings(p["keys"]) ?? [], Strings(p["selector"]) ?? []),
        "debug" => new DebugSpec(),
        _ => new CustomPolicySpec(p),
    };

    public static StepSpec Step(string type, JsonObject p) => type switch
    {
        "apply-component" => new ApplyComponentSpec(Str(p["component"]) ?? "", NonEmpty(Str(p["cluster"])), NonEmpty(Str(p["namespace"]))),
        "deploy" => new DeploySpec(Strings(p["policies"]) ?? [], Int(p["parallelism"]) is int n and > 0 ? n : 5,
            Bool(p["auto"]) ?? true, Bool(p["ignoreTerraformComponent"]) ?? true),
        "canary-deploy" => new CanaryDeploySpec(Strings(p["policies"]) ?? [], Strings(p["components"]) ?? [], Int(p["weight"]) ?? 0,
            Str(p["rolloutType"]) ?? "partition"),
        "suspend" => new SuspendSpec(
            Str(p["duration"]) is { } d && GoDuration.TryParse(d, out var duration, out _) ? duration : null, Str(p["message"])),
        "depends-on-app" => new DependsOnAppSpec(Str(p["name"]) ?? "", Str(p["namespace"]) ?? ""),
        // v1.1.4–v1.1.6: the properties are the object.
        "apply-object" when p["value"] is null && Str(p["apiVersion"]) is not null && Str(p["kind"]) is not null => new ApplyObjectSpec(p, null),
        "apply-object" => new ApplyObjectSpec(p["value"] as JsonObject ?? [], NonEmpty(Str(p["cluster"]))),
        "read-object" => new ReadObjectSpec(Str(p["apiVersion"]) ?? "core.oam.dev/v1beta1", Str(p["kind"]) ?? "Application",
            Str(p["name"]) ?? "", NonEmpty(Str(p["namespace"])), NonEmpty(Str(p["cluster"]))),
        "webhook" => new WebhookSpec(Url(p["url"]) ?? new UrlSource(null, null, null), p["data"]),
        "notification" or "webhook-notification" => new NotificationSpec(
            new[] { "slack", "dingding", "lark" }.Where(k => p[k] is JsonObject)
                .Select(k => new NotificationChannel(k, Url(p[k]!["url"]) ?? new UrlSource(null, null, null), p[k]!["message"])).ToList(),
            p["email"] as JsonObject) { EmailPassword = p["email"] is JsonObject email ? Url(email["from"]?["password"]) : null },
        "request" => new RequestSpec(Str(p["url"]) ?? "", Str(p["method"]) ?? "GET", p["body"],
            StringMap(p["header"]) ?? new Dictionary<string, string>()),
        "print-message-in-status" => new PrintMessageSpec(Str(p["message"]) ?? ""),
        "apply-terraform-config" => new ApplyTerraformConfigSpec(
            Str(p["source"]?["hcl"]),
            p["source"] is JsonObject source && source["hcl"] is null ? Str(source["remote"]) ?? ApplyTerraformConfigSpec.DefaultRemote : null,
            NonEmpty(Str(p["source"]?["path"])),
            Bool(p["deleteResource"]) ?? true,
            p["variable"] as JsonObject ?? [],
            Reference(p["writeConnectionSecretToRef"]),
            Reference(p["providerRef"]),
            Str(p["region"]),
            p["jobEnv"] as JsonObject,
            Bool(p["forceDelete"]) ?? false),
        "apply-terraform-provider" => TerraformProvider(p),
        _ => new CustomStepSpec(p),
    };

    private static TerraformReference? Reference(JsonNode? node) =>
        node is JsonObject o && Str(o["name"]) is { } name ? new TerraformReference(name, NonEmpty(Str(o["namespace"]))) : null;

    /// <summary>
    /// The provider config keys per provider type, in the step's order: parameter name -> config key (and its default).
    /// Without <c>type</c> the parameter is KubeVela's default disjunct, #AlibabaProvider, unless it has Azure's fields
    /// (#AzureProvider has no <c>type</c>).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Parameter, string Key, string? Default)[]> ProviderKeys =
        new Dictionary<string, (string, string, string?)[]>(StringComparer.Ordinal)
        {
            ["alibaba"] = [("accessKey", "ALICLOUD_ACCESS_KEY", null), ("secretKey", "ALICLOUD_SECRET_KEY", null), ("region", "ALICLOUD_REGION", null)],
            ["aws"] = [("accessKey", "AWS_ACCESS_KEY_ID", null), ("secretKey", "AWS_SECRET_ACCESS_KEY", null), ("region", "AWS_DEFAULT_REGION", null), ("token", "AWS_SESSION_TOKEN", "")],
            ["azure"] = [("clientID", "ARM_CLIENT_ID", null), ("clientSecret", "ARM_CLIENT_SECRET", null), ("subscriptionID", "ARM_SUBSCRIPTION_ID", null), ("tenantID", "ARM_TENANT_ID", null)],
            ["baidu"] = [("accessKey", "BAIDUCLOUD_ACCESS_KEY", null), ("secretKey", "BAIDUCLOUD_SECRET_KEY", null), ("region", "BAIDUCLOUD_REGION", null)],
            ["ec"] = [("apiKey", "EC_API_KEY", "")],
            ["gcp"] = [("credentials", "GOOGLE_CREDENTIALS", null), ("region", "GOOGLE_REGION", null), ("project", "GOOGLE_PROJECT", null)],
            ["tencent"] = [("secretID", "TENCENTCLOUD_SECRET_ID", null), ("secretKey", "TENCENTCLOUD_SECRET_KEY", null), ("region", "TENCENTCLOUD_REGION", null)],
            ["ucloud"] = [("privateKey", "UCLOUD_PRIVATE_KEY", null), ("publicKey", "UCLOUD_PUBLIC_KEY", null), ("projectID", "UCLOUD_PROJECT_ID", null), ("region", "UCLOUD_REGION", null)],
        };

    private static ApplyTerraformProviderSpec TerraformProvider(JsonObject p)
    {
        var type = Str(p["type"]) ?? (p["subscriptionID"] is not null ? "azure" : "alibaba");
        var config = new List<KeyValuePair<string, string>>();
        if (ProviderKeys.TryGetValue(type, out var keys))
            foreach (var (parameter, key, @default) in keys)
                config.Add(new(key, Str(p[parameter]) ?? @default ?? ""));
        return new ApplyTerraformProviderSpec(type, Str(p["name"]) ?? $"{type}-provider", config);
    }

    /// <summary>
    /// A URL in any form KubeVela has accepted (see <see cref="UrlSource"/>): a string; <c>{value}</c> or <c>{address}</c>
    /// (winning over a Secret given beside it, as KubeVela's templates test them first); <c>{secretRef}</c>,
    /// <c>{fromSecret}</c> or a bare <c>{name, key}</c>. Null when it matches none.
    /// </summary>
    public static UrlSource? Url(JsonNode? node)
    {
        if (Str(node) is { } plain) return new UrlSource(plain, null, null);
        if (node is not JsonObject o) return null;
        if (Str(o["value"]) is { } value) return new UrlSource(value, null, null);
        if (Str(o["address"]) is { } address) return new UrlSource(address, null, null);
        var secret = o["secretRef"] as JsonObject ?? o["fromSecret"] as JsonObject ?? o;
        if (Str(secret["name"]) is { } name && Str(secret["key"]) is { } key) return new UrlSource(null, name, key);
        return null;
    }

    public static ResourceSelector Selector(JsonNode? node) => node is not JsonObject s ? new ResourceSelector() : new ResourceSelector(
        Strings(s["componentNames"]), Strings(s["componentTypes"]), Strings(s["oamTypes"]),
        Strings(s["traitTypes"]), Strings(s["resourceTypes"]), Strings(s["resourceNames"]));

    private static string? Str(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static bool? Bool(JsonNode? n) => n is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static int? Int(JsonNode? n) => n is JsonValue v && v.TryGetValue<long>(out var l) && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    private static IEnumerable<JsonObject> Objects(JsonNode? n) => (n as JsonArray)?.OfType<JsonObject>() ?? [];

    private static IReadOnlyList<string>? Strings(JsonNode? n) => n is JsonArray a ? a.Select(Str).OfType<string>().ToList() : null;

    private static IReadOnlyDictionary<string, string>? StringMap(JsonNode? n) =>
        n is JsonObject o ? o.Where(kv => Str(kv.Value) is not null).ToDictionary(kv => kv.Key, kv => Str(kv.Value)!, StringComparer.Ordinal) : null;
}
