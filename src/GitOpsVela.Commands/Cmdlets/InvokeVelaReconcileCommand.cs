using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">One reconcile pass of everything due: sync the sources of the root applications, deliver what they bring, run the workflows, report.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VelaReconcile", DefaultParameterSetName = PathSet)]
[OutputType(typeof(VelaWorkflowRun))]
public sealed class InvokeVelaReconcileCommand : ClusterApplicationCmdlet
{
    private readonly List<Engine.Loading.Model.Application> _roots = [];

    /// <summary>Fetch every source now, whatever its pullInterval says.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Keep each workflow going until it is done, failed or suspended (instead of one pass).</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Run pass after pass until stopped (Ctrl+C), -Interval apart.</summary>
    [Parameter]
    public SwitchParameter Loop { get; set; }

    /// <summary>Time between passes with -Loop (default 1 minute).</summary>
    [Parameter]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Credentials for every git source (else each component's secretRef, else a token variable).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TokenVariable { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CachePath { get; set; }

    /// <summary>Namespace of the Lease runners take turns by (default: default).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string LeaseNamespace { get; set; } = "default";

    protected override void ProcessRecord() => _roots.AddRange(InputApplications(out _));

    protected override void EndProcessing()
    {
        var target = Target;
        var cache = new GitSourceCache(CachePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CachePath), output: Output);
        var credentials = GitCredentialsFrom.Credential(Credential);
        var lease = target.Lease(LeaseNamespace, $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}", Interval + TimeSpan.FromMinutes(2));
        try
        {
            Run(ct => target.EnsureNamespaceAsync(LeaseNamespace, ct));
            while (true)
            {
                var (acquired, holder) = Run(ct => lease.TryAcquireAsync(ct));
                if (!acquired)
                {
                    WriteWarning($"another reconcile runner ({holder ?? "unknown"}) holds the lease on this cluster; this pass is skipped");
                }
                else
                {
                    var items = Run(ct => target.ReconcileAsync(_roots, new ReconcileOptions { Force = Force, Wait = Wait }, cache, credentials, TokenVariable, Output, ct));
                    foreach (var item in items) Report(item, target.Context);
                }
                if (!Loop) break;
                Run(ct => Task.Delay(Interval, ct));
            }
        }
        catch (Engine.Diagnostics.VelaProblemException ex)
        {
            ThrowTerminatingError(VelaErrors.FromProblem(ex.Problem, Context));
        }
        finally
        {
            try
            {
                Run(ct => lease.ReleaseAsync(ct));
            }
            catch (PipelineStoppedException)
            {
            }
            base.EndProcessing();
        }
    }

    private void Report(ReconcileItem item, string context)
    {
        foreach (var problem in item.Problems) WriteProblem(problem, item.Application.Name);
        if (item.Delivery is not { } delivery) return;
        foreach (var problem in delivery.Problems) WriteProblem(problem, item.Application.Name);
        if (delivery.Record is { } record)
            WriteObject(new VelaWorkflowRun(record, context, delivery.Pruned.Select(e => e.ToString()).ToArray(),
                item.Problems.Concat(delivery.Problems).Select(p => p.ToString()).ToArray()));
    }
}
