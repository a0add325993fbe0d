using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;

namespace GitOpsVela.Engine.Kube;

/// <summary>A resource the API server serves: what discovery maps an apiVersion + kind to.</summary>
internal sealed record ApiResource(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string CollectionPath(string? ns)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return Namespaced && ns is not null ? $"{root}/namespaces/{Uri.EscapeDataString(ns)}/{Plural}" : $"{root}/{Plural}";
    }

    public string ObjectPath(string? ns, string name) => $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}";
}

/// <summary>One request this client sent (tests and benchmarks count them the same way against any cluster).</summary>
internal sealed record KubeClientRequest(string Method, string Path, string Verb, int StatusCode);

/// <summary>
/// A dynamic Kubernetes client over KubernetesClient's authenticated HTTP pipeline (tokens, client certificates, exec
/// plugins and CA settings all come from the kubeconfig): objects are <see cref="JsonObject"/>s, resources are mapped
/// through discovery once per group-version and cached for the life of the client (one run).
/// </summary>
internal sealed class KubeClient : IDisposable
{
    private readonly Kubernetes _kubernetes;
    private readonly string _baseUrl;
    private readonly ConcurrentDictionary<string, Task<IReadOnlyList<ApiResource>?>> _discovery = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<KubeClientRequest> _requests = new();

    private readonly KubernetesClientConfiguration _config;

    internal KubeClient(KubernetesClientConfiguration config, string context, string? defaultNamespace, TimeSpan timeout)
    {
        _config = config;
        // Each request is bounded by Timeout (a per-request token), not by HttpClient's own 100 s, which would cut a longer
        // -TimeoutSec short and say nothing of what timed out.
        config.HttpClientTimeout = System.Threading.Timeout.InfiniteTimeSpan;
        _kubernetes = new Kubernetes(config);
        Context = context;
        DefaultNamespace = string.IsNullOrEmpty(defaultNamespace) ? "default" : defaultNamespace;
        Timeout = timeout;
        _baseUrl = config.Host.TrimEnd('/');
        var uri = new Uri(_baseUrl);
        Server = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri.ToString().TrimEnd('/');
    }

    /// <summary>The kubeconfig context this client talks to.</summary>
    public string Context { get; }

    /// <summary>The API server URL, without any user information.</summary>
    public string Server { get; }

    public string DefaultNamespace { get; }

    public TimeSpan Timeout { get; set; }

    public IReadOnlyList<KubeClientRequest> Requests => [.. _requests];

    public int CountVerb(string verb) => _requests.Count(r => r.Verb == verb);

    public int CountWrites() => _requests.Count(r => r.Verb is "create" or "update" or "apply" or "delete" or "patch");

    public void Dispose() => _kubernetes.Dispose();

    // ---- discovery ----

    /// <summary>The resource serving <paramref name="apiVersion"/> <paramref name="kind"/>, or null when the server does not serve it (a CRD not installed yet).</summary>
    public async Task<ApiResource?> ResolveAsync(string apiVersion, string kind, CancellationToken cancellationToken)
    {
        var resources = await DiscoverAsync(apiVersion, cancellationToken).ConfigureAwait(false);
        return resources?.FirstOrDefault(r => r.Kind == kind);
    }

    /// <summary>Forgets what discovery said about <paramref name="apiVersion"/> (after a CRD for it was applied).</summary>
    public void ForgetDiscovery(string apiVersion)
    {
        _discovery.TryRemove(apiVersion, out _);
        _notServedSince.TryRemove(apiVersion, out _);
    }

    /// <summary>Forgets every "not served" answer (a new pass of a waiting workflow looks again for CRDs installed meanwhile).</summary>
    public void ForgetUnserved()
    {
        foreach (var apiVersion in _notServedSince.Keys.ToList()) ForgetDiscovery(apiVersion);
    }

    private readonly ConcurrentDictionary<string, DateTime> _notServedSince = new(StringComparer.Ordinal);

    /// <summary>How long "not served" is believed: a CRD installed by someone else (an operator, Flux) shows up after this.</summary>
    public TimeSpan NotServedTtl { get; set; } = TimeSpan.FromSeconds(5);

    private async Task<IReadOnlyList<ApiResource>?> DiscoverAsync(string apiVersion, CancellationToken cancellationToken)
    {
        if (_notServedSince.TryGetValue(apiVersion, out var since) && DateTime.UtcNow - since > NotServedTtl)
        {
            _notServedSince.TryRemove(apiVersion, out _);
            _discovery.TryRemove(apiVersion, out _);
        }
        var task = _discovery.GetOrAdd(apiVersion, v => FetchResourcesAsync(v, cancellationToken));
        try
        {
            var resources = await task.ConfigureAwait(false);
            if (resources is null) _notServedSince.TryAdd(apiVersion, DateTime.UtcNow);
            return resources;
        }
        catch
        {
            _discovery.TryRemove(new KeyValuePair<string, Task<IReadOnlyList<ApiResource>?>>(apiVersion, task));
            throw;
        }
    }

