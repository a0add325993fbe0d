using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Engine.Execution;

/// <summary>
/// Runs an application's workflow with KubeVela's semantics: StepByStep or DAG ordering (and sub-step ordering inside
/// <c>step-group</c>), <c>dependsOn</c> and the implicit dependencies of <c>inputs</c>, <c>if</c> conditions, step
/// timeouts (reason Timeout), suspend/resume, terminate, and <c>outputs</c> evaluated into named values for later
/// <c>inputs</c>. A pass advances as far as it can without waiting and saves the state after every transition;
/// <see cref="RunAsync"/> with <c>wait</c> repeats passes until the workflow finishes, fails, is suspended or terminated.
/// </summary>
internal sealed class WorkflowRunner
{
    private readonly IReadOnlyDictionary<string, IStepExecutor> _executors;
    private readonly IWorkflowStateStore _store;
    private readonly TimeProvider _clock;
    private readonly IEngineOutput _output;

    public WorkflowRunner(IEnumerable<IStepExecutor> executors, IWorkflowStateStore store, TimeProvider? clock = null, IEngineOutput? output = null)
    {
        _executors = executors.ToDictionary(e => e.Type, StringComparer.Ordinal);
        _store = store;
        _clock = clock ?? TimeProvider.System;
        _output = output ?? NullEngineOutput.Instance;
    }

