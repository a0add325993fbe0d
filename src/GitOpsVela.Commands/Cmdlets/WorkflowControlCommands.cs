using System.Management.Automation;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>Shared by Resume-, Stop- and Restart-VelaWorkflow: load the record, change it, save it, report the run.</summary>
public abstract class WorkflowControlCmdlet : ClusterCmdlet
{
    protected abstract string Action { get; }

    /// <summary>Changes the record; false when there was nothing to do.</summary>
    internal abstract bool Change(ApplicationRecord record);

    protected override void ProcessVelaRecord()
    {
        var ns = EffectiveNamespace;
        var target = Target;
        var record = Run(ct => target.LoadRecordAsync(ns, Name!, ct));
        if (record is null)
        {
            WriteVelaError(VelaErrors.Create(ErrorIds.Record.ApplicationNotFound, ErrorCategory.ObjectNotFound,
                $"application {ns}/{Name} has not been delivered to context '{target.Context}' (no record found)", Name));
            return;
        }
        if (!ShouldChange($"{ns}/{Name} (context '{target.Context}', phase {record.Phase.ToKubeVela()})", Action)) return;
        if (Change(record)) Run(ct => target.SaveRecordAsync(record, ct));
        else WriteVelaWarning($"{ns}/{Name}: nothing to {Action.ToLowerInvariant()} (phase {record.Phase.ToKubeVela()})");
        WriteObject(new VelaWorkflowRun(record, target.Context, [], []));
    }
}

/// <summary>
/// <para type="synopsis">Resumes a suspended workflow; the next Invoke-VelaWorkflow or Invoke-VelaReconcile pass carries on from there.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Resume, "VelaWorkflow", SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Resume-VelaWorkflow.md")]
[OutputType(typeof(VelaWorkflowRun))]
public sealed class ResumeVelaWorkflowCommand : WorkflowControlCmdlet
{
    /// <summary>Resume only this suspended step (default: every suspended step).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(StepCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Step { get; set; }

    protected override string Action => "Resume workflow";

    internal override bool Change(ApplicationRecord record) => WorkflowControl.Resume(record, Step);
}

/// <summary>
/// <para type="synopsis">Terminates a workflow: no further step runs until it is restarted or the application's spec changes.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "VelaWorkflow", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Stop-VelaWorkflow.md")]
[OutputType(typeof(VelaWorkflowRun))]
public sealed class StopVelaWorkflowCommand : WorkflowControlCmdlet
{
    protected override string Action => "Terminate workflow";

    internal override bool Change(ApplicationRecord record) => WorkflowControl.Terminate(record);
}

/// <summary>
/// <para type="synopsis">Restarts a workflow from the start, or from one step; the next delivery pass runs it.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Restart, "VelaWorkflow", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, HelpUri = HelpLinks.Base + "Restart-VelaWorkflow.md")]
[OutputType(typeof(VelaWorkflowRun))]
public sealed class RestartVelaWorkflowCommand : WorkflowControlCmdlet
{
    /// <summary>Restart from this step (it and every later step run again); default: from the start.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(StepCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Step { get; set; }

    protected override string Action => "Restart workflow";

    internal override bool Change(ApplicationRecord record)
    {
        WorkflowControl.Restart(record, Step, DateTimeOffset.UtcNow);
        return true;
    }
}
