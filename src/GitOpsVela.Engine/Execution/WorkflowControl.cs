using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;

namespace GitOpsVela.Engine.Execution;

/// <summary>
/// What <c>vela workflow resume|terminate|restart</c> do, on the record alone (no spec needed): the next delivery pass
/// (Invoke-VelaWorkflow, Invoke-VelaReconcile) carries on from the changed state.
/// </summary>
public static class WorkflowControl
{
    /// <summary>Resumes suspended steps (all, or the named one). False when nothing was suspended.</summary>
    public static bool Resume(ApplicationRecord record, string? step = null)
    {
        var state = Require(record);
        var suspended = state.AllSteps().Where(s => s.Phase == StepPhase.Suspending && (step is null || s.Name == step)).ToList();
        if (step is not null && suspended.Count == 0 && state.AllSteps().All(s => s.Name != step)) throw NoStep(record, step);
        foreach (var s in suspended)
        {
            s.Resumed = true;
            s.Phase = StepPhase.Running;
        }
        // A release step waiting for a person (kruise-rollout without duration) is approved, as vela workflow resume sets a
        // paused Kruise rollout's step ready; the next pass moves it on.
        var paused = record.Components.Select(c => c.Release).OfType<ReleaseState>()
            .Where(r => r is { Phase: ReleasePhase.Paused, Approved: false } && (step is null || r.WorkflowStep == step)).ToList();
        foreach (var release in paused) release.Approved = true;
        if (suspended.Count == 0 && paused.Count == 0) return false;
        state.Suspended = state.AllSteps().Any(s => s.Phase == StepPhase.Suspending);
        state.Phase = state.Suspended ? ApplicationPhase.WorkflowSuspending : ApplicationPhase.RunningWorkflow;
        record.Phase = state.Phase;
        return true;
    }

    /// <summary>Terminates the workflow: no further step runs until it is restarted or the spec changes.</summary>
    public static bool Terminate(ApplicationRecord record)
    {
        var state = Require(record);
        if (state.Terminated) return false;
        state.Terminated = true;
        state.Phase = ApplicationPhase.WorkflowTerminated;
        foreach (var s in state.AllSteps().Where(s => !s.IsFinished))
        {
            s.Phase = StepPhase.Failed;
            s.Reason = "Terminate";
        }
        record.Phase = state.Phase;
        return true;
    }

    /// <summary>Runs the workflow again from the start, or from <paramref name="step"/> (that step and every later top-level step).</summary>
    public static void Restart(ApplicationRecord record, string? step, DateTimeOffset now)
    {
        var state = Require(record);
        var index = step is null ? 0 : state.Steps.FindIndex(s => s.Name == step || s.SubSteps.Any(ss => ss.Name == step));
        if (index < 0) throw NoStep(record, step!);
        for (var i = index; i < state.Steps.Count; i++) Reset(state.Steps[i]);
        if (step is null)
        {
            state.Outputs.Clear();
            state.StartTime = now;
        }
        state.Restarts++;
        state.Finished = state.Terminated = state.Suspended = false;
        state.EndTime = null;
        state.Message = null;
        state.Phase = ApplicationPhase.RunningWorkflow;
        record.Phase = state.Phase;
    }

    private static void Reset(StepState s)
    {
        s.Phase = StepPhase.Pending;
        s.Message = null;
        s.Reason = null;
        s.FirstExecuteTime = s.LastExecuteTime = s.SuspendUntil = s.NextAttemptTime = null;
        s.Resumed = false;
        s.FailedAttempts = 0;
        foreach (var sub in s.SubSteps) Reset(sub);
    }

    private static WorkflowState Require(ApplicationRecord record) =>
        record.Workflow ?? throw new VelaProblemException(new VelaProblem(ErrorIds.Workflow.NotStarted, ProblemCategory.InvalidOperation,
            "the application has no workflow run yet; run Invoke-VelaWorkflow first", SourceLocation.None, record.Name));

    private static VelaProblemException NoStep(ApplicationRecord record, string step) =>
        new(new VelaProblem(ErrorIds.Workflow.StepNotFound, ProblemCategory.ObjectNotFound,
            $"the workflow has no step '{step}' (steps: {string.Join(", ", record.Workflow!.AllSteps().Select(s => s.Name))})", SourceLocation.None, record.Name));
}
