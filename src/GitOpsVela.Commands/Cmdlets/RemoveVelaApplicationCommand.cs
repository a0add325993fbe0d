using System.Management.Automation;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Commands.Infrastructure;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Deletes an application from a cluster: every object its record lists (garbage-collect rules honoured) and the record.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VelaApplication", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, HelpUri = HelpLinks.Base + "Remove-VelaApplication.md")]
[OutputType(typeof(string))]
public sealed class RemoveVelaApplicationCommand : ClusterCmdlet
{
    /// <summary>Write the deleted objects (kind/namespace/name) to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Delete without asking for confirmation (unless -Confirm is given).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessVelaRecord()
    {
        var ns = EffectiveNamespace;
        var target = Target;
        var (record, planned) = Run(ct => target.RemoveAsync(ns, Name!, null, whatIf: true, Output, ct));
        if (record is null)
        {
            WriteVelaError(VelaErrors.Create(ErrorIds.Record.ApplicationNotFound, ErrorCategory.ObjectNotFound,
                $"application {ns}/{Name} has not been delivered to context '{target.Context}' (no record found)", Name));
            return;
        }
        var details = planned.Select(e => $"delete {e}").Append($"delete the record of {ns}/{Name}");
        if (!ShouldChange($"{ns}/{Name} ({planned.Count} objects and the record, context '{target.Context}')", "Remove application", details, Force)) return;
        var (_, deleted) = Run(ct => target.RemoveAsync(ns, Name!, null, whatIf: false, Output, ct));
        foreach (var entry in deleted)
        {
            WriteVelaVerbose($"deleted {entry}");
            if (PassThru) WriteObject(entry.ToString());
        }
    }
}
