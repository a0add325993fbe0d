using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using GitOpsVela.Engine.Planning;

namespace GitOpsVela.Engine.Execution.Records;

/// <summary>Step phases as KubeVela names them.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepPhase>))]
public enum StepPhase { Pending, Running, Succeeded, Failed, Skipped, Suspending }

/// <summary>Application phases as KubeVela names them (<c>vela ls</c> PHASE column).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ApplicationPhase>))]
public enum ApplicationPhase { Starting, RunningWorkflow, WorkflowSuspending, WorkflowTerminated, WorkflowFailed, Running, Unhealthy, Deleting }

public static class PhaseNames
{
    /// <summary>KubeVela's spelling: runningWorkflow, workflowSuspending, running, ...</summary>
    public static string ToKubeVela(this ApplicationPhase phase) => char.ToLowerInvariant(phase.ToString()[0]) + phase.ToString()[1..];

    public static string ToKubeVela(this StepPhase phase) => phase.ToString().ToLowerInvariant();
}

/// <summary>
/// The durable state of one step (and its sub-steps). Written after every transition so a run killed
/// mid-workflow resumes from the step that did not finish.
/// </summary>
public sealed class StepState
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public StepPhase Phase { get; set; } = StepPhase.Pending;
    public string? Message { get; set; }
    /// <summary>Why it ended as it did: Timeout, Skip, Terminate, Execute, Action, ...</summary>
    public string? Reason { get; set; }
    public DateTimeOffset? FirstExecuteTime { get; set; }
    public DateTimeOffset? LastExecuteTime { get; set; }
    /// <summary>For a timed suspend: when it ends.</summary>
    public DateTimeOffset? SuspendUntil { get; set; }
    /// <summary>Set by Resume-VelaWorkflow for a manual suspend step.</summary>
    public bool Resumed { get; set; }

    /// <summary>How many times the step failed in a way worth trying again (a transient fault), this run.</summary>
    public int FailedAttempts { get; set; }

    /// <summary>While retrying after a transient fault: when the next attempt is due (the step does not run before).</summary>
    public DateTimeOffset? NextAttemptTime { get; set; }
    public List<StepState> SubSteps { get; init; } = [];

    [JsonIgnore]
    public bool IsFinished => Phase is StepPhase.Succeeded or StepPhase.Failed or StepPhase.Skipped;

    public TimeSpan? Duration => FirstExecuteTime is { } start && LastExecuteTime is { } end ? end - start : null;
}

/// <summary>The durable state of one application's workflow run.</summary>
public sealed class WorkflowState
{
    /// <summary>Hash of the spec the run is for; a new spec starts a new run.</summary>
    public string? SpecHash { get; set; }
    public ApplicationPhase Phase { get; set; } = ApplicationPhase.RunningWorkflow;
    public string Mode { get; set; } = "StepByStep";
    public string SubStepMode { get; set; } = "DAG";
    public bool Suspended { get; set; }
    public bool Terminated { get; set; }
    public bool Finished { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset? StartTime { get; set; }
    public DateTimeOffset? EndTime { get; set; }
    public List<StepState> Steps { get; init; } = [];
    /// <summary>How often the run was restarted (Restart-VelaWorkflow); with the spec hash it names a run, so a restart sends its notifications again.</summary>
    public int Restarts { get; set; }

    /// <summary>
    /// Named outputs produced so far (step/component <c>outputs</c>), consumed by <c>inputs</c>. An output read from a Secret
    /// is kept here only as a reference (<see cref="SecretReference"/>); its value lives in <see cref="SecretOutputs"/>, in
    /// memory, never in the record.
    /// </summary>
    public Dictionary<string, JsonNode?> Outputs { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The values of outputs read from Secrets, for this process only.</summary>
    [JsonIgnore]
    public Dictionary<string, JsonNode?> SecretOutputs { get; } = new(StringComparer.Ordinal);

    /// <summary>What the record keeps instead of an output read from a Secret: where it came from and which step reads it again.</summary>
    public static JsonObject SecretReference(string source, string step) => new() { ["$fromSecret"] = source, ["$step"] = step };

    /// <summary>The step that produced a secret output, when <paramref name="value"/> is a <see cref="SecretReference"/>.</summary>
    public static string? SecretProducer(JsonNode? value) =>
        value is JsonObject o && o["$fromSecret"] is not null && o["$step"] is JsonValue s && s.TryGetValue<string>(out var step) ? step : null;

    public StepState? Find(string name) =>
        Steps.Select(s => s.Name == name ? s : s.SubSteps.FirstOrDefault(ss => ss.Name == name)).FirstOrDefault(s => s is not null);

    public IEnumerable<StepState> AllSteps() => Steps.SelectMany(s => new[] { s }.Concat(s.SubSteps));

    /// <summary>A fresh state for <paramref name="plan"/> with every step (and sub-step) pending.</summary>
    internal static WorkflowState Start(WorkflowPlan plan, string? specHash, DateTimeOffset now) => new()
    {
        SpecHash = specHash,
        Mode = plan.Mode.ToString(),
        SubStepMode = plan.SubStepMode.ToString(),
        StartTime = now,
        Steps = plan.Steps.Select(NewStepState).ToList(),
    };

    private static StepState NewStepState(PlanStep step) => new()
    {
        Name = step.Name,
        Type = step.Type,
        SubSteps = step.SubSteps.Select(NewStepState).ToList(),
    };
}
