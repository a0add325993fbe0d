using System.Management.Automation;
using GitOpsVela.Commands.Tests.Infrastructure;
using GitOpsVela.Engine.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests.GitOps;

/// <summary>
/// Sync-VelaRepository, Invoke-VelaReconcile, Get-VelaImageTag and Update-VelaImageTag through a real runspace and the
/// module's psd1 (so libgit2's native library is found from the module folder), against the apache git server, Debian's
/// docker-registry and the Kubernetes API test server.
/// </summary>
public sealed class GitOpsCmdletTests : IDisposable
{
    private readonly GitServer _git = GitServer.Start("kubevela", "cmdlet-pass");
    private readonly PowerShellSession _session = new();
    private readonly string _cache = Directory.CreateTempSubdirectory("gitopsvela-cmd-cache-").FullName;

    public void Dispose()
    {
        _session.Dispose();
        _git.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    private ScriptResult Run(string script, params (string Name, object? Value)[] variables)
    {
        var vars = variables.ToDictionary(v => v.Name, v => v.Value);
        vars["cred"] = new PSCredential("kubevela", ToSecure("cmdlet-pass"));
        vars["cache"] = _cache;
        return _session.Run(script, vars);
    }

    private static System.Security.SecureString ToSecure(string s)
    {
        var secure = new System.Security.SecureString();
        foreach (var c in s) secure.AppendChar(c);
        return secure;
    }

    private static string App(string ns, string name) => $"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n  components:\n    - name: {name}-config\n      type: k8s-objects\n      properties:\n        objects:\n          - apiVersion: v1\n            kind: ConfigMap\n            metadata: {{name: {name}-settings}}\n            data: {{a: \"1\"}}\n";

    [Fact]
    public void Sync_VelaRepository_outputs_a_source_that_pipes_into_Get_VelaApplication()
    {
        var url = _git.CreateRepository("config", new Dictionary<string, string> { ["apps/my-app.yaml"] = App("default", "my-app") });

        var result = Run("Sync-VelaRepository -Url $url -GitCredential $cred -CachePath $cache | Get-VelaApplication", ("url", url)).ThrowOnError();

        var app = Assert.Single(result.Output);
        Assert.Equal("my-app", app.P("Name"));
        var source = Run("Sync-VelaRepository -Url $url -GitCredential $cred -CachePath $cache -PullInterval 10m", ("url", url)).ThrowOnError().Output.Single();
        Assert.Equal(false, source.P("Fetched"));
        Assert.Equal(url, source.P("Url"));

        var refused = Run("Sync-VelaRepository -Url $url -GitCredential $wrong -CachePath $cache -Force", ("url", url),
            ("wrong", new PSCredential("kubevela", ToSecure("wrong-pass-9"))));
        var error = Assert.Single(refused.Errors);
        Assert.Equal(ErrorCategory.AuthenticationError, error.CategoryInfo.Category);
        Assert.DoesNotContain("wrong-pass-9", error.ToString());
    }

    [Fact]
    public void Invoke_VelaReconcile_delivers_the_root_application_and_what_its_source_brings()
    {
        using var cluster = new TestCluster();
        var ns = cluster.Namespace();
        var url = _git.CreateRepository("fleet", new Dictionary<string, string> { ["apps/my-app.yaml"] = App(ns, "my-app") });
        var clusters = Directory.CreateTempSubdirectory("gitopsvela-clusters-").FullName;
        File.WriteAllText(Path.Combine(clusters, "apps.yaml"), $"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: apps, namespace: {ns}}}\nspec:\n  components:\n    - name: apps\n      type: kustomize\n      properties:\n        url: {url}\n        path: ./apps\n        git: {{branch: main}}\n");

        var runs = Run($"Invoke-VelaReconcile -Path $clusters -GitCredential $cred -CachePath $cache -Wait {cluster.Arguments}", ("clusters", clusters)).ThrowOnError().Output;

        Assert.Equal([("apps", null), ("my-app", "apps")], runs.Select(r => ((string)r.P("Name")!, (string?)r.P("Parent"))));
        Assert.All(runs, r => Assert.Equal("running", r.P("Phase")));
        var listed = Run($"Get-VelaApplication {cluster.Arguments} -Namespace $ns", ("ns", ns)).ThrowOnError().Output;
        Assert.Equal(["apps", "my-app"], listed.Select(a => (string)a.P("Name")!));
    }

    [Fact]
    public async Task Get_VelaImageTag_explains_and_Update_VelaImageTag_previews_then_commits_and_pushes()
    {
        using var registry = OciRegistry.Start();
        await registry.PushAsync("org/app", "master-aaaa1111-100", "master-bbbb2222-300", "master-cccc3333-200", "dev-dddd4444-999");
        var image = $"{registry.Host}/org/app";

        var tags = Run("Get-VelaImageTag -Image $image -Policy Numerical -Pattern '^master-[a-f0-9]+-(?P<ts>[0-9]+)' -Extract '$ts' -Explain", ("image", image)).ThrowOnError().Output;
        Assert.Equal(4, tags.Count);
        Assert.Equal("master-bbbb2222-300", tags.Single(t => (bool)t.P("Selected")!).P("Tag"));
        Assert.Equal("FilteredOut", tags.Single(t => (string?)t.P("Tag") == "dev-dddd4444-999").P("Verdict"));

        _git.CreateRepository("images", new Dictionary<string, string>
        {
            ["deploy.yaml"] = $"kind: Deployment\nspec:\n  image: \"{image}:master-aaaa1111-100\" # {{\"$imagepolicy\": \"default:app\"}}\n",
        });
        var work = _git.CloneForEdits("images");
        var file = Path.Combine(work, "deploy.yaml");
        var before = File.ReadAllBytes(file);
        const string update = "Update-VelaImageTag -Path $work -Image $image -Marker default:app -Policy Numerical -Pattern '^master-[a-f0-9]+-(?P<ts>[0-9]+)' -Extract '$ts'";

        var preview = Run(update + " -WhatIf", ("work", work), ("image", image)).ThrowOnError();
        Assert.Empty(preview.Output);
        Assert.Contains($"What if: {file}:3 {image}:master-aaaa1111-100 -> {image}:master-bbbb2222-300", preview.Information!);
        Assert.Equal(before, File.ReadAllBytes(file));

        var done = Run(update + " -Push -GitCredential $cred", ("work", work), ("image", image)).ThrowOnError().Output.Single();
        Assert.NotNull(done.P("Commit"));
        var check = _git.CloneForEdits("images");
        Assert.Equal($"kind: Deployment\nspec:\n  image: \"{image}:master-bbbb2222-300\" # {{\"$imagepolicy\": \"default:app\"}}\n", File.ReadAllText(Path.Combine(check, "deploy.yaml")));

        Assert.Empty(Run(update + " -Push -GitCredential $cred", ("work", work), ("image", image)).ThrowOnError().Output);
    }

    [Fact]
    public async Task Update_VelaImageTag_reads_the_registry_and_git_secrets_from_the_cluster()
    {
        using var registry = OciRegistry.Start("puller", "pull-pass");
        await registry.PushAsync("org/api", "1.0.0", "1.2.0", "2.0.0");
        using var cluster = new TestCluster();
        var ns = cluster.Namespace();
        var dockerconfig = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(
            "{\"auths\":{\"" + registry.Host + "\":{\"auth\":\"" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("puller:pull-pass")) + "\"}}}"));
        // The secrets the spec asks for (imagesecret, my-secret), put in the cluster by a delivered application.
        var secrets = Path.Combine(Directory.CreateTempSubdirectory("gitopsvela-secrets-").FullName, "secrets.yaml");
        File.WriteAllText(secrets, $"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: secrets, namespace: {ns}}}\nspec:\n  components:\n    - name: secrets\n      type: k8s-objects\n      properties:\n        objects:\n          - {{apiVersion: v1, kind: Secret, metadata: {{name: imagesecret}}, type: kubernetes.io/dockerconfigjson, data: {{.dockerconfigjson: {dockerconfig}}}}}\n          - {{apiVersion: v1, kind: Secret, metadata: {{name: my-secret}}, type: kubernetes.io/basic-auth, stringData: {{username: kubevela, password: cmdlet-pass}}}}\n");
        Run($"Invoke-VelaWorkflow -Path $f {cluster.Arguments} -Wait -PollInterval 50ms", ("f", secrets)).ThrowOnError();

        var image = $"{registry.Host}/org/api";
        _git.CreateRepository("withsecrets", new Dictionary<string, string>
        {
            ["clusters/apps.yaml"] = $"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: apps, namespace: {ns}}}\nspec:\n  components:\n    - name: apps\n      type: kustomize\n      properties:\n        url: https://example.com/x\n        secretRef: my-secret\n        path: ./apps\n        imageRepository:\n          image: {image}\n          secretRef: imagesecret\n          policy:\n            semver:\n              range: \"^1\"\n",
            ["apps/api.yaml"] = $"image: {image}:1.0.0 # {{\"$imagepolicy\": \"{ns}:apps\"}}\n",
        });
        var work = _git.CloneForEdits("withsecrets");

        var done = Run($"Update-VelaImageTag -Path $work -Push {cluster.Arguments}", ("work", work)).ThrowOnError().Output.Single();

        Assert.Equal($"{image}:1.2.0", done.P("New"));
        Assert.NotNull(done.P("Commit"));
        var check = _git.CloneForEdits("withsecrets");
        Assert.Equal($"image: {image}:1.2.0 # {{\"$imagepolicy\": \"{ns}:apps\"}}\n", File.ReadAllText(Path.Combine(check, "apps", "api.yaml")));
    }
}
