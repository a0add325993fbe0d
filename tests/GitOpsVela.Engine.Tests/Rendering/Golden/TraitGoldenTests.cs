using GitOpsVela.Engine.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Rendering.Golden;

public sealed class TraitGoldenTests
{
    public static IEnumerable<object[]> Cases => GoldenFiles.Cases("traits");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_trait_renders_what_its_KubeVela_definition_renders(string trait) =>
        GoldenFiles.AssertRendersAsExpected("traits", trait);

    [Fact]
    public void Every_built_in_trait_has_a_golden_case()
    {
        string[] builtIn =
        [
            "ingress", "ingress-1-20", "gateway", "scaler", "labels", "annotations", "env", "expose", "sidecar", "storage", "resource",
            "container-image", "command", "affinity", "service-account", "init-container", "hpa", "json-patch", "json-merge-patch",
        ];
        Assert.All(builtIn, t => Assert.True(DefinitionRegistry.BuiltIn.TryGetTrait(t, out _), $"{t} is not registered"));
        Assert.Equal(builtIn.Order(), Cases.Select(c => (string)c[0]).Order());
    }
}
