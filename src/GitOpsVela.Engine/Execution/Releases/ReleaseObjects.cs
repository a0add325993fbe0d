using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Releases;

/// <summary>
/// The objects a release puts beside the stable ones, built from what the application rendered (never from live
/// objects, so nothing a cluster defaulted is copied): the canary (or preview) Deployment and Service, nginx's canary
/// Ingress, the HTTPRoute with weighted backends, and Services whose selector is pinned to one version. The versions are
/// told apart by <see cref="HashLabel"/> on their pods: a hash of the pod template as rendered.
/// </summary>
internal static class ReleaseObjects
{
    /// <summary>The pod label naming the template a pod was made from (Kruise pins Services the same way with pod-template-hash).</summary>
    public const string HashLabel = "gitopsvela.io/pod-template-hash";

    /// <summary>The pod label of the release's own Deployment (<c>canary</c> or <c>preview</c>): its selector, which Kubernetes never lets change.</summary>
    public const string RoleLabel = "gitopsvela.io/release";

    public const string NginxCanary = "nginx.ingress.kubernetes.io/canary";
    public const string NginxWeight = "nginx.ingress.kubernetes.io/canary-weight";
    public const string NginxByHeader = "nginx.ingress.kubernetes.io/canary-by-header";
    public const string NginxByHeaderValue = "nginx.ingress.kubernetes.io/canary-by-header-value";
    public const string NginxByHeaderPattern = "nginx.ingress.kubernetes.io/canary-by-header-pattern";
    public const string NginxByCookie = "nginx.ingress.kubernetes.io/canary-by-cookie";

