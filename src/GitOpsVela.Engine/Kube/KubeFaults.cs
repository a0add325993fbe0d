using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Engine.Kube;

/// <summary>
/// Turns API failures into problems a person can act on: which cluster, which object, what the server said, what to do.
/// Messages carry the server URL (without user information) and the server's own Status text — never a credential.
/// Every problem says whether it is <see cref="VelaProblem.Transient"/> (worth trying again later, with the server's
/// Retry-After) or permanent.
/// </summary>
internal static class KubeFaults
{
    public const string ConflictHint = "another field manager owns these fields with other values; change them back, or run again with -TakeOwnership to take them over";

    public static VelaProblem ToProblem(KubeApiException e, KubeClient client, ObjectRef? target = null, string? application = null) =>
        Describe(e, client, target, application) with { Transient = e.Transient, RetryAfter = e.Transient ? e.RetryAfter : null };

    private static VelaProblem Describe(KubeApiException e, KubeClient client, ObjectRef? target, string? application)
    {
        var what = target is { } t ? $"{t}: " : string.Empty;
        var cluster = $"context '{client.Context}' ({client.Server})";
        if (e.IsUntrustedCertificate)
            return new VelaProblem(ErrorIds.Cluster.CertificateNotTrusted, ProblemCategory.AuthenticationError,
                $"{what}{e.Message} (context '{client.Context}'); fix the cluster's certificate-authority-data in the kubeconfig or the context's server address", SourceLocation.None, application);
        if (e.IsTransport)
            return new VelaProblem(ErrorIds.Cluster.Unreachable, ProblemCategory.ConnectionError,
                $"{what}cannot reach the Kubernetes API server of {cluster}: {e.Message}", SourceLocation.None, application);
        if (e.IsTimeout)
            return new VelaProblem(ErrorIds.Cluster.Timeout, ProblemCategory.OperationTimeout,
                $"{what}{e.Message} ({cluster})", SourceLocation.None, application);
        if (e.IsCredentials)
            return new VelaProblem(ErrorIds.Cluster.CredentialsUnavailable, ProblemCategory.AuthenticationError, $"{what}{e.Message}", SourceLocation.None, application);
        return e.StatusCode switch
        {
            401 => new VelaProblem(ErrorIds.Cluster.Unauthorized, ProblemCategory.AuthenticationError,
                $"{what}the API server of {cluster} rejected the credentials (401 Unauthorized); check the user of this kubeconfig context", SourceLocation.None, application),
            403 => new VelaProblem(ErrorIds.Cluster.Forbidden, ProblemCategory.PermissionDenied, $"{what}{Forbidden(e, cluster)}", SourceLocation.None, application),
            404 when e.Message.StartsWith("namespaces \"", StringComparison.Ordinal) => new VelaProblem(ErrorIds.Cluster.NamespaceNotFound, ProblemCategory.ObjectNotFound,
                $"{what}{e.Message}; create the namespace (a Namespace object in the application, or beforehand)", SourceLocation.None, application),
            404 => new VelaProblem(ErrorIds.Cluster.ObjectNotFound, ProblemCategory.ObjectNotFound, $"{what}{e.Message}", SourceLocation.None, application),
            409 when e.Message.StartsWith("Apply failed", StringComparison.Ordinal) => new VelaProblem(ErrorIds.Cluster.ApplyConflict, ProblemCategory.InvalidOperation,
                $"{what}{e.Message.Replace("\n", " ")} — {ConflictHint}", SourceLocation.None, application,
                Property: e.Causes.Count > 0 ? string.Join(", ", e.Causes.Select(c => c.Field)) : null),
            409 => new VelaProblem(ErrorIds.Cluster.ObjectConflict, ProblemCategory.ResourceExists, $"{what}{e.Message}", SourceLocation.None, application),
            422 => new VelaProblem(ErrorIds.Cluster.ObjectInvalid, ProblemCategory.InvalidData,
                $"{what}{e.Message}", SourceLocation.None, application,
                Property: e.Causes.Count > 0 ? string.Join(", ", e.Causes.Select(c => c.Field).Distinct()) : null),
            429 => new VelaProblem(ErrorIds.Cluster.Throttled, ProblemCategory.ResourceUnavailable,
                $"{what}{cluster} is throttling requests (429 TooManyRequests{RetryAfterText(e)}): {e.Message}", SourceLocation.None, application),
            _ => new VelaProblem(ErrorIds.Cluster.RequestFailed, e.Transient ? ProblemCategory.ResourceUnavailable : ProblemCategory.InvalidOperation,
                $"{what}{cluster} answered {e.StatusCode} {e.Reason}{(e.Request is { } r ? $" to {r}" : string.Empty)}: {e.Message}", SourceLocation.None, application),
        };
    }

    /// <summary>One line naming who may not do what where, then the server's own words (RBAC names the user).</summary>
    private static string Forbidden(KubeApiException e, string cluster)
    {
        if (e.Request is not { Resource: { } resource } r) return $"forbidden by {cluster}: {e.Message}";
        var qualified = string.IsNullOrEmpty(r.Group) ? resource : $"{resource}.{r.Group}";
        var what = resource == "namespaces" && r.Group == string.Empty && r.Name is not null ? $"namespace '{r.Name}'"
            : r.Namespace is null ? $"{qualified} at cluster scope" : $"{qualified} in namespace '{r.Namespace}'";
        return $"the user of {cluster} may not {r.RbacVerb} {what} (403 Forbidden): {e.Message}";
    }

    private static string RetryAfterText(KubeApiException e) =>
        e.RetryAfter is { } wait ? $", retry after {KubeClient.Seconds(wait)}" : string.Empty;

    /// <summary>True when every further request to this cluster would fail the same way (no point going on).</summary>
    public static bool IsClusterWide(KubeApiException e) => e.IsTransport || e.IsTimeout || e.IsUntrustedCertificate || e.StatusCode == 401;
}
