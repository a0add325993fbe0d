using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Tests.Execution;
using GitOpsVela.Engine.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Engine.Tests.Sources;

/// <summary>Syncing config repositories from a real git server (apache2 + git-http-backend, Basic auth).</summary>
public sealed class GitSourceCacheTests : IDisposable
{
    private const string User = "kubevela";
    private const string Password = "s3cr3t-pa55";
    private readonly GitServer _server = GitServer.Start(User, Password);
    private readonly string _cache = Directory.CreateTempSubdirectory("gitopsvela-cache-").FullName;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly GitCredentials _credentials = new(User, Password);

    public void Dispose()
    {
        _server.Dispose();
        Directory.Delete(_cache, recursive: true);
    }

    private GitSourceCache Cache() => new(_cache, _clock);

    private string Seed() => _server.CreateRepository("config", new Dictionary<string, string>
    {
        ["apps/my-app.yaml"] = "kind: Application\nmetadata: {name: my-app}\n",
        ["infrastructure/mysql.yaml"] = "kind: Application\nmetadata: {name: mysql}\n",
    });

    [Fact]
    public void The_first_sync_clones_and_a_new_commit_comes_in_with_its_changed_paths()
    {
        var url = Seed();
        var first = Cache().Sync(new GitSyncRequest(url, new GitReference(Branch: "main"), _credentials));
        Assert.True(first.Fetched);
        Assert.True(File.Exists(Path.Combine(first.LocalPath, "apps", "my-app.yaml")));
        Assert.Null(first.PreviousRevision);

        var work = _server.CloneForEdits("config");
        File.WriteAllText(Path.Combine(work, "apps", "my-app.yaml"), "kind: Application\nmetadata: {name: my-app, labels: {v: \"2\"}}\n");
        var pushed = _server.CommitAndPush(work, "change my-app");

        var second = Cache().Sync(new GitSyncRequest(url, new GitReference(Branch: "main"), _credentials, Force: true));
        Assert.Equal(pushed, second.Revision);
        Assert.Equal(first.Revision, second.PreviousRevision);
        Assert.Equal(["apps/my-app.yaml"], second.ChangedPaths);
        Assert.Contains("v: \"2\"", File.ReadAllText(Path.Combine(second.LocalPath, "apps", "my-app.yaml")));
        Assert.DoesNotContain(Password, File.ReadAllText(Path.Combine(second.LocalPath, ".git", "config")));
    }

    [Fact]
    public void Before_the_pull_interval_has_passed_a_sync_does_no_network_IO()
    {
        var url = Seed();
        var cache = Cache();
        var first = cache.Sync(new GitSyncRequest(url, new GitReference(), _credentials, PullInterval: TimeSpan.FromMinutes(10)));
        _server.Stop(); // any network I/O would now fail

        _clock.Advance(TimeSpan.FromMinutes(9));
        var cached = cache.Sync(new GitSyncRequest(url, new GitReference(), _credentials, PullInterval: TimeSpan.FromMinutes(10)));
        Assert.False(cached.Fetched);
        Assert.Equal(first.Revision, cached.Revision);

        _clock.Advance(TimeSpan.FromMinutes(2));
        var due = Assert.Throws<VelaProblemException>(() => cache.Sync(new GitSyncRequest(url, new GitReference(), _credentials, PullInterval: TimeSpan.FromMinutes(10))));
        Assert.Equal("Source.Unreachable", due.Problem.Id);
        Assert.Equal(ProblemCategory.ConnectionError, due.Problem.Category);
        // The last good revision is still checked out for whoever reads it.
        Assert.True(File.Exists(Path.Combine(first.LocalPath, "apps", "my-app.yaml")));
    }

    [Fact]
    public void A_wrong_password_is_a_clear_authentication_error_that_never_shows_the_password()
    {
        var url = Seed();
        var ex = Assert.Throws<VelaProblemException>(() =>
            Cache().Sync(new GitSyncRequest(url, new GitReference(), new GitCredentials(User, "wrong-password-123"))));
        Assert.Equal("Source.AuthenticationFailed", ex.Problem.Id);
        Assert.Equal(ProblemCategory.AuthenticationError, ex.Problem.Category);
        Assert.Contains(url, ex.Problem.Message);
        Assert.DoesNotContain("wrong-password-123", ex.Problem.ToString());

        var withUserInfo = url.Replace("http://", $"http://{User}:{Password}@");
        var scrubbed = Assert.Throws<VelaProblemException>(() =>
            Cache().Sync(new GitSyncRequest(withUserInfo.Replace("/config.git", "/missing.git"), new GitReference(), _credentials)));
        Assert.DoesNotContain(Password, scrubbed.Problem.ToString());
    }

    [Fact]
    public void Tags_commits_semver_ranges_and_full_refs_check_out_the_revision_they_name()
    {
        var url = Seed();
        var work = _server.CloneForEdits("config");
        File.WriteAllText(Path.Combine(work, "version.txt"), "1.2.0");
        var v120 = _server.CommitAndPush(work, "1.2.0", tag: "v1.2.0");
        File.WriteAllText(Path.Combine(work, "version.txt"), "1.3.0");
        var v130 = _server.CommitAndPush(work, "1.3.0", tag: "v1.3.0");
        File.WriteAllText(Path.Combine(work, "version.txt"), "2.0.0");
        var v200 = _server.CommitAndPush(work, "2.0.0", tag: "v2.0.0");
        File.WriteAllText(Path.Combine(work, "version.txt"), "next");
        var dev = _server.CommitAndPush(work, "dev work", branch: "dev");

        GitSyncResult Sync(GitReference reference) => Cache().Sync(new GitSyncRequest(url, reference, _credentials, Force: true));
        Assert.Equal(v120, Sync(new GitReference(Tag: "v1.2.0")).Revision);
        Assert.Equal(v130, Sync(new GitReference(SemVer: ">=1.0.0 <2.0.0")).Revision);
        Assert.Equal(v130, Sync(new GitReference(SemVer: "~1.2 || ^1.3")).Revision);
        Assert.Equal(v200, Sync(new GitReference(SemVer: "*")).Revision);
        Assert.Equal(v120, Sync(new GitReference(Commit: v120)).Revision);
        Assert.Equal("1.2.0", File.ReadAllText(Path.Combine(Sync(new GitReference(Commit: v120)).LocalPath, "version.txt")));
        Assert.Equal(v200, Sync(new GitReference(Ref: "refs/heads/main")).Revision);
        Assert.Equal(dev, Sync(new GitReference(Branch: "dev")).Revision);

        var missing = Assert.Throws<VelaProblemException>(() => Sync(new GitReference(Branch: "nope")));
        Assert.Equal("Source.RefNotFound", missing.Problem.Id);
        Assert.Contains("branch 'nope'", missing.Problem.Message);
    }

    [Fact]
    public void A_first_sync_of_a_branch_that_does_not_exist_says_so()
    {
        var url = Seed();
        var ex = Assert.Throws<VelaProblemException>(() => Cache().Sync(new GitSyncRequest(url, new GitReference(Branch: "release"), _credentials)));
        Assert.Equal("Source.RefNotFound", ex.Problem.Id);
        Assert.Contains("branch 'release'", ex.Problem.Message);
        var missingRepo = Assert.Throws<VelaProblemException>(() => Cache().Sync(new GitSyncRequest(url.Replace("config.git", "absent.git"), new GitReference(), _credentials)));
        Assert.NotEqual("Source.RefNotFound", missingRepo.Problem.Id);
    }
}
