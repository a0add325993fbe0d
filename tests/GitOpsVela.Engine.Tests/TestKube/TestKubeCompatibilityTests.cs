using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsVela.TestKube;
using Xunit;

namespace GitOpsVela.Engine.Tests.TestKube;

/// <summary>The test server as other clients see it: kubectl (on the machine image, as CI's) and raw HTTP.</summary>
public sealed class TestKubeCompatibilityTests : IAsyncLifetime
{
    private KubeApiServer _server = null!;
    private string _dir = null!;
    private string _kubeconfig = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _server = await KubeApiServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("testkube-compat-").FullName;
        _kubeconfig = _server.WriteKubeconfig(Path.Combine(_dir, "config"), "compat");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private (int Code, string Out, string Err) Kubectl(params string[] args)
    {
        var psi = new ProcessStartInfo("kubectl", ["--kubeconfig", _kubeconfig, "--cache-dir", Path.Combine(_dir, "cache"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr);
    }

    private async Task<(HttpStatusCode Code, JsonObject Body)> Send(HttpMethod method, string path, string? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, new Uri(_server.BaseAddress, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    [Fact]
    public void Kubectl_applies_server_side_reads_back_and_a_second_apply_changes_nothing()
    {
        var manifest = Path.Combine(_dir, "app.yaml");
        File.WriteAllText(manifest, """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: shop
              labels:
                app.oam.dev/name: shop
            data:
              color: blue
            """);
        var first = Kubectl("apply", "--server-side", "--validate=false", "-f", manifest);
        Assert.True(first.Code == 0, first.Err);
        Assert.Contains("configmap/settings serverside-applied", first.Out);
        var get = Kubectl("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.color}");
        Assert.True(get.Code == 0, get.Err);
        Assert.Equal("blue", get.Out);
        var rv = Kubectl("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.metadata.resourceVersion}").Out;
        Assert.Equal(0, Kubectl("apply", "--server-side", "--validate=false", "-f", manifest).Code);
        Assert.Equal(rv, Kubectl("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.metadata.resourceVersion}").Out);
        var labelled = Kubectl("get", "configmaps", "-A", "-l", "app.oam.dev/name=shop", "-o", "name");
        Assert.Equal("configmap/settings", labelled.Out.Trim());
    }

    [Fact]
    public void Kubectl_scale_and_set_image_change_a_deployment_through_scale_and_strategic_merge_and_own_what_they_changed()
    {
        var manifest = Path.Combine(_dir, "web.yaml");
        File.WriteAllText(manifest, """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            spec:
              replicas: 1
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1
                    env: [{name: A, value: "1"}]
                  - name: log
                    image: busybox:1
            """);
        var apply = Kubectl("apply", "--server-side", "--field-manager", "gitopsvela", "--validate=false", "-f", manifest);
        Assert.True(apply.Code == 0, apply.Err);
        var scale = Kubectl("scale", "deployment/web", "-n", "shop", "--replicas=3");
        Assert.True(scale.Code == 0, scale.Err);
        var setImage = Kubectl("set", "image", "deployment/web", "-n", "shop", "web=nginx:2");
        Assert.True(setImage.Code == 0, setImage.Err);
        var get = Kubectl("get", "deployment", "web", "-n", "shop", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[*].image} {.spec.template.spec.containers[0].env[0].name}");
        Assert.Equal("3 nginx:2 busybox:1 A", get.Out);
        // Re-applying the manifest now conflicts with the managers that changed replicas and the image.
        var again = Kubectl("apply", "--server-side", "--field-manager", "gitopsvela", "--validate=false", "-f", manifest);
        Assert.NotEqual(0, again.Code);
        Assert.Contains(".spec.replicas", again.Err);
        Assert.Contains(".spec.template.spec.containers[name=\"web\"].image", again.Err);
    }

    [Fact]
    public async Task An_apply_body_may_be_YAML_and_needs_a_field_manager()
    {
        await Send(HttpMethod.Post, "/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"y"}}""");
        var yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  n: \"1\"\n";
        var (code, body) = await Send(HttpMethod.Patch, "/api/v1/namespaces/y/configmaps/c?fieldManager=me", yaml, "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.Created, code);
        Assert.Equal("1", body["data"]!["n"]!.GetValue<string>());
        var (missing, status) = await Send(HttpMethod.Patch, "/api/v1/namespaces/y/configmaps/c", yaml, "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Contains("fieldManager", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secrets_turn_stringData_into_data_and_generateName_makes_a_name()
    {
        await Send(HttpMethod.Post, "/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"s"}}""");
        var (_, secret) = await Send(HttpMethod.Post, "/api/v1/namespaces/s/secrets", """{"apiVersion":"v1","kind":"Secret","metadata":{"generateName":"token-"},"stringData":{"password":"hunter2"}}""");
        Assert.StartsWith("token-", secret["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String("hunter2"u8.ToArray()), secret["data"]!["password"]!.GetValue<string>());
        Assert.Null(secret["stringData"]);
    }

    [Fact]
    public async Task Status_can_be_applied_through_the_status_subresource_and_field_selectors_and_deletecollection_work()
    {
        await Send(HttpMethod.Post, "/api/v1/namespaces", """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"z"}}""");
        await Send(HttpMethod.Post, "/apis/batch/v1/namespaces/z/jobs", """{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","labels":{"k":"v"}},"spec":{"parallelism":1}}""");
        var (code, job) = await Send(HttpMethod.Patch, "/apis/batch/v1/namespaces/z/jobs/j/status?fieldManager=job-controller",
            """{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"status":{"succeeded":1}}""", "application/apply-patch+yaml");
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(1, job["status"]!["succeeded"]!.GetValue<int>());
        await Send(HttpMethod.Post, "/apis/batch/v1/namespaces/z/jobs", """{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"other"},"spec":{}}""");
        var (_, byName) = await Send(HttpMethod.Get, "/apis/batch/v1/namespaces/z/jobs?fieldSelector=metadata.name%3Dother");
        Assert.Equal("other", Assert.Single(byName["items"]!.AsArray())!["metadata"]!["name"]!.GetValue<string>());
        Assert.Null(byName["items"]![0]!["kind"]); // built-in lists omit apiVersion/kind on items, as the real server does
        await Send(HttpMethod.Delete, "/apis/batch/v1/namespaces/z/jobs?labelSelector=k%3Dv");
        var (_, left) = await Send(HttpMethod.Get, "/apis/batch/v1/namespaces/z/jobs");
        Assert.Equal(["other"], left["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Unknown_paths_and_scopes_answer_NotFound_as_Status()
    {
        var (code, body) = await Send(HttpMethod.Get, "/apis/nope.example.com/v1/namespaces/x/things");
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("Status", body["kind"]!.GetValue<string>());
        var (scoped, _) = await Send(HttpMethod.Get, "/api/v1/namespaces/x/namespaces/y");
        Assert.Equal(HttpStatusCode.NotFound, scoped);
    }
}
