using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Compares applications with what runs in a cluster: per object Create, Update (with the changed fields), Unchanged or Prune.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "VelaApplication", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "Compare-VelaApplication.md")]
[OutputType(typeof(VelaChange))]
public sealed class CompareVelaApplicationCommand : ClusterApplicationCmdlet
{
    /// <summary>Leave out objects that would not change.</summary>
    [Parameter]
    public SwitchParameter ExcludeUnchanged { get; set; }

    protected override void ProcessVelaRecord()
    {
        foreach (var app in InputApplications(out _))
        {
            var target = Target;
            Engine.Planning.DeliveryPlan plan;
            try
            {
                plan = Run(ct => target.PlanAsync(app, ct));
            }
            catch (Engine.Diagnostics.VelaProblemException ex)
            {
                // One application that cannot be planned does not stop the others.
                WriteProblem(ex.Problem, app.Name);
                continue;
            }
            foreach (var problem in plan.Problems) WriteProblem(problem, app.Name);
            // Releases move step by step: what their next pass does, in words, beside the objects it touches.
            foreach (var release in plan.Releases) WriteHostLine($"Release {app.Namespace}/{app.Name} {release}", "Release");
            foreach (var change in plan.Changes)
            {
                if (ExcludeUnchanged && change.Action == Engine.Planning.ChangeAction.Unchanged) continue;
                WriteObject(new VelaChange(change, target.Context));
            }
        }
    }
}
