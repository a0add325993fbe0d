using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Composition;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Validates KubeVela applications against the schemas of their component, trait, policy and step types.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VelaApplication", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "Test-VelaApplication.md")]
[OutputType(typeof(VelaTestResult), typeof(bool))]
public sealed class TestVelaApplicationCommand : ApplicationInputCmdlet
{
    private bool _allValid = true;
    private DefinitionSource? _definitions;

    /// <summary>Return only $true (every application read and valid) or $false; validation problems are not written, input errors are.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Also use the definitions installed in this kubeconfig context (the application's namespace, then vela-system).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>The kubeconfig file (default: KUBECONFIG, then ~/.kube/config); given alone, its current context's definitions are used.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    protected override void ProcessVelaRecord()
    {
        var apps = InputApplications(out var loadProblems);
        if (loadProblems > 0) _allValid = false;
        foreach (var app in apps)
        {
            var problems = (_definitions ??= new DefinitionSource(this)).Check(app, null, Context, Kubeconfig).Problems
                .OrderBy(p => p.Location.File, StringComparer.Ordinal).ThenBy(p => p.Location.Line).ThenBy(p => p.Location.Column).ToList();
            if (problems.Count > 0) _allValid = false;
            if (Quiet) continue;
            foreach (var problem in problems) WriteProblem(problem, app.Name);
            WriteObject(new VelaTestResult(app, problems));
        }
    }

    protected override void EndVelaProcessing()
    {
        _definitions?.Close();
        // Any error written by this invocation (a missing path, an empty folder, a file that does not parse) means "not valid".
        if (Quiet) WriteObject(_allValid && ErrorsWritten == 0);
    }
}
