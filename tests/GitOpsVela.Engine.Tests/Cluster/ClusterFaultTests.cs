using System.Net;
using System.Net.Sockets;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.TestKube;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

/// <summary>Faults need a server that can be told to fail, so these always use the test API server.</summary>
public sealed class ClusterFaultTests : IAsyncLifetime
{
    private KubeApiServer _server = null!;
    private string _dir = null!;
    private string _kubeconfig = null!;

    public async Task InitializeAsync()
    {
        _server = await KubeApiServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("gitopsvela-faults-").FullName;
        _kubeconfig = _server.WriteKubeconfig(Path.Combine(_dir, "config"), "faulty", token: "super-secret-token");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private async Task<ApplyOutcome> ApplyOne(KubeClient client) =>
        Assert.Single((await new Applier(client, NullEngineOutput.Instance).ApplyAsync([Manifests.ConfigMap("default", "c", "my-app")], new ApplyOptions(), "my-app", default)).Outcomes);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task An_unreachable_API_server_is_a_connection_problem_naming_the_server()
    {
        var port = FreePort();
        var path = Path.Combine(_dir, "down");
        File.WriteAllText(path, File.ReadAllText(_kubeconfig).Replace(_server.BaseAddress.ToString().TrimEnd('/'), $"http://127.0.0.1:{port}"));
        using var client = Kubeconfig.Connect(path, "faulty");
        var outcome = await ApplyOne(client);
        Assert.Equal(ApplyAction.Failed, outcome.Action);
        Assert.Equal("Cluster.Unreachable", outcome.Problem!.Id);
        Assert.Equal(ProblemCategory.ConnectionError, outcome.Problem.Category);
        Assert.Contains($"127.0.0.1:{port}", outcome.Problem.Message);
        Assert.Contains("'faulty'", outcome.Problem.Message);
        Assert.DoesNotContain("super-secret-token", outcome.Problem.Message);
    }

    [Fact]
    public async Task Rejected_credentials_are_an_authentication_problem_that_never_prints_the_token()
    {
        _server.RequiredToken = "another-token";
        using var client = Kubeconfig.Connect(_kubeconfig, "faulty");
        var result = await new Applier(client, NullEngineOutput.Instance).ApplyAsync(
            [Manifests.ConfigMap("default", "a", "my-app"), Manifests.ConfigMap("default", "b", "my-app")], new ApplyOptions(), "my-app", default);
        Assert.All(result.Outcomes, o => Assert.Equal("Cluster.Unauthorized", o.Problem!.Id));
        Assert.Equal(ProblemCategory.AuthenticationError, result.Outcomes[0].Problem!.Category);
        Assert.DoesNotContain("super-secret-token", result.Outcomes[0].Problem!.Message);
        // The first 401 stops the pass: one request, not one per object.
        Assert.Single(client.Requests);
    }

    [Fact]
    public async Task A_forbidden_request_says_what_RBAC_denied()
    {
        _server.Forbid = r => r.Verb == "apply";
        using var client = Kubeconfig.Connect(_kubeconfig, "faulty");
        var outcome = await ApplyOne(client);
        Assert.Equal("Cluster.Forbidden", outcome.Problem!.Id);
        Assert.Equal(ProblemCategory.PermissionDenied, outcome.Problem.Category);
        Assert.Contains("cannot apply resource \"configmaps\"", outcome.Problem.Message);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_is_a_timeout_problem()
    {
        _server.ResponseDelay = TimeSpan.FromSeconds(5);
        using var client = Kubeconfig.Connect(_kubeconfig, "faulty", timeout: TimeSpan.FromMilliseconds(300));
        var outcome = await ApplyOne(client);
        Assert.Equal("Cluster.Timeout", outcome.Problem!.Id);
        Assert.Equal(ProblemCategory.OperationTimeout, outcome.Problem.Category);
        Assert.Contains("within 0.3s", outcome.Problem.Message);
    }

    [Fact]
    public void A_failing_credential_plugin_is_an_authentication_problem()
    {
        var path = Path.Combine(_dir, "exec");
        var text = File.ReadAllText(_kubeconfig).Replace("    token: super-secret-token", "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /nonexistent/credential-helper\n      interactiveMode: Never");
        File.WriteAllText(path, text);
        Assert.Equal("faulty", Assert.Single(Kubeconfig.ListContexts(path)).Name); // listing never runs the plugin
        var e = Assert.Throws<VelaProblemException>(() => Kubeconfig.Connect(path, "faulty"));
        Assert.Equal("Cluster.CredentialsUnavailable", e.Problem.Id);
        Assert.Equal(ProblemCategory.AuthenticationError, e.Problem.Category);
        Assert.Contains("'faulty'", e.Problem.Message);
        Assert.Contains("credential-helper", e.Problem.Message);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Record_store_faults_surface_as_problems_too()
    {
        _server.RequiredToken = "another-token";
        using var client = Kubeconfig.Connect(_kubeconfig, "faulty");
        var e = await Assert.ThrowsAsync<VelaProblemException>(() => new RecordStore(client).ReadAsync("default", "my-app", default));
        Assert.Equal("Cluster.Unauthorized", e.Problem.Id);
        Assert.Equal("my-app", e.Problem.Application);
    }
}
