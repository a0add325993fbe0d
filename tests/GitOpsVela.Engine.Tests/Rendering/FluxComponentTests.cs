using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Rendering.FluxComponents;
using Xunit;

namespace GitOpsVela.Engine.Tests.Rendering;

/// <summary>Expectations from kubevela/catalog addons/fluxcd/definitions/helm-release-def.cue and kustomize.cue.</summary>
public sealed class FluxComponentTests
{
    private static ComponentRender Render(IComponentType type, string componentYaml, ServedApiVersions? served = null)
    {
        var app = ApplicationLoader.LoadText($"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {"{"}name: mysql, namespace: default{"}"}
            spec:
              components:
            {componentYaml}
            """, "app.yaml").Applications.Single();
        var effective = EffectiveComponent.From(app.Components[0]);
        var render = new ComponentRender
        {
            Application = app,
            Component = app.Components[0],
            Properties = effective.Properties,
            Namespace = app.Namespace,
            AppRevision = "mysql-v1",
            ServedVersions = served ?? ServedApiVersions.Unknown,
        };
        type.Render(render);
        return render;
    }

    /// <summary>Offline (nothing known of the cluster): the newest GA versions, HelmRelease v2 and source v1.</summary>
    [Fact]
    public void The_specs_mysql_operator_renders_a_HelmRelease_and_its_HelmRepository()
    {
        var render = Render(new HelmComponent(), """
                - name: mysql-controller
                  type: helm
                  properties:
                    repoType: helm
                    url: https://presslabs.github.io/charts
                    chart: mysql-operator
                    version: "0.4.0"
            """);
        var expectedRelease = JsonNode.Parse("""
            {"apiVersion":"helm.toolkit.fluxcd.io/v2","kind":"HelmRelease","metadata":{"name":"mysql-controller"},
             "spec":{"timeout":"10m","interval":"30s",
                     "chart":{"spec":{"chart":"mysql-operator","version":"0.4.0","sourceRef":{"kind":"HelmRepository","name":"mysql-controller"},"interval":"5m"}},
                     "install":{"remediation":{"retries":3}},"upgrade":{"remediation":{"retries":3}}}}
            """);
        Assert.True(JsonNode.DeepEquals(expectedRelease, render.Workload), render.Workload!.ToJsonString());
        var repo = Assert.Single(render.Outputs);
        Assert.Equal("repo", repo.Name);
        var expectedRepo = JsonNode.Parse("""
            {"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"HelmRepository","metadata":{"name":"mysql-controller"},
             "spec":{"url":"https://presslabs.github.io/charts","interval":"5m"}}
            """);
        Assert.True(JsonNode.DeepEquals(expectedRepo, repo.Object), repo.Object.ToJsonString());
    }

    [Fact]
    public void A_git_sourced_chart_with_values_an_existing_source_and_CRD_upgrades()
    {
        var render = Render(new HelmComponent(), """
                - name: podinfo
                  type: helm
                  properties:
                    repoType: git
                    url: https://github.com/stefanprodan/podinfo
                    chart: ./charts/podinfo
                    sourceName: shared-repo
                    git: {branch: master}
                    values: {replicaCount: 2}
                    valuesFrom: [{kind: ConfigMap, name: podinfo-values, optional: true}]
                    releaseName: pod
                    targetNamespace: apps
                    upgradeCRD: true
                    retries: 5
            """);
        Assert.Empty(render.Outputs); // sourceName: the source exists already
        var spec = render.Workload!["spec"]!;
        Assert.Equal("GitRepository", spec["chart"]!["spec"]!["sourceRef"]!["kind"]!.GetValue<string>());
        Assert.Equal("shared-repo", spec["chart"]!["spec"]!["sourceRef"]!["name"]!.GetValue<string>());
        Assert.Equal("*", Render(new HelmComponent(), "    - {name: x, type: helm, properties: {url: u, chart: c}}").Workload!["spec"]!["chart"]!["spec"]!["version"]!.GetValue<string>());
        Assert.Equal(2, spec["values"]!["replicaCount"]!.GetValue<long>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"kind":"ConfigMap","name":"podinfo-values","optional":true}]"""), spec["valuesFrom"]));
        Assert.Equal(("pod", "apps", "CreateReplace"), (spec["releaseName"]!.GetValue<string>(), spec["targetNamespace"]!.GetValue<string>(), spec["upgrade"]!["crds"]!.GetValue<string>()));
        Assert.Equal(5, spec["install"]!["remediation"]!["retries"]!.GetValue<long>());
    }

    public static TheoryData<string, string, string, string, string> ServedByFluxReleases => new()
    {
        // what the cluster serves (Kind=versions;...), repoType, then the HelmRelease and source apiVersions written
        { "", "helm", "HelmRepository", "helm.toolkit.fluxcd.io/v2", "source.toolkit.fluxcd.io/v1" },                                   // offline
        { "HelmRelease=v2beta1;HelmRepository=v1beta2", "helm", "HelmRepository", "helm.toolkit.fluxcd.io/v2beta1", "source.toolkit.fluxcd.io/v1beta2" }, // Flux 2.1 (KubeVela's addon)
        { "HelmRelease=v2beta2;HelmRepository=v1beta2", "helm", "HelmRepository", "helm.toolkit.fluxcd.io/v2beta2", "source.toolkit.fluxcd.io/v1beta2" }, // Flux 2.2
        { "HelmRelease=v2,v2beta2,v2beta1;HelmRepository=v1,v1beta2", "helm", "HelmRepository", "helm.toolkit.fluxcd.io/v2", "source.toolkit.fluxcd.io/v1" }, // Flux 2.3–2.6
        { "HelmRelease=v2;HelmRepository=v1", "oci", "HelmRepository", "helm.toolkit.fluxcd.io/v2", "source.toolkit.fluxcd.io/v1" },  // Flux 2.8
        { "HelmRelease=v2beta1;Bucket=v1beta2", "oss", "Bucket", "helm.toolkit.fluxcd.io/v2beta1", "source.toolkit.fluxcd.io/v1beta2" },
        { "HelmRelease=v2;Bucket=v1,v1beta2", "oss", "Bucket", "helm.toolkit.fluxcd.io/v2", "source.toolkit.fluxcd.io/v1" },
        { "HelmRelease=v2beta1;GitRepository=v1", "git", "GitRepository", "helm.toolkit.fluxcd.io/v2beta1", "source.toolkit.fluxcd.io/v1" },
        { "HelmRelease=v3", "helm", "HelmRepository", "helm.toolkit.fluxcd.io/v2", "source.toolkit.fluxcd.io/v1" },                       // unknown versions only: newest GA
    };

    [Theory]
    [MemberData(nameof(ServedByFluxReleases))]
    public void Flux_objects_are_written_in_the_newest_version_the_cluster_serves(string served, string repoType, string sourceKind, string release, string source)
    {
        var versions = served.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split('='))
            .ToDictionary(e => FluxApiVersions.All.Single(k => k.Kind == e[0]).ToString(), e => (IReadOnlyList<string>)e[1].Split(','));
        var properties = repoType switch
        {
            "oss" => "{repoType: oss, url: https://s3.example.com, oss: {bucketName: charts}, chart: c}",
            "git" => "{repoType: git, url: https://github.com/example/charts, chart: ./c}",
            _ => $"{{repoType: {repoType}, url: https://charts.example.com, chart: c}}",
        };
        var render = Render(new HelmComponent(), $"    - {{name: x, type: helm, properties: {properties}}}", new ServedApiVersions(versions));
        Assert.Equal(release, render.Workload!["apiVersion"]!.GetValue<string>());
        var repo = Assert.Single(render.Outputs).Object;
        Assert.Equal((source, sourceKind), (repo["apiVersion"]!.GetValue<string>(), repo["kind"]!.GetValue<string>()));
        // The fields are the same in every version.
        var offline = Render(new HelmComponent(), $"    - {{name: x, type: helm, properties: {properties}}}");
        Assert.True(JsonNode.DeepEquals(offline.Workload!["spec"], render.Workload["spec"]));
        Assert.True(JsonNode.DeepEquals(Assert.Single(offline.Outputs).Object["spec"], repo["spec"]));
    }

    [Fact]
    public void The_helm_type_asks_for_every_Flux_kind_it_writes()
    {
        Assert.Equal(["HelmRelease", "HelmRepository", "GitRepository", "Bucket"], ((IComponentType)new HelmComponent()).VersionedKinds.Select(k => k.Kind));
        Assert.All(FluxApiVersions.All, k => Assert.DoesNotContain("beta", k.NewestGa));
    }

    [Fact]
    public void A_kustomize_component_renders_nothing_itself_and_describes_its_source()
    {
        var render = Render(new KustomizeComponent(), """
                - name: database-config
                  type: kustomize
                  properties:
                    repoType: git
                    url: https://github.com/FogDong/KubeVela-GitOps-Infra-Demo
                    pullInterval: 10m
                    git: {branch: main}
                    path: ./infrastructure
            """);
        Assert.Null(render.Workload);
        Assert.Empty(render.Outputs);
        var source = KustomizeSource.From(render.Properties);
        Assert.Equal(("https://github.com/FogDong/KubeVela-GitOps-Infra-Demo", "main", "./infrastructure", "10m", true),
            (source.Url, source.Branch, source.Path, source.PullInterval, source.Prune));
        Assert.Null(source.ImageRepository);
    }
}
