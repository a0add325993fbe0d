using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;

namespace GitOpsVela.Commands.Output;

/// <summary>
/// One application's workflow run as Invoke-VelaWorkflow (and Resume/Stop/Restart-VelaWorkflow) leave it: the phase
/// KubeVela would show, each step with its phase, message and duration, and the outputs produced. <c>Name</c>,
/// <c>Namespace</c> and <c>Context</c> bind to the next workflow cmdlet by property name.
/// </summary>
public sealed class VelaWorkflowRun
{
    internal VelaWorkflowRun(Engine.Execution.Records.ApplicationRecord record, string? context, string[] pruned, string[] problems)
    {
        Name = record.Name;
        Namespace = record.Namespace;
        Context = context;
        Revision = record.RevisionName;
        Phase = record.Phase.ToKubeVela();
        Healthy = record.Healthy;
        Message = record.Message;
        var state = record.Workflow;
        Steps = state?.Steps.Select(s => new VelaWorkflowStep(s)).ToArray() ?? [];
        StartTime = state?.StartTime;
        EndTime = state?.EndTime;
        Suspended = state?.Suspended ?? false;
        Terminated = state?.Terminated ?? false;
        Finished = state?.Finished ?? false;
        Outputs = new System.Collections.Hashtable(StringComparer.Ordinal);
        if (state is not null)
            foreach (var (key, value) in state.Outputs) Outputs[key] = PowerShellValues.ToValue(value);
        Pruned = pruned;
        Problems = problems;
        Parent = record.Parent;
        Source = record.Source;
        Releases = VelaRelease.Of(record, context);
    }

    /// <summary>The releases (canary, blue-green) of its components as this run left them.</summary>
    public VelaRelease[] Releases { get; }

    /// <summary>The application whose source brought this one in (nested GitOps), if any.</summary>
    public string? Parent { get; }

    /// <summary>Where the revision came from: a file, or repository URL@revision:path.</summary>
    public string? Source { get; }

    public string Name { get; }
    public string Namespace { get; }

    /// <summary>The kubeconfig context the application was delivered to.</summary>
    public string? Context { get; }

    /// <summary>KubeVela's revision name, <c>&lt;app&gt;-v&lt;n&gt;</c>.</summary>
    public string Revision { get; }

    /// <summary>runningWorkflow, workflowSuspending, workflowTerminated, workflowFailed, running, unhealthy.</summary>
    public string Phase { get; }

    public bool? Healthy { get; }
    public string? Message { get; }
    public VelaWorkflowStep[] Steps { get; }
    public DateTimeOffset? StartTime { get; }
    public DateTimeOffset? EndTime { get; }
    public bool Suspended { get; }
    public bool Terminated { get; }
    public bool Finished { get; }

    /// <summary>Named step outputs (<c>outputs[].valueFrom</c>).</summary>
    public System.Collections.Hashtable Outputs { get; }

    /// <summary>Objects deleted because they left the application (kind/namespace/name).</summary>
    public string[] Pruned { get; }

    /// <summary>Problems met on this run (also written as errors).</summary>
    public string[] Problems { get; }

    /// <summary>Steps as "name:phase" for the table view.</summary>
    public string StepSummary => string.Join(" ", Steps.Select(s => $"{s.Name}:{s.Phase}"));

    public override string ToString() => $"{Namespace}/{Name} {Phase}";
}

/// <summary>One step of a <see cref="VelaWorkflowRun"/>.</summary>
public sealed class VelaWorkflowStep
{
    internal VelaWorkflowStep(StepState state)
    {
        Name = state.Name;
        Type = state.Type;
        Phase = state.Phase.ToKubeVela();
        Message = state.Message;
        Reason = state.Reason;
        Duration = state.Duration;
        FirstExecuteTime = state.FirstExecuteTime;
        SubSteps = state.SubSteps.Select(s => new VelaWorkflowStep(s)).ToArray();
    }

    public string Name { get; }
    public string Type { get; }

    /// <summary>pending, running, succeeded, failed, skipped, suspending.</summary>
    public string Phase { get; }

    public string? Message { get; }

    /// <summary>Timeout, Skip, Terminate, Execute, ...</summary>
    public string? Reason { get; }

    public TimeSpan? Duration { get; }
    public DateTimeOffset? FirstExecuteTime { get; }
    public VelaWorkflowStep[] SubSteps { get; }

    public override string ToString() => $"{Name}: {Phase}";
}
