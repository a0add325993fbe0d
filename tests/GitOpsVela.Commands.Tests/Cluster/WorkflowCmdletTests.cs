using System.Management.Automation;
using GitOpsVela.Commands.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests.Cluster;

/// <summary>
/// The cluster cmdlets through a real runspace and the module's psd1, against the Kubernetes API test server (or the
/// cluster named by GITOPSVELA_TEST_KUBECONFIG): deliver, list like vela ls, preview, suspend/resume, terminate/restart, remove.
/// </summary>
public sealed class WorkflowCmdletTests : IClassFixture<WorkflowCmdletTests.Fixture>
{
    public sealed class Fixture : IDisposable
    {
        public TestCluster Cluster { get; } = new();
        public PowerShellSession Session { get; } = new();

        public void Dispose()
        {
            Session.Dispose();
            Cluster.Dispose();
        }
    }

    private readonly Fixture _f;
    private readonly string _dir = Directory.CreateTempSubdirectory("gitopsvela-apps-").FullName;

    public WorkflowCmdletTests(Fixture fixture) => _f = fixture;

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    /// <summary>A ConfigMap-only application: healthy as soon as it exists, on the test server and on a real cluster.</summary>
    private static string SettingsApp(string ns, string mode, string extra = "") => $$"""
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
                    data: {mode: "{{mode}}"}
        {{extra}}
        """;

    private static IEnumerable<string> Steps(PSObject run) => ((object[])run.P("Steps")!).Cast<object>().Select(o => PSObject.AsPSObject(o)).Select(s => $"{s.P("Name")}:{s.P("Phase")}");

    private static PSObject[] Components(PSObject app) => ((object[])app.P("Components")!).Select(PSObject.AsPSObject).ToArray();

    private ScriptResult Run(string script, params (string Name, object? Value)[] variables) =>
        _f.Session.Run(script, variables.ToDictionary(v => v.Name, v => v.Value));

    [Fact]
    public void Invoke_delivers_Get_with_Context_lists_it_like_vela_ls_and_Remove_deletes_it()
    {
        var ns = _f.Cluster.Namespace();
        var file = Write("settings.yaml", SettingsApp(ns, "blue"));

        var run = Run($"Get-VelaApplication -Path $file | Invoke-VelaWorkflow {_f.Cluster.Arguments} -Wait -PollInterval 50ms", ("file", file))
            .ThrowOnError().Of("VelaWorkflowRun").Single();
        Assert.Equal("running", run.P("Phase"));
        Assert.Equal(true, run.P("Healthy"));
        Assert.Equal("settings-v1", run.P("Revision"));
        Assert.Equal(["config:succeeded"], Steps(run));

        var listed = Run($"Get-VelaApplication {_f.Cluster.Arguments} -Namespace $ns", ("ns", ns)).ThrowOnError().Of("VelaApplication").Single();
        Assert.Equal(("settings", "running", (object)true), (listed.P("Name"), listed.P("Phase"), listed.P("Healthy")));
        Assert.Equal(["config"], Components(listed).Select(c => (string)c.P("Name")!));
        Assert.Equal("k8s-objects", Components(listed)[0].P("Type"));
        Assert.NotNull(listed.P("CreatedTime"));

        var status = Run($"Get-VelaApplication {_f.Cluster.Arguments} -Namespace $ns -Name sett* -Detailed", ("ns", ns)).ThrowOnError().Of("VelaApplicationStatus").Single();
        Assert.Equal([$"ConfigMap/{ns}/app-settings"], (string[])status.P("Objects")!);

        // Piping a cluster object into a workflow cmdlet binds Name, Namespace and Context by property name.
        var whatIf = Run($"Get-VelaApplication {_f.Cluster.Arguments} -Namespace $ns | Remove-VelaApplication -Kubeconfig '{_f.Cluster.Kubeconfig}' -WhatIf", ("ns", ns));
        Assert.Empty(whatIf.Errors);
        Assert.Single(Run($"Get-VelaApplication {_f.Cluster.Arguments} -Namespace $ns", ("ns", ns)).Output);

        var removed = Run($"Remove-VelaApplication -Name settings -Namespace $ns {_f.Cluster.Arguments} -Confirm:$false -PassThru", ("ns", ns)).ThrowOnError();
        Assert.Equal([$"ConfigMap/{ns}/app-settings"], removed.Output.Select(o => o.ToString()));
        Assert.Empty(Run($"Get-VelaApplication {_f.Cluster.Arguments} -Namespace $ns", ("ns", ns)).ThrowOnError().Output);
    }

