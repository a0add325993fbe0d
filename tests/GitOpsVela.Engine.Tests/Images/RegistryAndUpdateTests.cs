using System.Net;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Images;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Semantics;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Engine.Tests.Images;

/// <summary>The spec's second mode with real parts: Debian's docker-registry holds the tags, the apache git server holds the config repo.</summary>
public sealed class RegistryAndUpdateTests
{
    private static readonly string[] Tags =
    [
        "master-cba5605f-1632714412", "master-0a1b2c3d-1632800000", "master-99aa77ee-1632900000", "dev-12345678-1700000000", "latest",
    ];

    [Fact]
    public async Task Tags_are_listed_from_a_real_registry_with_and_without_htpasswd()
    {
        using var open = OciRegistry.Start();
        await open.PushAsync("fogdong/test-fog", Tags);
        using var http = new HttpClient();
        var client = new RegistryClient(http);
        var tags = await client.ListTagsAsync(ImageReference.Parse($"{open.Host}/fogdong/test-fog"), null, default);
        Assert.Equal(Tags.Order(), tags.Order());

        using var locked = OciRegistry.Start("ci", "registry-pass");
        await locked.PushAsync("team/app", "1.0.0", "1.1.0");
        var image = ImageReference.Parse($"{locked.Host}/team/app");
        Assert.Equal(["1.0.0", "1.1.0"], (await client.ListTagsAsync(image, new RegistryCredentials("ci", "registry-pass"), default)).Order());
        var refused = await Assert.ThrowsAsync<VelaProblemException>(() => client.ListTagsAsync(image, new RegistryCredentials("ci", "wrong-registry-pass"), default));
        Assert.Equal(ProblemCategory.AuthenticationError, refused.Problem.Category);
        Assert.DoesNotContain("wrong-registry-pass", refused.Problem.ToString());
        var anonymous = await Assert.ThrowsAsync<VelaProblemException>(() => client.ListTagsAsync(image, null, default));
        Assert.Equal("Registry.AuthenticationRequired", anonymous.Problem.Id);
    }

