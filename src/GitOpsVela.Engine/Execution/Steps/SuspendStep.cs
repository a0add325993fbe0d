using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Engine.Execution.Steps;

/// <summary>
/// <c>suspend</c> (vela-templates/definitions/internal/workflowstep/suspend.cue): with <c>duration</c> the workflow
/// resumes by itself once it has passed; without, it waits for Resume-VelaWorkflow. <c>message</c> shows in status.
/// </summary>
internal sealed class SuspendStep : IStepExecutor
{
    public string Type => "suspend";

    public Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (SuspendSpec)context.Spec;
        var message = spec.Message;
        if (context.State.Resumed) return Task.FromResult(StepOutcome.Succeeded(message ?? "resumed"));
        var now = context.Clock.GetUtcNow();
        if (spec.Duration is { } duration)
        {
            var until = context.State.SuspendUntil ?? (context.State.FirstExecuteTime ?? now) + duration;
            if (now >= until) return Task.FromResult(StepOutcome.Succeeded(message ?? $"resumed after {GoDuration.Format(duration)}"));
            return Task.FromResult(new StepOutcome(StepPhase.Suspending, message ?? $"suspended until {until:u}", "Suspend", SuspendUntil: until));
        }
        return Task.FromResult(new StepOutcome(StepPhase.Suspending, message ?? "suspended; resume with Resume-VelaWorkflow", "Suspend"));
    }
}
