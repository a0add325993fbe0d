using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Planning;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Validates KubeVela applications against the schemas of their component, trait, policy and step types.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "VelaApplication", DefaultParameterSetName = PathSet)]
[OutputType(typeof(VelaTestResult), typeof(bool))]
public sealed class TestVelaApplicationCommand : ApplicationInputCmdlet
{
    private bool _allValid = true;

    /// <summary>Return only $true or $false (all valid or not) and write no errors.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        var apps = InputApplicationsQuietly(out var loadProblems);
        if (loadProblems > 0) _allValid = false;
        foreach (var app in apps)
        {
            var problems = OfflineCheck.Check(app).Problems;
            if (problems.Count > 0) _allValid = false;
            if (Quiet) continue;
            foreach (var problem in problems) WriteProblem(problem, app.Name);
            WriteObject(new VelaTestResult(app, problems));
        }
    }

    protected override void EndProcessing()
    {
        if (Quiet) WriteObject(_allValid);
    }

    private IReadOnlyList<Engine.Loading.Model.Application> InputApplicationsQuietly(out int loadProblems)
    {
        if (!Quiet) return InputApplications(out loadProblems);
        // -Quiet answers with one boolean; file problems count as "not valid" instead of being written.
        if (ParameterSetName == ApplicationSet)
        {
            loadProblems = 0;
            return Application!.Select(a => a.Model).OfType<Engine.Loading.Model.Application>().ToList();
        }
        var literal = ParameterSetName == LiteralPathSet;
        var paths = PathResolution.Resolve(this, literal ? LiteralPath : Path, literal);
        var result = Engine.Loading.ApplicationLoader.Load(paths, Output);
        loadProblems = result.Problems.Count;
        return result.Applications;
    }
}
