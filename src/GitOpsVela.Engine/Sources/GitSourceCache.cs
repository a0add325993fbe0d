using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Semantics;
using LibGit2Sharp;

namespace GitOpsVela.Engine.Sources;

/// <summary>Username and password (or token) for a git server. Never written to the cache, a record or a message.</summary>
public sealed record GitCredentials(string Username, string Password)
{
    /// <summary>The environment variable a git token is read from when no credentials are given.</summary>
    public const string TokenVariable = "GITOPSVELA_GIT_TOKEN";

    public override string ToString() => $"{Username}:***";
}

/// <summary>Which revision to check out, as Flux's GitRepository names it: branch, tag, commit, semver (highest tag in range) or ref.</summary>
public sealed record GitReference(string? Branch = null, string? Tag = null, string? Commit = null, string? SemVer = null, string? Ref = null)
{
    public override string ToString() =>
        Commit is not null ? $"commit {Commit}" : SemVer is not null ? $"semver {SemVer}" : Tag is not null ? $"tag {Tag}"
        : Ref is not null ? Ref : $"branch {Branch ?? "main"}";
}

public sealed record GitSyncRequest(string Url, GitReference Reference, GitCredentials? Credentials = null, TimeSpan? PullInterval = null, bool Force = false);

/// <summary>A checkout at a revision, and what changed since the previous one.</summary>
public sealed record GitSyncResult(
    string Url,
    string Reference,
    string Revision,
    string? PreviousRevision,
    IReadOnlyList<string> ChangedPaths,
    string LocalPath,
    DateTimeOffset FetchedTime,
    bool Fetched);

