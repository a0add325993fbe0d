using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitOpsVela.TestKube;

/// <summary>How <see cref="KubeApiServer.StartAsync"/> listens.</summary>
public sealed record KubeApiServerOptions
{
    /// <summary>Serve HTTPS with a certificate issued by a CA made for this server (<see cref="KubeApiServer.CertificateAuthority"/>).</summary>
    public bool Tls { get; init; }

    /// <summary>The port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }
}

/// <summary>
/// An in-memory Kubernetes API server on 127.0.0.1 (Kestrel, a free port) that KubernetesClient and kubectl talk to as
/// to a cluster, for the subset GitOpsVela uses: discovery, CRUD, server-side apply, patches, status, label selectors,
/// dry-run, and metav1.Status errors. Every request is logged with its Kubernetes verb so tests and benchmarks can
/// count writes and lists. Faults can be injected in process (<see cref="Faults"/>, <see cref="BeginOutage"/>,
/// <see cref="RequiredToken"/>, <see cref="Forbid"/>, <see cref="ResponseDelay"/>) and over HTTP from another process
/// (<c>/testkube/faults</c>, <c>/testkube/outage</c>, <c>/testkube/requests</c>; see README.md).
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    public const string AdminPrefix = "/testkube/";

    private static readonly JsonSerializerOptions AdminJson = new(JsonSerializerDefaults.Web);

    private readonly ObjectStore _store = new();
    private readonly ConcurrentQueue<KubeRequest> _requests = new();
    private readonly SemaphoreSlim _listenerLock = new(1, 1);
    private readonly CancellationTokenSource _disposing = new();
    private readonly X509Certificate2? _serverCertificate;
    private WebApplication? _app;

    private KubeApiServer(int port, TestCertificateAuthority? ca)
    {
        CertificateAuthority = ca;
        _serverCertificate = ca?.IssueServerCertificate();
        Port = port;
        BaseAddress = new Uri($"{(ca is null ? "http" : "https")}://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    public int Port { get; }

    /// <summary>The CA that issued the server's certificate (HTTPS servers only); kubeconfigs written here trust it.</summary>
    public TestCertificateAuthority? CertificateAuthority { get; }

    /// <summary>Fault rules matched against every API request (not the admin endpoint).</summary>
    public KubeFaultSet Faults { get; } = new();

    /// <summary>False from the moment an outage begins until the listener is back.</summary>
    public bool IsListening => !_outageBeginning && Volatile.Read(ref _app) is not null;

    /// <summary>The last outage (<see cref="BeginOutage"/>, an <see cref="FaultKind.Outage"/> fault, <c>/testkube/outage</c>): ends when the server listens again.</summary>
    public Task Outage { get; private set; } = Task.CompletedTask;

    private volatile bool _outageBeginning;

    /// <summary>When set, requests without <c>Authorization: Bearer &lt;token&gt;</c> get 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Requests this matches get 403 Forbidden, worded like RBAC's denial.</summary>
    public Func<KubeRequest, bool>? Forbid { get; set; }

    /// <summary>Delay before each API answer (to exercise client timeouts).</summary>
    public TimeSpan ResponseDelay { get; set; }

    public IReadOnlyList<KubeRequest> Requests => [.. _requests];

    public void ClearRequests() => _requests.Clear();

    public int CountWrites() => _requests.Count(r => r.IsWrite);

    public int CountVerb(string verb) => _requests.Count(r => r.Verb == verb);

    public int Count(Func<KubeRequest, bool> predicate) => _requests.Count(predicate);

    public static async Task<KubeApiServer> StartAsync(KubeApiServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new KubeApiServerOptions();
        var ca = options.Tls ? TestCertificateAuthority.Create("testkube-ca") : null;
        var port = options.Port;
        if (port == 0)
        {
            using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var server = new KubeApiServer(port, ca);
        await server.StartListeningAsync(cancellationToken);
        return server;
    }

    /// <summary>Listens again on the same port (after <see cref="StopListeningAsync"/>); objects and faults are kept.</summary>
    public async Task StartListeningAsync(CancellationToken cancellationToken = default)
    {
        await _listenerLock.WaitAsync(cancellationToken);
        try
        {
            if (_app is not null) return;
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                var builder = WebApplication.CreateSlimBuilder();
                builder.Logging.ClearProviders();
                builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, Port, l =>
                {
                    if (_serverCertificate is not null) l.UseHttps(_serverCertificate);
                }));
                // The test process owns Ctrl+C and SIGTERM, not this server.
                builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, QuietLifetime>();
                var app = builder.Build();
                app.Run(HandleAsync);
                try
                {
                    await app.StartAsync(cancellationToken);
                    _app = app;
                    return;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException && DateTime.UtcNow < deadline)
                {
                    // The port is still held by the listener just stopped (or by a connection closing): try again shortly.
                    await app.DisposeAsync();
                    await Task.Delay(100, cancellationToken);
                }
            }
        }
        finally
        {
            _listenerLock.Release();
        }
    }

    /// <summary>Stops listening at once: open connections are cut and new ones are refused until <see cref="StartListeningAsync"/>.</summary>
    public async Task StopListeningAsync()
    {
        await _listenerLock.WaitAsync();
        try
        {
            if (_app is null) return;
            // Cut open connections at once; IsListening turns false only once the port is closed (new connections refused).
            try
            {
                await _app.StopAsync(new CancellationToken(canceled: true));
                await _app.DisposeAsync();
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or ObjectDisposedException)
            {
                // A client that connected as the listener closed (Kestrel reads its RemoteEndPoint after it went): the
                // listener is stopped all the same.
            }
            _app = null;
        }
        finally
        {
            _listenerLock.Release();
        }
    }

    /// <summary>An API server outage: stops listening now and listens again after <paramref name="duration"/>; the task ends when it is back.</summary>
    public Task BeginOutage(TimeSpan duration)
    {
        _outageBeginning = true;
        return Outage = Task.Run(async () => await OutageAsync(duration));
    }

    private async Task OutageAsync(TimeSpan duration)
    {
        await StopListeningAsync();
        _outageBeginning = false;
        try
        {
            await Task.Delay(duration, _disposing.Token);
            await StartListeningAsync(_disposing.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposed during the outage.
        }
    }

    /// <summary>Writes a kubeconfig whose context <paramref name="contextName"/> points here (bearer token <paramref name="token"/>).</summary>
    /// <param name="certificateAuthorityPem">The CA the kubeconfig trusts (HTTPS servers): this server's own when null.</param>
    public string WriteKubeconfig(string path, string contextName = "testkube", string token = "testkube-token", string? defaultNamespace = null,
        string? certificateAuthorityPem = null)
    {
        var ns = defaultNamespace is null ? string.Empty : $"\n    namespace: {defaultNamespace}";
        var caPem = certificateAuthorityPem ?? CertificateAuthority?.CertificatePem;
        var ca = caPem is null ? string.Empty : $"\n    certificate-authority-data: {Convert.ToBase64String(Encoding.ASCII.GetBytes(caPem))}";
        var text = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {contextName}
              cluster:
                server: {BaseAddress.ToString().TrimEnd('/')}{ca}
            users:
            - name: {contextName}-user
              user:
                token: {token}
            contexts:
            - name: {contextName}
              context:
                cluster: {contextName}
                user: {contextName}-user{ns}
            current-context: {contextName}

            """;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, text);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync();
        await StopListeningAsync();
        _serverCertificate?.Dispose();
        CertificateAuthority?.Dispose();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var req = ctx.Request;
        var path = req.Path.Value ?? "/";
        if (path.StartsWith(AdminPrefix, StringComparison.Ordinal))
        {
            await AdminAsync(ctx, path[AdminPrefix.Length..]);
            return;
        }
        var route = Route.Parse(req.Method, path, req.Query, req.ContentType);
        if (_outageBeginning)
        {
            // Going down: what still arrives (HttpClient retries a request whose reused connection was cut) is cut too.
            _requests.Enqueue(route.ToRequest(0));
            ctx.Abort();
            return;
        }
        int code;
        JsonNode body;
        try
        {
            if (RequiredToken is not null && req.Headers.Authorization.ToString() != "Bearer " + RequiredToken)
                throw new ApiError(401, "Unauthorized", "Unauthorized");
            if (Forbid is not null && Forbid(route.ToRequest(0)))
                throw route.Forbidden();
            var authorization = req.Headers.Authorization.ToString();
            var token = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
            if (Faults.Take(route.ToTarget(token)) is { } fault)
            {
                switch (fault.Kind)
                {
                    case FaultKind.Reset or FaultKind.Outage:
                        _requests.Enqueue(route.ToRequest(0));
                        // The outage begins before the client sees its connection cut, so it never finds the server still up.
                        if (fault.Kind == FaultKind.Outage) _ = BeginOutage(TimeSpan.FromSeconds(fault.Seconds));
                        ctx.Abort();
                        return;
                    case FaultKind.Slow:
                        await DelayAtLeastAsync(TimeSpan.FromSeconds(fault.Seconds), ctx.RequestAborted);
                        break;
                    case FaultKind.TooManyRequests:
                        ctx.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        throw new ApiError(429, "TooManyRequests", "Too many requests, please try again later.",
                            new JsonObject { ["retryAfterSeconds"] = fault.RetryAfterSeconds });
                    case FaultKind.WebhookFailure:
                        var call = $"failed calling webhook \"{fault.Webhook}\": failed to call webhook: Post \"https://{fault.Webhook.Split('.')[0]}-webhook.webhooks.svc:443/validate?timeout=10s\": dial tcp 10.96.0.77:443: connect: connection refused";
                        throw new ApiError(500, "InternalError", "Internal error occurred: " + call,
                            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = call }) });
                    case FaultKind.Status:
                        throw new ApiError(fault.Code, fault.Reason ?? ((HttpStatusCode)fault.Code).ToString(), fault.Message ?? $"injected fault {fault.Code}");
                    case FaultKind.Conflict:
                        throw new ApiError(409, "Conflict",
                            $"Operation cannot be fulfilled on {route.QualifiedResource} \"{route.Name}\": the object has been modified; please apply your changes to the latest version and try again",
                            new JsonObject { ["name"] = route.Name, ["group"] = route.Group, ["kind"] = route.Plural });
                    case FaultKind.Forbidden:
                        throw route.Forbidden(fault.User);
                }
            }
            if (ResponseDelay > TimeSpan.Zero) await DelayAtLeastAsync(ResponseDelay, ctx.RequestAborted);
            string text;
            using (var reader = new StreamReader(req.Body, Encoding.UTF8)) text = await reader.ReadToEndAsync(ctx.RequestAborted);
            lock (_store.Lock)
            {
                (code, body) = Dispatch(route, req.Query, text);
            }
        }
        catch (ApiError e)
        {
            code = e.Code;
            body = e.ToStatus();
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (Exception e)
        {
            code = 500;
            body = new ApiError(500, "InternalError", $"Internal error occurred: {e.GetType().Name}: {e.Message}").ToStatus();
        }
        _requests.Enqueue(route.ToRequest(code));
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        try
        {
            await ctx.Response.WriteAsync(body.ToJsonString(), ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up (its timeout) or the listener stopped.
        }
    }

    /// <summary>
    /// Waits at least <paramref name="delay"/> as a stopwatch measures it: a timer may fire a fraction of a millisecond
    /// early, and a slow answer promised as N s late must not come in 0.9999 N.
    /// </summary>
    private static async Task DelayAtLeastAsync(TimeSpan delay, CancellationToken ct)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.Delay(delay, ct);
        while (System.Diagnostics.Stopwatch.GetElapsedTime(start) < delay) await Task.Delay(1, ct);
    }

    /// <summary>The admin endpoint: fault rules, outages and the request log for tests in another process.</summary>
    private async Task AdminAsync(HttpContext ctx, string what)
    {
        var method = ctx.Request.Method;
        object? answer;
        var code = 200;
        switch (what, method)
        {
            case ("faults", "GET"):
                answer = Faults.Rules;
                break;
            case ("faults", "POST"):
                {
                    var node = await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
                    var rules = node is JsonArray
                        ? node.Deserialize<List<KubeFault>>(AdminJson) ?? []
                        : [node.Deserialize<KubeFault>(AdminJson)!];
                    foreach (var rule in rules) Faults.Add(rule);
                    answer = rules;
                    code = 201;
                    break;
                }
            case ("faults", "DELETE"):
                Faults.Clear();
                answer = Array.Empty<KubeFault>();
                break;
            case ("outage", "POST"):
                {
                    var seconds = double.Parse(ctx.Request.Query["seconds"].FirstOrDefault() ?? "5", System.Globalization.CultureInfo.InvariantCulture);
                    ctx.Response.StatusCode = 202;
                    await ctx.Response.WriteAsJsonAsync(new { outageSeconds = seconds }, AdminJson, ctx.RequestAborted);
                    await ctx.Response.CompleteAsync();
                    _ = BeginOutage(TimeSpan.FromSeconds(seconds));
                    return;
                }
            case ("requests", "GET"):
                answer = Requests;
                break;
            case ("requests", "DELETE"):
                ClearRequests();
                answer = Array.Empty<KubeRequest>();
                break;
            default:
                code = 404;
                answer = new { error = $"unknown admin request {method} {AdminPrefix}{what}; see tests/GitOpsVela.TestKube/README.md" };
                break;
        }
        ctx.Response.StatusCode = code;
        await ctx.Response.WriteAsJsonAsync(answer, AdminJson, ctx.RequestAborted);
    }

    private (int, JsonNode) Dispatch(Route r, IQueryCollection query, string text)
    {
        switch (r.Verb)
        {
            case "discovery": return (200, Discovery(r));
            case "version":
                return (200, new JsonObject
                {
                    ["major"] = "1",
                    ["minor"] = "33",
                    ["gitVersion"] = "v1.33.0-gitopsvela-testkube",
                    ["platform"] = "linux/amd64",
                    ["goVersion"] = "go1.24",
                    ["compiler"] = "gc",
                    ["gitCommit"] = "",
                    ["gitTreeState"] = "clean",
                    ["buildDate"] = "2026-01-01T00:00:00Z",
                });
            case "unknown": throw ApiError.NoSuchResource();
        }
        var type = _store.FindType(r.Group!, r.Version!, r.Plural!) ?? throw ApiError.NoSuchResource();
        if (r.Namespace is not null && !type.Namespaced) throw ApiError.NoSuchResource();
        var scalable = type.Group == "apps" && type.Plural is "deployments" or "statefulsets";
        if (r.Subresource is not null && !(r.Subresource == "status" && type.HasStatus) && !(r.Subresource == "scale" && scalable)) throw ApiError.NoSuchResource();
        if (type.Namespaced && r.Namespace is null && r.Verb is not ("list" or "watch")) throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        var dryRun = query["dryRun"].ToString() == "All";
        var manager = query["fieldManager"].ToString();
        var write = new WriteRequest(type, r.Namespace, r.Name, r.Subresource == "status", dryRun, manager);
        if (r.Subresource == "scale") return Scale(r, type, write with { Manager = ManagerOr(manager) }, text);
        switch (r.Verb)
        {
            case "get": return (200, _store.Render(type, _store.GetOrThrow(type, r.Namespace, r.Name!)));
            case "list": return (200, ListObjects(type, r.Namespace, query));
            case "watch": throw new ApiError(405, "MethodNotAllowed", "watch is not supported by this test server");
            case "create":
                {
                    var obj = ParseObject(text);
                    return (201, _store.Create(write with { Manager = ManagerOr(manager) }, obj));
                }
            case "update": return (200, _store.Update(write with { Manager = ManagerOr(manager) }, ParseObject(text)));
            case "apply":
                {
                    if (string.IsNullOrEmpty(manager)) throw ApiError.BadRequest("PATCH /apply requires fieldManager: fieldManager is required for apply requests");
                    var existed = _store.Get(type, r.Namespace, r.Name!) is not null;
                    var result = _store.Apply(write, ParseObject(text, allowYaml: true), query["force"].ToString() == "true");
                    return (existed ? 200 : 201, result);
                }
            case "patch":
                {
                    var contentType = r.ContentType ?? string.Empty;
                    var patch = ParseNode(text);
                    if (contentType.StartsWith("application/json-patch+json", StringComparison.Ordinal))
                        return (200, _store.JsonPatch(write with { Manager = ManagerOr(manager) }, patch as JsonArray ?? throw ApiError.BadRequest("a JSON patch must be an array")));
                    if (contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal) && type.IsCustom)
                        throw new ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
                    if (contentType.StartsWith("application/merge-patch+json", StringComparison.Ordinal))
                        return (200, _store.MergePatch(write with { Manager = ManagerOr(manager) }, patch));
                    if (contentType.StartsWith("application/strategic-merge-patch+json", StringComparison.Ordinal))
                        return (200, _store.MergePatch(write with { Manager = ManagerOr(manager) }, patch, strategic: true));
                    throw new ApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
                }
            case "delete": return (200, _store.Delete(write));
            case "deletecollection":
                {
                    var items = Select(type, r.Namespace, query).ToList();
                    foreach (var o in items) _store.Delete(write with { Namespace = type.Namespaced ? o.Namespace : null, Name = o.Name });
                    return (200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" });
                }
        }
        throw new ApiError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
    }

    private (int, JsonNode) Scale(Route r, ResourceType type, WriteRequest write, string text)
    {
        switch (r.Verb)
        {
            case "get": return (200, _store.GetScale(type, r.Namespace, r.Name!));
            case "update" or "patch":
                {
                    var body = ParseNode(text);
                    var current = _store.GetScale(type, r.Namespace, r.Name!);
                    var next = r.Verb == "update" ? body : JsonPaths.MergePatch(current, body);
                    var replicas = next?["spec"]?["replicas"] is JsonValue v && v.TryGetValue<long>(out var n) ? n
                        : throw ApiError.BadRequest("spec.replicas must be an integer");
                    if (replicas < 0) throw ApiError.Invalid(type, r.Name!, [("spec.replicas", $"Invalid value: {replicas}: must be greater than or equal to 0")]);
                    return (200, _store.SetScale(write, replicas));
                }
        }
        throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    }

    private static string ManagerOr(string manager) => string.IsNullOrEmpty(manager) ? "testkube-client" : manager;

    private IEnumerable<StoredObject> Select(ResourceType type, string? ns, IQueryCollection query)
    {
        var selector = LabelSelector.Parse(query["labelSelector"].ToString());
        var fields = query["fieldSelector"].ToString();
        return _store.List(type, ns).Where(o => selector.Matches(o.Object["metadata"]?["labels"] as JsonObject) && FieldSelectorMatches(fields, o));
    }

    private static bool FieldSelectorMatches(string selector, StoredObject o)
    {
        if (string.IsNullOrWhiteSpace(selector)) return true;
        foreach (var part in selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var negate = part.Contains("!=");
            var kv = part.Split(negate ? "!=" : part.Contains("==") ? "==" : "=", 2);
            if (kv.Length != 2) throw ApiError.BadRequest($"invalid field selector: {part}");
            var actual = kv[0] switch
            {
                "metadata.name" => o.Name,
                "metadata.namespace" => o.Namespace,
                _ => throw ApiError.BadRequest($"field label not supported: {kv[0]}"),
            };
            if ((actual == kv[1]) == negate) return false;
        }
        return true;
    }

    private JsonObject ListObjects(ResourceType type, string? ns, IQueryCollection query)
    {
        if (query["watch"].ToString() is "true" or "1") throw new ApiError(405, "MethodNotAllowed", "watch is not supported by this test server");
        var items = Select(type, ns, query).Select(o => (JsonNode)_store.Render(type, o, withTypeMeta: type.IsCustom)).ToArray();
        return new JsonObject
        {
            ["kind"] = type.Kind + "List",
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = _store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            ["items"] = new JsonArray(items),
        };
    }

    private JsonNode Discovery(Route r)
    {
        var types = _store.Types;
        if (r.Path is "/api" or "/api/")
            return new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = BaseAddress.Authority }),
            };
        JsonObject Group(string g)
        {
            var versions = types.Where(t => t.Group == g).Select(t => t.Version).Distinct().ToList();
            var preferred = versions[0];
            return new JsonObject
            {
                ["name"] = g,
                ["versions"] = new JsonArray(versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{g}/{v}", ["version"] = v }).ToArray()),
                ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{g}/{preferred}", ["version"] = preferred },
            };
        }
        if (r.Group is null)
            return new JsonObject
            {
                ["kind"] = "APIGroupList",
                ["apiVersion"] = "v1",
                ["groups"] = new JsonArray(types.Where(t => t.Group != "").Select(t => t.Group).Distinct().Select(g => (JsonNode)Group(g)).ToArray()),
            };
        if (r.Version is null)
        {
            if (!types.Any(t => t.Group == r.Group)) throw ApiError.NoSuchResource();
            var g = Group(r.Group);
            g["kind"] = "APIGroup";
            g["apiVersion"] = "v1";
            return g;
        }
        var served = types.Where(t => t.Group == r.Group && t.Version == r.Version).ToList();
        if (served.Count == 0) throw ApiError.NoSuchResource();
        var resources = new JsonArray();
        foreach (var t in served)
        {
            var entry = new JsonObject
            {
                ["name"] = t.Plural,
                ["singularName"] = t.Singular,
                ["namespaced"] = t.Namespaced,
                ["kind"] = t.Kind,
                ["verbs"] = new JsonArray("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
            };
            if (t.ShortNames.Length > 0) entry["shortNames"] = new JsonArray(t.ShortNames.Select(s => (JsonNode)s).ToArray());
            resources.Add(entry);
            if (t.Group == "apps" && t.Plural is "deployments" or "statefulsets")
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/scale",
                    ["singularName"] = "",
                    ["namespaced"] = true,
                    ["kind"] = "Scale",
                    ["group"] = "autoscaling",
                    ["version"] = "v1",
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            if (t.HasStatus)
                resources.Add(new JsonObject
                {
                    ["name"] = t.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = t.Namespaced,
                    ["kind"] = t.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = served[0].ApiVersion, ["resources"] = resources };
    }

    private static JsonNode ParseNode(string text)
    {
        try { return JsonNode.Parse(text) ?? throw ApiError.BadRequest("the request body is empty"); }
        catch (JsonException e) { throw ApiError.BadRequest($"the request body is not valid JSON: {e.Message}"); }
    }

    private static JsonObject ParseObject(string text, bool allowYaml = false)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(text); }
        catch (JsonException) when (allowYaml) { node = YamlBody.ToJson(text); }
        catch (JsonException e) { throw ApiError.BadRequest($"the request body is not valid JSON: {e.Message}"); }
        return node as JsonObject ?? throw ApiError.BadRequest("the request body must be an object");
    }

    /// <summary>A request routed to its API group, version, resource, namespace, name, subresource and verb.</summary>
    private sealed record Route(string Method, string Path, string Query, string Verb, string? Group, string? Version, string? Plural,
        string? Namespace, string? Name, string? Subresource, string? ContentType)
    {
        public KubeRequest ToRequest(int code) => new(Method, Path, Query, Verb, Plural, Namespace, code);

        internal KubeRequestTarget ToTarget(string? token) => new(Path, Verb, Group, Plural, RbacNamespace, Name, token);

        /// <summary>The namespace RBAC sees: a Namespace object is authorized in itself (<c>/api/v1/namespaces/x</c> is in namespace x).</summary>
        public string? RbacNamespace => Plural == "namespaces" && Group == "" && Name is not null ? Name : Namespace;

        public string QualifiedResource => string.IsNullOrEmpty(Group) ? Plural ?? Path : $"{Plural}.{Group}";

        /// <summary>The verb RBAC checks: server-side apply is a patch, discovery a get.</summary>
        public string RbacVerb => Verb switch { "apply" => "patch", "discovery" or "version" => "get", _ => Verb };

        /// <summary>403 as RBAC words it: <c>configmaps "x" is forbidden: User "..." cannot patch resource "configmaps" in API group "" in the namespace "ns"</c>.</summary>
        public ApiError Forbidden(string user = "system:serviceaccount:test:gitopsvela") => new(403, "Forbidden",
            $"{QualifiedResource}{(Name is null ? string.Empty : $" \"{Name}\"")} is forbidden: User \"{user}\" cannot {RbacVerb} resource \"{Plural}\" in API group \"{Group}\"" +
            (RbacNamespace is null ? " at the cluster scope" : $" in the namespace \"{RbacNamespace}\""),
            new JsonObject { ["name"] = Name, ["group"] = Group, ["kind"] = Plural });

        public static Route Parse(string method, string path, IQueryCollection query, string? contentType) =>
            ParseCore(method, path, query, contentType);

        private static Route ParseCore(string method, string path, IQueryCollection query, string? contentType)
        {
            var q = query.Count == 0 ? string.Empty : "?" + string.Join("&", query.Select(kv => $"{kv.Key}={kv.Value}"));
            var segs = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            Route Make(string verb, string? g = null, string? v = null, string? plural = null, string? ns = null, string? name = null, string? sub = null) =>
                new(method, path, q, verb, g, v, plural, ns, name, sub, contentType);
            if (segs.Length == 0) return Make("unknown");
            if (segs[0] == "version") return Make("version");
            string group, version;
            string[] rest;
            if (segs[0] == "api")
            {
                if (segs.Length == 1) return Make("discovery");
                group = "";
                version = segs[1];
                rest = segs[2..];
            }
            else if (segs[0] == "apis")
            {
                if (segs.Length == 1) return Make("discovery");
                if (segs.Length == 2) return Make("discovery", segs[1]);
                group = segs[1];
                version = segs[2];
                rest = segs[3..];
            }
            else return Make("unknown");
            if (rest.Length == 0) return Make("discovery", group, version);
            string plural;
            string? ns = null, name = null, sub = null;
            if (rest[0] == "namespaces" && rest.Length >= 3 && !(rest.Length == 3 && rest[2] is "status" or "finalize"))
            {
                ns = rest[1];
                plural = rest[2];
                name = rest.Length > 3 ? rest[3] : null;
                sub = rest.Length > 4 ? rest[4] : null;
                if (rest.Length > 5) return Make("unknown", group, version, plural);
            }
            else
            {
                plural = rest[0];
                name = rest.Length > 1 ? rest[1] : null;
                sub = rest.Length > 2 ? rest[2] : null;
                if (rest.Length > 3) return Make("unknown", group, version, plural);
            }
            var verb = (method, name) switch
            {
                ("GET", null) => query["watch"].ToString() is "true" or "1" ? "watch" : "list",
                ("GET", _) => "get",
                ("POST", null) => "create",
                ("PUT", not null) => "update",
                ("PATCH", not null) => (contentType ?? string.Empty).StartsWith("application/apply-patch", StringComparison.Ordinal) ? "apply" : "patch",
                ("DELETE", null) => "deletecollection",
                ("DELETE", _) => "delete",
                _ => "unsupported",
            };
            return Make(verb, group, version, plural, ns, name, sub);
        }
    }

}

internal sealed class QuietLifetime : Microsoft.Extensions.Hosting.IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
