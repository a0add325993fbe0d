using GitOpsVela.Engine.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Rendering.Golden;

public sealed class ComponentGoldenTests
{
    public static IEnumerable<object[]> Cases => GoldenFiles.Cases("components");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_component_type_renders_what_its_KubeVela_definition_renders(string type) =>
        GoldenFiles.AssertRendersAsExpected("components", type);

    [Fact]
    public void Every_built_in_component_type_has_a_golden_case()
    {
        var builtIn = new[] { "webservice", "worker", "task", "cron-task", "daemon", "statefulset", "k8s-objects", "raw" };
        Assert.All(builtIn, t => Assert.True(DefinitionRegistry.BuiltIn.TryGetComponent(t, out _), $"{t} is not registered"));
        Assert.Equal(builtIn.Order(), Cases.Select(c => (string)c[0]).Where(builtIn.Contains).Order());
    }
}