    /// <summary>Paging, the Bearer challenge and 429 retries, served by an in-test handler (distribution 2.8 ignores ?n= and has no token service).</summary>
    private sealed class ScriptedRegistry : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];
        public int TooManyBeforeSuccess { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var url = request.RequestUri!.ToString();
            Requests.Add($"{request.Headers.Authorization?.Scheme ?? "-"} {url}");
            if (url.StartsWith("https://auth.example.com/token", StringComparison.Ordinal))
            {
                Assert.Contains("scope=repository%3Aorg%2Fapp%3Apull", url);
                Assert.Equal("Basic", request.Headers.Authorization?.Scheme);
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("""{"token":"t0k3n"}""") });
            }
            if (request.Headers.Authorization?.Parameter != "t0k3n")
            {
                var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
                challenge.Headers.WwwAuthenticate.ParseAdd("Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:org/app:pull\"");
                return Task.FromResult(challenge);
            }
            if (TooManyBeforeSuccess-- > 0)
            {
                var busy = new HttpResponseMessage((HttpStatusCode)429);
                busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
                return Task.FromResult(busy);
            }
            var page = url.Contains("last=b") ? """{"tags":["c"]}""" : """{"tags":["a","b"]}""";
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(page) };
            if (!url.Contains("last=b")) response.Headers.Add("Link", "</v2/org/app/tags/list?n=2&last=b>; rel=\"next\"");
            return Task.FromResult(response);
        }
    }

    [Fact]
    public async Task Link_pages_are_followed_the_bearer_challenge_is_answered_and_429_waits_as_Retry_After_says()
    {
        var registry = new ScriptedRegistry { TooManyBeforeSuccess = 2 };
        var waits = new List<TimeSpan>();
        var client = new RegistryClient(new HttpClient(registry), (d, _) => { waits.Add(d); return Task.CompletedTask; });

        var tags = await client.ListTagsAsync(ImageReference.Parse("registry.example.com/org/app"), new RegistryCredentials("u", "p"), default);

        Assert.Equal(["a", "b", "c"], tags);
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(7)], waits);
        Assert.Contains(registry.Requests, r => r.EndsWith("/v2/org/app/tags/list?n=2&last=b", StringComparison.Ordinal));

        var always = new RegistryClient(new HttpClient(new ScriptedRegistry { TooManyBeforeSuccess = 100 }), (_, _) => Task.CompletedTask, maxAttempts: 3);
        var gaveUp = await Assert.ThrowsAsync<VelaProblemException>(() => always.ListTagsAsync(ImageReference.Parse("registry.example.com/org/app"), new RegistryCredentials("u", "p"), default));
        Assert.Equal("Registry.Unavailable", gaveUp.Problem.Id);
        Assert.Contains("the current image stays", gaveUp.Problem.Message);
    }

    [Fact]
    public async Task The_newest_tag_is_committed_as_kubevelabot_and_pushed_retrying_after_a_concurrent_push()
    {
        using var registry = OciRegistry.Start();
        await registry.PushAsync("fogdong/test-fog", Tags);
        using var git = GitServer.Start("kubevelabot", "bot-pass");
        var image = $"{registry.Host}/fogdong/test-fog";
        git.CreateRepository("config", new Dictionary<string, string>
        {
            ["clusters/apps.yaml"] = $$$"""
                apiVersion: core.oam.dev/v1beta1
                kind: Application
                metadata: {name: apps, namespace: default}
                spec:
                  components:
                    - name: apps
                      type: kustomize
                      properties:
                        url: https://git.example.com/config
                        path: ./apps
                        imageRepository:
                          image: {{{image}}}
                          filterTags:
                            pattern: '^master-[a-f0-9]+-(?P<ts>[0-9]+)'
                            extract: '$ts'
                          policy:
                            numerical:
                              order: asc
                          commitMessage: "Image: {{range .Updated.Images}}{{println .}}{{end}}"
                """,
            ["apps/my-app.yaml"] = $"# my app\nspec:\n  components:\n    - name: my-server\n      properties:\n        image: {image}:master-cba5605f-1632714412 # {{\"$imagepolicy\": \"default:apps\"}}\n        port: 8088\n",
        });
        var work = git.CloneForEdits("config");
        var other = git.CloneForEdits("config");

        var apps = ApplicationLoader.Load([Path.Combine(work, "clusters")]).Applications;
        var (policies, problems) = ImagePolicySpec.FromApplications(apps, work);
        Assert.Empty(problems);
        var updater = new ImageUpdater(new RegistryClient(new HttpClient()));
        var plan = await updater.PlanAsync(policies, (_, _) => Task.FromResult<RegistryCredentials?>(null), default);
        Assert.Empty(plan.Problems);
        var edit = Assert.Single(plan.Edits);
        Assert.Equal((6, $"{image}:master-cba5605f-1632714412", $"{image}:master-99aa77ee-1632900000"), (edit.Line, edit.Old, edit.New));
        Assert.Equal($"Update image automatically.\nImage: {image}:master-99aa77ee-1632900000\n", plan.CommitMessage);

        // Someone pushes to main between our scan and our push: the first push is rejected and retried on their head.
        File.WriteAllText(Path.Combine(other, "README.md"), "docs\n");
        git.CommitAndPush(other, "docs");

        var applied = 0;
        var sha = ImageCommitter.CommitAndPush(work, plan.CommitMessage, new GitCredentials("kubevelabot", "bot-pass"), push: true, () =>
        {
            applied++;
            var again = updater.PlanAsync(policies, (_, _) => Task.FromResult<RegistryCredentials?>(null), default).GetAwaiter().GetResult();
            ImageUpdater.Apply(again.Edits);
            return again.Edits.Count > 0;
        });

        Assert.NotNull(sha);
        Assert.Equal(2, applied);
        var check = git.CloneForEdits("config");
        Assert.True(File.Exists(Path.Combine(check, "README.md")));
        Assert.Equal($"# my app\nspec:\n  components:\n    - name: my-server\n      properties:\n        image: {image}:master-99aa77ee-1632900000 # {{\"$imagepolicy\": \"default:apps\"}}\n        port: 8088\n",
            File.ReadAllText(Path.Combine(check, "apps", "my-app.yaml")));
        var log = GitServer.Run("git", "-C", check, "log", "-1", "--format=%an <%ae>%n%B");
        Assert.StartsWith("kubevelabot <kubevelabot@users.noreply.github.com>\nUpdate image automatically.\nImage: ", log);

        // The newest tag is in place now: no empty commit.
        var settled = await updater.PlanAsync(policies, (_, _) => Task.FromResult<RegistryCredentials?>(null), default);
        Assert.Empty(settled.Edits);
        Assert.Null(ImageCommitter.CommitAndPush(work, settled.CommitMessage, new GitCredentials("kubevelabot", "bot-pass"), push: true, () => settled.Edits.Count > 0));
    }

    [Fact]
    public async Task A_digest_marker_gets_the_registrys_digest_of_the_chosen_tag()
    {
        using var registry = OciRegistry.Start();
        await registry.PushAsync("org/app", "1.0.0", "1.1.0");
        var dir = Directory.CreateTempSubdirectory("gitopsvela-digest-").FullName;
        try
        {
            var image = $"{registry.Host}/org/app";
            var file = Path.Combine(dir, "values.yaml");
            File.WriteAllText(file, "image:\n  repository: " + image + " # {\"$imagepolicy\": \"default:app:name\"}\n  tag: 1.0.0 # {\"$imagepolicy\": \"default:app:tag\"}\n  digest: sha256:0000 # {\"$imagepolicy\": \"default:app:digest\"}\n");
            using var http = new HttpClient();
            var updater = new ImageUpdater(new RegistryClient(http));
            var plan = await updater.PlanAsync([new ImagePolicySpec("default:app", image, new TagPolicy(PolicyKind.SemVer, "*"), dir)],
                (_, _) => Task.FromResult<RegistryCredentials?>(null), default);
            Assert.Empty(plan.Problems);
            ImageUpdater.Apply(plan.Edits);

            var digest = await new RegistryClient(http).GetDigestAsync(ImageReference.Parse(image), "1.1.0", null, default);
            Assert.StartsWith("sha256:", digest);
            Assert.Equal("image:\n  repository: " + image + " # {\"$imagepolicy\": \"default:app:name\"}\n  tag: 1.1.0 # {\"$imagepolicy\": \"default:app:tag\"}\n  digest: " + digest + " # {\"$imagepolicy\": \"default:app:digest\"}\n",
                File.ReadAllText(file));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
