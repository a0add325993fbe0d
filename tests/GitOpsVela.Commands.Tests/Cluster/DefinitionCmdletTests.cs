using System.Management.Automation;
using GitOpsVela.Commands.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests.Cluster;

/// <summary>
/// Definitions as data through the cmdlets: Test-VelaApplication, ConvertTo-VelaManifest, Invoke-VelaWorkflow and
/// Invoke-VelaReconcile use the ComponentDefinitions among the files they read, and with -Context those installed in the
/// cluster (here by a GitOpsVela application that installs KubeVela's ComponentDefinition CRD and a team's definition).
/// </summary>
public sealed class DefinitionCmdletTests : IClassFixture<DefinitionCmdletTests.Fixture>, IDisposable
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
    private readonly string _dir = Directory.CreateTempSubdirectory("gitopsvela-defs-").FullName;

    public DefinitionCmdletTests(Fixture fixture) => _f = fixture;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string yaml)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, yaml);
        return path;
    }

    private ScriptResult Run(string script, params (string Name, object? Value)[] variables) =>
        _f.Session.Run(script, variables.ToDictionary(v => v.Name, v => v.Value));

    [Fact]
    public void The_example_repository_validates_and_renders_its_Terraform_and_kube_components_from_its_own_definitions()
    {
        var folder = Path.Combine(ModuleLocation.Examples, "cloud-resources");
        var result = Run("Test-VelaApplication -Path $p -Verbose", ("p", folder)).ThrowOnError();
        var test = Assert.Single(result.Of("VelaTestResult"));
        Assert.Equal(true, test.P("IsValid"));
        Assert.Contains(result.Verbose, v => v.Contains("ComponentDefinition vela-system/alibaba-rds-mysql") && v.Contains("terraform schematic"));

        var manifests = Run("ConvertTo-VelaManifest -Path $p", ("p", folder)).ThrowOnError().Of("VelaManifest").ToList();
        Assert.Equal(["Configuration/orders-db", "Job/orders-migrate", "Deployment/orders", "Service/orders"], manifests.Select(m => $"{m.P("Kind")}/{m.P("Name")}"));

        // A misspelt variable is refused with its file:line, by the cmdlet's error id.
        var broken = Write("broken/app.yaml", File.ReadAllText(Path.Combine(folder, "apps", "orders.yaml")).Replace("storage_gb: 50", "storage_gib: 50"));
        File.Copy(Path.Combine(folder, "definitions", "alibaba-rds-mysql.yaml"), Path.Combine(_dir, "broken", "rds.yaml"));
        File.Copy(Path.Combine(folder, "definitions", "db-migration.yaml"), Path.Combine(_dir, "broken", "migration.yaml"));
        var refused = Run("Test-VelaApplication -Path $p", ("p", Path.GetDirectoryName(broken)));
        var error = Assert.Single(refused.Errors);
        Assert.Equal("Load.PropertyInvalid,GitOpsVela.Commands.Cmdlets.TestVelaApplicationCommand", error.FullyQualifiedErrorId);
        Assert.Contains($"{broken}:", error.Exception.Message);
        Assert.Contains("storage_gib", error.Exception.Message);
    }

    [Fact]
    public void With_Context_the_cluster_s_definitions_are_used_and_Invoke_delivers_with_them_and_a_CUE_only_type_in_a_reconcile_pass_stops_only_its_application()
    {
        var ns = _f.Cluster.Namespace();
        // KubeVela's ComponentDefinition CRD (never collected: tests on a real cluster may share it) and a team's
        // definition in the application's namespace.
        var platform = Write("platform.yaml", $$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: platform
              namespace: {{ns}}
            spec:
              components:
                - name: definitions
                  type: k8s-objects
                  properties:
                    objects:
                      - apiVersion: apiextensions.k8s.io/v1
                        kind: CustomResourceDefinition
                        metadata: {name: componentdefinitions.core.oam.dev}
                        spec:
                          group: core.oam.dev
                          scope: Namespaced
                          names: {plural: componentdefinitions, singular: componentdefinition, kind: ComponentDefinition, listKind: ComponentDefinitionList}
                          versions:
                            - name: v1beta1
                              served: true
                              storage: true
                              subresources:
                                status: {}
                              schema:
                                openAPIV3Schema:
                                  type: object
                                  properties:
                                    spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
                                    status: {type: object, x-kubernetes-preserve-unknown-fields: true}
                      - apiVersion: core.oam.dev/v1beta1
                        kind: ComponentDefinition
                        metadata: {name: team-settings}
                        spec:
                          schematic:
                            kube:
                              template:
                                apiVersion: v1
                                kind: ConfigMap
                                metadata: {name: team-settings}
                                data: {mode: standard}
                              parameters:
                                - {name: mode, type: string, fieldPaths: [data.mode]}
              policies:
                - name: keep-the-crd
                  type: garbage-collect
                  properties:
                    rules:
                      - selector: {resourceTypes: [CustomResourceDefinition]}
                        strategy: never
            """);
        var installed = Run($"Invoke-VelaWorkflow -Path $p {_f.Cluster.Arguments} -Wait -PollInterval 100ms -TakeOwnership", ("p", platform)).ThrowOnError();
        Assert.Equal("running", Assert.Single(installed.Of("VelaWorkflowRun")).P("Phase"));

        var app = Write("team/app.yaml", $$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: team
              namespace: {{ns}}
            spec:
              components:
                - name: settings
                  type: team-settings
                  properties: {mode: strict}
            """);
        var offline = Run("Test-VelaApplication -Path $p", ("p", app));
        Assert.Equal("Render.ComponentTypeUnknown,GitOpsVela.Commands.Cmdlets.TestVelaApplicationCommand", Assert.Single(offline.Errors).FullyQualifiedErrorId);

        var online = Run($"Test-VelaApplication -Path $p {_f.Cluster.Arguments}", ("p", app)).ThrowOnError();
        Assert.Equal(true, Assert.Single(online.Of("VelaTestResult")).P("IsValid"));
        var yaml = (string)Run($"ConvertTo-VelaManifest -Path $p {_f.Cluster.Arguments} -AsYaml", ("p", app)).ThrowOnError().Output.Single().BaseObject;
        Assert.Contains("mode: strict", yaml);
        Assert.Contains("workload.oam.dev/type: team-settings", yaml);

        var delivered = Run($"Invoke-VelaWorkflow -Path $p {_f.Cluster.Arguments} -Wait -PollInterval 100ms", ("p", app)).ThrowOnError();
        Assert.Equal("running", Assert.Single(delivered.Of("VelaWorkflowRun")).P("Phase"));

        // One reconcile pass over a folder whose definitions file defines a type only in CUE.
        Write("pass/definitions.yaml", """
            apiVersion: core.oam.dev/v1beta1
            kind: ComponentDefinition
            metadata: {name: cue-thing}
            spec:
              schematic:
                cue:
                  template: "output: {}"
            """);
        Write("pass/a.yaml", $$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: custom
              namespace: {{ns}}
            spec:
              components:
                - {name: thing, type: cue-thing}
            """);
        Write("pass/b.yaml", $$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: plain
              namespace: {{ns}}
            spec:
              components:
                - name: also-team
                  type: team-settings
            """);
        var pass = Run($"Invoke-VelaReconcile -Path $p {_f.Cluster.Arguments} -Wait", ("p", Path.Combine(_dir, "pass")));
        var refused = Assert.Single(pass.Errors);
        Assert.Equal("Render.DefinitionUnsupported,GitOpsVela.Commands.Cmdlets.InvokeVelaReconcileCommand", refused.FullyQualifiedErrorId);
        Assert.Contains("component type 'cue-thing' is defined by ComponentDefinition vela-system/cue-thing", refused.Exception.Message);
        Assert.Contains("no CUE engine", refused.Exception.Message);
        var runs = pass.Of("VelaWorkflowRun").ToList();
        Assert.Equal(("plain", "running"), (Assert.Single(runs).P("Name"), runs[0].P("Phase")));

        // The platform application stays: removing it by name would delete the CRD (Remove-VelaApplication does not read
        // the spec, so its garbage-collect rule is not known then), which other tests on a real cluster may be using.
        foreach (var name in new[] { "plain", "team" })
            Run($"Remove-VelaApplication -Name {name} -Namespace {ns} {_f.Cluster.Arguments} -Confirm:$false").ThrowOnError();
    }
}
