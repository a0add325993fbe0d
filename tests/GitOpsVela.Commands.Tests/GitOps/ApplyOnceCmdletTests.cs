using System.Management.Automation;
using GitOpsVela.Commands.Tests.Infrastructure;
using GitOpsVela.Engine.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests.GitOps;

/// <summary>
/// Issue 11, items 4, 6 and 8 through the cmdlets (hosted runspace, the module's psd1), against the apache git server and
/// the Kubernetes API test server — or a real one with GITOPSVELA_TEST_KUBECONFIG: Invoke-VelaWorkflow syncs kustomize
/// sources as a reconcile does and keeps each root's spec, Invoke-VelaReconcile without -Path reconciles those roots until
/// Remove-VelaApplication, ConvertTo-VelaManifest says what a kustomize component stands for (and renders it with
/// -SyncSource), and depends-on-app creates the application its ConfigMap holds.
/// </summary>
public sealed class ApplyOnceCmdletTests : IDisposable
{
    private readonly GitServer _git = GitServer.Start("kubevela", "apply-once-pass");
    private readonly PowerShellSession _session = new();
    private readonly string _cache = Directory.CreateTempSubdirectory("gitopsvela-cmd-cache-").FullName;
    private readonly string _files = Directory.CreateTempSubdirectory("gitopsvela-cmd-files-").FullName;

    public void Dispose()
    {
        _session.Dispose();
        _git.Dispose();
        Directory.Delete(_cache, recursive: true);
        Directory.Delete(_files, recursive: true);
    }

    private ScriptResult Run(string script, params (string Name, object? Value)[] variables)
    {
        var vars = variables.ToDictionary(v => v.Name, v => v.Value);
        vars["cache"] = _cache;
        return _session.Run(script, vars);
    }

