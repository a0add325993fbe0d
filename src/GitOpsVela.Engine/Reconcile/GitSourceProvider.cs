using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Engine.Reconcile;

/// <summary>
/// Syncs a kustomize component's git source through the cache. Credentials, first found wins: the ones given
/// (<c>-Credential</c>), the component's <c>secretRef</c> (a <c>kubernetes.io/basic-auth</c> Secret in the application's
/// namespace, read from the cluster), or a token from the environment variable named by <paramref name="tokenVariable"/>.
/// </summary>
public sealed class GitSourceProvider(
    GitSourceCache cache,
    Execution.Steps.ISecretReader? secrets = null,
    GitCredentials? credentials = null,
    string? tokenVariable = null) : ISourceProvider
{
    public const string DefaultTokenVariable = "GITOPSVELA_GIT_TOKEN";

    public async Task<SyncedSource> SyncAsync(SourceRequest request, CancellationToken cancellationToken)
    {
        var spec = request.Source;
        if (string.IsNullOrEmpty(spec.Url))
            throw Problem(request, "VelaSourceInvalid", "the kustomize component has no url", ProblemCategory.InvalidData);
        var interval = GoDuration.TryParse(spec.PullInterval, out var d, out _) ? d : TimeSpan.FromMinutes(5);
        var creds = credentials ?? await FromSecretAsync(request, cancellationToken).ConfigureAwait(false) ?? FromEnvironment();
        var reference = new GitReference(spec.Branch, spec.Tag, spec.Commit, spec.SemVer, spec.Ref);
        try
        {
            var result = await Task.Run(() => cache.Sync(new GitSyncRequest(spec.Url, reference, creds, interval, request.Force), cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            return new SyncedSource(result.Url, result.Revision, result.LocalPath, result.PreviousRevision);
        }
        catch (VelaProblemException ex)
        {
            throw new VelaProblemException(ex.Problem with
            {
                Application = request.Application.Name,
                Component = request.Component,
                Location = request.Application.FindComponent(request.Component)?.Location ?? ex.Problem.Location,
            });
        }
    }

    private async Task<GitCredentials?> FromSecretAsync(SourceRequest request, CancellationToken ct)
    {
        if (request.Source.SecretRef is not { Length: > 0 } name) return null;
        if (secrets is null)
            throw Problem(request, "VelaSourceCredentialsUnavailable",
                $"secretRef '{name}' needs a cluster to read the Secret from (pass -Context), or pass -Credential", ProblemCategory.AuthenticationError);
        var ns = request.Application.Namespace;
        var user = await secrets.ReadAsync(ns, name, "username", ct).ConfigureAwait(false);
        var password = await secrets.ReadAsync(ns, name, "password", ct).ConfigureAwait(false);
        return new GitCredentials(user, password);
    }

    private GitCredentials? FromEnvironment()
    {
        var token = Environment.GetEnvironmentVariable(tokenVariable ?? DefaultTokenVariable);
        return string.IsNullOrEmpty(token) ? null : new GitCredentials("git", token);
    }

    private static VelaProblemException Problem(SourceRequest request, string id, string message, ProblemCategory category) =>
        new(new VelaProblem(id, category, message, request.Application.FindComponent(request.Component)?.Location ?? request.Application.Location,
            request.Application.Name, request.Component));
}
