using GitOpsVela.Engine.Diagnostics;
using Xunit;
using KubeconfigFiles = GitOpsVela.Engine.Kube.Kubeconfig;

namespace GitOpsVela.Engine.Tests.Cluster;

public sealed class KubeconfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gitopsvela-kubeconfig-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string file, string current, params (string Context, string Server, string? Ns)[] contexts)
    {
        var text = "apiVersion: v1\nkind: Config\nclusters:\n" +
                   string.Concat(contexts.Select(c => $"- name: {c.Context}-cluster\n  cluster:\n    server: {c.Server}\n")) +
                   "users:\n" + string.Concat(contexts.Select(c => $"- name: {c.Context}-user\n  user:\n    token: secret-{c.Context}\n")) +
                   "contexts:\n" + string.Concat(contexts.Select(c => $"- name: {c.Context}\n  context:\n    cluster: {c.Context}-cluster\n    user: {c.Context}-user\n" + (c.Ns is null ? string.Empty : $"    namespace: {c.Ns}\n"))) +
                   $"current-context: {current}\n";
        var path = Path.Combine(_dir, file);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Contexts_are_listed_without_contacting_a_cluster()
    {
        // Nothing listens on port 1: listing must not try.
        var path = Write("config", "prod", ("prod", "https://127.0.0.1:1", "apps"), ("dev", "https://127.0.0.1:1", null));
        var contexts = KubeconfigFiles.ListContexts(path);
        Assert.Equal(["prod", "dev"], contexts.Select(c => c.Name));
        Assert.True(contexts.Single(c => c.Name == "prod").IsCurrent);
        Assert.Equal("apps", contexts.Single(c => c.Name == "prod").Namespace);
        Assert.Equal("dev-cluster", contexts.Single(c => c.Name == "dev").Cluster);
    }

    [Fact]
    public void KUBECONFIG_with_several_files_merges_them_and_the_first_file_wins()
    {
        var a = Write("a", "alpha", ("alpha", "https://127.0.0.1:1", null), ("shared", "https://first.example:6443", null));
        var b = Write("b", "beta", ("beta", "https://127.0.0.1:1", null), ("shared", "https://second.example:6443", null));
        var missing = Path.Combine(_dir, "missing");
        var paths = KubeconfigFiles.ResolvePaths(kubeconfigVariable: string.Join(Path.PathSeparator, a, missing, b));
        Assert.Equal([a, b], paths);
        var previous = Environment.GetEnvironmentVariable(KubeconfigFiles.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(KubeconfigFiles.EnvironmentVariable, string.Join(Path.PathSeparator, a, b));
            var contexts = KubeconfigFiles.ListContexts();
            Assert.Equal(["alpha", "shared", "beta"], contexts.Select(c => c.Name));
            Assert.Equal("alpha", contexts.Single(c => c.IsCurrent).Name);
            using var client = KubeconfigFiles.Connect(context: "shared");
            Assert.Equal("https://first.example:6443", client.Server);
        }
        finally
        {
            Environment.SetEnvironmentVariable(KubeconfigFiles.EnvironmentVariable, previous);
        }
    }

    [Fact]
    public void An_explicit_path_wins_over_KUBECONFIG_and_home_is_the_fallback()
    {
        var explicitPath = Write("explicit", "x", ("x", "https://127.0.0.1:1", null));
        var other = Write("other", "y", ("y", "https://127.0.0.1:1", null));
        Assert.Equal([explicitPath], KubeconfigFiles.ResolvePaths(explicitPath, kubeconfigVariable: other));
        var home = Path.Combine(_dir, "home");
        Directory.CreateDirectory(Path.Combine(home, ".kube"));
        File.Copy(other, Path.Combine(home, ".kube", "config"));
        Assert.Equal([Path.Combine(home, ".kube", "config")], KubeconfigFiles.ResolvePaths(kubeconfigVariable: "", homeDirectory: home));
        Assert.Empty(KubeconfigFiles.ResolvePaths(kubeconfigVariable: "", homeDirectory: Path.Combine(_dir, "nobody")));
    }

    [Fact]
    public void An_unknown_context_names_the_contexts_there_are_and_no_credentials()
    {
        var path = Write("config", "prod", ("prod", "https://127.0.0.1:1", null), ("dev", "https://127.0.0.1:1", null));
        var e = Assert.Throws<VelaProblemException>(() => KubeconfigFiles.Connect(path, "staging"));
        Assert.Equal("Cluster.ContextNotFound", e.Problem.Id);
        Assert.Contains("'staging'", e.Problem.Message);
        Assert.Contains("prod, dev", e.Problem.Message);
        Assert.DoesNotContain("secret-", e.Problem.Message);
    }

    [Fact]
    public void A_missing_kubeconfig_is_a_clear_problem()
    {
        var e = Assert.Throws<VelaProblemException>(() => KubeconfigFiles.ListContexts(Path.Combine(_dir, "nope")));
        Assert.Equal("Cluster.KubeconfigNotFound", e.Problem.Id);
        Assert.Equal(ProblemCategory.ObjectNotFound, e.Problem.Category);
    }

    [Theory]
    [InlineData("garbage", "clusters: [\n  - name: x\n\tbad")]
    [InlineData("not-a-config", "just some text")]
    [InlineData("wrong-shape", "clusters: 7\ncontexts: {a: b}\n")]
    public void A_kubeconfig_that_cannot_be_read_fails_at_once_in_one_line(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<VelaProblemException>(() => KubeconfigFiles.Connect(path, "prod"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains(e.Problem.Id, new[] { "Cluster.KubeconfigInvalid", "Cluster.ContextNotFound" });
        Assert.DoesNotContain("\n", e.Problem.Message);
        Assert.Contains(e.Problem.Id == "Cluster.KubeconfigInvalid" ? path : "'prod'", e.Problem.Message);
    }
}
