using GitOpsVela.Commands.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests;

public sealed class ModuleImportTests
{
    [Fact]
    public void Module_imports_from_its_psd1_and_exports_its_cmdlets()
    {
        using var session = new PowerShellSession();
        var names = session.Run("(Get-Command -Module GitOpsVela).Name").ThrowOnError()
            .Output.Select(o => o.BaseObject.ToString()).ToList();
        Assert.Contains("Get-VelaApplication", names);
        // DESIGN.md's surface: approved verbs, Vela* nouns, all thirteen exported.
        string[] design =
        [
            "Get-VelaApplication", "Test-VelaApplication", "ConvertTo-VelaManifest", "Invoke-VelaWorkflow", "Resume-VelaWorkflow",
            "Stop-VelaWorkflow", "Restart-VelaWorkflow", "Remove-VelaApplication", "Compare-VelaApplication", "Sync-VelaRepository",
            "Get-VelaImageTag", "Update-VelaImageTag", "Invoke-VelaReconcile",
        ];
        Assert.Equal(design.Order(), names.Order());
    }

    [Fact]
    public void Get_VelaApplication_reads_an_application_file_with_its_components()
    {
        using var session = new PowerShellSession();
        var dir = Directory.CreateTempSubdirectory("gitopsvela-");
        try
        {
            var file = Path.Combine(dir.FullName, "app.yaml");
            File.WriteAllText(file, """
                apiVersion: core.oam.dev/v1beta1
                kind: Application
                metadata:
                  name: my-app
                  namespace: prod
                spec:
                  components:
                    - name: my-server
                      type: webservice
                      properties:
                        image: nginx:1.27
                        port: 8088
                      traits:
                        - type: ingress
                          properties:
                            domain: testsvc.example.com
                """);
            var result = session.Run("[System.IO.DirectoryInfo]::new($dir).GetFiles('*.yaml') | Get-VelaApplication",
                new Dictionary<string, object?> { ["dir"] = dir.FullName }).ThrowOnError();
            var app = Assert.Single(result.Output);
            Assert.Equal("my-app", app.Properties["Name"].Value);
            Assert.Equal("prod", app.Properties["Namespace"].Value);
            Assert.Equal(file, app.Properties["Path"].Value);
            var components = (object[])app.Properties["Components"].Value;
            var component = System.Management.Automation.PSObject.AsPSObject(Assert.Single(components));
            Assert.Equal("webservice", component.Properties["Type"].Value);
            Assert.Equal(new[] { "ingress" }, (string[])component.Properties["Traits"].Value);
            var image = session.Run("(Get-VelaApplication -LiteralPath $f).Components[0].Properties.port",
                new Dictionary<string, object?> { ["f"] = file }).ThrowOnError();
            Assert.Equal(8088L, Assert.Single(image.Output).BaseObject);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
