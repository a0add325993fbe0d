using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Planning;
using Xunit;

namespace GitOpsVela.Engine.Tests.Rendering;

/// <summary>
/// KubeVela's labels and annotations on every object (pkg/appfile SetOAMContract): what the golden comparison cannot see,
/// since extra labels and annotations are only notes there.
/// </summary>
public sealed class OamContractTests
{
    private static IReadOnlyList<JsonObject> Render(string yaml)
    {
        var app = ApplicationLoader.LoadText(yaml, "app.yaml").Applications.Single();
        var plan = ReleasePlanner.Check(app);
        Assert.Empty(plan.Problems);
        return plan.ManifestsByCluster().Values.SelectMany(m => m).Select(m => m.Object).ToList();
    }

    [Fact]
    public void The_filter_annotations_drop_Application_keys_and_KubeVelas_namespace_label_from_every_object()
    {
        var objects = Render("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: filtered
              labels: {team: search, internal-only: "true", app.oam.dev/name: not-this}
              annotations:
                filter.oam.dev/label-keys: "internal-only, app.oam.dev/namespace"
                filter.oam.dev/annotation-keys: "ci/pipeline, contact"
                ci/pipeline: "123"
                contact: " kept, the filter is split on commas without trimming"
                app.oam.dev/inplace-upgrade: "true"
                owner: search@example.com
            spec:
              components:
                - name: api
                  type: webservice
                  properties: {image: "nginx:1", ports: [{port: 80, expose: true}]}
                  traits:
                    - type: annotations
                      properties: {kubectl.kubernetes.io/last-applied-configuration: "{}", note: "from a trait"}
            """);
        Assert.Equal(["Deployment", "Service"], objects.Select(o => (string)o["kind"]!).Order());
        Assert.All(objects, o =>
        {
            var labels = o["metadata"]!["labels"]!.AsObject();
            Assert.Equal("search", (string?)labels["team"]);
            Assert.Equal("filtered", (string?)labels["app.oam.dev/name"]); // KubeVela's own labels win over the Application's
            Assert.False(labels.ContainsKey("internal-only"));
            Assert.False(labels.ContainsKey("app.oam.dev/namespace"));
            Assert.Equal("api", (string?)labels["app.oam.dev/component"]);
            var annotations = o["metadata"]!["annotations"]!.AsObject();
            Assert.Equal("search@example.com", (string?)annotations["owner"]);
            Assert.Equal(" kept, the filter is split on commas without trimming", (string?)annotations["contact"]);
            Assert.False(annotations.ContainsKey("ci/pipeline"));
            Assert.False(annotations.ContainsKey("app.oam.dev/inplace-upgrade"));
            Assert.False(annotations.ContainsKey("filter.oam.dev/label-keys"));
            Assert.False(annotations.ContainsKey("kubectl.kubernetes.io/last-applied-configuration"));
        });
        var deployment = objects.Single(o => (string)o["kind"]! == "Deployment");
        Assert.Equal("from a trait", (string?)deployment["metadata"]!["annotations"]!["note"]);
        // Pod template labels are not touched.
        Assert.False(deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject().ContainsKey("team"));
    }

    [Fact]
    public void Without_a_filter_every_object_carries_the_namespace_label()
    {
        var objects = Render("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: plain, namespace: shop}
            spec:
              components:
                - {name: api, type: webservice, properties: {image: "nginx:1"}}
            """);
        var labels = Assert.Single(objects)["metadata"]!["labels"]!.AsObject();
        Assert.Equal("shop", (string?)labels["app.oam.dev/namespace"]);
        Assert.Null(objects[0]["metadata"]!["annotations"]);
    }
}
