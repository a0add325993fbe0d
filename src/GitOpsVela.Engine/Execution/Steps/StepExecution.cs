using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;

namespace GitOpsVela.Engine.Execution.Steps;

/// <summary>What one execution of a step came to. <see cref="Output"/> is the object <c>outputs[].valueFrom</c> reads as <c>output</c>.</summary>
internal sealed record StepOutcome(StepPhase Phase, string? Message = null, string? Reason = null, JsonNode? Output = null, DateTimeOffset? SuspendUntil = null)
{
    /// <summary>The output came from a Secret (<c>Secret ns/name</c>): the record keeps a reference to it, never the value.</summary>
    public string? SecretSource { get; init; }

    /// <summary>A failure that may pass by itself (an API server outage, 429, 5xx, a timeout): the step is tried again with backoff.</summary>
    public bool Transient { get; init; }

    /// <summary>For a transient failure: how long the server asked to wait before trying again.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Other fields of the step's template that <c>outputs[].valueFrom</c> may read besides <c>output</c> (apply-terraform-config's <c>apply</c>).</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Fields { get; init; }

    /// <summary>A failure worth trying again later (see <see cref="Transient"/>).</summary>
    public static StepOutcome Retry(string message, TimeSpan? retryAfter = null) => new(StepPhase.Failed, message, "Execute") { Transient = true, RetryAfter = retryAfter };

    /// <summary>The outcome of a problem met while executing: transient problems are retried, others fail the step at once.</summary>
    public static StepOutcome From(VelaProblem problem, string reason = "Execute") =>
        problem.Transient || problem.Category is ProblemCategory.ConnectionError or ProblemCategory.OperationTimeout
            ? Retry(problem.Message, problem.RetryAfter)
            : Failed(problem.Message, reason);

    /// <summary>The outcome of several problems: transient when every one of them is.</summary>
    public static StepOutcome From(IReadOnlyList<VelaProblem> problems, string reason)
    {
        var message = string.Join("; ", problems.Select(p => p.Message));
        return problems.All(p => From(p).Transient)
            ? Retry(message, problems.Select(p => p.RetryAfter).Max())
            : Failed(message, reason);
    }

    public static StepOutcome Succeeded(string? message = null, JsonNode? output = null) => new(StepPhase.Succeeded, message, null, output);
    public static StepOutcome Failed(string message, string reason = "Execute") => new(StepPhase.Failed, message, reason);
    /// <summary>Not done yet (e.g. applied, waiting for health): the step is executed again on the next pass.</summary>
    public static StepOutcome Waiting(string message) => new(StepPhase.Running, message);
}

/// <summary>Everything a step executor gets.</summary>
internal sealed class StepContext
{
    public required Application Application { get; init; }
    public required PlanStep Step { get; init; }
    /// <summary>The step's properties with its <c>inputs</c> applied.</summary>
    public required JsonObject Properties { get; init; }

    /// <summary>The same properties, typed (read again from <see cref="Properties"/> when inputs changed them).</summary>
    public required StepSpec Spec { get; init; }
    public required StepState State { get; init; }
    public required WorkflowState Workflow { get; init; }
    public required TimeProvider Clock { get; init; }
    public required IEngineOutput Output { get; init; }
}

/// <summary>Runs one type of workflow step (KubeVela WorkflowStepDefinition).</summary>
internal interface IStepExecutor
{
    string Type { get; }

    Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken);
}

/// <summary>Saves workflow state after every step transition (the in-cluster record, or a file in tests).</summary>
internal interface IWorkflowStateStore
{
    Task SaveAsync(Application application, WorkflowState state, CancellationToken cancellationToken);

    /// <summary>
    /// Called before a step's executor runs: a store that defers writes makes every transition saved so far durable here,
    /// so no step acts before what earlier steps did is recorded.
    /// </summary>
    Task BeforeStepAsync(Application application, CancellationToken cancellationToken) => Task.CompletedTask;
}
