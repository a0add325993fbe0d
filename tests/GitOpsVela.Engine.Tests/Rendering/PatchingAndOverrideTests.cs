using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Rendering.Patching;
using GitOpsVela.Engine.Rendering.Policies;
using Xunit;

namespace GitOpsVela.Engine.Tests.Rendering;

public sealed class PatchingAndOverrideTests
{
    private static JsonObject Json(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void A_json_patch_applies_every_operation_or_fails_naming_the_one_that_broke()
    {
        var doc = Json("""{"a":{"b":[1,2]},"c":"x"}""");
        var patched = JsonPatching.JsonPatch(doc, JsonNode.Parse("""
            [{"op":"add","path":"/a/b/-","value":3},{"op":"move","from":"/c","path":"/d"},{"op":"test","path":"/d","value":"x"},
             {"op":"copy","from":"/a/b/0","path":"/e"},{"op":"remove","path":"/a/b/1"}]
            """)!.AsArray());
        Assert.True(JsonNode.DeepEquals(Json("""{"a":{"b":[1,3]},"d":"x","e":1}"""), patched), patched!.ToJsonString());
        Assert.Equal("""{"a":{"b":[1,2]},"c":"x"}""", doc.ToJsonString()); // the input is not changed

        var ex = Assert.Throws<PatchException>(() => JsonPatching.JsonPatch(doc, JsonNode.Parse("""[{"op":"add","path":"/z","value":1},{"op":"replace","path":"/nope","value":1}]""")!.AsArray()));
        Assert.Equal("operations[1] (replace /nope): path /nope does not exist", ex.Message);
        Assert.Throws<PatchException>(() => JsonPatching.JsonPatch(doc, JsonNode.Parse("""[{"op":"test","path":"/c","value":"y"}]""")!.AsArray()));
    }

    [Fact]
    public void A_json_merge_patch_merges_objects_replaces_lists_and_null_deletes()
    {
        var result = JsonPatching.MergePatch(Json("""{"a":{"x":1,"y":2},"l":[1,2],"gone":true}"""), Json("""{"a":{"y":null,"z":3},"l":[9],"gone":null}"""));
        Assert.True(JsonNode.DeepEquals(Json("""{"a":{"x":1,"z":3},"l":[9]}"""), result), result!.ToJsonString());
    }

    [Fact]
    public void Merging_by_key_updates_the_matching_element_and_appends_new_ones()
    {
        var list = JsonNode.Parse("""[{"name":"a","image":"x"},{"name":"b"}]""")!.AsArray();
        JsonPatching.MergeByKey(list, Json("""{"name":"a","image":"y","env":[]}"""));
        JsonPatching.MergeByKey(list, Json("""{"name":"c"}"""));
        Assert.Equal("""[{"name":"a","image":"y","env":[]},{"name":"b"},{"name":"c"}]""", list.ToJsonString());
    }

    private static readonly string OverrideApp = """
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {name: shop}
        spec:
          components:
            - name: web
              type: webservice
              properties:
                image: "nginx:1"
                env: [{name: A, value: "1"}]
                labels: {tier: web, keep: "yes"}
              traits:
                - type: scaler
                  properties: {replicas: 1}
                - type: labels
                  properties: {x: "1"}
            - name: worker
              type: worker
              properties: {image: "busybox"}
          policies:
            - name: prod
              type: override
              properties:
                components:
                  - name: web
                    properties:
                      image: "nginx:2"
                      env: [{name: B, value: "2"}]
                      labels: {tier: edge}
                    traits:
                      - type: scaler
                        properties: {replicas: 3}
                      - type: labels
                        disable: true
                      - type: expose
                        properties: {ports: [{port: 80}]}
                  - type: worker
                    properties: {cmd: ["sleep", "1"]}
            - name: only-worker
              type: override
              properties:
                selector: [worker]
                components:
                  - properties: {imagePullPolicy: Always}
        """;

    [Fact]
    public void Override_merges_properties_replaces_lists_and_patches_adds_and_disables_traits()
    {
        var app = ApplicationLoader.LoadText(OverrideApp, "shop.yaml").Applications.Single();
        var components = OverridePolicy.Apply(app, [app.Policies[0]]);

        var web = components.Single(c => c.Name == "web");
        Assert.Equal("nginx:2", (string?)web.Properties["image"]);
        Assert.Equal("""[{"name":"B","value":"2"}]""", web.Properties["env"]!.ToJsonString());
        Assert.Equal("""{"tier":"edge","keep":"yes"}""", web.Properties["labels"]!.ToJsonString());
        Assert.Equal(["scaler", "expose"], web.Traits.Select(t => t.Type));
        Assert.Equal(3, (long)web.Traits[0].Properties["replicas"]!);
        Assert.Null(web.Traits[1].Source); // added by the policy
        Assert.Equal("""["sleep","1"]""", components.Single(c => c.Name == "worker").Properties["cmd"]!.ToJsonString());

        // The written components are not changed.
        Assert.Equal("nginx:1", (string?)EffectiveComponent.From(app.Components[0]).Properties["image"]);
    }

    [Fact]
    public void An_override_selector_limits_the_components_delivered()
    {
        var app = ApplicationLoader.LoadText(OverrideApp, "shop.yaml").Applications.Single();
        var components = OverridePolicy.Apply(app, [app.Policies[1]]);
        var worker = Assert.Single(components);
        Assert.Equal("Always", (string?)worker.Properties["imagePullPolicy"]);

        var rendered = ApplicationRenderer.Render(app, new RenderOptions { Components = OverridePolicy.Apply(app, [app.Policies[0]]) });
        Assert.True(rendered.Succeeded, string.Join("\n", rendered.Problems));
        Assert.Contains(rendered.Manifests, m => m.Kind == "Service" && m.Trait == "expose");
        Assert.Equal(3, (long)rendered.Manifests.First(m => m.Kind == "Deployment" && m.Component == "web").Object["spec"]!["replicas"]!);
    }

    [Fact]
    public void A_trait_naming_a_missing_container_fails_that_component_with_the_CUE_message()
    {
        var app = ApplicationLoader.LoadText("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: shop}
            spec:
              components:
                - name: web
                  type: webservice
                  properties: {image: "nginx:1"}
                  traits:
                    - type: container-image
                      properties: {containerName: sidecar, image: "x:1"}
            """, "shop.yaml").Applications.Single();
        var problem = Assert.Single(Engine.Planning.ReleasePlanner.Check(app).Problems);
        Assert.Equal("Render.TraitFailed", problem.Id);
        Assert.Contains("container sidecar not found", problem.Message);
        Assert.Equal(("shop.yaml", 10), (problem.Location.File, problem.Location.Line));
    }
}
