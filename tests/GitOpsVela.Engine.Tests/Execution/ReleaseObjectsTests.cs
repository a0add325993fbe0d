using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution.Releases;
using GitOpsVela.Engine.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Execution;

/// <summary>The objects a release adds beside the stable ones, as Kruise builds them (openkruise/rollouts v0.3.0 trafficrouting).</summary>
public sealed class ReleaseObjectsTests
{
    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    private static readonly JsonObject Ingress = Parse("""
        {"apiVersion":"networking.k8s.io/v1","kind":"Ingress",
         "metadata":{"name":"web","namespace":"shop","labels":{"app.oam.dev/name":"shop"},"annotations":{"kubernetes.io/ingress.class":"nginx","nginx.ingress.kubernetes.io/canary-weight":"7"}},
         "spec":{"tls":[{"hosts":["shop.example.com"]}],
           "rules":[{"host":"shop.example.com","http":{"paths":[
             {"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":80}}}},
             {"path":"/admin","pathType":"Prefix","backend":{"service":{"name":"admin","port":{"number":80}}}}]}},
             {"host":"other.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"other","port":{"number":80}}}}]}}]}}
        """);

    [Fact]
    public void The_canary_Ingress_copies_class_TLS_and_the_stable_Services_paths_to_the_canary_Service()
    {
        var canary = ReleaseObjects.CanaryIngress(Ingress, "web-canary", "web", "web-canary", 20, [], "kruise-rollout", "canaryIngress");
        var annotations = canary["metadata"]!["annotations"]!.AsObject();
        Assert.Equal("true", annotations["nginx.ingress.kubernetes.io/canary"]!.GetValue<string>());
        Assert.Equal("20", annotations["nginx.ingress.kubernetes.io/canary-weight"]!.GetValue<string>());
        Assert.Equal("nginx", annotations["kubernetes.io/ingress.class"]!.GetValue<string>());
        var rules = canary["spec"]!["rules"]!.AsArray();
        var path = Assert.Single(Assert.Single(rules)!["http"]!["paths"]!.AsArray());
        Assert.Equal("/", path!["path"]!.GetValue<string>());
        Assert.Equal("web-canary", path["backend"]!["service"]!["name"]!.GetValue<string>());
        Assert.Equal("shop.example.com", canary["spec"]!["tls"]![0]!["hosts"]![0]!.GetValue<string>());
        Assert.Equal("web", Ingress["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["name"]!.GetValue<string>()); // not changed
    }

    [Fact]
    public void Header_matches_become_nginx_canary_by_header_or_cookie_annotations()
    {
        var byHeader = ReleaseObjects.CanaryIngress(Ingress, "web-canary", "web", "web-canary", 0, [new HeaderMatch("User-Agent", "iOS", false)], "kruise-rollout", "canaryIngress");
        Assert.Equal("User-Agent", byHeader["metadata"]!["annotations"]!["nginx.ingress.kubernetes.io/canary-by-header"]!.GetValue<string>());
        Assert.Equal("iOS", byHeader["metadata"]!["annotations"]!["nginx.ingress.kubernetes.io/canary-by-header-value"]!.GetValue<string>());
        var pattern = ReleaseObjects.CanaryIngress(Ingress, "web-canary", "web", "web-canary", 0, [new HeaderMatch("User-Agent", ".*iOS.*", true)], "kruise-rollout", "canaryIngress");
        Assert.Equal(".*iOS.*", pattern["metadata"]!["annotations"]!["nginx.ingress.kubernetes.io/canary-by-header-pattern"]!.GetValue<string>());
        var cookie = ReleaseObjects.CanaryIngress(Ingress, "web-canary", "web", "web-canary", 0, [new HeaderMatch("canary-by-cookie", "beta", false)], "kruise-rollout", "canaryIngress");
        Assert.Equal("beta", cookie["metadata"]!["annotations"]!["nginx.ingress.kubernetes.io/canary-by-cookie"]!.GetValue<string>());
    }

    private static readonly JsonObject Route = Parse("""
        {"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"web","namespace":"shop"},
         "spec":{"parentRefs":[{"name":"gw"}],"rules":[
           {"matches":[{"path":{"type":"PathPrefix","value":"/"}}],"backendRefs":[{"name":"web","port":80}]},
           {"backendRefs":[{"kind":"Service","name":"admin","port":80}]}]}}
        """);

    [Fact]
    public void The_route_splits_the_stable_Services_rules_by_weight_and_is_the_same_at_the_same_weight()
    {
        var weighted = ReleaseObjects.WeightedRoute(Route, "web", "web-canary", 30, []);
        var refs = weighted["spec"]!["rules"]![0]!["backendRefs"]!.AsArray();
        Assert.Equal(["web=70", "web-canary=30"], refs.Select(r => $"{r!["name"]}={r["weight"]}"));
        Assert.Single(weighted["spec"]!["rules"]![1]!["backendRefs"]!.AsArray());
        Assert.Equal(weighted.ToJsonString(), ReleaseObjects.WeightedRoute(Route, "web", "web-canary", 30, []).ToJsonString());
    }

    [Fact]
    public void Header_matches_on_a_route_add_a_rule_that_sends_the_matching_requests_to_the_canary()
    {
        var weighted = ReleaseObjects.WeightedRoute(Route, "web", "web-canary", 0, [new HeaderMatch("x-canary", "yes", false)]);
        var rules = weighted["spec"]!["rules"]!.AsArray();
        Assert.Equal(3, rules.Count);
        var twin = rules[2]!;
        Assert.Equal("web-canary", Assert.Single(twin["backendRefs"]!.AsArray())!["name"]!.GetValue<string>());
        var header = twin["matches"]![0]!["headers"]![0]!;
        Assert.Equal(("Exact", "x-canary", "yes"), (header["type"]!.GetValue<string>(), header["name"]!.GetValue<string>(), header["value"]!.GetValue<string>()));
        Assert.Equal("/", twin["matches"]![0]!["path"]!["value"]!.GetValue<string>());
        Assert.Null(rules[0]!["backendRefs"]![0]!["weight"]);
    }

    [Fact]
    public void The_template_hash_ignores_its_own_label_and_follows_the_template()
    {
        var deployment = Parse("""{"spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25"}]}}}}""");
        var hash = ReleaseObjects.TemplateHash(deployment);
        var labelled = ReleaseObjects.Stable(deployment, hash);
        Assert.Equal(hash, ReleaseObjects.TemplateHash(labelled));
        Assert.Equal(hash, ReleaseObjects.LiveHash(labelled));
        labelled["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:1.26";
        Assert.NotEqual(hash, ReleaseObjects.TemplateHash(labelled));
    }
}
