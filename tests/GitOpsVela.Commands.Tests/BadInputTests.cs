using System.Management.Automation;
using GitOpsVela.Commands.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests;

/// <summary>Bad YAML through the cmdlets: one ErrorRecord naming file:line:column, never a stack trace, the good files still read.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gitopsvela-bad-").FullName;
    private readonly PowerShellSession _session = new();

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("tabs.yaml", "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n\tname: x\n", ":4:")]
    [InlineData("indent.yaml", "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: x\n    namespace: y\n", ":5:")]
    [InlineData("duplicate.yaml", "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: x\n  name: y\n", ":5:")]
    [InlineData("bomb.yaml", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n", "bomb.yaml:")]
    public void Bad_yaml_is_one_error_record_with_the_place_and_the_good_file_still_reads(string name, string text, string where)
    {
        File.WriteAllText(Path.Combine(_dir, name), text);
        File.WriteAllText(Path.Combine(_dir, "good.yaml"), "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: good}\nspec:\n  components: []\n");

        var result = _session.Run("Test-VelaApplication -Path $d", new Dictionary<string, object?> { ["d"] = _dir });

        var error = Assert.Single(result.Errors);
        var expected = where.StartsWith(name, StringComparison.Ordinal) ? where : name + where;
        Assert.Contains(expected, error.Exception.Message.Replace(_dir + Path.DirectorySeparatorChar, ""));
        Assert.DoesNotContain("   at ", error.Exception.Message);
        Assert.Contains(error.CategoryInfo.Category, new[] { ErrorCategory.ParserError, ErrorCategory.InvalidData });
        Assert.Equal("good", Assert.Single(result.Output).P("Name"));
    }
}
