using System.Text.Json.Serialization;

namespace GitOpsVela.TestKube;

/// <summary>What an injected fault does to a request it matches.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FaultKind>))]
public enum FaultKind
{
    /// <summary>The connection is closed without an answer (the client sees a reset / a response that ended early).</summary>
    Reset,

    /// <summary>
    /// The API server goes away: this request's connection is closed and the listener stops for <see cref="KubeFault.Seconds"/>,
    /// so every request meanwhile gets "connection refused"; then it listens again on the same port with the same objects.
    /// </summary>
    Outage,

    /// <summary>429 TooManyRequests with <c>Retry-After: </c><see cref="KubeFault.RetryAfterSeconds"/>, as API priority and fairness answers.</summary>
    TooManyRequests,

    /// <summary>500 InternalError "failed calling webhook ...", as a validating/mutating admission webhook that cannot be reached answers.</summary>
    WebhookFailure,

    /// <summary>Any metav1.Status failure: <see cref="KubeFault.Code"/>, <see cref="KubeFault.Reason"/>, <see cref="KubeFault.Message"/> (503, 504, ...).</summary>
    Status,

    /// <summary>The answer comes <see cref="KubeFault.Seconds"/> late (then the request is served normally).</summary>
    Slow,

    /// <summary>409 Conflict "the object has been modified", as an update from a stale resourceVersion gets.</summary>
    Conflict,

    /// <summary>403 Forbidden worded like RBAC's denial (user, verb, resource, API group, namespace).</summary>
    Forbidden,
}

/// <summary>
/// One fault rule: which requests it matches (every given criterion must match; none given matches every API request) and
/// what happens to them. <see cref="Skip"/> lets the first matching requests through; <see cref="Count"/> bounds how many get
/// the fault (then the rule is spent). The same shape is accepted as JSON by the admin endpoint (<c>POST /testkube/faults</c>).
/// </summary>
public sealed class KubeFault
{
    private int _matched;
    private int _hits;

    public FaultKind Kind { get; init; }

    /// <summary>The Kubernetes verb: get, list, watch, create, update, patch, apply, delete, deletecollection, discovery.</summary>
    public string? Verb { get; init; }

    /// <summary>The resource (plural): <c>configmaps</c>, <c>deployments</c>.</summary>
    public string? Resource { get; init; }

    /// <summary>The namespace as RBAC sees it (for <c>/api/v1/namespaces/x</c>, x).</summary>
    public string? Namespace { get; init; }

    public string? Name { get; init; }

    /// <summary>The request path starts with this (<c>/apis/apps/v1</c>).</summary>
    public string? Path { get; init; }

    /// <summary>Requests for resources anywhere but this namespace (cluster-scoped ones included, but not the Namespace object
    /// itself, which RBAC authorizes in its own namespace, as <see cref="Namespace"/> does; discovery is not a resource):
    /// with <see cref="FaultKind.Forbidden"/> and <see cref="Token"/>, a user RBAC limits to one namespace.</summary>
    public string? OutsideNamespace { get; init; }

    /// <summary>Requests bearing this bearer token (one user among several).</summary>
    public string? Token { get; init; }

    /// <summary><see cref="FaultKind.Forbidden"/>: the user the denial names.</summary>
    public string User { get; init; } = "system:serviceaccount:test:gitopsvela";

    /// <summary>How many matching requests pass untouched before the fault starts.</summary>
    public int Skip { get; init; }

    /// <summary>How many matching requests get the fault; null: every one after <see cref="Skip"/>.</summary>
    public int? Count { get; init; }

    /// <summary><see cref="FaultKind.Slow"/>: the delay; <see cref="FaultKind.Outage"/>: how long the listener stays down.</summary>
    public double Seconds { get; init; }

    /// <summary><see cref="FaultKind.TooManyRequests"/>: the Retry-After header (and the Status' retryAfterSeconds).</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary><see cref="FaultKind.WebhookFailure"/>: the webhook's name.</summary>
    public string Webhook { get; init; } = "validate.policy.example.com";

    /// <summary><see cref="FaultKind.Status"/>: the HTTP code (503 by default).</summary>
    public int Code { get; init; } = 503;

    /// <summary><see cref="FaultKind.Status"/>: the Status reason.</summary>
    public string? Reason { get; init; }

    /// <summary><see cref="FaultKind.Status"/>: the Status message.</summary>
    public string? Message { get; init; }

    /// <summary>How many requests got this fault so far.</summary>
    public int Hits
    {
        get => Volatile.Read(ref _hits);
        init => _hits = value;
    }

    /// <summary>True once <see cref="Count"/> requests got the fault.</summary>
    [JsonIgnore]
    public bool Spent => Count is { } n && Hits >= n;

    internal bool Matches(KubeRequestTarget r) =>
        (Verb is null || string.Equals(Verb, r.Verb, StringComparison.OrdinalIgnoreCase))
        && (Resource is null || string.Equals(Resource, r.Resource, StringComparison.OrdinalIgnoreCase))
        && (Namespace is null || Namespace == r.Namespace)
        && (Name is null || Name == r.Name)
        && (Path is null || r.Path.StartsWith(Path, StringComparison.Ordinal))
        && (OutsideNamespace is null || (r.Resource is not null && r.Namespace != OutsideNamespace))
        && (Token is null || r.Token == Token);

    /// <summary>Counts a matching request; true when this one gets the fault. Callers hold the set's lock.</summary>
    internal bool Take()
    {
        if (Spent) return false;
        if (_matched++ < Skip) return false;
        _hits++;
        return true;
    }

    public override string ToString() =>
        $"{Kind} for {string.Join(" ", new[] { Verb, Resource, Namespace, Name, Path, OutsideNamespace is null ? null : "outside " + OutsideNamespace }.Where(x => x is not null).DefaultIfEmpty("every request"))}" +
        (Skip > 0 ? $" after {Skip}" : string.Empty) + (Count is { } c ? $" x{c}" : string.Empty) + $" (hits {Hits})";
}

/// <summary>What a rule matches on: one API request routed to its verb, resource, namespace and name.</summary>
internal sealed record KubeRequestTarget(string Path, string Verb, string? Group, string? Resource, string? Namespace, string? Name, string? Token);

/// <summary>The server's fault rules: the first unspent rule that matches a request decides its fault. Safe to change while requests run.</summary>
public sealed class KubeFaultSet
{
    private readonly List<KubeFault> _rules = [];

    /// <summary>Adds a rule and returns it (its <see cref="KubeFault.Hits"/> count as requests meet it).</summary>
    public KubeFault Add(KubeFault fault)
    {
        lock (_rules) _rules.Add(fault);
        return fault;
    }

    public bool Remove(KubeFault fault)
    {
        lock (_rules) return _rules.Remove(fault);
    }

    public void Clear()
    {
        lock (_rules) _rules.Clear();
    }

    public IReadOnlyList<KubeFault> Rules
    {
        get
        {
            lock (_rules) return [.. _rules];
        }
    }

    internal KubeFault? Take(KubeRequestTarget request)
    {
        lock (_rules)
        {
            foreach (var rule in _rules)
                if (!rule.Spent && rule.Matches(request) && rule.Take()) return rule;
            return null;
        }
    }
}