    private async Task<IReadOnlyList<ApiResource>?> FetchResourcesAsync(string apiVersion, CancellationToken cancellationToken)
    {
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? string.Empty : apiVersion[..slash];
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        var path = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        var (code, body) = await SendAsync(HttpMethod.Get, path, null, null, "discovery", cancellationToken, allowNotFound: true).ConfigureAwait(false);
        if (code == HttpStatusCode.NotFound) return null;
        var list = JsonNode.Parse(body)?["resources"] as JsonArray ?? [];
        return list.OfType<JsonObject>()
            .Where(r => r["name"]?.GetValue<string>() is { } n && !n.Contains('/'))
            .Select(r => new ApiResource(group, version, r["kind"]!.GetValue<string>(), r["name"]!.GetValue<string>(), r["namespaced"]?.GetValue<bool>() ?? false))
            .ToList();
    }

    // ---- objects ----

    public async Task<JsonObject?> GetAsync(ApiResource resource, string? ns, string name, CancellationToken cancellationToken)
    {
        var (code, body) = await SendAsync(HttpMethod.Get, resource.ObjectPath(ns, name), null, null, "get", cancellationToken, allowNotFound: true).ConfigureAwait(false);
        return code == HttpStatusCode.NotFound ? null : ParseObject(body);
    }

    /// <summary>Every object of the resource in <paramref name="ns"/> (all namespaces when null), following <c>continue</c> tokens.</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(ApiResource resource, string? ns, string? labelSelector, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? continueToken = null;
        do
        {
            var query = new List<string> { "limit=500" };
            if (!string.IsNullOrEmpty(labelSelector)) query.Add("labelSelector=" + Uri.EscapeDataString(labelSelector));
            if (continueToken is not null) query.Add("continue=" + Uri.EscapeDataString(continueToken));
            var (_, body) = await SendAsync(HttpMethod.Get, resource.CollectionPath(ns) + "?" + string.Join('&', query), null, null, "list", cancellationToken).ConfigureAwait(false);
            var list = ParseObject(body);
            foreach (var item in (list["items"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var copy = (JsonObject)item.DeepClone();
                // Lists of built-in kinds omit apiVersion/kind on items.
                copy["apiVersion"] ??= resource.ApiVersion;
                copy["kind"] ??= resource.Kind;
                items.Add(copy);
            }
            continueToken = list["metadata"]?["continue"]?.GetValue<string>();
        }
        while (!string.IsNullOrEmpty(continueToken));
        return items;
    }

    /// <summary>Server-side apply of <paramref name="obj"/> under <paramref name="fieldManager"/>.</summary>
    public async Task<JsonObject> ApplyAsync(ApiResource resource, JsonObject obj, string fieldManager, bool force, bool dryRun, CancellationToken cancellationToken)
    {
        var name = obj["metadata"]?["name"]?.GetValue<string>() ?? throw new ArgumentException("the object has no metadata.name");
        var ns = resource.Namespaced ? obj["metadata"]?["namespace"]?.GetValue<string>() ?? DefaultNamespace : null;
        var query = $"?fieldManager={Uri.EscapeDataString(fieldManager)}" + (force ? "&force=true" : string.Empty) + (dryRun ? "&dryRun=All" : string.Empty);
        var (_, body) = await SendAsync(HttpMethod.Patch, resource.ObjectPath(ns, name) + query, obj.ToJsonString(), "application/apply-patch+yaml", dryRun ? "apply-dry-run" : "apply", cancellationToken).ConfigureAwait(false);
        return ParseObject(body);
    }

    public async Task<JsonObject> CreateAsync(ApiResource resource, JsonObject obj, CancellationToken cancellationToken)
    {
        var ns = resource.Namespaced ? obj["metadata"]?["namespace"]?.GetValue<string>() ?? DefaultNamespace : null;
        var (_, body) = await SendAsync(HttpMethod.Post, resource.CollectionPath(ns) + "?fieldManager=gitopsvela", obj.ToJsonString(), "application/json", "create", cancellationToken).ConfigureAwait(false);
        return ParseObject(body);
    }

    /// <summary>PUT; the object's metadata.resourceVersion makes it conditional (409 when someone else wrote first).</summary>
    public async Task<JsonObject> ReplaceAsync(ApiResource resource, JsonObject obj, CancellationToken cancellationToken)
    {
        var name = obj["metadata"]!["name"]!.GetValue<string>();
        var ns = resource.Namespaced ? obj["metadata"]?["namespace"]?.GetValue<string>() ?? DefaultNamespace : null;
        var (_, body) = await SendAsync(HttpMethod.Put, resource.ObjectPath(ns, name) + "?fieldManager=gitopsvela", obj.ToJsonString(), "application/json", "update", cancellationToken).ConfigureAwait(false);
        return ParseObject(body);
    }

    /// <summary>Deletes (background propagation); false when it was already gone.</summary>
    public async Task<bool> DeleteAsync(ApiResource resource, string? ns, string name, bool dryRun, CancellationToken cancellationToken)
    {
        var options = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\"}";
        var (code, _) = await SendAsync(HttpMethod.Delete, resource.ObjectPath(ns, name) + (dryRun ? "?dryRun=All" : string.Empty), options, "application/json", "delete", cancellationToken, allowNotFound: true).ConfigureAwait(false);
        return code != HttpStatusCode.NotFound;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private static JsonObject ParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw new KubeApiException(0, "InvalidResponse", "the API server answered with something other than an object");
        }
        catch (JsonException e)
        {
            throw new KubeApiException(0, "InvalidResponse", $"the API server answered with invalid JSON: {e.Message}");
        }
    }