    /// <summary>The hash of a pod template (without <see cref="HashLabel"/>): 10 hex digits.</summary>
    public static string TemplateHash(JsonObject workload)
    {
        var template = (workload["spec"]?["template"] as JsonObject)?.DeepClone() as JsonObject ?? new JsonObject();
        (template["metadata"]?["labels"] as JsonObject)?.Remove(HashLabel);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(template.ToJsonString())), 0, 5).ToLowerInvariant();
    }

    /// <summary>The hash label of a live Deployment's pod template; null when it has none (delivered before it had a strategy).</summary>
    public static string? LiveHash(JsonObject? deployment) => deployment?["spec"]?["template"]?["metadata"]?["labels"]?[HashLabel]?.GetValue<string>();

    /// <summary>The rendered Deployment with its pods labelled by their template's hash.</summary>
    public static JsonObject Stable(JsonObject workload, string hash)
    {
        var copy = (JsonObject)workload.DeepClone();
        TemplateLabels(copy)[HashLabel] = hash;
        return copy;
    }

    /// <summary>
    /// The new version's Deployment: the rendered one under another name, at <paramref name="replicas"/>, selecting only
    /// its own pods by <see cref="RoleLabel"/> (not by the template's hash: a selector is immutable, and a new template
    /// mid-release changes the hash of the same Deployment).
    /// </summary>
    public static JsonObject CanaryDeployment(JsonObject workload, string name, string hash, int replicas, string role, string trait, string resource)
    {
        var copy = (JsonObject)workload.DeepClone();
        var metadata = (JsonObject)copy["metadata"]!;
        metadata["name"] = name;
        metadata.Remove("annotations");
        AsTraitObject(metadata, trait, resource);
        var spec = (JsonObject)copy["spec"]!;
        spec["replicas"] = replicas;
        spec.Remove("paused");
        if (spec["selector"] is not JsonObject selector) spec["selector"] = selector = new JsonObject();
        if (selector["matchLabels"] is not JsonObject match) selector["matchLabels"] = match = new JsonObject();
        match[RoleLabel] = role;
        var labels = TemplateLabels(copy);
        labels[RoleLabel] = role;
        labels[HashLabel] = hash;
        return copy;
    }

    /// <summary>A Service selecting only the pods of one template (the stable Service during a release).</summary>
    public static JsonObject Pinned(JsonObject service, string hash)
    {
        var copy = (JsonObject)service.DeepClone();
        if (copy["spec"] is not JsonObject spec) copy["spec"] = spec = new JsonObject();
        if (spec["selector"] is not JsonObject selector) spec["selector"] = selector = new JsonObject();
        selector[HashLabel] = hash;
        return copy;
    }

    /// <summary>
    /// The copy of the stable Service selecting the new version (Kruise's <c>&lt;service&gt;-canary</c>): same ports, a
    /// ClusterIP of its own (no node ports or addresses copied), selector pinned to the new template.
    /// </summary>
    public static JsonObject CanaryService(JsonObject service, string name, string hash, string trait, string resource)
    {
        var copy = Pinned(service, hash);
        var metadata = (JsonObject)copy["metadata"]!;
        metadata["name"] = name;
        metadata.Remove("annotations");
        AsTraitObject(metadata, trait, resource);
        var spec = (JsonObject)copy["spec"]!;
        foreach (var key in new[] { "clusterIP", "clusterIPs", "externalIPs", "loadBalancerIP", "loadBalancerSourceRanges", "externalTrafficPolicy", "healthCheckNodePort", "externalName", "ipFamilies", "ipFamilyPolicy" })
            spec.Remove(key);
        spec["type"] = "ClusterIP";
        foreach (var port in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>()) port.Remove("nodePort");
        return copy;
    }

    /// <summary>
    /// nginx's canary Ingress (Kruise's <c>&lt;ingress&gt;-canary</c>): the stable Ingress's class, TLS, annotations and
    /// those rules and paths whose backend is the stable Service, sent to the canary Service, with
    /// <c>canary: "true"</c> and <c>canary-weight</c> (or header matches).
    /// </summary>
    public static JsonObject CanaryIngress(JsonObject ingress, string name, string stableService, string canaryService, int weight,
        IReadOnlyList<HeaderMatch> matches, string trait, string resource)
    {
        var copy = (JsonObject)ingress.DeepClone();
        var metadata = (JsonObject)copy["metadata"]!;
        metadata["name"] = name;
        AsTraitObject(metadata, trait, resource);
        if (metadata["annotations"] is not JsonObject annotations) metadata["annotations"] = annotations = new JsonObject();
        foreach (var key in annotations.Select(a => a.Key).Where(k => k.StartsWith("nginx.ingress.kubernetes.io/canary", StringComparison.Ordinal)).ToList())
            annotations.Remove(key);
        annotations[NginxCanary] = "true";
        annotations[NginxWeight] = weight.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (matches.FirstOrDefault() is { } header)
        {
            if (header.Name == "canary-by-cookie") annotations[NginxByCookie] = header.Value;
            else
            {
                annotations[NginxByHeader] = header.Name;
                annotations[header.RegularExpression ? NginxByHeaderPattern : NginxByHeaderValue] = header.Value;
            }
        }
        var spec = copy["spec"] as JsonObject ?? new JsonObject();
        copy["spec"] = spec;
        if (spec["defaultBackend"]?["service"] is JsonObject def)
        {
            if (def["name"]?.GetValue<string>() == stableService) def["name"] = canaryService;
            else spec.Remove("defaultBackend");
        }
        var rules = new JsonArray();
        foreach (var rule in (spec["rules"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var paths = new JsonArray();
            foreach (var path in (rule["http"]?["paths"] as JsonArray ?? []).OfType<JsonObject>())
            {
                if (path["backend"]?["service"] is not JsonObject backend || backend["name"]?.GetValue<string>() != stableService) continue;
                var p = (JsonObject)path.DeepClone();
                p["backend"]!["service"]!["name"] = canaryService;
                paths.Add(p);
            }
            if (paths.Count == 0) continue;
            var r = (JsonObject)rule.DeepClone();
            r["http"]!["paths"] = paths;
            rules.Add(r);
        }
        spec["rules"] = rules;
        return copy;
    }

    /// <summary>Whether an Ingress sends anything to <paramref name="service"/> (else a canary Ingress would route nothing).</summary>
    public static bool IngressSendsTo(JsonObject ingress, string service) =>
        ingress["spec"]?["defaultBackend"]?["service"]?["name"]?.GetValue<string>() == service
        || (ingress["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(r => r["http"]?["paths"] as JsonArray ?? []).OfType<JsonObject>()
            .Any(p => p["backend"]?["service"]?["name"]?.GetValue<string>() == service);

    private static bool IsServiceRef(JsonObject? r, string service) =>
        r?["name"]?.GetValue<string>() == service
        && (r["kind"]?.GetValue<string>() ?? "Service") == "Service" && (r["group"]?.GetValue<string>() ?? "") == "";

    /// <summary>Whether an HTTPRoute has a backend that is <paramref name="service"/>.</summary>
    public static bool RouteSendsTo(JsonObject route, string service) =>
        (route["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(r => r["backendRefs"] as JsonArray ?? []).OfType<JsonObject>().Any(r => IsServiceRef(r, service));

    /// <summary>
    /// The HTTPRoute with the canary beside the stable Service (Kruise's Gateway API routing): in each rule that sends to
    /// the stable Service, its weight becomes 100 − <paramref name="weight"/> and a copy of its backendRef naming the canary
    /// Service gets <paramref name="weight"/>. With header matches, each such rule gets a twin sending the matching
    /// requests to the canary alone. Built from the rendered route, so the same call at the same weight gives the same object.
    /// </summary>
    public static JsonObject WeightedRoute(JsonObject route, string stableService, string canaryService, int weight, IReadOnlyList<HeaderMatch> matches)
    {
        var copy = (JsonObject)route.DeepClone();
        var rules = copy["spec"]?["rules"] as JsonArray ?? [];
        var twins = new List<JsonObject>();
        foreach (var rule in rules.OfType<JsonObject>())
        {
            if (rule["backendRefs"] is not JsonArray refs) continue;
            var stable = refs.OfType<JsonObject>().FirstOrDefault(r => IsServiceRef(r, stableService));
            if (stable is null) continue;
            var canary = (JsonObject)stable.DeepClone();
            canary["name"] = canaryService;
            if (matches.Count > 0)
            {
                var twin = (JsonObject)rule.DeepClone();
                var conditions = twin["matches"] as JsonArray is { Count: > 0 } m ? m : new JsonArray(new JsonObject());
                foreach (var condition in conditions.OfType<JsonObject>())
                {
                    if (condition["headers"] is not JsonArray headers) condition["headers"] = headers = new JsonArray();
                    foreach (var h in matches)
                        headers.Add(new JsonObject { ["type"] = h.RegularExpression ? "RegularExpression" : "Exact", ["name"] = h.Name, ["value"] = h.Value });
                }
                twin["matches"] = conditions.DeepClone();
                canary.Remove("weight");
                twin["backendRefs"] = new JsonArray(canary);
                twins.Add(twin);
                continue;
            }
            stable["weight"] = 100 - weight;
            canary["weight"] = weight;
            refs.Insert(refs.IndexOf(stable) + 1, canary);
        }
        foreach (var twin in twins) rules.Add(twin);
        return copy;
    }

    private static JsonObject TemplateLabels(JsonObject workload)
    {
        if (workload["spec"] is not JsonObject spec) workload["spec"] = spec = new JsonObject();
        if (spec["template"] is not JsonObject template) spec["template"] = template = new JsonObject();
        if (template["metadata"] is not JsonObject metadata) template["metadata"] = metadata = new JsonObject();
        if (metadata["labels"] is not JsonObject labels) metadata["labels"] = labels = new JsonObject();
        return labels;
    }

    /// <summary>The release's own objects carry KubeVela's labels of a trait's output (collected with the application).</summary>
    private static void AsTraitObject(JsonObject metadata, string trait, string resource)
    {
        if (metadata["labels"] is not JsonObject labels) metadata["labels"] = labels = new JsonObject();
        labels.Remove(KubeVelaLabels.WorkloadType);
        labels[KubeVelaLabels.ResourceType] = KubeVelaLabels.ResourceTypeTrait;
        labels[KubeVelaLabels.TraitType] = trait;
        labels[KubeVelaLabels.TraitResource] = resource;
    }
}
