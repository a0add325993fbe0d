using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Yaml;
using Xunit;

namespace GitOpsVela.Engine.Tests.Rendering.Golden;

/// <summary>
/// Golden-file rendering: <c>testdata/golden/&lt;area&gt;/&lt;case&gt;/input.yaml</c> is an Application, <c>expected.yaml</c>
/// the objects it must render (written by hand from KubeVela's CUE template, which each input cites). Objects are
/// compared structurally, in order; a failure shows both sides as YAML.
/// </summary>
internal static class GoldenFiles
{
    public static string Folder(string area, string name) => Path.Combine(AppContext.BaseDirectory, "testdata", "golden", area, name);

    public static IEnumerable<object[]> Cases(string area) =>
        Directory.GetDirectories(Path.Combine(AppContext.BaseDirectory, "testdata", "golden", area))
            .Select(d => new object[] { Path.GetFileName(d) }).OrderBy(c => (string)c[0], StringComparer.Ordinal);

    public static void AssertRendersAsExpected(string area, string name)
    {
        var folder = Folder(area, name);
        var load = ApplicationLoader.Load([Path.Combine(folder, "input.yaml")]);
        Assert.Empty(load.Problems);
        var app = Assert.Single(load.Applications);
        Assert.Empty(Engine.Planning.ReleasePlanner.Check(app).Problems);
        var result = ApplicationRenderer.Render(app);
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Problems));

        var expectedPath = Path.Combine(folder, "expected.yaml");
        var expected = YamlReader.Read(File.ReadAllText(expectedPath), expectedPath).Select(d => YamlJson.ToJson(d.Root)).ToList();
        var actual = result.Manifests.Select(m => (JsonNode?)m.Object).ToList();
        if (expected.Count == actual.Count && expected.Zip(actual).All(p => JsonNode.DeepEquals(p.First, p.Second))) return;
        Assert.Fail($"""
            {area}/{name} rendered differently from expected.yaml
            --- expected ---
            {YamlWriter.Write(expected)}
            --- actual ---
            {YamlWriter.Write(actual)}
            """);
    }
}
