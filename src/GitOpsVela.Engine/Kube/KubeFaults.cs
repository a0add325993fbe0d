using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Engine.Kube;

/// <summary>
/// Turns API failures into problems a person can act on: which cluster, which object, what the server said, what to do.
/// Messages carry the server URL (without user information) and the server's own Status text — never a credential.
/// </summary>
internal static class KubeFaults
{
    public const string ConflictHint = "another field manager owns these fields with other values; change them back, or use -Force to take them over";

    public static VelaProblem ToProblem(KubeApiException e, KubeClient client, ObjectRef? target = null, string? application = null)
    {
        var what = target is { } t ? $"{t}: " : string.Empty;
        var cluster = $"context '{client.Context}' ({client.Server})";
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
            403 => new VelaProblem(ErrorIds.Cluster.Forbidden, ProblemCategory.PermissionDenied,
                $"{what}forbidden by {cluster}: {e.Message}", SourceLocation.None, application),
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
            _ => new VelaProblem(ErrorIds.Cluster.RequestFailed, ProblemCategory.InvalidOperation,
                $"{what}{cluster} answered {e.StatusCode} {e.Reason}: {e.Message}", SourceLocation.None, application),
        };
    }

    /// <summary>True when every further request to this cluster would fail the same way (no point going on).</summary>
    public static bool IsClusterWide(KubeApiException e) => e.IsTransport || e.IsTimeout || e.StatusCode == 401;
}
