using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">One reconcile pass of everything due: sync the sources of the root applications, deliver what they bring, run the workflows, report.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "VelaReconcile", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, HelpUri = HelpLinks.Base + "Invoke-VelaReconcile.md")]
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

    /// <summary>With -Wait: the first wait before looking again at the workflows still waiting; each further wait is half as long again, up to 30 s.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many applications are delivered at once (each one's own steps keep their order).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int ThrottleLimit { get; set; } = ReconcileOptions.DefaultThrottleLimit;

    /// <summary>Run pass after pass until stopped (Ctrl+C), -Interval apart.</summary>
    [Parameter]
    public SwitchParameter Loop { get; set; }

    /// <summary>Time between passes with -Loop.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Credentials for every git source (else each component's secretRef, else a token variable).</summary>
    [Parameter]
    [Credential]
    public PSCredential? GitCredential { get; set; }

    /// <summary>A SecretManagement secret (Get-Secret) holding the git token or credential for every git source.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? GitSecretName { get; set; }

    /// <summary>The SecretManagement vault of -GitSecretName (default: the default vault).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecretVault { get; set; }

    /// <summary>Name of an environment variable holding a git token.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string GitTokenVariable { get; set; } = GitCredentials.TokenVariable;

    /// <summary>Where clones are kept (default: the user's local application data, GitOpsVela/cache).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CachePath { get; set; }

    /// <summary>Namespace of the Lease runners take turns by.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string LeaseNamespace { get; set; } = "default";

    /// <summary>Who this runner is to the Lease (default: the machine's name); a runner started again with the same identity takes its lease back at once.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LeaseIdentity { get; set; }

    /// <summary>How long the Lease stays held when not renewed (renewed a third of it after the last renewal, lost after two thirds without one).</summary>
    [Parameter]
    [DurationTransformation]
    [ValidateDurationRange("00:00:03", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    protected override void ProcessVelaRecord() => _roots.AddRange(InputApplications(out _));

    protected override void EndVelaProcessing()
    {
        try
        {
            if (_roots.Count > 0) Reconcile();
        }
        finally
        {
            base.EndVelaProcessing();
        }
    }

    private void Reconcile()
    {
        var target = Target;
        var names = string.Join(", ", _roots.Select(a => $"{a.Namespace}/{a.Name}"));
        List<string>? plan = null;
        if (IsWhatIf)
        {
            // The root applications' own objects, as Compare-VelaApplication shows them; what their sources bring is planned when a pass runs.
            plan = [];
            foreach (var app in _roots)
            {
                try
                {
                    var planned = Run(ct => target.PlanAsync(app, ct));
                    foreach (var problem in planned.Problems) WriteProblem(problem, app.Name);
                    plan.AddRange(planned.Changes.Select(c => $"{app.Namespace}/{app.Name}: " + new VelaChange(c, target.Context).Describe()));
                }
                catch (Engine.Diagnostics.VelaProblemException ex)
                {
                    WriteProblem(ex.Problem, app.Name);
                }
            }
            plan.Add($"sync the sources of {names} and deliver the applications they bring");
        }
        if (!ShouldChange($"{names} (context '{target.Context}'{(Loop ? $", every {Interval}" : "")})", "Reconcile", plan)) return;

        var cache = new GitSourceCache(CachePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CachePath), output: Output);
        var credentials = GitCredentialsFrom.Credential(GitCredential) ?? GitCredentialsFrom.Secret(this, GitSecretName, SecretVault);
        var runner = target.Runner(new LeaseOptions { Namespace = LeaseNamespace, Identity = LeaseIdentity ?? Environment.MachineName, Duration = LeaseDuration }, Output);
        var options = new ReconcileOptions { Force = Force, Wait = Wait, PollInterval = PollInterval, ThrottleLimit = ThrottleLimit };
        Run(ct => runner.RunAsync(
            passCt => target.ReconcileAsync(_roots, options, cache, credentials, GitTokenVariable, Output, passCt),
            Loop, Interval, pass => OnPipelineThread(() => Report(pass, names, target.Context)), ct));
    }

    private void Report(ReconcilePass pass, string names, string context)
    {
        var took = (pass.Finished - pass.Started).TotalSeconds;
        switch (pass.Outcome)
        {
            case ReconcilePassOutcome.Completed:
                foreach (var item in pass.Items) Report(item, context);
                WriteVelaVerbose($"reconcile pass {pass.Number} of {names} on context '{context}' finished in {took:0.0} s: {pass.Items.Count} applications");
                break;
            case ReconcilePassOutcome.Skipped when Loop:
                // A standby runner in a loop: it waits its turn, which is not an error.
                WriteVelaWarning(pass.Problem!.Message);
                break;
            default:
                // A skipped single pass, a failed pass or a lost lease: an error (a scheduled run exits non-zero); a loop goes on.
                WriteProblem(pass.Problem!, names);
                break;
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
