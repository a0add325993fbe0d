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
        // Sized to the widest line ("my-app", "mysql-controller"), not to an application's whole multi-line cell.
        Assert.Equal("my-app ".Length, componentColumn);
        Assert.Equal(componentColumn + "mysql-controller ".Length, typeColumn);
        var secret = lines.Single(l => l.Contains("mysql-secret"));
        Assert.Equal(componentColumn, secret.IndexOf("mysql-secret", StringComparison.Ordinal));
        Assert.Equal(typeColumn, secret.IndexOf("k8s-objects", StringComparison.Ordinal));
        Assert.Equal(typeColumn, lines.Single(l => l.Contains("my-server")).IndexOf("webservice", StringComparison.Ordinal));
    }

    [Fact]
    public void An_application_with_many_components_keeps_every_column_on_screen()
    {
        var components = string.Join("", Enumerable.Range(1, 30).Select(i => $"\n    - name: component-with-a-long-name-{i:00}\n      type: worker\n      properties:\n        image: busybox"));
        var dir = Directory.CreateTempSubdirectory("gitopsvela-host-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "big.yaml"),
                "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: big\nspec:\n  components:" + components + "\n");
            var run = HostProcess.Run(dir.FullName, "-Command", "Get-VelaApplication -Path ./big.yaml");

            Assert.Equal(0, run.ExitCode);
            var lines = run.StdoutLines.Where(l => l.Trim().Length > 0).ToList();
            Assert.Contains("CREATED-TIME", lines[0]);
            Assert.Equal(2 + 30, lines.Count);
            Assert.StartsWith("big", lines[2]);
            Assert.Equal(28, lines.Count(l => l.StartsWith("├─")));
            Assert.StartsWith("└─", lines[^1]);
            // The host sizes columns to the widest line: nothing is cut (pwsh's fixed-width view would end it in '…').
            Assert.Contains("component-with-a-long-name-30", lines[^1]);
            Assert.DoesNotContain(lines, l => l.Contains('…'));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_demo_runs_from_the_repository_root_and_shows_the_example_repository_as_vela_ls()
    {
        var run = HostProcess.Run(Infrastructure.ModuleLocation.RepoRoot, "examples/demo.ps1");

        Assert.Equal(0, run.ExitCode);
        var rows = run.StdoutLines.Select(Cells).Where(c => c.Length > 0).ToList();
        Assert.Contains(rows, r => r.SequenceEqual(["APP", "COMPONENT", "TYPE", "TRAITS", "PHASE", "HEALTHY", "STATUS", "CREATED-TIME"]));
        Assert.Contains(rows, r => r.SequenceEqual(["infra", "database-config", "kustomize"]));
        Assert.Contains(rows, r => r.SequenceEqual(["mysql", "mysql-controller", "helm"]));
        Assert.Contains(rows, r => r.SequenceEqual(["└─", "mysql-cluster", "raw"]));
        Assert.Contains(rows, r => r.Take(4).SequenceEqual(["my-app", "my-server", "webservice", "ingress"]));
        Assert.Contains("== Rendered objects", run.StdoutLines);
        Assert.Contains(run.StdoutLines, l => l.StartsWith("mysql ") && l.Contains("MysqlCluster"));
        // Kustomize and helm components say what they stand for instead of nothing.
        Assert.Contains("== What the kustomize and helm components stand for", run.StdoutLines);
        Assert.Contains(rows, r => r.SequenceEqual(["infra", "database-config", "kustomize", "https://github.com/FogDong/KubeVela-GitOps-Infra-Demo", "(branch", "main)", "path", "./infrastructure"]));
        Assert.Contains(run.StdoutLines, l => l.StartsWith("mysql ") && l.Contains("helm") && l.Contains("https://presslabs.github.io/charts (version 0.4.0) chart 'mysql-operator'"));
    }

    private static string[] Cells(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