    private string File(string name, string text)
    {
        var path = Path.Combine(_files, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private static string Settings(string ns, string name, string value) =>
        $"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  components:\n    - name: {name}-config\n      type: k8s-objects\n      properties:\n        objects:\n          - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: {name}-settings}}, data: {{a: \"{value}\"}}}}\n";

    private static string Root(string ns, string url, string path) =>
        $"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: apps, namespace: {ns}}}\nspec:\n  components:\n    - name: apps\n      type: kustomize\n      properties:\n        url: {url}\n        secretRef: git-creds\n        git: {{branch: main}}\n        path: {path}\n";

    /// <summary>The git Secret the root's secretRef names, delivered as an application (a Secret only by name in any record).</summary>
    private void GitSecret(TestCluster cluster, string ns) =>
        Run($"Invoke-VelaWorkflow -Path $f {cluster.Arguments} -Wait -PollInterval 50ms", ("f", File("secret.yaml",
            $"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: git-secret, namespace: {ns}}}\nspec:\n  components:\n    - name: s\n      type: k8s-objects\n      properties:\n        objects:\n          - {{apiVersion: v1, kind: Secret, metadata: {{name: git-creds}}, type: kubernetes.io/basic-auth, stringData: {{username: kubevela, password: apply-once-pass}}}}\n"))).ThrowOnError();

    [Fact]
    public void Applied_once_with_Invoke_VelaWorkflow_a_root_is_reconciled_from_the_cluster_until_removed()
    {
        using var cluster = new TestCluster();
        var ns = cluster.Namespace();
        GitSecret(cluster, ns);
        var url = _git.CreateRepository("fleet", new Dictionary<string, string> { ["apps/my-app.yaml"] = Settings(ns, "my-app", "1") });
        var root = File("apps.yaml", Root(ns, url, "./apps"));

        var first = Run($"Invoke-VelaWorkflow -Path $root {cluster.Arguments} -CachePath $cache -Wait -PollInterval 50ms", ("root", root)).ThrowOnError().Output;
        Assert.Equal([("apps", null), ("my-app", "apps")], first.Select(r => ((string)r.P("Name")!, (string?)r.P("Parent"))));
        Assert.All(first, r => Assert.Equal("running", r.P("Phase")));

        // The file is gone; a change is pushed; a pass with no -Path finds the root in its record, syncs and delivers.
        System.IO.File.Delete(root);
        var work = _git.CloneForEdits("fleet");
        System.IO.File.WriteAllText(Path.Combine(work, "apps", "my-app.yaml"), Settings(ns, "my-app", "2"));
        System.IO.File.WriteAllText(Path.Combine(work, "apps", "extra.yaml"), Settings(ns, "extra", "1"));
        _git.CommitAndPush(work, "two apps");

        var pass = Run($"Invoke-VelaReconcile {cluster.Arguments} -Namespace $ns -CachePath $cache -Force -Wait", ("ns", ns)).ThrowOnError().Output;

        // Every root applied in the namespace (the git Secret's application too) and what the roots' sources bring.
        Assert.Equal(["apps", "extra", "git-secret", "my-app"], pass.Select(r => (string)r.P("Name")!).Order(StringComparer.Ordinal));
        Assert.All(pass, r => Assert.Equal("running", r.P("Phase")));
        var myApp = Run($"Get-VelaApplication {cluster.Arguments} -Namespace $ns -Name my-app -Detailed", ("ns", ns)).ThrowOnError().Output.Single();
        Assert.Equal("my-app-v2", myApp.P("Revision"));

        // Removed, a root is no longer reconciled, nor what its source brought; the other root still is.
        Run($"Remove-VelaApplication -Name apps -Namespace $ns {cluster.Arguments} -Force", ("ns", ns)).ThrowOnError();
        var after = Run($"Invoke-VelaReconcile {cluster.Arguments} -Namespace $ns -CachePath $cache", ("ns", ns)).ThrowOnError();
        Assert.Equal(["git-secret"], after.Output.Select(r => (string)r.P("Name")!));
        Run($"Remove-VelaApplication -Name git-secret -Namespace $ns {cluster.Arguments} -Force", ("ns", ns)).ThrowOnError();
        var none = Run($"Invoke-VelaReconcile {cluster.Arguments} -Namespace $ns -CachePath $cache", ("ns", ns)).ThrowOnError();
        Assert.Empty(none.Output);
        Assert.Contains(none.Warnings, w => w.Contains($"in namespace {ns} keeps its spec in its record"));
    }

    [Fact]
    public void A_kustomize_path_outside_the_repository_fails_the_step_naming_url_ref_and_path_at_its_line()
    {
        using var cluster = new TestCluster();
        var ns = cluster.Namespace();
        GitSecret(cluster, ns);
        var url = _git.CreateRepository("escape", new Dictionary<string, string> { ["apps/my-app.yaml"] = Settings(ns, "my-app", "1") });
        var root = File("escape.yaml", Root(ns, url, "../../etc"));

        var result = Run($"Invoke-VelaWorkflow -Path $root {cluster.Arguments} -CachePath $cache", ("root", root));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("Workflow.Failed,", error.FullyQualifiedErrorId);
        var message = error.ToString();
        Assert.Contains($"{root}:6:7: application 'apps', component 'apps', property 'path'", message);
        Assert.Contains($"source {url} (branch main, commit ", message);
        Assert.Contains("path '../../etc' leaves the repository", message);
        Assert.Contains("path must name a folder or file inside the repository", message);
        Assert.DoesNotContain(_cache, message);
        Assert.Equal("workflowFailed", Assert.Single(result.Output).P("Phase"));
    }

    [Fact]
    public void ConvertTo_VelaManifest_shows_what_a_kustomize_component_stands_for_and_renders_it_with_SyncSource()
    {
        var repo = Directory.CreateTempSubdirectory("gitopsvela-cmd-local-repo-").FullName;
        try
        {
            System.IO.File.WriteAllText(Path.Combine(repo, "settings.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared}\ndata: {mode: blue}\n");
            Directory.CreateDirectory(Path.Combine(repo, "apps"));
            System.IO.File.WriteAllText(Path.Combine(repo, "apps", "my-app.yaml"), Settings("default", "my-app", "1"));
            GitServer.Run("git", "-C", repo, "init", "-q", "-b", "main");
            GitServer.Run("git", "-C", repo, "add", "-A");
            GitServer.Run("git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "seed");
            var url = new Uri(repo).AbsoluteUri;
            var good = File("good.yaml", Root("default", url, "./").Replace("        secretRef: git-creds\n", ""));
            var bad = File("bad.yaml", Root("default", url, "./nope").Replace("        secretRef: git-creds\n", "").Replace("name: apps,", "name: bad,"));

            var shown = Run("ConvertTo-VelaManifest -Path $p", ("p", good)).ThrowOnError().Output;
            var source = Assert.Single(shown);
            Assert.Equal("VelaComponentSource", source.BaseObject.GetType().Name);
            Assert.Equal((url, "branch main", "./"), ((string)source.P("Url")!, (string)source.P("Ref")!, (string)source.P("Path")!));
            Assert.Matches($"^# default/apps component apps \\(kustomize\\): the objects of {System.Text.RegularExpressions.Regex.Escape(url)} \\(branch main\\) path '\\./'",
                (string)Run("ConvertTo-VelaManifest -Path $p -AsYaml", ("p", good)).ThrowOnError().Output.Single().BaseObject);

            var synced = Run("ConvertTo-VelaManifest -Path $p -SyncSource -CachePath $cache", ("p", good)).ThrowOnError().Output;
            Assert.Equal([("apps", "ConfigMap", "shared"), ("my-app", "ConfigMap", "my-app-settings")],
                synced.Select(m => ((string)m.P("Application")!, (string)m.P("Kind")!, (string)m.P("Name")!)).Order());
            Assert.Equal($"{url} (branch main) path './'", synced.Single(m => (string)m.P("Application")! == "apps").P("Source"));

            var refused = Run("ConvertTo-VelaManifest -Path $p -SyncSource -CachePath $cache", ("p", bad));
            var error = Assert.Single(refused.Errors);
            Assert.Contains($"{bad}:6:7: application 'bad', component 'apps', property 'path': source {url} (branch main, commit ", error.ToString());
            Assert.Contains("path './nope' does not exist in the repository", error.ToString());
            Assert.Empty(refused.Output);
        }
        finally
        {
            Directory.Delete(repo, recursive: true);
        }
    }

    [Fact]
    public void Depends_on_app_creates_the_application_its_configmap_holds_and_refuses_one_without_it()
    {
        using var cluster = new TestCluster();
        var ns = cluster.Namespace();
        // The ConfigMaps KubeVela's step reads: data.application holds the Application YAML (here as a JSON string, which YAML reads too).
        var db = System.Text.Json.JsonSerializer.Serialize(Settings(ns, "db", "1"));
        var seed = File("seed.yaml",
            $"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: seed, namespace: {ns}}}\nspec:\n  components:\n    - name: s\n      type: k8s-objects\n      properties:\n        objects:\n          - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: db}}, data: {{application: {db}}}}}\n          - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: cache}}, data: {{app.yaml: nothing}}}}\n");
        Run($"Invoke-VelaWorkflow -Path $f {cluster.Arguments} -Wait -PollInterval 50ms", ("f", seed)).ThrowOnError();
        string Waiter(string name, string on) => File($"{name}.yaml",
            Settings(ns, name, "1") + $"  workflow:\n    steps:\n      - {{name: first, type: depends-on-app, properties: {{name: {on}, namespace: {ns}}}}}\n      - {{name: then, type: apply-component, properties: {{component: {name}-config}}}}\n");

        var runs = Run($"Invoke-VelaWorkflow -Path $f {cluster.Arguments} -Wait -PollInterval 50ms", ("f", Waiter("web", "db"))).ThrowOnError().Output;

        Assert.Equal("running", Assert.Single(runs).P("Phase"));
        var listed = Run($"Get-VelaApplication {cluster.Arguments} -Namespace $ns", ("ns", ns)).ThrowOnError().Output;
        Assert.Contains(listed, a => (string)a.P("Name")! == "db" && (string?)a.P("Phase") == "running");

        var refused = Run($"Invoke-VelaWorkflow -Path $f {cluster.Arguments} -Wait -PollInterval 50ms", ("f", Waiter("api", "cache")));
        var error = Assert.Single(refused.Errors);
        Assert.StartsWith("Workflow.Failed,", error.FullyQualifiedErrorId);
        Assert.Contains($"ConfigMap {ns}/cache has no data key 'application' (it has 'app.yaml'); depends-on-app creates application {ns}/cache from the Application YAML under data.application", error.ToString());
    }
}