    /// <summary>The most requests this client has in flight at once (applications delivered side by side share it).</summary>
    public const int MaxInFlight = 32;

    private readonly SemaphoreSlim _inFlight = new(MaxInFlight, MaxInFlight);

    /// <summary>
    /// How many times a request the server throttles (429) is sent again, after the wait its Retry-After asks for (1 s when
    /// it names none), before the 429 is reported (as <c>Cluster.Throttled</c>, which a workflow step retries with its own backoff).
    /// </summary>
    public int ThrottleRetries { get; set; } = 3;

    /// <summary>The longest Retry-After waited for here; a server asking for more gets the 429 reported at once.</summary>
    public static readonly TimeSpan MaxThrottleWait = TimeSpan.FromSeconds(10);

    /// <summary>How the client waits before sending a throttled request again (tests replace it).</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; set; } = Task.Delay;

    private async Task<(HttpStatusCode Code, string Body)> SendAsync(HttpMethod method, string pathAndQuery, string? content, string? contentType, string verb,
        CancellationToken cancellationToken, bool allowNotFound = false)
    {
        for (var attempt = 0; ; attempt++)
        {
            TimeSpan wait;
            await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await SendOnceAsync(method, pathAndQuery, content, contentType, verb, cancellationToken, allowNotFound).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.StatusCode == 429 && attempt < ThrottleRetries && (e.RetryAfter ?? TimeSpan.Zero) <= MaxThrottleWait)
            {
                wait = e.RetryAfter is { } asked && asked > TimeSpan.Zero ? asked : TimeSpan.FromSeconds(1);
            }
            finally
            {
                _inFlight.Release();
            }
            // Priority and Fairness turned it away: wait as asked (outside the in-flight limit) and send it again.
            await Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(HttpStatusCode Code, string Body)> SendOnceAsync(HttpMethod method, string pathAndQuery, string? content, string? contentType, string verb,
        CancellationToken cancellationToken, bool allowNotFound)
    {
        using var request = new HttpRequestMessage(method, _baseUrl + pathAndQuery);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (content is not null)
        {
            request.Content = new StringContent(content, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var call = KubeRequestTarget.Of(method.Method, pathAndQuery.Split('?')[0], verb);
        try
        {
            if (_kubernetes.Credentials is not null)
            {
                try
                {
                    await _kubernetes.Credentials.ProcessHttpRequestAsync(request, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // An exec plugin or token file that fails: say so without what it returned.
                    _requests.Enqueue(new KubeClientRequest(method.Method, call.Path, verb, 0));
                    throw new KubeApiException(401, "CredentialsUnavailable", $"cannot get credentials for context '{Context}': {e.GetType().Name}: {FirstLine(e.Message)}")
                    { IsCredentials = true, Request = call };
                }
            }
            using var response = await _kubernetes.HttpClient.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            _requests.Enqueue(new KubeClientRequest(method.Method, call.Path, verb, (int)response.StatusCode));
            if (response.IsSuccessStatusCode || (allowNotFound && response.StatusCode == HttpStatusCode.NotFound)) return (response.StatusCode, body);
            throw KubeApiException.FromResponse((int)response.StatusCode, body, call, RetryAfterOf(response));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _requests.Enqueue(new KubeClientRequest(method.Method, call.Path, verb, 0));
            throw new KubeApiException(0, "Timeout", $"timed out after {Seconds(Timeout)} calling {call}") { IsTimeout = true, Request = call };
        }
        catch (HttpRequestException e)
        {
            _requests.Enqueue(new KubeClientRequest(method.Method, call.Path, verb, 0));
            if (ServerCertificateCheck.IsUntrusted(e))
            {
                var why = await ServerCertificateCheck.DescribeAsync(new Uri(_baseUrl), _config.SslCaCerts, cancellationToken).ConfigureAwait(false);
                throw new KubeApiException(0, "CertificateNotTrusted", $"the server's certificate is not trusted by the kubeconfig's CA: {why}")
                { IsUntrustedCertificate = true, Request = call };
            }
            throw new KubeApiException(0, "Unreachable", KubeApiException.DescribeTransport(e, new Uri(_baseUrl))) { IsTransport = true, Request = call };
        }
    }

    /// <summary>"30 s", "0.3 s".</summary>
    internal static string Seconds(TimeSpan t) => $"{t.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)} s";

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return null;
    }
}
