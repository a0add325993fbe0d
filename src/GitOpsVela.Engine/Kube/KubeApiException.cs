using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Kube;

/// <summary>One API request as messages name it: method and path, and the resource, namespace and name the path addresses.</summary>
internal sealed record KubeRequestTarget(string Method, string Path, string Verb, string? Group, string? Resource, string? Namespace, string? Name)
{
    /// <summary>The verb RBAC checks: server-side apply is a patch; discovery is a get.</summary>
    public string RbacVerb => Verb switch
    {
        "apply" or "apply-dry-run" => "patch",
        "discovery" => "get",
        _ => Verb,
    };

    public override string ToString() => $"{Method} {Path}";

    /// <summary>Reads <c>/api/v1/namespaces/ns/configmaps/name</c> and <c>/apis/group/version/...</c> paths.</summary>
    public static KubeRequestTarget Of(string method, string path, string verb)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        string? group = null;
        string[] rest = [];
        if (segments.Length >= 2 && segments[0] == "api")
        {
            group = string.Empty;
            rest = segments[2..];
        }
        else if (segments.Length >= 3 && segments[0] == "apis")
        {
            group = segments[1];
            rest = segments[3..];
        }
        string? ns = null;
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            ns = rest[1];
            rest = rest[2..];
        }
        var resource = rest.ElementAtOrDefault(0);
        var name = rest.ElementAtOrDefault(1);
        // As the API server's RequestInfo: a Namespace object is in itself (/api/v1/namespaces/x is in namespace x).
        if (ns is null && group == string.Empty && resource == "namespaces") ns = name;
        return new KubeRequestTarget(method, path, verb, group, resource, ns, name);
    }
}

/// <summary>
/// A failed API request: the HTTP status and the metav1.Status the server sent (reason, message, causes), or what kept the
/// request from getting an answer. <see cref="Transient"/> says whether the same request may succeed later without
/// anyone changing anything (connection refused/reset, DNS, TLS handshake, timeouts, 429, 5xx, 409 on update), as
/// opposed to a permanent failure (401, 403, 404, 422, an untrusted certificate, ...) that fails the same way until
/// someone acts.
/// </summary>
internal sealed class KubeApiException(int statusCode, string reason, string message) : Exception(message)
{
    /// <summary>The longest <see cref="RetryAfter"/> honoured: a server asking for more is asked again after this.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);

    private readonly TimeSpan? _retryAfter;

    public int StatusCode { get; } = statusCode;
    public string Reason { get; } = reason;
    public IReadOnlyList<(string Field, string Message)> Causes { get; init; } = [];

    /// <summary>No answer: connection refused or reset, DNS, TLS handshake (not an untrusted certificate).</summary>
    public bool IsTransport { get; init; }

    /// <summary>No answer within the client's timeout.</summary>
    public bool IsTimeout { get; init; }

    /// <summary>The kubeconfig's credentials could not be obtained (exec plugin, token file): nothing was sent.</summary>
    public bool IsCredentials { get; init; }

    /// <summary>The server's TLS certificate is not trusted by the kubeconfig's CA (or does not name the server).</summary>
    public bool IsUntrustedCertificate { get; init; }

    /// <summary>The request that failed (null when the exception was not raised by <see cref="KubeClient"/>).</summary>
    public KubeRequestTarget? Request { get; init; }

    /// <summary>How long the server asked the client to wait (Retry-After, or the Status' retryAfterSeconds), capped at <see cref="MaxRetryAfter"/>.</summary>
    public TimeSpan? RetryAfter
    {
        get => _retryAfter;
        init => _retryAfter = value is { } v ? (v < TimeSpan.Zero ? TimeSpan.Zero : v > MaxRetryAfter ? MaxRetryAfter : v) : null;
    }

    /// <summary>True when trying the same request again later may succeed with nothing changed; false when it fails the same way until someone acts.</summary>
    public bool Transient => !IsCredentials && !IsUntrustedCertificate && (IsTransport || IsTimeout || StatusCode switch
    {
        408 or 429 => true,
        501 => false,
        >= 500 and < 600 => true,
        // A write from a stale resourceVersion: read again and retry. A server-side apply conflict with another field manager is not.
        409 => Reason == "Conflict" && !Message.StartsWith("Apply failed", StringComparison.Ordinal),
        _ => false,
    });

    public static KubeApiException FromResponse(int code, string body, KubeRequestTarget? request = null, TimeSpan? retryAfter = null)
    {
        try
        {
            if (JsonNode.Parse(body) is JsonObject { } status && status["kind"]?.GetValue<string>() == "Status")
            {
                var causes = (status["details"]?["causes"] as JsonArray ?? []).OfType<JsonObject>()
                    .Select(c => (c["field"]?.GetValue<string>() ?? string.Empty, c["message"]?.GetValue<string>() ?? string.Empty)).ToList();
                if (retryAfter is null && status["details"]?["retryAfterSeconds"] is JsonValue seconds && seconds.TryGetValue<int>(out var n))
                    retryAfter = TimeSpan.FromSeconds(n);
                return new KubeApiException(code, status["reason"]?.GetValue<string>() ?? string.Empty,
                    status["message"]?.GetValue<string>() ?? $"HTTP {code}")
                { Causes = causes, Request = request, RetryAfter = retryAfter };
            }
        }
        catch (JsonException)
        {
        }
        var text = body.Length > 200 ? body[..200] : body;
        return new KubeApiException(code, ((HttpStatusCode)code).ToString(),
            string.IsNullOrWhiteSpace(text) ? $"HTTP {code} {(HttpStatusCode)code}" : text.Trim().Split('\n', 2)[0])
        { Request = request, RetryAfter = retryAfter };
    }

    /// <summary>What kept a request from an answer, in words: refused, reset, DNS, TLS handshake.</summary>
    internal static string DescribeTransport(HttpRequestException e, Uri server)
    {
        var endpoint = $"{server.Host}:{server.Port}";
        var socket = Inner<SocketException>(e);
        var inner = e.InnerException?.Message ?? e.Message;
        return (e.HttpRequestError, socket?.SocketErrorCode) switch
        {
            (HttpRequestError.NameResolutionError, _) or (_, SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData)
                => $"the host name '{server.Host}' cannot be resolved (DNS): {inner}",
            (_, SocketError.ConnectionRefused) => $"connection refused by {endpoint} (nothing listens there, or the API server is down)",
            (_, SocketError.ConnectionReset) => $"the connection to {endpoint} was reset before an answer came",
            (_, SocketError.HostUnreachable or SocketError.NetworkUnreachable) => $"{endpoint} cannot be reached: {socket!.Message}",
            (HttpRequestError.ResponseEnded, _) => $"{endpoint} closed the connection before answering",
            (HttpRequestError.SecureConnectionError, _) => $"the TLS handshake with {endpoint} failed: {inner}",
            _ when Inner<IOException>(e) is { } io => $"the connection to {endpoint} failed: {io.Message}",
            _ => inner,
        };
    }

    private static T? Inner<T>(Exception e) where T : Exception
    {
        for (var x = e.InnerException; x is not null; x = x.InnerException)
            if (x is T t) return t;
        return null;
    }
}
