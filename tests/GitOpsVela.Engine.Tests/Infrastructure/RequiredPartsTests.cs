using Xunit;

namespace GitOpsVela.Engine.Tests.Infrastructure;

public sealed class RequiredPartsTests
{
    [Fact]
    public void A_missing_program_fails_with_one_line_naming_the_Debian_packages()
    {
        var empty = Directory.CreateTempSubdirectory("gitopsvela-nopath-").FullName;
        try
        {
            var ex = Assert.Throws<MissingPartException>(() => RequiredParts.Check("the real OCI registry", RequiredParts.Registry, searchPath: empty));
            Assert.Equal("the real OCI registry needs docker-registry, htpasswd: install the Debian package(s) with `apt-get install -y docker-registry apache2-utils` (.ci/run does).", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
            Assert.Null(ex.StackTrace);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void Programs_on_the_search_path_pass()
    {
        var dir = Directory.CreateTempSubdirectory("gitopsvela-path-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "docker-registry"), "");
            File.WriteAllText(Path.Combine(dir, "htpasswd"), "");
            RequiredParts.Check("the real OCI registry", RequiredParts.Registry, searchPath: dir);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
