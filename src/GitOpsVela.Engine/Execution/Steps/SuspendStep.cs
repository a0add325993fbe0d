using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Semantics;
namespace GitOpsVela.Engine.Execution.Steps;

/// <summary>
/// <c>suspend</c> (vela-templates/definitions/internal/workflowstep/suspend.cue): with <c>duration</c> the workflow
/// resumes by itself once it has passed; without, it waits for Resume-VelaWorkflow. <c>message</c> shows in status.
/// </summary>
public sealed class SuspendStep : IStepExecutor
{
    public string Type => "suspend";

    public Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var message = context.Properties["message"]?.GetValue<string>();
        if (context.State.Resumed) return Task.FromResult(StepOutcome.Succeeded(message ?? "resumed"));
        var now = context.Clock.GetUtcNow();
        if (context.Properties["duration"]?.GetValue<string>() is { } text)
        {
            if (!GoDuration.TryParse(text, out var duration, out var error)) return Task.FromResult(StepOutcome.Failed($"duration: {error}"));
            var until = context.State.SuspendUntil ?? (context.State.FirstExecuteTime ?? now) + duration;
            if (now >= until) return Task.FromResult(StepOutcome.Succeeded(message ?? $"resumed after {text}"));
            return Task.FromResult(new StepOutcome(StepPhase.Suspending, message ?? $"suspended until {until:u}", "Suspend", SuspendUntil: until));
        }
        return Task.FromResult(new StepOutcome(StepPhase.Suspending, message ?? "suspended; resume with Resume-VelaWorkflow", "Suspend"));
    }
}