    /// <summary>Runs passes; with <paramref name="wait"/>, until nothing more can happen without a person (done, failed, manual suspend, terminated).</summary>
    public async Task<WorkflowState> RunAsync(Application app, WorkflowPlan plan, WorkflowState state, bool wait, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        while (true)
        {
            await RunPassAsync(app, plan, state, cancellationToken).ConfigureAwait(false);
            if (!wait || !NeedsAnotherPass(state)) return state;
            await Task.Delay(pollInterval, _clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True while something will change on its own: a step waiting for health, or a timed suspend.</summary>
    public static bool NeedsAnotherPass(WorkflowState state) =>
        !state.Finished && !state.Terminated
        && state.AllSteps().Any(s => s.Phase == StepPhase.Running || s.Phase == StepPhase.Pending && !state.Suspended
                                     || s.Phase == StepPhase.Suspending && s.SuspendUntil is not null);

    /// <summary>One pass: run every step that can run now (each at most once), saving after each transition.</summary>
    public async Task<WorkflowState> RunPassAsync(Application app, WorkflowPlan plan, WorkflowState state, CancellationToken cancellationToken)
    {
        if (state.Terminated)
        {
            state.Phase = ApplicationPhase.WorkflowTerminated;
            await SaveAsync(app, state, cancellationToken).ConfigureAwait(false);
            return state;
        }
        if (state.Finished) return state;
        var pass = new Pass(this, app, state, cancellationToken);
        while (await pass.AdvanceAsync(plan.Steps, state.Steps, plan.Mode, plan.SubStepMode).ConfigureAwait(false))
        {
        }
        UpdatePhase(state);
        await SaveAsync(app, state, cancellationToken).ConfigureAwait(false);
        return state;
    }

    private void UpdatePhase(WorkflowState state)
    {
        var all = state.Steps;
        state.Suspended = state.AllSteps().Any(s => s.Phase == StepPhase.Suspending);
        if (state.Terminated) state.Phase = ApplicationPhase.WorkflowTerminated;
        else if (state.Suspended) state.Phase = ApplicationPhase.WorkflowSuspending;
        else if (all.All(s => s.IsFinished))
        {
            state.Finished = true;
            state.EndTime = _clock.GetUtcNow();
            state.Phase = all.Any(s => s.Phase == StepPhase.Failed) ? ApplicationPhase.WorkflowFailed : ApplicationPhase.Running;
            var failed = state.AllSteps().FirstOrDefault(s => s.Phase == StepPhase.Failed);
            state.Message = failed is null ? null : $"step '{failed.Name}' failed: {failed.Message}";
        }
        else state.Phase = ApplicationPhase.RunningWorkflow;
    }

    private Task SaveAsync(Application app, WorkflowState state, CancellationToken ct) => _store.SaveAsync(app, state, ct);

    /// <summary>KubeVela's retry limit (kubevela/workflow <c>MaxWorkflowStepErrorRetryTimes</c>): the 11th failed attempt ends the step.</summary>
    public const int MaxRetries = 10;

    /// <summary>The longest wait between attempts (kubevela/workflow <c>MaxWorkflowFailedBackoffTime</c>).</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The wait before attempt <paramref name="failedAttempts"/> + 1, as kubevela/workflow computes it: ⌊2ⁿ × 0.05⌋ seconds,
    /// at least 1 s and at most <see cref="MaxBackoff"/> (1, 1, 1, 1, 1, 3, 6, 12, 25, 51 s for the ten retries), and never
    /// sooner than the server's Retry-After.
    /// </summary>
    public static TimeSpan Backoff(int failedAttempts, TimeSpan? retryAfter = null)
    {
        var seconds = Math.Clamp(Math.Floor(Math.Pow(2, failedAttempts) * 0.05), 1, MaxBackoff.TotalSeconds);
        var wait = TimeSpan.FromSeconds(seconds);
        return retryAfter is { } asked && asked > wait ? (asked < MaxBackoff ? asked : MaxBackoff) : wait;
    }

    /// <summary>A transient failure: the step waits and runs again, until the retries run out (reason <c>FailedAfterRetries</c>).</summary>
    private StepOutcome RetryOrGiveUp(StepState state, StepOutcome outcome)
    {
        state.FailedAttempts++;
        if (state.FailedAttempts > MaxRetries)
        {
            state.NextAttemptTime = null;
            return StepOutcome.Failed($"failed after {MaxRetries} retries: {outcome.Message}", "FailedAfterRetries");
        }
        var next = _clock.GetUtcNow() + Backoff(state.FailedAttempts, outcome.RetryAfter);
        state.NextAttemptTime = next;
        return new StepOutcome(StepPhase.Running,
            $"attempt {state.FailedAttempts} of {MaxRetries + 1} failed, trying again at {next:u}: {outcome.Message}", "Execute");
    }

    private sealed class Pass(WorkflowRunner runner, Application app, WorkflowState workflow, CancellationToken ct)
    {
        private readonly HashSet<StepState> _executed = [];

        /// <summary>Runs what is runnable among <paramref name="steps"/>; true when anything finished (so more may be runnable).</summary>
        public async Task<bool> AdvanceAsync(IReadOnlyList<PlanStep> steps, List<StepState> states, WorkflowMode mode, WorkflowMode subMode)
        {
            if (workflow.Terminated) return false;
            var runnable = new List<(PlanStep Plan, StepState State, IReadOnlyList<StepState> Dependencies)>();
            for (var i = 0; i < steps.Count; i++)
            {
                var state = states[i];
                if (state.IsFinished || _executed.Contains(state)) continue;
                IReadOnlyList<StepState> deps;
                if (mode == WorkflowMode.StepByStep)
                {
                    // One at a time, in order: the first unfinished step is the only candidate.
                    deps = states.Take(i).ToList();
                    if (deps.Any(d => !d.IsFinished)) break;
                    runnable.Add((steps[i], state, deps));
                    break;
                }
                deps = DagDependencies(steps, states, steps[i]);
                if (deps.All(d => d.IsFinished)) runnable.Add((steps[i], state, deps));
            }
            if (runnable.Count == 0) return false;
            var before = runnable.Select(r => r.State.Phase).ToList();
            await Task.WhenAll(runnable.Select(r => RunStepAsync(r.Plan, r.State, r.Dependencies, subMode))).ConfigureAwait(false);
            return runnable.Where((r, i) => r.State.IsFinished || r.State.Phase != before[i]).Any(r => r.State.IsFinished);
        }

        private static IReadOnlyList<StepState> DagDependencies(IReadOnlyList<PlanStep> steps, List<StepState> states, PlanStep step)
        {
            var producers = new HashSet<string>(step.DependsOn, StringComparer.Ordinal);
            foreach (var input in step.Inputs)
                foreach (var other in steps.Where(s => s.Outputs.Any(o => o.Name == input.From))) producers.Add(other.Name);
            producers.Remove(step.Name);
            return steps.Select((s, i) => (s, i)).Where(x => producers.Contains(x.s.Name)).Select(x => states[x.i]).ToList();
        }

        private async Task RunStepAsync(PlanStep step, StepState state, IReadOnlyList<StepState> dependencies, WorkflowMode subMode)
        {
            _executed.Add(state);
            var now = runner._clock.GetUtcNow();
            var before = Observed(state);
            if (state.Phase == StepPhase.Pending)
            {
                var decision = Decide(step, dependencies);
                if (decision is { } skip)
                {
                    Finish(state, skip.Phase, skip.Message, skip.Reason, now);
                    SkipAll(state.SubSteps, now);
                    await runner.SaveAsync(app, workflow, ct).ConfigureAwait(false);
                    return;
                }
            }
            state.FirstExecuteTime ??= now;
            state.LastExecuteTime = now;
            if (step.Timeout is { } timeout && now - state.FirstExecuteTime.Value > timeout)
            {
                Finish(state, StepPhase.Failed, $"step timed out after {GoDuration.Format(timeout)}", "Timeout", now);
                SkipAll(state.SubSteps.Where(s => !s.IsFinished), now, "Timeout");
                await runner.SaveAsync(app, workflow, ct).ConfigureAwait(false);
                return;
            }
            if (state.Phase == StepPhase.Running && state.NextAttemptTime is { } due && now < due)
            {
                // Retrying after a transient fault: not due yet.
                runner._output.Verbose($"{app}: step '{step.Name}' tries again at {due:u} (attempt {state.FailedAttempts + 1})");
                KeepTimeWhenUnchanged(state, before);
                return;
            }
            if (state.Phase == StepPhase.Pending) state.Phase = StepPhase.Running;
            runner._output.Verbose($"{app}: step '{step.Name}' ({step.Type}) {state.Phase.ToKubeVela()}");

            if (step.Type == "step-group")
            {
                while (await AdvanceAsync(step.SubSteps, state.SubSteps, subMode, subMode).ConfigureAwait(false))
                {
                }
                if (state.SubSteps.All(s => s.IsFinished))
                {
                    var failed = state.SubSteps.FirstOrDefault(s => s.Phase == StepPhase.Failed);
                    Finish(state, failed is null ? StepPhase.Succeeded : StepPhase.Failed,
                        failed is null ? null : $"sub-step '{failed.Name}' failed", failed?.Reason, runner._clock.GetUtcNow());
                }
                else state.Phase = state.SubSteps.Any(s => s.Phase == StepPhase.Suspending) ? StepPhase.Suspending : StepPhase.Running;
                KeepTimeWhenUnchanged(state, before);
                await runner.SaveAsync(app, workflow, ct).ConfigureAwait(false);
                return;
            }

            StepOutcome outcome;
            var properties = ApplyInputs(step, out var inputProblem);
            if (inputProblem is not null) outcome = StepOutcome.Failed(inputProblem, "Input");
            else if (properties is null) outcome = StepOutcome.Waiting("waiting for a step to read a Secret again");
            else if (!runner._executors.TryGetValue(step.Type, out var executor))
                outcome = StepOutcome.Failed($"no executor for step type '{step.Type}'", "Unknown");
            else
            {
                try
                {
                    await runner._store.BeforeStepAsync(app, ct).ConfigureAwait(false);
                    outcome = await executor.ExecuteAsync(new StepContext
                    {
                        Application = app,
                        Step = step,
                        Properties = properties!,
                        Spec = step.Inputs.Count == 0 ? step.Spec : SpecReader.Step(step.Type, properties!),
                        State = state,
                        Workflow = workflow,
                        Clock = runner._clock,
                        Output = runner._output,
                    }, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (VelaProblemException ex)
                {
                    outcome = StepOutcome.From(ex.Problem);
                }
                catch (TaskCanceledException ex) when (!ct.IsCancellationRequested && ex.InnerException is TimeoutException)
                {
                    // An HTTP client's timeout (a webhook that does not answer): worth trying again.
                    outcome = StepOutcome.Retry("timed out");
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException)
                {
                    // Network faults pass by themselves; the message names no host (a URL may come from a Secret).
                    outcome = StepOutcome.Retry(ex is HttpRequestException { HttpRequestError: var error } ? $"the request failed: {error}" : ex.GetType().Name);
                }
                catch (InvalidOperationException ex)
                {
                    outcome = StepOutcome.Failed(ex.Message);
                }
            }

            if (UsesSecrets(step)) outcome = outcome with { Message = Mask(outcome.Message) };
            state.SuspendUntil = outcome.SuspendUntil ?? state.SuspendUntil;
            if (outcome.Phase == StepPhase.Succeeded && step.Outputs.Count > 0)
            {
                var scope = new Dictionary<string, JsonNode?> { ["output"] = outcome.Output, ["context"] = Context() };
                foreach (var (field, value) in outcome.Fields ?? new Dictionary<string, JsonNode?>()) scope.TryAdd(field, value);
                foreach (var output in step.Outputs)
                {
                    if (!Expression.TryParse(output.ValueFrom, out var expression, out var error))
                    {
                        outcome = StepOutcome.Failed($"output '{output.Name}': {error}", "Output");
                        break;
                    }
                    try
                    {
                        var value = expression!.Evaluate(scope);
                        if (outcome.SecretSource is { } source)
                        {
                            // Derived from a Secret: the record keeps where it came from; the value stays in this process.
                            workflow.SecretOutputs[output.Name] = value;
                            workflow.Outputs[output.Name] = WorkflowState.SecretReference(source, step.Name);
                        }
                        else workflow.Outputs[output.Name] = value;
                    }
                    catch (ExpressionException ex)
                    {
                        outcome = StepOutcome.Failed($"output '{output.Name}': {ex.Message}", "Output");
                        break;
                    }
                }
            }
            if (outcome is { Phase: StepPhase.Failed, Transient: true })
                outcome = runner.RetryOrGiveUp(state, outcome);
            else if (outcome.Phase != StepPhase.Running)
                state.NextAttemptTime = null;
            if (outcome.Phase is StepPhase.Succeeded or StepPhase.Failed or StepPhase.Skipped)
                Finish(state, outcome.Phase, outcome.Message, outcome.Reason, runner._clock.GetUtcNow());
            else
            {
                state.Phase = outcome.Phase;
                state.Message = outcome.Message;
                state.Reason = outcome.Reason;
            }
            KeepTimeWhenUnchanged(state, before);
            await runner.SaveAsync(app, workflow, ct).ConfigureAwait(false);
        }

        /// <summary>What a pass may change in a step that has not finished; the execute time alone is no change.</summary>
        private static (StepPhase, string?, string?, int, DateTimeOffset?, DateTimeOffset?, bool, DateTimeOffset?) Observed(StepState s) =>
            (s.Phase, s.Message, s.Reason, s.FailedAttempts, s.NextAttemptTime, s.SuspendUntil, s.Resumed, s.LastExecuteTime);

        /// <summary>
        /// A step that ran again and came to the same state (still waiting for health, still suspended) keeps the execute
        /// time it had: the record changes only when the state does, so waiting writes nothing.
        /// </summary>
        private static void KeepTimeWhenUnchanged(StepState state, (StepPhase, string?, string?, int, DateTimeOffset?, DateTimeOffset?, bool, DateTimeOffset?) before)
        {
            if (before.Item8 is { } last && !state.IsFinished && Observed(state) with { Item8 = last } == before) state.LastExecuteTime = last;
        }

        /// <summary>Skip or fail a pending step before it runs: its <c>if</c>, or (without one) a failed dependency.</summary>
        private StepOutcome? Decide(PlanStep step, IReadOnlyList<StepState> dependencies)
        {
            if (step.If is { } condition)
            {
                if (condition.Trim() == "always") return null;
                if (!Expression.TryParse(condition, out var expression, out var error)) return StepOutcome.Failed($"if: {error}", "If");
                try
                {
                    return expression!.EvaluateBool(IfScope(step)) ? null : new StepOutcome(StepPhase.Skipped, $"if '{condition}' is false", "Skip");
                }
                catch (ExpressionException ex)
                {
                    return StepOutcome.Failed($"if: {ex.Message}", "If");
                }
            }
            var failed = dependencies.FirstOrDefault(d => d.Phase == StepPhase.Failed || d.Phase == StepPhase.Skipped && d.Reason == "DependencyFailed");
            return failed is null ? null : new StepOutcome(StepPhase.Skipped, $"skipped because step '{failed.Name}' did not succeed", "DependencyFailed");
        }

        private Dictionary<string, JsonNode?> IfScope(PlanStep step)
        {
            var status = new JsonObject();
            foreach (var s in workflow.AllSteps())
            {
                status[s.Name] = new JsonObject
                {
                    ["phase"] = s.Phase.ToKubeVela(),
                    ["message"] = s.Message ?? string.Empty,
                    ["reason"] = s.Reason ?? string.Empty,
                    ["succeeded"] = s.Phase == StepPhase.Succeeded,
                    ["failed"] = s.Phase == StepPhase.Failed,
                    ["skipped"] = s.Phase == StepPhase.Skipped,
                    ["timeout"] = s.Reason == "Timeout",
                };
            }
            var inputs = new JsonObject();
            foreach (var input in step.Inputs)
                if (workflow.Outputs.TryGetValue(input.From, out var value))
                    inputs[input.From] = (workflow.SecretOutputs.TryGetValue(input.From, out var secret) ? secret : value)?.DeepClone();
            return new Dictionary<string, JsonNode?> { ["status"] = status, ["inputs"] = inputs, ["context"] = Context() };
        }

        private JsonObject Context() => new() { ["name"] = app.Name, ["namespace"] = app.Namespace, ["appName"] = app.Name };

        private JsonObject? ApplyInputs(PlanStep step, out string? problem)
        {
            problem = null;
            var properties = (JsonObject)step.Properties.DeepClone();
            foreach (var input in step.Inputs)
            {
                if (!workflow.Outputs.TryGetValue(input.From, out var value))
                {
                    problem = $"input '{input.From}' has not been produced by any step that ran";
                    return null;
                }
                if (WorkflowState.SecretProducer(value) is { } producer)
                {
                    if (workflow.SecretOutputs.TryGetValue(input.From, out var secret)) value = secret;
                    else
                    {
                        // Read from a Secret by an earlier process: read it again before this step runs.
                        var again = workflow.Find(producer);
                        if (again is null)
                        {
                            problem = $"input '{input.From}' came from a Secret read by step '{producer}', which is not in this workflow";
                            return null;
                        }
                        Reopen(again);
                        problem = null;
                        return null;
                    }
                }
                if (input.ParameterKey is { Length: > 0 } key) SetPath(properties, key, value?.DeepClone());
            }
            return properties;
        }

        private bool UsesSecrets(PlanStep step) => step.Inputs.Any(i => workflow.SecretOutputs.ContainsKey(i.From));

        /// <summary>A step's message with every value read from a Secret replaced by a mask (it goes into the record).</summary>
        private string? Mask(string? message)
        {
            if (message is null) return null;
            foreach (var secret in workflow.SecretOutputs.Values.SelectMany(Leaves).Where(s => s.Length >= 4).OrderByDescending(s => s.Length))
                message = message.Replace(secret, "(secret)", StringComparison.Ordinal);
            return message;
        }

        private static IEnumerable<string> Leaves(JsonNode? node) => node switch
        {
            JsonObject o => o.SelectMany(kv => Leaves(kv.Value)),
            JsonArray a => a.SelectMany(Leaves),
            JsonValue v when v.TryGetValue<string>(out var s) => [s, TryBase64(s)],
            null => [],
            _ => [node.ToJsonString()],
        };

        private static string TryBase64(string s)
        {
            try
            {
                return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(s));
            }
            catch (FormatException)
            {
                return s;
            }
        }

        /// <summary>Makes a finished step run again (its output is needed and was not kept).</summary>
        private static void Reopen(StepState state)
        {
            state.Phase = StepPhase.Pending;
            state.Message = "runs again: a later step needs what it read from a Secret";
            state.Reason = null;
        }

        private static void SetPath(JsonObject target, string dotted, JsonNode? value)
        {
            var parts = dotted.Split('.');
            var current = target;
            foreach (var part in parts[..^1])
            {
                if (current[part] is not JsonObject next) current[part] = next = new JsonObject();
                current = next;
            }
            current[parts[^1]] = value;
        }

        private static void Finish(StepState state, StepPhase phase, string? message, string? reason, DateTimeOffset now)
        {
            state.Phase = phase;
            state.Message = message;
            state.Reason = reason;
            state.LastExecuteTime = now;
            state.FirstExecuteTime ??= now;
        }

        private static void SkipAll(IEnumerable<StepState> states, DateTimeOffset now, string reason = "Skip")
        {
            foreach (var s in states.Where(s => !s.IsFinished))
            {
                Finish(s, StepPhase.Skipped, "the step group did not run it", reason, now);
                SkipAll(s.SubSteps, now, reason);
            }
        }
    }
}
