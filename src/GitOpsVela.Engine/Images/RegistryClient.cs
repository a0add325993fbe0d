using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Engine.Images;

/// <summary>Credentials for a registry. Never printed.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    public override string ToString() => $"{Username}:***";

    /// <summary>
    /// The credentials a docker config (<c>~/.docker/config.json</c>, or a <c>kubernetes.io/dockerconfigjson</c> Secret's
    /// <c>.dockerconfigjson</c>) holds for <paramref name="registry"/>: <c>auths</c> by host (Docker Hub's aliases
    /// included), <c>auth</c> (base64 user:password) or username/password.
    /// </summary>
    public static RegistryCredentials? FromDockerConfig(string json, string registry)
    {
        var auths = JsonNode.Parse(json)?["auths"] as JsonObject;
        if (auths is null) return null;
        string[] aliases = registry == ImageReference.DockerHub
            ? ["docker.io", "index.docker.io", "https://index.docker.io/v1/", "registry-1.docker.io"]
            : [registry, "https://" + registry, "http://" + registry];
        foreach (var (key, value) in auths)
        {
            var host = key.Replace("https://", "").Replace("http://", "").TrimEnd('/');
            if (!aliases.Contains(key) && !aliases.Contains(host) && !(registry == ImageReference.DockerHub && host.StartsWith("index.docker.io", StringComparison.Ordinal))) continue;
            if (value?["auth"]?.GetValue<string>() is { Length: > 0 } auth)
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth));
                var colon = decoded.IndexOf(':');
                if (colon > 0) return new RegistryCredentials(decoded[..colon], decoded[(colon + 1)..]);
            }
            if (value?["username"]?.GetValue<string>() is { } user) return new RegistryCredentials(user, value["password"]?.GetValue<string>() ?? "");
        }
        return null;
    }

    /// <summary>The user's docker config, when it has credentials for the registry.</summary>
    public static RegistryCredentials? FromUserDockerConfig(string registry)
    {
        var dir = Environment.GetEnvironmentVariable("DOCKER_CONFIG") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        var path = Path.Combine(dir, "config.json");
        return File.Exists(path) ? FromDockerConfig(File.ReadAllText(path), registry) : null;
    }
}

/// <summary>
/// Lists tags over the OCI distribution API: <c>/v2/&lt;name&gt;/tags/list</c>, following <c>Link</c> pagination, answering
/// the <c>WWW-Authenticate: Bearer realm,service,scope</c> challenge (token fetched with Basic credentials when given)
/// or using Basic auth directly. 429 and 5xx are retried with exponential backoff honouring <c>Retry-After</c>, a bounded
/// number of times, then reported clearly. Registries on loopback are spoken to over plain HTTP.
/// </summary>
public sealed partial class RegistryClient(HttpClient http, Func<TimeSpan, CancellationToken, Task>? delay = null, int maxAttempts = 5)
{
    private readonly Func<TimeSpan, CancellationToken, Task> _delay = delay ?? Task.Delay;

    public static string BaseUrl(ImageReference image)
    {
        var host = image.ApiHost;
        var plain = host.StartsWith("localhost", StringComparison.Ordinal) || host.StartsWith("127.0.0.1", StringComparison.Ordinal) || host.StartsWith("[::1]", StringComparison.Ordinal);
        return (plain ? "http://" : "https://") + host;
    }

    /// <summary>Every tag of the image's repository, page by page; <paramref name="progress"/> hears (pages read, tags so far) after each page.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(ImageReference image, RegistryCredentials? credentials, CancellationToken ct, Action<int, int>? progress = null)
    {
        var tags = new List<string>();
        string? bearer = null;
        var next = $"{BaseUrl(image)}/v2/{image.Repository}/tags/list";
        var pages = 0;
        while (next is not null)
        {
            if (++pages > 1000) throw Problem(image, ErrorIds.Registry.PagingInvalid, "the registry returned more than 1000 pages of tags", ProblemCategory.InvalidOperation);
            using var response = await SendAsync(image, next, credentials, bearer, ct).ConfigureAwait(false);
            bearer = response.Bearer;
            var body = await response.Message.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            JsonNode? doc;
            try
            {
                doc = JsonNode.Parse(body);
            }
            catch (JsonException)
            {
                throw Problem(image, ErrorIds.Registry.ResponseInvalid, "the registry's tag list is not JSON", ProblemCategory.InvalidData);
            }
            // An empty repository lists "tags": null (docker distribution).
            if (doc?["tags"] is JsonArray list) tags.AddRange(list.Select(t => t?.GetValue<string>()).OfType<string>());
            next = NextLink(response.Message, next);
            progress?.Invoke(pages, tags.Count);
        }
        return tags;
    }

    /// <summary>The digest of a tag's manifest (the registry's Docker-Content-Digest), for <c>:digest</c> markers.</summary>
    public async Task<string> GetDigestAsync(ImageReference image, string tag, RegistryCredentials? credentials, CancellationToken ct)
    {
        using var response = await SendAsync(image, $"{BaseUrl(image)}/v2/{image.Repository}/manifests/{tag}", credentials, null, ct, HttpMethod.Head).ConfigureAwait(false);
        if (response.Message.Headers.TryGetValues("Docker-Content-Digest", out var values) && values.FirstOrDefault() is { Length: > 0 } digest) return digest;
        throw Problem(image, ErrorIds.Registry.ResponseInvalid, $"the registry gave no digest for {tag}", ProblemCategory.InvalidData);
    }

    [GeneratedRegex(@"<([^>]+)>\s*;\s*rel=""?next""?")]
    private static partial Regex LinkNext();

