using System.Runtime.Loader;
using GitOpsVela.Commands.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests;

public sealed class DependencyIsolationTests
{
    [Fact]
    public void Module_works_when_PowerShell_already_loaded_another_YamlDotNet()
    {
        // YamlDotNet 13.7.1 sits beside the tests (PackageReference) and loads into PowerShell's own (default) context first.
        var other = Path.Combine(AppContext.BaseDirectory, "YamlDotNet.dll");
        using var session = new PowerShellSession(importModule: false);
        var loaded = session.Run("[System.Reflection.Assembly]::LoadFrom($p).GetName().Version.ToString()",
            new Dictionary<string, object?> { ["p"] = other }).ThrowOnError();
        Assert.StartsWith("13.", Assert.Single(loaded.Output).BaseObject.ToString());

        session.Run($"Import-Module '{ModuleLocation.Manifest}' -ErrorAction Stop").ThrowOnError();
        var dir = Directory.CreateTempSubdirectory("gitopsvela-iso-");
        try
        {
            // The anchor sends the file to YamlDotNet: plain block YAML is read without it, and then nothing in this test
            // would load the module's own copy (whether another test had would decide the outcome).
            File.WriteAllText(Path.Combine(dir.FullName, "a.yaml"),
                "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: &meta {name: a}\nspec:\n  components: [{name: c, type: worker, properties: {image: busybox}}]\n");
            var apps = session.Run("Get-VelaApplication -LiteralPath $d", new Dictionary<string, object?> { ["d"] = dir.FullName }).ThrowOnError();
            Assert.Equal("a", Assert.Single(apps.Output).Properties["Name"].Value);
        }
        finally
        {
            dir.Delete(true);
        }

        var yamlDotNets = AssemblyLoadContext.All
            .SelectMany(c => c.Assemblies.Select(a => (Context: c.Name, Asm: a.GetName())))
            .Where(x => x.Asm.Name == "YamlDotNet")
            .ToList();
        Assert.Contains(yamlDotNets, x => x.Context == "Default" && x.Asm.Version!.Major == 13);
        Assert.Contains(yamlDotNets, x => x.Context == "GitOpsVela" && x.Asm.Version!.Major > 13);
        var engine = AssemblyLoadContext.All.Single(c => c.Name == "GitOpsVela").Assemblies.Select(a => a.GetName().Name);
        Assert.Contains("GitOpsVela.Engine", engine);
    }
}
