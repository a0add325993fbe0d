using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Tests.Cluster;
using GitOpsVela.Engine.Tests.Infrastructure;
using GitOpsVela.Engine.Tests.Delivery;
using Xunit;
using k8s;
using k8s.Models;

namespace GitOpsVela.Engine.Tests.Reconcile;

/// <summary>
/// The spec's first mode end to end with real parts: a config repo on the apache git server (Basic auth), the root
/// application <c>apps</c> (kustomize component) applied once, <c>my-app</c> (webservice + ingress) reaching the
/// Kubernetes API test server; a pushed change to the ingress domain arrives on the next pass; a removed file is pruned.
/// </summary>
[Collection(SharedCrdsCollection.Name)]
public sealed class GitOpsEndToEndTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();
    private GitServer _git = null!;
    private string _cache = null!;

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        _git = GitServer.Start("kubevela", "gitops-pass");
        _cache = Directory.CreateTempSubdirectory("gitopsvela-e2e-cache-").FullName;
    }

    public async Task DisposeAsync()
    {
        _git.Dispose();
        Directory.Delete(_cache, recursive: true);
        await _cluster.DisposeAsync();
    }

    private static string MyApp(string ns, string domain, int port) => $$"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata:
          name: my-app
          namespace: {{ns}}
        spec:
          components:
            - name: my-server
              type: webservice
              properties:
                image: ghcr.io/fogdong/test-fog:master-cba5605f-1632714412 # {"$imagepolicy": "default:apps"}
                port: {{port}}
              traits:
                - type: ingress
                  properties:
                    domain: {{domain}}
                    http:
                      /: {{port}}
        """;

    [Fact]
    public async Task A_pushed_change_reaches_the_cluster_on_the_next_pass_and_a_removed_file_is_pruned()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var url = _git.CreateRepository("config", new Dictionary<string, string>
        {
            ["apps/my-app.yaml"] = MyApp(ns, "testsvc.example.com", 8088),
            ["apps/extra/settings.yaml"] = $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: shared-settings, namespace: {ns}}}\ndata: {{a: \"1\"}}\n",
        });
        var root = ApplicationLoader.LoadText($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: apps
              namespace: {{ns}}
            spec:
              components:
                - name: apps
                  type: kustomize
                  properties:
                    repoType: git
                    url: {{url}}
                    pullInterval: 1m
                    git:
                      branch: main
                    path: ./apps
            """, "clusters/apps.yaml").Applications.Single();

        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        async Task<IReadOnlyList<ReconcileItem>> Pass(bool force)
        {
            target.Gateway.BeginPass();
            var reconciler = target.CreateReconciler(NullEngineOutput.Instance, new GitSourceCache(_cache), new GitCredentials("kubevela", "gitops-pass"), null);
            return await reconciler.RunAsync([root], new ReconcileOptions { Force = force }, default);
        }
        async Task<JsonObject?> Get(string apiVersion, string kind, string name)
        {
            using var client = _cluster.Connect();
            var resource = await client.ResolveAsync(apiVersion, kind, default);
            return await client.GetAsync(resource!, ns, name, default);
        }

        var first = await Pass(force: false);
        Assert.Equal(["apps", "my-app"], first.Select(i => i.Application.Name));
        Assert.All(first, i => Assert.Empty(i.Problems.Concat(i.Delivery?.Problems ?? [])));
        Assert.Equal("apps", first[1].Delivery!.Record!.Parent);
        Assert.StartsWith($"{url}@", first[1].Delivery!.Record!.Source);
        var ingress = await Get("networking.k8s.io/v1", "Ingress", "my-server");
        Assert.Equal("testsvc.example.com", (string?)ingress!["spec"]!["rules"]![0]!["host"]);
        Assert.NotNull(await Get("v1", "ConfigMap", "shared-settings"));
        Assert.Equal("apps", (string?)(await Get("v1", "ConfigMap", "shared-settings"))!["metadata"]!["labels"]!["app.oam.dev/name"]);

        // The spec's "Modify the config for GitOps trigger": a new domain and port, and a file removed.
        var work = _git.CloneForEdits("config");
        File.WriteAllText(Path.Combine(work, "apps", "my-app.yaml"), MyApp(ns, "kubevela.example.com", 8089));
        File.Delete(Path.Combine(work, "apps", "extra", "settings.yaml"));
        _git.CommitAndPush(work, "Modify the config for GitOps trigger");

        // Before the pull interval has passed nothing is fetched: the cluster keeps the old domain.
        var early = await Pass(force: false);
        Assert.False(early[0].Delivery!.StartedRevision);
        Assert.Equal("testsvc.example.com", (string?)(await Get("networking.k8s.io/v1", "Ingress", "my-server"))!["spec"]!["rules"]![0]!["host"]);

        var second = await Pass(force: true);
        Assert.All(second, i => Assert.Empty(i.Problems.Concat(i.Delivery?.Problems ?? [])));
        var updated = await Get("networking.k8s.io/v1", "Ingress", "my-server");
        Assert.Equal("kubevela.example.com", (string?)updated!["spec"]!["rules"]![0]!["host"]);
        Assert.Equal(8089, (int)updated["spec"]!["rules"]![0]!["http"]!["paths"]![0]!["backend"]!["service"]!["port"]!["number"]!);
        Assert.Equal(2, second[0].Delivery!.Record!.Revision);
        Assert.Contains(second[0].Delivery!.Pruned, e => e.Kind == "ConfigMap" && e.Name == "shared-settings");
        Assert.Null(await Get("v1", "ConfigMap", "shared-settings"));
    }

    [Fact]
    public async Task A_wrong_password_leaves_the_running_applications_as_they_are_and_says_why()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var url = _git.CreateRepository("locked", new Dictionary<string, string> { ["apps/my-app.yaml"] = MyApp(ns, "a.example.com", 80) });
        var root = ApplicationLoader.LoadText($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: apps, namespace: {{ns}}}
            spec:
              components:
                - name: apps
                  type: kustomize
                  properties:
                    url: "{{url}}"
                    path: ./apps
                    git:
                      branch: main
            """, "clusters/apps.yaml").Applications.Single();
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var items = await target.CreateReconciler(NullEngineOutput.Instance, new GitSourceCache(_cache), new GitCredentials("kubevela", "nope-not-it"), null)
            .RunAsync([root], new ReconcileOptions(), default);
        var item = Assert.Single(items);
        var problem = Assert.Single(item.Problems);
        Assert.Equal(ProblemCategory.AuthenticationError, problem.Category);
        Assert.Equal(("apps", "apps"), (problem.Application, problem.Component));
        Assert.DoesNotContain("nope-not-it", problem.ToString());
        Assert.Null(item.Delivery);
        Assert.Null(await target.LoadRecordAsync(ns, "apps", default));
    }

    private async Task PatchStatusAsync(string group, string version, string plural, string ns, string name, string statusJson)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(_cluster.Kubeconfig, _cluster.Context);
        using var kube = new Kubernetes(config);
        var patch = new V1Patch(statusJson, V1Patch.PatchType.MergePatch);
        await kube.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, group, version, ns, plural, name);
    }

    private async Task InstallCrdAsync(string group, string version, string plural, string kind)
    {
        var obj = JsonNode.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{},
             "spec":{"scope":"Namespaced","names":{},"versions":[{"served":true,"storage":true,"subresources":{"status":{}},
               "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
            """)!.AsObject();
        obj["metadata"]!["name"] = $"{plural}.{group}";
        obj["spec"]!["group"] = group;
        obj["spec"]!["names"] = new JsonObject { ["plural"] = plural, ["singular"] = kind.ToLowerInvariant(), ["kind"] = kind, ["listKind"] = kind + "List" };
        obj["spec"]!["versions"]![0]!["name"] = version;
        await _cluster.InstallCrdAsync(obj);
    }

    /// <summary>
    /// The spec from start to end with its own files (examples/gitops-repo): clusters/infra.yaml and clusters/apps.yaml are
    /// the only applications given; infra brings mysql (its raw MysqlCluster waits for the operator's CRD), apps brings
    /// my-app; once the operator is in and Flux reports Ready, the vela ls view has the spec's five rows.
    /// </summary>
    [Fact]
    public async Task The_specs_config_repo_ends_in_the_five_rows_of_its_vela_ls_output()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var examples = Path.Combine(AppContext.BaseDirectory, "testdata", "gitops-repo");
        string Example(string path) => File.ReadAllText(Path.Combine(examples, path)).Replace("namespace: default", $"namespace: {ns}");
        var url = _git.CreateRepository("spec", new Dictionary<string, string>
        {
            ["apps/my-app.yaml"] = Example("apps/my-app.yaml"),
            ["infrastructure/mysql.yaml"] = Example("infrastructure/mysql.yaml"),
        });
        List<Application> roots = [];
        foreach (var file in new[] { "clusters/infra.yaml", "clusters/apps.yaml" })
        {
            var text = Example(file)
                .Replace("url: https://github.com/FogDong/KubeVela-GitOps-Infra-Demo", $"url: {url}")
                .Replace("url: https://github.com/FogDong/KubeVela-GitOps-App-Demo", $"url: {url}")
                .Replace("secretRef: my-secret", "# secretRef: my-secret")
                .Replace("metadata:\n  name: infra\n", $"metadata:\n  name: infra\n  namespace: {ns}\n")
                .Replace("metadata:\n  name: apps\n", $"metadata:\n  name: apps\n  namespace: {ns}\n");
            roots.Add(ApplicationLoader.LoadText(text, file).Applications.Single());
        }
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        async Task<IReadOnlyList<ReconcileItem>> Pass()
        {
            target.Gateway.BeginPass();
            var items = await target.CreateReconciler(NullEngineOutput.Instance, new GitSourceCache(_cache), new GitCredentials("kubevela", "gitops-pass"), null)
                .RunAsync(roots, new ReconcileOptions(), default);
            Assert.All(items, i => Assert.Empty(i.Problems.Concat(i.Delivery?.Problems ?? [])));
            return items;
        }

        var first = await Pass();
        Assert.Equal(["infra", "apps", "mysql", "my-app"], first.Select(i => i.Application.Name));
        Assert.Equal([null, null, "infra", "apps"], first.Select(i => i.Parent));
        Assert.Contains("CustomResourceDefinition is not installed", first[2].Delivery!.Workflow!.Find("deploy-operator")!.Message);

        // The operator's CRDs arrive (Flux's helm-controller would install the chart); Flux and the Deployment controller report ready.
        await InstallCrdAsync("helm.toolkit.fluxcd.io", "v2beta1", "helmreleases", "HelmRelease");
        await InstallCrdAsync("source.toolkit.fluxcd.io", "v1beta2", "helmrepositories", "HelmRepository");
        await Pass();
        const string ready = """{"status":{"conditions":[{"type":"Ready","status":"True","reason":"Succeeded"}]}}""";
        await PatchStatusAsync("helm.toolkit.fluxcd.io", "v2beta1", "helmreleases", ns, "mysql-controller", ready);
        await PatchStatusAsync("source.toolkit.fluxcd.io", "v1beta2", "helmrepositories", ns, "mysql-controller", ready);
        await InstallCrdAsync("mysql.presslabs.org", "v1alpha1", "mysqlclusters", "MysqlCluster");
        await _cluster.MarkDeploymentReadyAsync(ns, "my-server");
        await Pass();
        await Pass();

        var records = await target.ReadStatusAsync(ns, default);
        var rows = records.SelectMany(r => r.Components.Select(c => $"{r.Name} {c.Name} {c.Type} {string.Join(",", c.Traits)} {r.Phase.ToKubeVela()} {(c.Healthy == true ? "healthy" : "unhealthy")}")).ToList();
        Assert.Equal([
            "apps apps kustomize  running healthy",
            "infra database-config kustomize  running healthy",
            "my-app my-server webservice ingress running healthy",
            "mysql mysql-controller helm  running healthy",
            "mysql mysql-cluster raw  running healthy",
        ], rows);
    }
}