    [Fact]
    public void Compare_lists_the_changed_field_and_WhatIf_changes_nothing()
    {
        var ns = _f.Cluster.Namespace();
        var file = Write("settings.yaml", SettingsApp(ns, "blue"));
        Run($"Invoke-VelaWorkflow -Path $file {_f.Cluster.Arguments} -Wait -PollInterval 50ms", ("file", file)).ThrowOnError();
        File.WriteAllText(file, SettingsApp(ns, "green"));

        var changes = Run($"Compare-VelaApplication -Path $file {_f.Cluster.Arguments} | Where-Object Action -ne 'Unchanged'", ("file", file))
            .ThrowOnError().Of("VelaChange").ToList();
        var change = Assert.Single(changes);
        Assert.Equal(("Update", "ConfigMap", "app-settings"), (change.P("Action"), change.P("Kind"), change.P("Name")));
        Assert.Contains("data.mode: \"blue\" -> \"green\"", (string[])change.P("Changes")!);

        var preview = Run($"Invoke-VelaWorkflow -Path $file {_f.Cluster.Arguments} -WhatIf", ("file", file)).ThrowOnError();
        // -WhatIf: the plan as "What if:" information lines, and nothing written as if it had been done.
        Assert.Empty(preview.Output);
        Assert.Contains(preview.Information!, l => l.StartsWith("What if: Update ConfigMap/", StringComparison.Ordinal) && l.Contains("data.mode: \"blue\" -> \"green\""));
        var still = Run($"Compare-VelaApplication -Path $file {_f.Cluster.Arguments} -ExcludeUnchanged", ("file", file)).ThrowOnError().Of("VelaChange");
        Assert.Single(still); // the preview applied nothing
    }

    [Fact]
    public void A_suspended_workflow_waits_for_Resume_and_Stop_and_Restart_act_on_the_record()
    {
        var ns = _f.Cluster.Namespace();
        var file = Write("settings.yaml", SettingsApp(ns, "blue", """
              workflow:
                steps:
                  - name: approve
                    type: suspend
                  - name: apply
                    type: apply-component
                    properties: {component: config}
            """));
        var suspended = Run($"Invoke-VelaWorkflow -Path $file {_f.Cluster.Arguments}", ("file", file)).ThrowOnError().Of("VelaWorkflowRun").Single();
        Assert.Equal("workflowSuspending", suspended.P("Phase"));
        Assert.Equal("suspending", PSObject.AsPSObject(((object[])suspended.P("Steps")!)[0]).P("Phase"));

        var resumed = Run($"Resume-VelaWorkflow -Name settings -Namespace $ns {_f.Cluster.Arguments}", ("ns", ns)).ThrowOnError().Of("VelaWorkflowRun").Single();
        Assert.Equal("runningWorkflow", resumed.P("Phase"));
        var done = Run($"Invoke-VelaWorkflow -Path $file {_f.Cluster.Arguments} -Wait -PollInterval 50ms", ("file", file)).ThrowOnError().Of("VelaWorkflowRun").Single();
        Assert.Equal("running", done.P("Phase"));
        Assert.Equal(["approve:succeeded", "apply:succeeded"], Steps(done));

        var restarted = Run($"Restart-VelaWorkflow -Name settings -Namespace $ns {_f.Cluster.Arguments} -Confirm:$false", ("ns", ns)).ThrowOnError().Of("VelaWorkflowRun").Single();
        Assert.Equal(["approve:pending", "apply:pending"], Steps(restarted));
        var stopped = Run($"Stop-VelaWorkflow -Name settings -Namespace $ns {_f.Cluster.Arguments} -Confirm:$false", ("ns", ns)).ThrowOnError().Of("VelaWorkflowRun").Single();
        Assert.Equal("workflowTerminated", stopped.P("Phase"));

        var missing = Run($"Resume-VelaWorkflow -Name nothere -Namespace $ns {_f.Cluster.Arguments}", ("ns", ns));
        Assert.Equal("Record.ApplicationNotFound", Assert.Single(missing.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void A_bad_application_is_an_error_record_naming_file_and_line_and_the_good_one_is_still_delivered()
    {
        var ns = _f.Cluster.Namespace();
        var good = Write("a-good.yaml", SettingsApp(ns, "blue"));
        Write("b-bad.yaml", $$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: broken, namespace: {{ns}}}
            spec:
              components:
                - name: web
                  type: webservice
                  properties: {port: 80}
            """);

        var result = Run($"Get-VelaApplication -Path $dir | Invoke-VelaWorkflow {_f.Cluster.Arguments} -Wait -PollInterval 50ms", ("dir", _dir));

        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.InvalidData, error.CategoryInfo.Category);
        Assert.Contains("b-bad.yaml:8:", error.Exception.Message);
        Assert.Contains("component 'web', property 'properties.image'", error.Exception.Message);
        Assert.Equal("settings", Assert.Single(result.Of("VelaWorkflowRun")).P("Name"));
    }

    [Fact]
    public void An_unreachable_cluster_is_one_clear_error()
    {
        var kubeconfig = Write("unreachable-config", """
            apiVersion: v1
            kind: Config
            clusters: [{name: gone, cluster: {server: "https://127.0.0.1:1"}}]
            users: [{name: u, user: {token: sekrit-token}}]
            contexts: [{name: gone, context: {cluster: gone, user: u}}]
            current-context: gone
            """);
        var file = Write("settings.yaml", SettingsApp("default", "blue"));
        var result = Run("Invoke-VelaWorkflow -Path $file -Kubeconfig $kc", ("file", file), ("kc", kubeconfig));
        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.DoesNotContain("sekrit", error.ToString());
    }
}
