using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Yaml;
using Xunit;

namespace GitOpsVela.Engine.Tests.Definitions;

/// <summary>
/// Component types defined as data: <c>testdata/definitions/&lt;case&gt;/</c> holds the definitions (<c>definitions.yaml</c>),
/// an Application using them (<c>app.yaml</c>) and the objects it must render (<c>expected.yaml</c>), written by hand from
/// KubeVela's rules as the folder's README states them. The case is loaded as Test-VelaApplication and
/// ConvertTo-VelaManifest load files (both together, so the application sees the definitions), planned offline, and every
/// object compared in full, in order.
/// </summary>
public sealed class DefinitionGoldenTests
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "testdata", "definitions");

    public static IEnumerable<object[]> Cases() =>
        Directory.GetDirectories(Root).Select(d => new object[] { Path.GetFileName(d) }).OrderBy(c => (string)c[0], StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_what_KubeVela_renders(string name)
    {
        var folder = Path.Combine(Root, name);
        var load = ApplicationLoader.Load([Path.Combine(folder, "definitions.yaml"), Path.Combine(folder, "app.yaml")]);
        Assert.Empty(load.Problems);
        var app = Assert.Single(load.Applications);
        var plan = ReleasePlanner.Check(app);
        Assert.True(plan.Succeeded, string.Join(Environment.NewLine, plan.Problems));

        var expectedPath = Path.Combine(folder, "expected.yaml");
        var expected = YamlReader.Read(File.ReadAllText(expectedPath), expectedPath).Select(d => YamlJson.ToJson(d.Root)).ToList();
        var actual = plan.ManifestsByCluster().Values.SelectMany(m => m).Select(m => (JsonNode?)m.Object).ToList();
        if (expected.Count == actual.Count && expected.Zip(actual).All(p => JsonNode.DeepEquals(p.First, p.Second))) return;
        Assert.Fail($"""
            {name} rendered differently from expected.yaml
            --- expected ---
            {YamlWriter.Write(expected)}
            --- actual ---
            {YamlWriter.Write(actual)}
            """);
    }

    [Fact]
    public void The_cases_cover_both_schematics_and_every_terraform_source()
    {
        var definitions = Cases().Select(c => File.ReadAllText(Path.Combine(Root, (string)c[0], "definitions.yaml"))).ToList();
        Assert.Contains(definitions, d => d.Contains("kube:", StringComparison.Ordinal));
        Assert.Contains(definitions, d => d.Contains("type: remote", StringComparison.Ordinal));
        Assert.Contains(definitions, d => d.Contains("terraform:", StringComparison.Ordinal) && !d.Contains("type: remote", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(Root, "README.md")));
    }
}
