using GitOpsVela.Engine.Images;
using GitOpsVela.Engine.Semantics;
using Xunit;

namespace GitOpsVela.Engine.Tests.Images;

public sealed class TagPolicyTests
{
    [Fact]
    public void The_specs_numerical_policy_with_a_named_group_picks_the_newest_timestamp_and_explains_the_rest()
    {
        // clusters/apps.yaml: pattern '^master-[a-f0-9]+-(?P<ts>[0-9]+)', extract '$ts', numerical asc.
        var policy = new TagPolicy(PolicyKind.Numerical, order: "asc", pattern: "^master-[a-f0-9]+-(?P<ts>[0-9]+)", extract: "$ts");
        var result = policy.Select(["master-cba5605f-1632714412", "master-d1e2f3a4-1632800000", "dev-aaaa-1699999999", "latest", "master-ffff-"],
            current: "master-cba5605f-1632714412");

        Assert.Equal("master-d1e2f3a4-1632800000", result.Selected);
        var byTag = result.Tags.ToDictionary(t => t.Tag);
        Assert.Equal(TagVerdict.FilteredOut, byTag["dev-aaaa-1699999999"].Verdict);
        Assert.Equal(TagVerdict.FilteredOut, byTag["latest"].Verdict);
        Assert.Equal(TagVerdict.FilteredOut, byTag["master-ffff-"].Verdict);
        Assert.Equal("1632800000", byTag["master-d1e2f3a4-1632800000"].Value);
        Assert.True(byTag["master-d1e2f3a4-1632800000"].Selected);
    }

    [Fact]
    public void Non_numeric_candidates_are_reported_and_skipped_not_fatal()
    {
        var result = new TagPolicy(PolicyKind.Numerical).Select(["10", "9", "v11", "2"]);
        Assert.Equal("10", result.Selected);
        Assert.Equal(TagVerdict.NotAVersion, result.Tags.Single(t => t.Tag == "v11").Verdict);
    }

    [Theory]
    [InlineData(">=1.0.0 <2.0.0", "1.4.2")]
    [InlineData("~1.2", "1.2.9")]
    [InlineData("^1", "1.4.2")]
    [InlineData("1.x", "1.4.2")]
    [InlineData("*", "2.0.0")]
    [InlineData(">=2.0.0-rc.0", "2.1.0-rc.1")]
    public void Semver_ranges_follow_Masterminds(string range, string expected)
    {
        var tags = new[] { "1.0.0", "1.2.3", "1.2.9", "v1.4.2", "1.4.2", "2.0.0", "2.1.0-rc.1", "not-a-version" };
        var result = new TagPolicy(PolicyKind.SemVer, range).Select(tags);
        Assert.Equal(expected, result.Selected?.TrimStart('v') is var s && s == "1.4.2" ? "1.4.2" : result.Selected);
        Assert.Equal(TagVerdict.NotAVersion, result.Tags.Single(t => t.Tag == "not-a-version").Verdict);
        Assert.Contains(result.Tags, t => t.Tag == "2.1.0-rc.1" && (range.Contains("-rc") ? t.Verdict != TagVerdict.OutOfRange : t.Verdict == TagVerdict.OutOfRange));
    }

    [Fact]
    public void Alphabetical_orders_and_desc_reverses()
    {
        Assert.Equal("RELEASE.2024-03", new TagPolicy(PolicyKind.Alphabetical).Select(["RELEASE.2023-11", "RELEASE.2024-03", "RELEASE.2024-01"]).Selected);
        Assert.Equal("RELEASE.2023-11", new TagPolicy(PolicyKind.Alphabetical, order: "desc").Select(["RELEASE.2023-11", "RELEASE.2024-03"]).Selected);
    }

    [Fact]
    public void The_current_tag_is_never_replaced_by_one_the_policy_ranks_lower()
    {
        // The registry lost the newer tag (or a filter now hides it): keep what runs.
        var result = new TagPolicy(PolicyKind.SemVer, ">=1.0.0").Select(["1.0.0", "1.1.0"], current: "1.5.0");
        Assert.Equal("1.5.0", result.Selected);
        var lower = new TagPolicy(PolicyKind.SemVer, ">=1.0.0").Select(["1.0.0", "1.1.0", "1.5.0"], current: "1.5.0");
        Assert.Equal("1.5.0", lower.Selected);
        Assert.Equal(TagVerdict.LowerThanCurrent, lower.Tags.Single(t => t.Tag == "1.0.0").Verdict);
    }

    [Fact]
    public void Go_regex_features_RE2_lacks_are_refused_and_extract_follows_Go_Expand()
    {
        Assert.Throws<ArgumentException>(() => new TagPolicy(PolicyKind.Numerical, pattern: "^(?=x)"));
        Assert.Throws<ArgumentException>(() => new TagPolicy(PolicyKind.Numerical, pattern: @"(a)\1"));
        var result = new TagPolicy(PolicyKind.Numerical, pattern: @"^build-(?P<major>\d+)-(?P<minor>\d+)$", extract: "${major}${minor}").Select(["build-1-2", "build-1-10"]);
        Assert.Equal("build-1-10", result.Selected);
        Assert.Equal("110", result.Tags.Single(t => t.Selected).Value);
    }

    [Theory]
    [InlineData("nginx", "docker.io", "library/nginx", null)]
    [InlineData("nginx:1.27", "docker.io", "library/nginx", "1.27")]
    [InlineData("fluxcd/flux:v2", "docker.io", "fluxcd/flux", "v2")]
    [InlineData("ghcr.io/fogdong/test-fog:master-cba5605f-1632714412", "ghcr.io", "fogdong/test-fog", "master-cba5605f-1632714412")]
    [InlineData("localhost:5000/app", "localhost:5000", "app", null)]
    [InlineData("index.docker.io/library/redis:7", "docker.io", "library/redis", "7")]
    public void Image_names_resolve_as_docker_does(string image, string registry, string repository, string? tag)
    {
        var r = ImageReference.Parse(image);
        Assert.Equal((registry, repository, tag), (r.Registry, r.Repository, r.Tag));
        Assert.Equal(registry == "docker.io" ? "registry-1.docker.io" : registry, r.ApiHost);
    }
}
