using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GitOpsVela.TestKube;

/// <summary>
/// An in-memory Kubernetes API server on 127.0.0.1 (Kestrel, a free port) that KubernetesClient and kubectl talk to as
/// to a cluster, for the subset GitOpsVela uses: discovery, CRUD, server-side apply, patches, status, label selectors,
/// dry-run, and metav1.Status errors. Every request is logged with its Kubernetes verb so tests and benchmarks can
/// count writes and lists. Faults can be injected: <see cref="RequiredToken"/> (401), <see cref="Forbid"/> (403),
/// <see cref="ResponseDelay"/> (timeouts).
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ObjectStore _store = new();
    private readonly ConcurrentQueue<KubeRequest> _requests = new();

    private KubeApiServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

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

    public static async Task<KubeApiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        // The test process owns Ctrl+C and SIGTERM, not this server.
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, QuietLifetime>();
        var app = builder.Build();
        KubeApiServer? server = null;
        app.Run(ctx => server!.HandleAsync(ctx));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new KubeApiServer(app, new Uri(address));
        return server;
    }

    /// <summary>Writes a kubeconfig whose context <paramref name="contextName"/> points here (bearer token <paramref name="token"/>).</summary>
    public string WriteKubeconfig(string path, string contextName = "testkube", string token = "testkube-token", string? defaultNamespace = null)
    {
        var ns = defaultNamespace is null ? string.Empty : $"\n    namespace: {defaultNamespace}";
        var text = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {contextName}
              cluster:
                server: {BaseAddress.ToString().TrimEnd('/')}
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
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var req = ctx.Request;
        var path = req.Path.Value ?? "/";
        var route = Route.Parse(req.Method, path, req.Query, req.ContentType);
        int code;
        JsonNode body;
        try
        {
            if (RequiredToken is not null && req.Headers.Authorization.ToString() != "Bearer " + RequiredToken)
                throw new ApiError(401, "Unauthorized", "Unauthorized");
            if (Forbid is not null && Forbid(route.ToRequest(0)))
                throw new ApiError(403, "Forbidden",
                    $"{(route.Plural ?? path)}{(route.Name is null ? string.Empty : $" \"{route.Name}\"")} is forbidden: User \"system:serviceaccount:test:gitopsvela\" cannot {route.Verb} resource \"{route.Plural}\" in API group \"{route.Group}\"" +
                    (route.Namespace is null ? " at the cluster scope" : $" in the namespace \"{route.Namespace}\""),
                    new JsonObject { ["name"] = route.Name, ["group"] = route.Group, ["kind"] = route.Plural });
            if (ResponseDelay > TimeSpan.Zero) await Task.Delay(ResponseDelay, ctx.RequestAborted);
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
        await ctx.Response.WriteAsync(body.ToJsonString(), ctx.RequestAborted);
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
