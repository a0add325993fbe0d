using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using GitOpsVela.TestKube;
using Xunit;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace GitOpsVela.Engine.Tests.TestKube;

/// <summary>
/// Pins what each injected fault of the test API server looks like to KubernetesClient (and to raw HTTP): the same shapes
/// a real API server, its priority-and-fairness throttling, an unreachable admission webhook or an outage produce.
/// </summary>
public sealed class TestKubeFaultTests : IAsyncLifetime
{
    private KubeApiServer _server = null!;
    private Kubernetes _client = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _server = await KubeApiServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("testkube-faults-").FullName;
        _client = Connect(_server.WriteKubeconfig(Path.Combine(_dir, "config"), "faults"));
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private static Kubernetes Connect(string kubeconfig) => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));

    private static V1ConfigMap ConfigMap(string name, string value = "1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team" },
        Data = new Dictionary<string, string> { ["a"] = value },
    };

    private static async Task<JsonObject> Status(Func<Task> call, HttpStatusCode expected, Action<HttpResponseMessageWrapper>? response = null)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.Equal(expected, e.Response.StatusCode);
        response?.Invoke(e.Response);
        var status = JsonNode.Parse(e.Response.Content)!.AsObject();
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal((int)expected, (int)status["code"]!);
        return status;
    }

    [Fact]
    public async Task A_reset_closes_the_connection_without_an_answer_for_the_matching_requests_only()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("kept"), "team");
        // Every matching request: HttpClient itself sends a request again, once, when a reused connection is cut before any answer.
        var rule = _server.Faults.Add(new KubeFault { Kind = FaultKind.Reset, Verb = "list", Resource = "configmaps" });

        var e = await Assert.ThrowsAsync<HttpRequestException>(() => _client.CoreV1.ListNamespacedConfigMapAsync("team"));
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(Assert.IsType<IOException>(e.InnerException).InnerException).SocketErrorCode);
        Assert.InRange(rule.Hits, 1, 2);
        Assert.True(_server.Faults.Remove(rule));
        Assert.Single((await _client.CoreV1.ListNamespacedConfigMapAsync("team")).Items);
        Assert.Equal(0, _server.Requests.First(r => r.Verb == "list").StatusCode);
    }

    [Fact]
    public async Task An_outage_refuses_connections_on_the_same_port_then_serves_the_same_objects_again()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("before"), "team");
        var rule = _server.Faults.Add(new KubeFault { Kind = FaultKind.Outage, Verb = "create", Seconds = 1.5, Count = 1 });

        await Assert.ThrowsAsync<HttpRequestException>(() => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("during"), "team"));
        Assert.False(_server.IsListening);
        // Once the listener has stopped (a moment after the fault), connections are refused as by a port nothing listens on.
        var clock = Stopwatch.StartNew();
        while (!await Refused())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), "no connection was refused within 5 s");
            await Task.Delay(20);
        }
        async Task<bool> Refused()
        {
            try { await _client.CoreV1.ListNamespacedConfigMapAsync("team"); return false; }
            catch (HttpRequestException e) { return e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }; }
        }

        await _server.Outage.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(_server.IsListening);
        var names = (await _client.CoreV1.ListNamespacedConfigMapAsync("team")).Items.Select(c => c.Metadata.Name);
        Assert.Equal(["before"], names);
        Assert.Equal(new Uri(_server.BaseAddress, "/").Port, _server.Port);
        Assert.Equal(1, rule.Hits);
    }

    [Fact]
    public async Task Too_many_requests_is_429_with_Retry_After_after_the_requests_it_skips()
    {
        var rule = _server.Faults.Add(new KubeFault { Kind = FaultKind.TooManyRequests, Verb = "create", RetryAfterSeconds = 3, Skip = 1, Count = 1 });
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("first"), "team");

        var status = await Status(() => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("second"), "team"), HttpStatusCode.TooManyRequests,
            r => Assert.Equal("3", Assert.Single(r.Headers["Retry-After"])));
        Assert.Equal("TooManyRequests", (string?)status["reason"]);
        Assert.Equal(3, (int)status["details"]!["retryAfterSeconds"]!);
        Assert.Equal(1, rule.Hits);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("second"), "team");
    }

    [Fact]
    public async Task A_failing_admission_webhook_is_a_500_InternalError_and_nothing_is_stored()
    {
        _server.Faults.Add(new KubeFault { Kind = FaultKind.WebhookFailure, Verb = "apply", Webhook = "validate.kyverno.svc" });
        var body = new V1Patch("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"team"},"data":{"a":"1"}}""", V1Patch.PatchType.ApplyPatch);

        var status = await Status(() => _client.CoreV1.PatchNamespacedConfigMapAsync(body, "c", "team", fieldManager: "gitopsvela"), HttpStatusCode.InternalServerError);
        Assert.Equal("InternalError", (string?)status["reason"]);
        Assert.StartsWith("Internal error occurred: failed calling webhook \"validate.kyverno.svc\": failed to call webhook", (string?)status["message"]);
        Assert.Empty((await _client.CoreV1.ListNamespacedConfigMapAsync("team")).Items);
    }

    [Fact]
    public async Task A_status_fault_answers_the_code_reason_and_message_given()
    {
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Status, Code = 503, Reason = "ServiceUnavailable", Message = "etcdserver: leader changed", Count = 1 });
        var status = await Status(() => _client.CoreV1.ListNamespacedConfigMapAsync("team"), HttpStatusCode.ServiceUnavailable);
        Assert.Equal("ServiceUnavailable", (string?)status["reason"]);
        Assert.Equal("etcdserver: leader changed", (string?)status["message"]);
    }

    [Fact]
    public async Task A_slow_answer_comes_late_and_is_otherwise_the_normal_one()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "team");
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Slow, Verb = "get", Name = "c", Seconds = 0.6 });
        var clock = Stopwatch.StartNew();
        var read = await _client.CoreV1.ReadNamespacedConfigMapAsync("c", "team");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.6), $"answered after {clock.Elapsed}");
        Assert.Equal("1", read.Data["a"]);
        clock.Restart();
        await _client.CoreV1.ListNamespacedConfigMapAsync("team");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(0.6), "only the matching request is slow");
    }

    [Fact]
    public async Task A_conflict_on_update_is_409_the_object_has_been_modified_and_leaves_it_as_it_was()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "team");
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Conflict, Verb = "update", Resource = "configmaps", Count = 1 });
        created.Data["a"] = "2";

        var status = await Status(() => _client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "c", "team"), HttpStatusCode.Conflict);
        Assert.Equal("Conflict", (string?)status["reason"]);
        Assert.Equal("Operation cannot be fulfilled on configmaps \"c\": the object has been modified; please apply your changes to the latest version and try again",
            (string?)status["message"]);
        Assert.Equal("1", (await _client.CoreV1.ReadNamespacedConfigMapAsync("c", "team")).Data["a"]);
        Assert.Equal("2", (await _client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "c", "team")).Data["a"]);
    }

    [Fact]
    public async Task A_forbidden_fault_is_worded_as_RBAC_words_it_with_the_RBAC_verb()
    {
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Forbidden, Namespace = "other" });
        var body = new V1Patch("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"other"}}""", V1Patch.PatchType.ApplyPatch);
        var status = await Status(() => _client.AppsV1.PatchNamespacedDeploymentAsync(body, "web", "other", fieldManager: "gitopsvela"), HttpStatusCode.Forbidden);
        Assert.Equal("deployments.apps \"web\" is forbidden: User \"system:serviceaccount:test:gitopsvela\" cannot patch resource \"deployments\" in API group \"apps\" in the namespace \"other\"",
            (string?)status["message"]);
        Assert.NotNull(await _client.CoreV1.ListNamespacedConfigMapAsync("team"));
    }

    [Fact]
    public async Task Faults_are_driven_over_the_admin_endpoint_and_it_is_never_faulted_or_logged()
    {
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        _server.Faults.Add(new KubeFault { Kind = FaultKind.Reset });
        var logged = _server.Requests.Count;
        var added = await http.PostAsync("testkube/faults", new StringContent(
            """[{"kind":"TooManyRequests","verb":"list","resource":"configmaps","retryAfterSeconds":7,"count":1}]""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var rules = (await http.GetFromJsonAsync<JsonArray>("testkube/faults"))!;
        Assert.Equal(["Reset", "TooManyRequests"], rules.Select(r => (string?)r!["kind"]));
        Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync("testkube/faults")).StatusCode);
        Assert.Empty(_server.Faults.Rules);
        Assert.Equal(logged, _server.Requests.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("testkube/nothing")).StatusCode);
    }

    [Fact]
    public async Task The_server_in_its_own_process_is_faulted_over_HTTP_and_its_outage_ends_by_itself()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "GitOpsVela.TestKube.Host", "bin", configuration, "net10.0", "GitOpsVela.TestKube.Host.dll"));
        var kubeconfig = Path.Combine(_dir, "host-config");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(kubeconfig);
        start.ArgumentList.Add("hosted");
        using var host = Process.Start(start)!;
        try
        {
            var ready = await host.StandardOutput.ReadLineAsync();
            Assert.StartsWith("READY ", ready);
            var url = new Uri(ready!["READY ".Length..]);
            using var http = new HttpClient { BaseAddress = url };
            using var client = Connect(kubeconfig);
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });

            var add = await http.PostAsync("testkube/faults", new StringContent(
                """{"kind":"WebhookFailure","verb":"create","resource":"configmaps","count":1}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, add.StatusCode);
            await Status(() => client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "team"), HttpStatusCode.InternalServerError);
            Assert.Equal(1, (int)(await http.GetFromJsonAsync<JsonArray>("testkube/faults"))![0]!["hits"]!);
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "team");

            Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("testkube/outage?seconds=1", null)).StatusCode);
            var clock = Stopwatch.StartNew();
            Exception? refused = null;
            while (refused is null && clock.Elapsed < TimeSpan.FromSeconds(5))
                try { await client.CoreV1.ListNamespacedConfigMapAsync("team"); await Task.Delay(20); }
                catch (HttpRequestException e) { refused = e; }
            Assert.NotNull(refused);
            while (true)
            {
                try
                {
                    Assert.Equal("c", Assert.Single((await client.CoreV1.ListNamespacedConfigMapAsync("team")).Items).Metadata.Name);
                    break;
                }
                catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromSeconds(15))
                {
                    await Task.Delay(50);
                }
            }
            var log = (await http.GetFromJsonAsync<JsonArray>("testkube/requests"))!;
            Assert.Contains(log, r => (string?)r!["verb"] == "create" && (int)r["statusCode"]! == 500);
        }
        finally
        {
            host.StandardInput.Close();
            if (!host.WaitForExit(10_000)) host.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task An_HTTPS_server_is_trusted_through_the_CA_its_kubeconfig_names()
    {
        await using var tls = await KubeApiServer.StartAsync(new KubeApiServerOptions { Tls = true });
        Assert.Equal("https", tls.BaseAddress.Scheme);
        using var client = Connect(tls.WriteKubeconfig(Path.Combine(_dir, "tls-config"), "tls"));
        var ns = await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "secure" } });
        Assert.Equal("secure", ns.Metadata.Name);
        Assert.Equal("CN=testkube-ca", tls.CertificateAuthority!.Subject);
    }
}
