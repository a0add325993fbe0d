using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace GitOpsVela.Engine.Tests.Infrastructure;

/// <summary>
/// A real OCI registry for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 and a free port, filesystem
/// storage in a temp folder, optionally behind htpasswd (bcrypt) Basic auth. Images are pushed over the distribution API.
/// </summary>
public sealed class OciRegistry : IDisposable
{
    private readonly string _dir;
    private readonly Process _process;
    private readonly HttpClient _http = new();

    private OciRegistry(string dir, int port, Process process, string? user, string? password)
    {
        _dir = dir;
        _process = process;
        Port = port;
        User = user;
        Password = password;
        if (user is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
    }

    public int Port { get; }
    public string? User { get; }
    public string? Password { get; }

    /// <summary>The registry host as image names write it (<c>127.0.0.1:&lt;port&gt;</c>).</summary>
    public string Host => $"127.0.0.1:{Port}";

    private string Api => $"http://{Host}/v2";

    public static OciRegistry Start(string? user = null, string? password = null)
    {
        RequiredParts.Check("the real OCI registry (docker-registry)", RequiredParts.Registry);
        var dir = Directory.CreateTempSubdirectory("gitopsvela-registry-").FullName;
        var port = TestPorts.Free();
        var auth = "";
        if (user is not null)
        {
            File.WriteAllText(Path.Combine(dir, "htpasswd"), GitServer.Run("htpasswd", "-Bbn", user, password ?? "").Trim() + "\n");
            auth = $"auth:\n  htpasswd:\n    realm: test-registry\n    path: {dir}/htpasswd\n";
        }
        File.WriteAllText(Path.Combine(dir, "config.yml"), $"""
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: {dir}/data
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{port}
            {auth}
            """);
        var start = new ProcessStartInfo("docker-registry") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(Path.Combine(dir, "config.yml"));
        var process = Process.Start(start) ?? throw new InvalidOperationException("docker-registry is not installed (.ci/run installs it)");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var registry = new OciRegistry(dir, port, process, user, password);
        registry.WaitUntilServing();
        return registry;
    }

    private void WaitUntilServing()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"docker-registry exited ({_process.ExitCode})");
            try
            {
                using var response = new HttpClient().GetAsync($"{Api}/").GetAwaiter().GetResult();
                return; // 200, or 401 with auth: it serves
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                using var probe = new TcpClient();
                try { probe.ConnectAsync(IPAddress.Loopback, Port).Wait(TimeSpan.FromMilliseconds(200)); } catch (AggregateException) { }
            }
        }
    }

    /// <summary>Pushes a tiny OCI image under each tag (one config blob, one layer, one manifest per tag).</summary>
    public async Task PushAsync(string repository, params string[] tags)
    {
        var config = await UploadBlobAsync(repository, Encoding.UTF8.GetBytes("{\"architecture\":\"amd64\",\"os\":\"linux\"}"));
        var layer = await UploadBlobAsync(repository, Encoding.UTF8.GetBytes("layer of " + repository));
        foreach (var tag in tags)
        {
            var manifest = new System.Text.Json.Nodes.JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = "application/vnd.oci.image.manifest.v1+json",
                ["config"] = new System.Text.Json.Nodes.JsonObject { ["mediaType"] = "application/vnd.oci.image.config.v1+json", ["digest"] = config.Digest, ["size"] = config.Size },
                ["layers"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
                {
                    ["mediaType"] = "application/vnd.oci.image.layer.v1.tar+gzip",
                    ["digest"] = layer.Digest,
                    ["size"] = layer.Size,
                }),
                ["annotations"] = new System.Text.Json.Nodes.JsonObject { ["tag"] = tag },
            }.ToJsonString();
            using var content = new StringContent(manifest, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.oci.image.manifest.v1+json");
            using var response = await _http.PutAsync($"{Api}/{repository}/manifests/{tag}", content);
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"manifest push of {repository}:{tag} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private async Task<(string Digest, int Size)> UploadBlobAsync(string repository, byte[] data)
    {
        var digest = "sha256:" + Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();
        using var start = await _http.PostAsync($"{Api}/{repository}/blobs/uploads/", null);
        if (start.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"blob upload start failed: {(int)start.StatusCode}");
        var location = start.Headers.Location!;
        var url = location.IsAbsoluteUri ? location.ToString() : $"http://{Host}{location}";
        url += (url.Contains('?') ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
        using var body = new ByteArrayContent(data);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await _http.PutAsync(url, body);
        if (put.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"blob upload failed: {(int)put.StatusCode}");
        return (digest, data.Length);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        _http.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
