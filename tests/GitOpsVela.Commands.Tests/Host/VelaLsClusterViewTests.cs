using System.Text.RegularExpressions;
using GitOpsVela.Commands.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests.Host;

/// <summary>
/// The `vela ls` view of applications read from a cluster (PHASE, HEALTHY, STATUS, CREATED-TIME filled), printed by the
/// gitopsvela host after it delivered them — against the Kubernetes API test server (or GITOPSVELA_TEST_KUBECONFIG's cluster).
/// </summary>
public sealed class VelaLsClusterViewTests : IDisposable
{
    private readonly TestCluster _cluster = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("gitopsvela-host-cluster-");

    public void Dispose()
    {
        _cluster.Dispose();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public void Applications_in_a_cluster_show_phase_health_and_created_time_on_every_component_row()
    {
        var ns = _cluster.Namespace();
        File.WriteAllText(Path.Combine(_dir.FullName, "app.yaml"), $$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: settings
              namespace: {{ns}}
            spec:
              components:
                - name: config
                  type: k8s-objects
                  properties:
                    objects:
                      - apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: app-settings}
                        data: {mode: blue}
                - name: extra
                  type: k8s-objects
                  dependsOn: [config]
                  properties:
                    objects:
                      - apiVersion: v1
                        kind: ConfigMap
                        metadata: {name: extra-settings}
                        data: {mode: green}
            """);
        var delivered = HostProcess.Run(_dir.FullName, "-Command",
            $"$null = Invoke-VelaWorkflow -Path ./app.yaml {_cluster.Arguments} -Wait -PollInterval 50ms");
        Assert.True(delivered.ExitCode == 0, delivered.Stderr);

        var run = HostProcess.Run(_dir.FullName, "-Command", $"Get-VelaApplication {_cluster.Arguments} -Namespace '{ns}'");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.StdoutLines.Where(l => l.Trim().Length > 0).ToList();
        Assert.Matches(@"^APP\s+COMPONENT\s+TYPE\s+TRAITS\s+PHASE\s+HEALTHY\s+STATUS\s+CREATED-TIME\s*$", lines[0]);
        var created = @"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d";
        Assert.Matches($@"^settings\s+config\s+k8s-objects\s+running\s+healthy\s+.*{created}\s*$", lines[2]);
        Assert.Matches($@"^└─\s+extra\s+k8s-objects\s+running\s+healthy\s+.*{created}\s*$", lines[3]);
        Assert.Equal(4, lines.Count);
        // Both rows carry the application's creation time.
        Assert.Equal(Regex.Match(lines[2], created).Value, Regex.Match(lines[3], created).Value);
    }
}
