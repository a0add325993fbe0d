using Xunit;

namespace GitOpsVela.Commands.Tests.Host;

/// <summary>
/// The default view of VelaApplication (module/GitOpsVela.Format.ps1xml) is `vela ls`'s table, as the spec shows it
/// (spec/gitops-with-workflow.md, "vela ls"): one row per component, `├─`/`└─` for an application's later components.
/// </summary>
public sealed class VelaLsViewTests
{
    [Fact]
    public void Applications_print_as_the_vela_ls_table_with_tree_rows_for_extra_components()
    {
        var run = HostProcess.Run(HostProcess.TestData, "-Command", "Get-VelaApplication -Path ./apps.yaml");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        var rows = run.StdoutLines.Where(l => l.Trim().Length > 0).Select(Cells).ToList();
        Assert.Equal(["APP", "COMPONENT", "TYPE", "TRAITS", "PHASE", "HEALTHY", "STATUS", "CREATED-TIME"], rows[0]);
        Assert.All(rows[1], c => Assert.Matches("^-+$", c));
        Assert.Equal(
            [
                ["infra", "database-config", "kustomize"],
                ["mysql", "mysql-controller", "helm"],
                ["├─", "mysql-secret", "k8s-objects"],
                ["└─", "mysql-cluster", "raw"],
                ["my-app", "my-server", "webservice", "ingress,scaler"],
            ],
            rows.Skip(2).ToList());
    }

    [Fact]
    public void Columns_line_up_under_their_headers()
    {
        var run = HostProcess.Run(HostProcess.TestData, "-Command", "Get-VelaApplication -Path ./apps.yaml");

        var lines = run.StdoutLines.Where(l => l.Trim().Length > 0).ToList();
        var header = lines[0];
        var typeColumn = header.IndexOf("TYPE", StringComparison.Ordinal);
        var componentColumn = header.IndexOf("COMPONENT", StringComparison.Ordinal);
        var secret = lines.Single(l => l.Contains("mysql-secret"));
        Assert.Equal(componentColumn, secret.IndexOf("mysql-secret", StringComparison.Ordinal));
        Assert.Equal(typeColumn, secret.IndexOf("k8s-objects", StringComparison.Ordinal));
        Assert.Equal(typeColumn, lines.Single(l => l.Contains("my-server")).IndexOf("webservice", StringComparison.Ordinal));
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
