using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Deletes an application from a cluster: every object its record lists (garbage-collect rules honoured) and the record.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VelaApplication", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveVelaApplicationCommand : ClusterCmdlet
{
    /// <summary>Write the deleted objects (kind/namespace/name) to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var ns = EffectiveNamespace;
        var target = Target;
        try
        {
            var (record, planned) = Run(ct => target.RemoveAsync(ns, Name!, null, whatIf: true, Output, ct));
            if (record is null)
            {
                WriteError(VelaErrors.Create(ErrorIds.Record.ApplicationNotFound, ErrorCategory.ObjectNotFound,
                    $"application {ns}/{Name} has not been delivered to context '{target.Context}' (no record found)", Name));
                return;
            }
            foreach (var entry in planned)
                if (MyInvocation.BoundParameters.ContainsKey("WhatIf")) Host.UI.WriteLine($"What if: delete {entry}");
            if (!ShouldProcess($"{ns}/{Name} ({planned.Count} objects and the record)", "Remove application")) return;
            var (_, deleted) = Run(ct => target.RemoveAsync(ns, Name!, null, whatIf: false, Output, ct));
            foreach (var entry in deleted)
            {
                WriteVerbose($"deleted {entry}");
                if (PassThru) WriteObject(entry.ToString());
            }
        }
        catch (VelaProblemException ex)
        {
            WriteProblem(ex.Problem, Name);
        }
    }
}
