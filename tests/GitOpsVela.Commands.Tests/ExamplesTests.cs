using System.Management.Automation.Language;
using GitOpsVela.Commands.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests;

public sealed class ExamplesTests
{
    public static IEnumerable<object[]> Scripts() =>
        Directory.EnumerateFiles(ModuleLocation.Examples, "*.ps1", SearchOption.AllDirectories).Order().Select(f => new object[] { Path.GetRelativePath(ModuleLocation.Examples, f) });

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_example_script_parses(string script)
    {
        Parser.ParseFile(Path.Combine(ModuleLocation.Examples, script), out _, out var errors);
        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}")));
    }

    [Fact]
    public void The_example_config_repo_is_valid_and_renders()
    {
        using var session = new PowerShellSession();
        var results = session.Run("Get-VelaApplication -Path $p | Test-VelaApplication", new Dictionary<string, object?> { ["p"] = Path.Combine(ModuleLocation.Examples, "gitops-repo") })
            .ThrowOnError().Output;
        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.Equal(true, r.P("IsValid")));
    }
}
