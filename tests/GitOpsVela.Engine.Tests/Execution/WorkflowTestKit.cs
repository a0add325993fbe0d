using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Tests.Execution;

/// <summary>A clock tests move by hand: timeouts and timed suspends are tested without sleeping.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;
    public override DateTimeOffset GetUtcNow() => Now;
    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Keeps the state the way the in-cluster record does: serialized to JSON after every transition.</summary>
internal sealed class JsonStateStore : IWorkflowStateStore
{
    public List<string> Saved { get; } = [];

    public Task SaveAsync(Application application, WorkflowState state, CancellationToken cancellationToken)
    {
        Saved.Add(JsonSerializer.Serialize(state));
        return Task.CompletedTask;
    }

    public WorkflowState Last() => JsonSerializer.Deserialize<WorkflowState>(Saved[^1])!;
}

/// <summary>
/// Stands in for the cluster-facing apply-component step in runner-semantics tests: records every execution and reports
/// healthy only once the test says so. (The real apply-component is tested against the Kubernetes API test server.)
/// </summary>
internal sealed class RecordingApplyStep : IStepExecutor
{
    public ConcurrentQueue<string> Executions { get; } = new();
    public HashSet<string> Healthy { get; } = [];
    public HashSet<string> Failing { get; } = [];
    public Dictionary<string, JsonObject> LastProperties { get; } = [];
    public string Type => "apply-component";

    public Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var component = context.Properties["component"]!.GetValue<string>();
        Executions.Enqueue(component);
        lock (LastProperties) LastProperties[component] = context.Properties;
        if (Failing.Contains(component)) return Task.FromResult(StepOutcome.Failed($"component {component} failed"));
        var output = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["template"] = new JsonObject
                {
                    ["spec"] = new JsonObject
                    {
                        ["containers"] = new JsonArray(new JsonObject { ["name"] = component, ["image"] = $"example/{component}:1.0" }),
                    }
                }
            }
        };
        return Task.FromResult(Healthy.Contains(component) ? StepOutcome.Succeeded("healthy", output) : StepOutcome.Waiting("Ready:0/1"));
    }
}

internal static class WorkflowTestKit
{
    public static Application App(string yaml)
    {
        var result = ApplicationLoader.LoadText(yaml, "app.yaml");
        if (result.Problems.Count > 0) throw new InvalidOperationException(string.Join("; ", result.Problems));
        return result.Applications.Single();
    }
}
