using System.Diagnostics;
using System.Net;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Tests.Infrastructure;
using GitOpsVela.TestKube;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

/// <summary>
/// How every kind of API failure reaches the engine: transient (worth trying again: refused, reset, DNS, TLS handshake,
/// timeouts, 429 with its Retry-After, 5xx, 409 on update) or permanent (401, 403, 404, 422, an apply conflict, an
/// untrusted certificate), each in one clear line. Faults need a server that can be told to fail, so these use the test
/// API server (over HTTPS where certificates matter).
/// </summary>
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
        using var client = Connect();
        await client.CreateAsync((await client.ResolveAsync("v1", "Namespace", default))!, Manifests.Namespace("default"), default);
        _server.ClearRequests();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private KubeClient Connect(TimeSpan? timeout = null) => Kubeconfig.Connect(_kubeconfig, "faulty", timeout);

    private static async Task<ApplyOutcome> ApplyOne(KubeClient client, string name = "c") =>
        Assert.Single((await new Applier(client, NullEngineOutput.Instance).ApplyAsync([Manifests.ConfigMap("default", name, "my-app")], new ApplyOptions(), "my-app", default)).Outcomes);

    private static readonly ApiResource ConfigMaps = new("", "v1", "ConfigMap", "configmaps", true);

    private string KubeconfigFor(string server, string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, File.ReadAllText(_kubeconfig).Replace(_server.BaseAddress.ToString().TrimEnd('/'), server));
        return path;
    }

    // ---- transient ----

    [Fact]
    public async Task An_unreachable_API_server_is_a_transient_connection_problem_naming_the_server()
    {
        var port = TestPorts.Free();
        using var client = Kubeconfig.Connect(KubeconfigFor($"http://127.0.0.1:{port}", "down"), "faulty");
        var outcome = await ApplyOne(client);
        Assert.Equal(ApplyAction.Failed, outcome.Action);
        Assert.Equal("Cluster.Unreachable", outcome.Problem!.Id);
        Assert.Equal(ProblemCategory.ConnectionError, outcome.Problem.Category);
        Assert.True(outcome.Problem.Transient);
        Assert.Equal($"ConfigMap default/c: cannot reach the Kubernetes API server of context 'faulty' (http://127.0.0.1:{port}): connection refused by 127.0.0.1:{port} (nothing listens there, or the API server is down)",
            outcome.Problem.Message);
        Assert.DoesNotContain("super-secret-token", outcome.Problem.Message);
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_is_a_transient_DNS_problem()
    {
        using var client = Kubeconfig.Connect(KubeconfigFor("https://gitopsvela-nowhere.invalid:6443", "dns"), "faulty", TimeSpan.FromSeconds(10));
        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.ResolveAsync("v1", "ConfigMap", default));
        Assert.True(e.Transient);
        Assert.StartsWith("the host name 'gitopsvela-nowhere.invalid' cannot be resolved (DNS)", e.Message);
    }

    [Fact]
    public async Task A_connection_closed_without_an_answer_is_transient()
    {
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Reset, Verb = "apply" });
        using var client = Connect();
        var outcome = await ApplyOne(client);
        Assert.Equal("Cluster.Unreachable", outcome.Problem!.Id);
        Assert.True(outcome.Problem.Transient);
        Assert.EndsWith("before an answer came", outcome.Problem.Message);
    }

    [Fact]
    public async Task A_429_is_transient_and_carries_the_servers_Retry_After_capped_at_a_minute()
    {
        using var client = Connect();
        client.ThrottleRetries = 0; // what the engine sees once the client's own retries are spent
        _server.Faults.Add(new KubeFault { Kind = FaultKind.TooManyRequests, Verb = "apply", RetryAfterSeconds = 3, Count = 1 });
        var throttled = await ApplyOne(client);
        Assert.Equal("Cluster.Throttled", throttled.Problem!.Id);
        Assert.True(throttled.Problem.Transient);
        Assert.Equal(TimeSpan.FromSeconds(3), throttled.Problem.RetryAfter);
        Assert.Contains("(429 TooManyRequests, retry after 3 s)", throttled.Problem.Message);

        _server.Faults.Add(new KubeFault { Kind = FaultKind.TooManyRequests, Verb = "apply", RetryAfterSeconds = 3600, Count = 1 });
        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.ApplyAsync(ConfigMaps, Manifests.ConfigMap("default", "c", "my-app"), "gitopsvela", false, false, default));
        Assert.Equal(KubeApiException.MaxRetryAfter, e.RetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(1), e.RetryAfter);
        Assert.Equal(ApplyAction.Created, (await ApplyOne(client)).Action);
    }

    [Fact]
    public async Task A_429_is_sent_again_after_the_wait_its_Retry_After_asks_for_and_reported_once_the_retries_are_spent()
    {
        using var client = Connect();
        var waits = new List<TimeSpan>();
        client.Delay = (wait, _) =>
        {
            waits.Add(wait);
            return Task.CompletedTask;
        };
        _server.Faults.Add(new KubeFault { Kind = FaultKind.TooManyRequests, Verb = "apply", RetryAfterSeconds = 2, Count = 2 });
        Assert.Equal(ApplyAction.Created, (await ApplyOne(client)).Action);
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)], waits);
        Assert.Equal(3, _server.Requests.Count(r => r.Verb == "apply"));

        // More 429s than retries: the last one is reported, as Cluster.Throttled with the server's Retry-After.
        waits.Clear();
        _server.Faults.Add(new KubeFault { Kind = FaultKind.TooManyRequests, Verb = "apply", RetryAfterSeconds = 1, Count = client.ThrottleRetries + 1 });
        var throttled = await ApplyOne(client, "d");
        Assert.Equal("Cluster.Throttled", throttled.Problem!.Id);
        Assert.Equal(client.ThrottleRetries, waits.Count);

        // A server asking for longer than the client waits by itself: reported at once, for the workflow's backoff.
        waits.Clear();
        _server.Faults.Add(new KubeFault { Kind = FaultKind.TooManyRequests, Verb = "apply", RetryAfterSeconds = 30, Count = 1 });
        Assert.Equal("Cluster.Throttled", (await ApplyOne(client, "e")).Problem!.Id);
        Assert.Empty(waits);
    }

    [Fact]
    public async Task A_failing_admission_webhook_is_a_transient_500_with_the_servers_message()
    {
        _server.Faults.Add(new KubeFault { Kind = FaultKind.WebhookFailure, Verb = "apply", Webhook = "validate.kyverno.svc" });
        using var client = Connect();
        var outcome = await ApplyOne(client);
        Assert.Equal("Cluster.RequestFailed", outcome.Problem!.Id);
        Assert.True(outcome.Problem.Transient);
        Assert.Null(outcome.Problem.RetryAfter);
        Assert.Contains("answered 500 InternalError to PATCH /api/v1/namespaces/default/configmaps/c: Internal error occurred: failed calling webhook \"validate.kyverno.svc\"", outcome.Problem.Message);
    }

    [Theory]
    [InlineData(503, "ServiceUnavailable", true)]
    [InlineData(504, "Timeout", true)]
    [InlineData(501, "NotImplemented", false)]
    [InlineData(400, "BadRequest", false)]
    public async Task Server_errors_are_transient_and_client_errors_are_not(int code, string reason, bool transient)
    {
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Status, Code = code, Reason = reason, Message = "injected", Verb = "apply" });
        using var client = Connect();
        var outcome = await ApplyOne(client);
        Assert.Equal(transient, outcome.Problem!.Transient);
        Assert.Contains($"answered {code} {reason}", outcome.Problem.Message);
    }

    [Fact]
    public async Task A_server_that_does_not_answer_in_time_is_a_transient_timeout_naming_the_call()
    {
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Slow, Verb = "apply", Seconds = 5 });
        using var client = Connect(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        var outcome = await ApplyOne(client);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
        Assert.Equal("Cluster.Timeout", outcome.Problem!.Id);
        Assert.Equal(ProblemCategory.OperationTimeout, outcome.Problem.Category);
        Assert.True(outcome.Problem.Transient);
        Assert.Equal($"ConfigMap default/c: timed out after 0.3 s calling PATCH /api/v1/namespaces/default/configmaps/c (context 'faulty' ({_server.BaseAddress.ToString().TrimEnd('/')}))",
            outcome.Problem.Message);
    }

    [Fact]
    public async Task A_TLS_handshake_that_never_completes_is_a_transient_timeout()
    {
        await using var tls = await KubeApiServer.StartAsync(new KubeApiServerOptions { Tls = true });
        await using var proxy = new TcpOutageProxy("127.0.0.1", tls.Port);
        proxy.SetMode(ProxyMode.Stall);
        var path = tls.WriteKubeconfig(Path.Combine(_dir, "stalled"), "stalled");
        File.WriteAllText(path, File.ReadAllText(path).Replace($"127.0.0.1:{tls.Port}", proxy.Address));
        using var client = Kubeconfig.Connect(path, "stalled", TimeSpan.FromMilliseconds(500));
        var e = await Assert.ThrowsAsync<KubeApiException>(() => client.ResolveAsync("v1", "ConfigMap", default));
        Assert.True(e.IsTimeout);
        Assert.True(e.Transient);
        Assert.Equal("timed out after 0.5 s calling GET /api/v1", e.Message);
        Assert.Equal(1, proxy.Accepted);
    }

    [Fact]
    public async Task A_conflict_on_update_is_transient_but_an_apply_conflict_with_another_manager_is_not()
    {
        using var client = Connect();
        var created = await client.CreateAsync(ConfigMaps, Manifests.ConfigMap("default", "c", "my-app", ("a", "1")), default);
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Conflict, Verb = "update", Count = 1 });
        var stale = await Assert.ThrowsAsync<KubeApiException>(() => client.ReplaceAsync(ConfigMaps, created, default));
        Assert.Equal(409, stale.StatusCode);
        Assert.True(stale.Transient);

        var other = Manifests.ConfigMap("default", "c", "my-app", ("a", "2"));
        await client.ApplyAsync(ConfigMaps, other, "kubectl-edit", force: true, dryRun: false, default);
        var mine = Manifests.ConfigMap("default", "c", "my-app", ("a", "3"));
        var conflict = await Assert.ThrowsAsync<KubeApiException>(() => client.ApplyAsync(ConfigMaps, mine, "gitopsvela", force: false, dryRun: false, default));
        Assert.Equal(409, conflict.StatusCode);
        Assert.False(conflict.Transient);
        Assert.Equal("Cluster.ApplyConflict", KubeFaults.ToProblem(conflict, client).Id);
    }

    [Fact]
    public async Task An_outage_mid_apply_fails_the_rest_at_once_and_the_next_apply_finishes_the_job()
    {
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Outage, Verb = "apply", Skip = 1, Count = 1, Seconds = 1 });
        using var client = Connect();
        var objects = new[] { "a", "b", "c" }.Select(n => Manifests.ConfigMap("default", n, "my-app")).ToArray();
        var first = await new Applier(client, NullEngineOutput.Instance).ApplyAsync(objects, new ApplyOptions(), "my-app", default);
        Assert.Equal([ApplyAction.Created, ApplyAction.Failed, ApplyAction.Failed], first.Outcomes.Select(o => o.Action));
        Assert.All(first.Outcomes.Skip(1), o => Assert.True(o.Problem!.Transient));
        Assert.Equal(2, client.CountVerb("apply")); // c was not tried against a server that is gone

        Assert.False(_server.IsListening);
        await _server.Outage.WaitAsync(TimeSpan.FromSeconds(60));
        using var again = Connect();
        var second = await new Applier(again, NullEngineOutput.Instance).ApplyAsync(objects, new ApplyOptions(), "my-app", default);
        Assert.Equal([ApplyAction.Unchanged, ApplyAction.Created, ApplyAction.Created], second.Outcomes.Select(o => o.Action));
    }

    // ---- permanent ----

    [Fact]
    public async Task Rejected_credentials_are_a_permanent_authentication_problem_that_never_prints_the_token()
    {
        _server.RequiredToken = "another-token";
        using var client = Connect();
        var result = await new Applier(client, NullEngineOutput.Instance).ApplyAsync(
            [Manifests.ConfigMap("default", "a", "my-app"), Manifests.ConfigMap("default", "b", "my-app")], new ApplyOptions(), "my-app", default);
        Assert.All(result.Outcomes, o => Assert.Equal("Cluster.Unauthorized", o.Problem!.Id));
        Assert.Equal(ProblemCategory.AuthenticationError, result.Outcomes[0].Problem!.Category);
        Assert.False(result.Outcomes[0].Problem!.Transient);
        Assert.DoesNotContain("super-secret-token", result.Outcomes[0].Problem!.Message);
        // The first 401 stops the pass: one request, not one per object.
        Assert.Single(client.Requests);
    }

    [Fact]
    public async Task A_forbidden_request_is_one_permanent_line_naming_verb_resource_and_namespace()
    {
        _server.Forbid = r => r.Verb == "apply";
        using var client = Connect();
        var outcome = await ApplyOne(client);
        Assert.Equal("Cluster.Forbidden", outcome.Problem!.Id);
        Assert.Equal(ProblemCategory.PermissionDenied, outcome.Problem.Category);
        Assert.False(outcome.Problem.Transient);
        Assert.DoesNotContain("\n", outcome.Problem.Message);
        Assert.Equal($"ConfigMap default/c: the user of context 'faulty' ({_server.BaseAddress.ToString().TrimEnd('/')}) may not patch configmaps in namespace 'default' (403 Forbidden): " +
            "configmaps \"c\" is forbidden: User \"system:serviceaccount:test:gitopsvela\" cannot patch resource \"configmaps\" in API group \"\" in the namespace \"default\"",
            outcome.Problem.Message);
    }

    [Fact]
    public async Task An_invalid_object_is_a_permanent_422_with_the_servers_message()
    {
        using var client = Connect();
        var result = await new Applier(client, NullEngineOutput.Instance).ApplyAsync([Manifests.ConfigMap("default", "Not_Valid", "my-app")], new ApplyOptions(), "my-app", default);
        var problem = Assert.Single(result.Outcomes).Problem!;
        Assert.Equal("Cluster.ObjectInvalid", problem.Id);
        Assert.False(problem.Transient);
        Assert.Contains("ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value: \"Not_Valid\"", problem.Message);
    }

    [Fact]
    public async Task A_missing_namespace_is_a_permanent_404()
    {
        using var client = Connect();
        var outcome = Assert.Single((await new Applier(client, NullEngineOutput.Instance).ApplyAsync([Manifests.ConfigMap("nowhere", "c", "my-app")], new ApplyOptions(), "my-app", default)).Outcomes);
        Assert.Equal("Cluster.NamespaceNotFound", outcome.Problem!.Id);
        Assert.False(outcome.Problem.Transient);
    }

    [Fact]
    public async Task A_server_certificate_from_another_CA_is_not_trusted_said_in_words_naming_context_and_server()
    {
        await using var tls = await KubeApiServer.StartAsync(new KubeApiServerOptions { Tls = true });
        using var wrong = TestCertificateAuthority.Create("wrong-ca");
        var path = tls.WriteKubeconfig(Path.Combine(_dir, "wrong-ca"), "prod", certificateAuthorityPem: wrong.CertificatePem);
        using var client = Kubeconfig.Connect(path, "prod");
        var clock = Stopwatch.StartNew();
        var outcome = await ApplyOne(client);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        var problem = outcome.Problem!;
        Assert.Equal("Cluster.CertificateNotTrusted", problem.Id);
        Assert.False(problem.Transient);
        Assert.Equal($"ConfigMap default/c: the server's certificate is not trusted by the kubeconfig's CA: https://127.0.0.1:{tls.Port} presents 'CN=testkube-apiserver' issued by 'CN=testkube-ca'; " +
            "the kubeconfig's CA is 'CN=wrong-ca' (context 'prod'); fix the cluster's certificate-authority-data in the kubeconfig or the context's server address", problem.Message);
        Assert.DoesNotContain("RemoteCertificateValidationCallback", problem.Message);
        Assert.Empty(tls.Requests);

        using var right = Kubeconfig.Connect(tls.WriteKubeconfig(Path.Combine(_dir, "right-ca"), "prod"), "prod");
        Assert.NotNull(await right.ResolveAsync("v1", "ConfigMap", default));
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
        using var client = Connect();
        var e = await Assert.ThrowsAsync<VelaProblemException>(() => new RecordStore(client).ReadAsync("default", "my-app", default));
        Assert.Equal("Cluster.Unauthorized", e.Problem.Id);
        Assert.Equal("my-app", e.Problem.Application);
    }
}