/// <summary>
/// Git repositories cloned once into a cache folder (one per URL) and fetched when due, with the wanted revision checked
/// out in that folder. A sync before <c>pullInterval</c> has passed since the last fetch does no network I/O. Credentials
/// go to the server through LibGit2Sharp's credential callback only: never into the URL, the repository config, the
/// state file or any message.
/// </summary>
public sealed partial class GitSourceCache(string? root = null, TimeProvider? clock = null, IEngineOutput? output = null)
{
    public static string DefaultRoot => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "GitOpsVela", "cache");

    public string Root { get; } = root ?? DefaultRoot;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly IEngineOutput _output = output ?? NullEngineOutput.Instance;

    [GeneratedRegex(@"://[^/@\s]+@")]
    private static partial Regex UserInfo();

    /// <summary>The URL without any user:password@ part.</summary>
    public static string Scrub(string url) => UserInfo().Replace(url, "://");

    public string FolderFor(string url) =>
        Path.Combine(Root, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Scrub(url).TrimEnd('/'))), 0, 10).ToLowerInvariant());

    private sealed record State(string Url, string? Revision, string? PreviousRevision, DateTimeOffset? LastFetch, string? Reference);

    private int _lastPercent = -2;

    /// <summary>Write-Progress for a clone or fetch: objects received, then indexed (the first half), a step per percent; false stops it on Ctrl+C.</summary>
    private LibGit2Sharp.Handlers.TransferProgressHandler TransferProgress(string activity, CancellationToken cancellationToken) => progress =>
    {
        if (progress.TotalObjects > 0)
        {
            var percent = (progress.ReceivedObjects + progress.IndexedObjects) * 50 / (2 * progress.TotalObjects);
            ReportProgress(activity, $"{progress.ReceivedObjects}/{progress.TotalObjects} objects, {progress.ReceivedBytes / 1024} KiB", percent);
        }
        return !cancellationToken.IsCancellationRequested;
    };

    private void ReportProgress(string activity, string status, int percent)
    {
        if (percent == _lastPercent && percent != 100) return;
        _lastPercent = percent;
        _output.Progress(activity, status, percent);
    }

    public GitSyncResult Sync(GitSyncRequest request, CancellationToken cancellationToken = default)
    {
        var url = request.Url;
        var shown = Scrub(url);
        var folder = FolderFor(url);
        var repoPath = Path.Combine(folder, "checkout");
        var statePath = Path.Combine(folder, "state.json");
        Directory.CreateDirectory(folder);
        using var gate = Lock(folder);
        var state = File.Exists(statePath) ? JsonSerializer.Deserialize<State>(File.ReadAllText(statePath)) : null;
        var now = _clock.GetUtcNow();
        var interval = request.PullInterval ?? TimeSpan.FromMinutes(5);
        var due = request.Force || state?.LastFetch is null || now - state.LastFetch.Value >= interval || !Repository.IsValid(repoPath);
        var fetched = false;

        if (!Repository.IsValid(repoPath))
        {
            if (Directory.Exists(repoPath)) Directory.Delete(repoPath, recursive: true);
            _output.Verbose($"cloning {shown}");
            // Clone with the branch checked out when a branch is wanted (one pass over the files instead of two).
            var options = new CloneOptions
            {
                Checkout = request.Reference.Branch is not null || request.Reference is { Tag: null, Commit: null, SemVer: null, Ref: null },
                FetchOptions = { CredentialsProvider = Credentials(request.Credentials), TagFetchMode = TagFetchMode.All, OnTransferProgress = TransferProgress($"Cloning {shown}", cancellationToken) },
                OnCheckoutProgress = (path, done, total) => ReportProgress($"Cloning {shown}", $"checking out {done}/{total} files", total == 0 ? -1 : 50 + done * 50 / total),
            };
            if (options.Checkout) options.BranchName = request.Reference.Branch ?? "main";
            Guard(shown, () =>
            {
                try
                {
                    Repository.Clone(url, repoPath, options);
                }
                catch (LibGit2SharpException ex) when (options.Checkout && ex.Message.Contains("reference", StringComparison.OrdinalIgnoreCase))
                {
                    // The repository answered but has no such branch.
                    if (Directory.Exists(repoPath)) Directory.Delete(repoPath, recursive: true);
                    throw NotFound($"branch '{options.BranchName}' is not in {shown}");
                }
            });
            ReportProgress($"Cloning {shown}", "done", 100);
            fetched = true;
        }
        using var repo = new Repository(repoPath);
        if (!fetched && due)
        {
            _output.Verbose($"fetching {shown}");
            Guard(shown, () => Commands.Fetch(repo, "origin", ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"], new FetchOptions
            {
                CredentialsProvider = Credentials(request.Credentials),
                TagFetchMode = TagFetchMode.All,
                Prune = true,
                OnTransferProgress = TransferProgress($"Fetching {shown}", cancellationToken),
            }, null));
            ReportProgress($"Fetching {shown}", "done", 100);
            fetched = true;
        }
        else if (!fetched)
        {
            _output.Verbose($"{shown}: fetched {FormatAge(now - state!.LastFetch!.Value)} ago, next fetch after {interval}; using the cached clone");
        }

        var commit = Resolve(repo, request.Reference, shown);
        var previous = state?.Revision;
        if (repo.Head.Tip?.Sha != commit.Sha || repo.RetrieveStatus(new StatusOptions { IncludeUntracked = false }).IsDirty)
            Commands.Checkout(repo, commit, new CheckoutOptions { CheckoutModifiers = CheckoutModifiers.Force });

        IReadOnlyList<string> changed = [];
        if (previous is not null && previous != commit.Sha && repo.Lookup<Commit>(previous) is { } before)
            changed = repo.Diff.Compare<TreeChanges>(before.Tree, commit.Tree).Select(c => c.Path.Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        else if (previous is null)
            changed = ["*"];

        var newState = new State(shown, commit.Sha, previous == commit.Sha ? state?.PreviousRevision : previous,
            fetched ? now : state?.LastFetch, request.Reference.ToString());
        File.WriteAllText(statePath, JsonSerializer.Serialize(newState));
        return new GitSyncResult(shown, request.Reference.ToString(), commit.Sha, newState.PreviousRevision, changed, repoPath,
            newState.LastFetch ?? now, fetched);
    }

    private static string FormatAge(TimeSpan t) => t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds}s" : $"{t.TotalSeconds:0}s";

    private static LibGit2Sharp.Handlers.CredentialsHandler? Credentials(GitCredentials? credentials) =>
        credentials is null ? null : (_, _, _) => new UsernamePasswordCredentials { Username = credentials.Username, Password = credentials.Password };

    private static Commit Resolve(Repository repo, GitReference reference, string url)
    {
        Commit? Find(string name) => repo.Lookup<Commit>(name);
        if (reference.Commit is { } sha)
            return Find(sha) ?? throw NotFound($"commit {sha} is not in {url}");
        if (reference.SemVer is { } range)
        {
            if (!VersionConstraint.TryParse(range, out var constraint, out var error))
                throw new VelaProblemException(new VelaProblem(ErrorIds.Source.RefInvalid, ProblemCategory.InvalidData, $"git.semver '{range}': {error}", SourceLocation.None, Property: "git.semver"));
            var best = repo.Tags
                .Select(t => (Tag: t, Ok: SemanticVersion.TryParse(t.FriendlyName, out var v), Version: v))
                .Where(t => t.Ok && constraint.IsSatisfiedBy(t.Version))
                .OrderByDescending(t => t.Version)
                .FirstOrDefault();
            if (best.Tag is null) throw NotFound($"no tag of {url} satisfies semver '{range}'");
            return (Commit)best.Tag.PeeledTarget;
        }
        if (reference.Tag is { } tag)
            return repo.Tags[tag]?.PeeledTarget as Commit ?? throw NotFound($"tag '{tag}' is not in {url}");
        if (reference.Ref is { } name)
        {
            var target = name.StartsWith("refs/heads/", StringComparison.Ordinal) ? "refs/remotes/origin/" + name["refs/heads/".Length..] : name;
            return repo.Refs[target]?.ResolveToDirectReference()?.Target?.Peel<Commit>() ?? throw NotFound($"ref '{name}' is not in {url}");
        }
        var branch = reference.Branch ?? "main";
        return repo.Branches[$"origin/{branch}"]?.Tip ?? throw NotFound($"branch '{branch}' is not in {url}");
    }

    private static VelaProblemException NotFound(string message) =>
        new(new VelaProblem(ErrorIds.Source.RefNotFound, ProblemCategory.ObjectNotFound, message, SourceLocation.None, Property: "git"));

    private static void Guard(string url, Action action)
    {
        try
        {
            action();
        }
        catch (LibGit2SharpException ex)
        {
            var text = Scrub(ex.Message);
            var (id, category, message) = text switch
            {
                _ when text.Contains("authentication", StringComparison.OrdinalIgnoreCase) || text.Contains("401") || text.Contains("403")
                    || text.Contains("credentials", StringComparison.OrdinalIgnoreCase)
                    => (ErrorIds.Source.AuthenticationFailed, ProblemCategory.AuthenticationError, $"the git server refused the credentials for {url}"),
                _ when text.Contains("404") || text.Contains("not found", StringComparison.OrdinalIgnoreCase)
                    => (ErrorIds.Source.NotFound, ProblemCategory.ObjectNotFound, $"{url} was not found on the git server"),
                _ => (ErrorIds.Source.Unreachable, ProblemCategory.ConnectionError, $"cannot reach {url}: {text}"),
            };
            throw new VelaProblemException(new VelaProblem(id, category, message, SourceLocation.None));
        }
    }

    /// <summary>One sync per cache folder at a time (parallel runs of a scheduled task, two runspaces).</summary>
    private static FileStream Lock(string folder)
    {
        var path = Path.Combine(folder, ".lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 600)
            {
                Thread.Sleep(100);
            }
        }
    }
}
