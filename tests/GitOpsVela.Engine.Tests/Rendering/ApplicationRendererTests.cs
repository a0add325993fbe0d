using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Rendering;

public sealed class ApplicationRendererTests
{
    private static Application Load(string yaml) => ApplicationLoader.LoadText(yaml, "app.yaml").Applications.Single();

    private static readonly RenderOptions Options = new() { Registry = TestRegistry.Create() };

    [Fact]
    public void Every_object_gets_the_application_namespace_and_KubeVela_labels()
    {
        var app = Load("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: shop, namespace: prod}
            spec:
              components:
                - name: web
                  type: box
                  properties: {image: nginx}
                  traits:
                    - type: tag
                      properties: {value: x}
            """);

        var result = ApplicationRenderer.Render(app, Options with { Revision = 3 });

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(["Deployment/web", "ConfigMap/web-settings", "Service/web"], result.Manifests.Select(m => $"{m.Kind}/{m.Name}"));
        Assert.All(result.Manifests, m => Assert.Equal("prod", m.Namespace));
        var workload = result.Manifests[0].Object["metadata"]!["labels"]!.AsObject();
        Assert.Equal("shop", (string?)workload["app.oam.dev/name"]);
        Assert.Equal("web", (string?)workload["app.oam.dev/component"]);
        Assert.Equal("shop-v3", (string?)workload["app.oam.dev/appRevision"]);
        Assert.Equal("WORKLOAD", (string?)workload["app.oam.dev/resourceType"]);
        Assert.Equal("box", (string?)workload["workload.oam.dev/type"]);
        Assert.Equal("gitopsvela", (string?)workload["app.kubernetes.io/managed-by"]);
        Assert.Equal("x", (string?)result.Manifests[0].Object["metadata"]!["annotations"]!["tag"]);

        var aux = result.Manifests[1].Object["metadata"]!["labels"]!.AsObject();
        Assert.Equal("TRAIT", (string?)aux["app.oam.dev/resourceType"]);
        Assert.Equal("AuxiliaryWorkload", (string?)aux["trait.oam.dev/type"]);
        Assert.Equal("settings", (string?)aux["trait.oam.dev/resource"]);
        var svc = result.Manifests[2];
        Assert.Equal("tag", svc.Trait);
        Assert.Equal("tag", (string?)svc.Object["metadata"]!["labels"]!["trait.oam.dev/type"]);
        Assert.Equal("svc", (string?)svc.Object["metadata"]!["labels"]!["trait.oam.dev/resource"]);
    }

    [Fact]
    public void A_topology_namespace_replaces_the_application_namespace()
    {
        var app = Load("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: shop}
            spec:
              components:
                - {name: web, type: box, properties: {image: nginx}}
            """);
        var result = ApplicationRenderer.Render(app, Options with { Namespace = "staging", Cluster = "east" });
        Assert.All(result.Manifests, m => Assert.Equal("staging", m.Namespace));
        Assert.Equal("east", (string?)result.Manifests[0].Object["metadata"]!["labels"]!["app.oam.dev/cluster"]);
        Assert.Equal("default", (string?)result.Manifests[0].Object["metadata"]!["labels"]!["app.oam.dev/namespace"]);
    }

    [Fact]
    public void A_failing_component_reports_where_and_the_others_still_render()
    {
        var app = Load("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: shop}
            spec:
              components:
                - name: first
                  type: nope
                - name: second
                  type: box
                  properties: {image: nginx}
                - name: third
                  type: box
                  properties: {image: nginx}
                  traits:
                    - type: jobonly
            """);

        var result = ApplicationRenderer.Render(app, Options);

        Assert.Equal(["second", "third"], result.Components.Where(c => c.Succeeded).Select(c => c.Name));
        var unknown = Assert.Single(result.Problems);
        Assert.Equal("Render.ComponentTypeUnknown", unknown.Id);
        Assert.Equal(("app.yaml", 7), (unknown.Location.File, unknown.Location.Line));
        Assert.Equal("first", unknown.Component);
        Assert.Contains("unknown component type 'nope'", unknown.Message);
        // appliesToWorkloads (jobs.batch) is not enforced, as in KubeVela v1.10.9: the trait applies to the Deployment.
        Assert.NotEmpty(result.Components.Single(c => c.Name == "third").Manifests);
    }

    [Fact]
    public void Namespaces_and_CRDs_sort_first_and_everything_else_keeps_its_order()
    {
        RenderedManifest M(string kind, string name) =>
            new(new JsonObject { ["apiVersion"] = "v1", ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = name } }, "a", "c", null, null);
        var sorted = ManifestOrder.Sort([M("Service", "s"), M("CustomResourceDefinition", "crd"), M("Deployment", "d"), M("Namespace", "ns"), M("ConfigMap", "cm")]);
        Assert.Equal(["ns", "crd", "s", "d", "cm"], sorted.Select(m => m.Name));
    }

    [Fact]
    public void Cluster_scoped_objects_get_no_namespace()
    {
        var registry = TestRegistry.Create().Add(new NamespaceComponent());
        var result = ApplicationRenderer.Render(
            ApplicationLoader.LoadText("""
                apiVersion: core.oam.dev/v1beta1
                kind: Application
                metadata: {name: shop, namespace: prod}
                spec:
                  components:
                    - {name: ns, type: nsmaker}
                """, "a.yaml").Applications.Single(), new RenderOptions { Registry = registry });
        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Null(result.Manifests.Single().Namespace);
    }

    private sealed class NamespaceComponent : IComponentType
    {
        public string Name => "nsmaker";
        public string? WorkloadKind => null;
        public Engine.Loading.Schemas.Schema Schema { get; } = Engine.Loading.Schemas.Schema.Object([]);
        public void Render(ComponentRender render) => render.Workload = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = "team-a", ["namespace"] = "oops" },
        };
    }
}
