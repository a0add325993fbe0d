using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Execution;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Delivers KubeVela applications to a cluster: renders them, runs their workflows and records their status.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VelaWorkflow", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Invoke-VelaWorkflow.md")]
[OutputType(typeof(VelaWorkflowRun))]
public sealed class InvokeVelaWorkflowCommand : ClusterApplicationCmdlet
{
    /// <summary>Keep going until each workflow is done, failed, suspended for a person, or terminated.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Take over fields that other field managers own (server-side apply with force).</summary>
    [Parameter]
    public SwitchParameter TakeOwnership { get; set; }

    /// <summary>With -Wait: how often to look again while steps wait for health.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the clones of kustomize components' repositories are kept (default: the user's local application data, GitOpsVela/cache).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CachePath { get; set; }

    private Engine.Sources.GitSourceCache? _cache;

    private Engine.Sources.GitSourceCache Cache() => _cache ??= new Engine.Sources.GitSourceCache(
        CachePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CachePath), output: Output);

    protected override void ProcessVelaRecord()
    {
        foreach (var app in InputApplications(out _))
        {
            var name = $"{app.Namespace}/{app.Name}";
            List<string>? plan = null;
            if (IsWhatIf)
            {
                // -WhatIf (or $WhatIfPreference): the same plan Compare-VelaApplication shows, object by object, and nothing applied.
                var target = Target;
                Engine.Planning.DeliveryPlan planned;
                try
                {
                    planned = Run(ct => target.PlanAsync(app, ct));
                }
                catch (Engine.Diagnostics.VelaProblemException ex)
                {
                    WriteProblem(ex.Problem, app.Name);
                    continue;
                }
                foreach (var problem in planned.Problems) WriteProblem(problem, app.Name);
                plan = planned.Changes.Select(c => new VelaChange(c, target.Context).Describe())
                    .Concat(planned.Releases.Select(r => $"Release {r}")).ToList();
                plan.AddRange(Engine.Composition.SourceView.Of(app).Where(s => s.Type == "kustomize").Select(s =>
                    $"component {s.Component}: sync {s.Url} ({s.Reference}), apply what path '{s.Path}' holds and deliver the applications there"));
            }
            if (!ShouldChange($"{name} (context '{Context ?? "current"}')", "Deliver application", plan)) continue;
            Deliver(app);
        }
    }

    private void Deliver(Engine.Loading.Model.Application app)
    {
        var target = Target;
        IReadOnlyList<Engine.Composition.ReconcileItem> items;
        try
        {
            // The application's spec is kept in its record, so Invoke-VelaReconcile -Context reconciles it again without its file;
            // kustomize components are synced and built as a reconcile pass does, and what their paths bring is delivered too.
            items = Run(ct => target.DeliverRootAsync(app, new DeliveryOptions
            {
                Wait = Wait,
                Force = TakeOwnership,
                PollInterval = PollInterval,
                Source = string.IsNullOrEmpty(app.File) ? null : app.File,
            }, Cache, Output, ct));
        }
        catch (Engine.Diagnostics.VelaProblemException ex)
        {
            WriteProblem(ex.Problem, app.Name);
            return;
        }
        foreach (var item in items)
        {
            foreach (var problem in item.Problems) WriteProblem(problem, item.Application.Name);
            if (item.Delivery is not { } result) continue;
            foreach (var problem in result.Problems) WriteProblem(problem, item.Application.Name);
            if (result.Record is null) continue;
            ReportSteps(result.Record);
            WriteObject(new VelaWorkflowRun(result.Record, target.Context, result.Pruned.Select(e => e.ToString()).ToArray(),
                item.Problems.Concat(result.Problems).Select(p => p.ToString()).ToArray()));
        }
    }

    private void ReportSteps(Engine.Execution.Records.ApplicationRecord record)
    {
        if (record.Workflow is null) return;
        var steps = record.Workflow.AllSteps().ToList();
        var done = steps.Count(s => s.IsFinished);
        foreach (var step in steps)
            WriteVelaVerbose($"{record.Namespace}/{record.Name} step {step.Name} ({step.Type}): {step.Phase.ToString().ToLowerInvariant()}{(step.Message is null ? "" : " — " + step.Message)}");
        var progress = new ProgressRecord(1, $"Workflow {record.Namespace}/{record.Name}", $"{done}/{steps.Count} steps finished; {record.Phase}")
        {
            PercentComplete = steps.Count == 0 ? 100 : done * 100 / steps.Count,
            RecordType = ProgressRecordType.Completed,
        };
        WriteProgress(progress);
    }
}