    private static string? NextLink(HttpResponseMessage response, string current)
    {
        if (!response.Headers.TryGetValues("Link", out var links)) return null;
        foreach (var link in links)
        {
            var m = LinkNext().Match(link);
            if (m.Success) return new Uri(new Uri(current), m.Groups[1].Value).ToString();
        }
        return null;
    }

    private sealed record Sent(HttpResponseMessage Message, string? Bearer) : IDisposable
    {
        public void Dispose() => Message.Dispose();
    }

    private async Task<Sent> SendAsync(ImageReference image, string url, RegistryCredentials? credentials, string? bearer, CancellationToken ct, HttpMethod? method = null)
    {
        var triedChallenge = false;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
            if (url.Contains("/manifests/", StringComparison.Ordinal))
                foreach (var accept in new[] { "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
                             "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json" })
                    request.Headers.Accept.ParseAdd(accept);
            if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            else if (credentials is not null && triedChallenge) request.Headers.Authorization = Basic(credentials);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                if (attempt < maxAttempts) { await _delay(Backoff(attempt, null), ct).ConfigureAwait(false); continue; }
                throw Problem(image, ErrorIds.Registry.Unreachable, $"cannot reach {BaseUrl(image)}: {ex.Message}", ProblemCategory.ConnectionError);
            }
            if (response.StatusCode == HttpStatusCode.Unauthorized && !triedChallenge)
            {
                triedChallenge = true;
                var challenge = response.Headers.WwwAuthenticate.FirstOrDefault();
                response.Dispose();
                if (challenge?.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) == true)
                    bearer = await TokenAsync(image, challenge.Parameter ?? "", credentials, ct).ConfigureAwait(false);
                else if (credentials is null)
                    throw Problem(image, ErrorIds.Registry.AuthenticationRequired, $"{image.Registry} requires credentials for {image.Repository} (-Credential, a secretRef, or docker login)", ProblemCategory.AuthenticationError);
                attempt--;
                continue;
            }
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                response.Dispose();
                throw Problem(image, ErrorIds.Registry.AuthenticationFailed, $"{image.Registry} refused the credentials for {image.Repository}", ProblemCategory.AuthenticationError);
            }
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                response.Dispose();
                throw Problem(image, ErrorIds.Image.NotFound, $"{image.Registry} has no repository {image.Repository}", ProblemCategory.ObjectNotFound);
            }
            if ((int)response.StatusCode == 429 || (int)response.StatusCode >= 500)
            {
                var retryAfter = response.Headers.RetryAfter;
                var code = (int)response.StatusCode;
                response.Dispose();
                if (attempt >= maxAttempts)
                    throw Problem(image, ErrorIds.Registry.Unavailable, $"{image.Registry} answered HTTP {code} {maxAttempts} times; giving up for now (the current image stays)", ProblemCategory.ResourceUnavailable);
                await _delay(Backoff(attempt, retryAfter), ct).ConfigureAwait(false);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                var code = (int)response.StatusCode;
                response.Dispose();
                throw Problem(image, ErrorIds.Registry.Error, $"{image.Registry} answered HTTP {code} for {image.Repository}", ProblemCategory.InvalidOperation);
            }
            return new Sent(response, bearer);
        }
    }

    /// <summary>1s, 2s, 4s, ... capped at 30s; a Retry-After from the server wins (capped at 5 minutes).</summary>
    public static TimeSpan Backoff(int attempt, RetryConditionHeaderValue? retryAfter)
    {
        if (retryAfter?.Delta is { } delta) return delta < TimeSpan.FromMinutes(5) ? delta : TimeSpan.FromMinutes(5);
        if (retryAfter?.Date is { } date) return date - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero;
        return TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 1)));
    }

    [GeneratedRegex(@"(\w+)=""([^""]*)""")]
    private static partial Regex ChallengeParameter();

    private async Task<string> TokenAsync(ImageReference image, string parameters, RegistryCredentials? credentials, CancellationToken ct)
    {
        var values = ChallengeParameter().Matches(parameters).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.OrdinalIgnoreCase);
        if (!values.TryGetValue("realm", out var realm))
            throw Problem(image, ErrorIds.Registry.ChallengeInvalid, "the registry's Bearer challenge names no realm", ProblemCategory.AuthenticationError);
        var query = new List<string>();
        if (values.TryGetValue("service", out var service)) query.Add("service=" + Uri.EscapeDataString(service));
        query.Add("scope=" + Uri.EscapeDataString(values.TryGetValue("scope", out var scope) ? scope : $"repository:{image.Repository}:pull"));
        using var request = new HttpRequestMessage(HttpMethod.Get, realm + (realm.Contains('?') ? "&" : "?") + string.Join("&", query));
        if (credentials is not null) request.Headers.Authorization = Basic(credentials);
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw Problem(image, ErrorIds.Registry.AuthenticationFailed, $"the token service of {image.Registry} refused the request (HTTP {(int)response.StatusCode})", ProblemCategory.AuthenticationError);
        var doc = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
        return doc?["token"]?.GetValue<string>() ?? doc?["access_token"]?.GetValue<string>()
            ?? throw Problem(image, ErrorIds.Registry.AuthenticationFailed, "the token service returned no token", ProblemCategory.AuthenticationError);
    }

    private static AuthenticationHeaderValue Basic(RegistryCredentials c) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.Username}:{c.Password}")));

    private static VelaProblemException Problem(ImageReference image, string id, string message, ProblemCategory category) =>
        new(new VelaProblem(id, category, $"{image.Name}: {message}", SourceLocation.None));
}
