using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Kube;

namespace GitOpsVela.Engine.Sources;

/// <summary>
/// A git source to sync: the repository, the reference, where its credentials Secret lives (<c>secretRef</c> in
/// <see cref="SecretNamespace"/>), how often it may be fetched, and whether to fetch now regardless.
/// </summary>
internal sealed record SourceRequest(string Url, GitReference Reference, string? SecretRef, string SecretNamespace, TimeSpan PullInterval, bool Force);

/// <summary>A synced source: the checkout to build from and the revision it is at.</summary>
public sealed record SyncedSource(string Url, string Revision, string LocalPath, string? PreviousRevision);

/// <summary>Syncs git sources; throws <see cref="VelaProblemException"/> when it cannot.</summary>
internal interface ISourceProvider
{
    Task<SyncedSource> SyncAsync(SourceRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Syncs a git source through the cache. Credentials, first found wins: the ones given (<c>-GitCredential</c>), the
/// request's <c>secretRef</c> (a <c>kubernetes.io/basic-auth</c> Secret read from the cluster), or a token from the
/// environment variable named by <paramref name="tokenVariable"/>.
/// </summary>
internal sealed class GitSourceProvider(
    GitSourceCache cache,
    ISecretReader? secrets = null,
    GitCredentials? credentials = null,
    string? tokenVariable = null) : ISourceProvider
{
    public const string DefaultTokenVariable = GitCredentials.TokenVariable;

    public async Task<SyncedSource> SyncAsync(SourceRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Url))
            throw Problem(ErrorIds.Source.Invalid, "the source has no url", ProblemCategory.InvalidData);
        var creds = credentials ?? await FromSecretAsync(request, cancellationToken).ConfigureAwait(false) ?? FromEnvironment();
        var result = await Task.Run(() => cache.Sync(new GitSyncRequest(request.Url, request.Reference, creds, request.PullInterval, request.Force), cancellationToken), cancellationToken)
            .ConfigureAwait(false);
        return new SyncedSource(result.Url, result.Revision, result.LocalPath, result.PreviousRevision);
    }

    private async Task<GitCredentials?> FromSecretAsync(SourceRequest request, CancellationToken ct)
    {
        if (request.SecretRef is not { Length: > 0 } name) return null;
        if (secrets is null)
            throw Problem(ErrorIds.Source.CredentialsUnavailable,
                $"secretRef '{name}' needs a cluster to read the Secret from (pass -Context), or pass -Credential", ProblemCategory.AuthenticationError);
        var user = await secrets.ReadAsync(request.SecretNamespace, name, "username", ct).ConfigureAwait(false);
        var password = await secrets.ReadAsync(request.SecretNamespace, name, "password", ct).ConfigureAwait(false);
        return new GitCredentials(user, password);
    }

    private GitCredentials? FromEnvironment()
    {
        var token = Environment.GetEnvironmentVariable(tokenVariable ?? DefaultTokenVariable);
        return string.IsNullOrEmpty(token) ? null : new GitCredentials("git", token);
    }

    private static VelaProblemException Problem(string id, string message, ProblemCategory category) =>
        new(new VelaProblem(id, category, message, SourceLocation.None));
}
