using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Execution;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Delivers KubeVela applications to a cluster: renders them, runs their workflows and records their status.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VelaWorkflow", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(VelaWorkflowRun), typeof(VelaChange))]
public sealed class InvokeVelaWorkflowCommand : ClusterApplicationCmdlet
{
    /// <summary>Keep going until each workflow is done, failed, suspended for a person, or terminated.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Take over fields that other field managers own (server-side apply force).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>With -Wait: how often to look again while steps wait for health (default 2 seconds).</summary>
    [Parameter]
    [ValidateRange(0, 3600)]
    public double PollSeconds { get; set; } = 2;

    protected override void ProcessRecord()
    {
        foreach (var app in InputApplications(out _))
        {
            if (!ShouldProcess($"{app.Namespace}/{app.Name}", "Deliver application"))
            {
                if (MyInvocation.BoundParameters.ContainsKey("WhatIf")) WritePlan(app);
                continue;
            }
            var target = Target;
            var result = Run(ct => target.DeliverAsync(app, new DeliveryOptions
            {
                Wait = Wait,
                Force = Force,
                PollInterval = TimeSpan.FromSeconds(PollSeconds),
                Source = string.IsNullOrEmpty(app.File) ? null : app.File,
            }, Output, ct));
            foreach (var problem in result.Problems) WriteProblem(problem, app.Name);
            if (result.Record is not null)
            {
                ReportSteps(result.Record);
                WriteObject(new VelaWorkflowRun(result.Record, target.Context, result.Pruned.Select(e => e.ToString()).ToArray(),
                    result.Problems.Select(p => p.ToString()).ToArray()));
            }
        }
    }

    /// <summary>-WhatIf: what the apply would change, per object (server-side dry run where the server supports it).</summary>
    private void WritePlan(Engine.Loading.Model.Application app)
    {
        var target = Target;
        var plan = Run(ct => target.PlanAsync(app, ct));
        foreach (var problem in plan.Problems) WriteProblem(problem, app.Name);
        foreach (var change in plan.Changes)
        {
            var output = new VelaChange(change, target.Context);
            Host.UI.WriteLine($"What if: {output.Action} {output}{(output.Changes.Length == 0 ? "" : ": " + string.Join(", ", output.Changes))}");
            WriteObject(output);
        }
    }

    private void ReportSteps(Engine.Execution.Records.ApplicationRecord record)
    {
        if (record.Workflow is null) return;
        var steps = record.Workflow.AllSteps().ToList();
        var done = steps.Count(s => s.IsFinished);
        foreach (var step in steps)
            WriteVerbose($"{record.Namespace}/{record.Name} step {step.Name} ({step.Type}): {step.Phase.ToString().ToLowerInvariant()}{(step.Message is null ? "" : " — " + step.Message)}");
        var progress = new ProgressRecord(1, $"Workflow {record.Namespace}/{record.Name}", $"{done}/{steps.Count} steps finished; {record.Phase}")
        {
            PercentComplete = steps.Count == 0 ? 100 : done * 100 / steps.Count,
            RecordType = ProgressRecordType.Completed,
        };
        WriteProgress(progress);
    }
}
