using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Engine.Planning;

/// <summary>One step to run, with its properties as JSON.</summary>
internal sealed record PlanStep(
    string Name,
    string Type,
    JsonObject Properties,
    StepSpec Spec,
    string? If,
    TimeSpan? Timeout,
    IReadOnlyList<string> DependsOn,
    IReadOnlyList<StepInput> Inputs,
    IReadOnlyList<StepOutput> Outputs,
    IReadOnlyList<PlanStep> SubSteps,
    WorkflowStep? Source);

/// <summary>
/// What an application's workflow is: its declared steps (StepByStep unless <c>mode.steps</c> says DAG; sub-steps DAG
/// unless <c>mode.subSteps</c> says StepByStep), or, when it declares none, KubeVela's default: one <c>deploy</c> step per
/// topology policy when there are any, otherwise one <c>apply-component</c> step per component run as a DAG over <c>dependsOn</c>.
/// </summary>
internal sealed record WorkflowPlan(IReadOnlyList<PlanStep> Steps, WorkflowMode Mode, WorkflowMode SubStepMode, bool Declared)
{
    public static WorkflowPlan For(Application app)
    {
        if (app.Workflow is { Steps.Count: > 0 } wf)
        {
            return new WorkflowPlan(
                wf.Steps.Select(FromStep).ToList(),
                wf.Mode ?? WorkflowMode.StepByStep,
                wf.SubStepMode ?? WorkflowMode.DAG,
                Declared: true);
        }
        // KubeVela's default steps (pkg/workflow/step/generator.go): a deploy step per topology policy, or one deploy step
        // for override policies alone; else an apply-component step per component carrying its dependsOn, inputs and outputs.
        var topologies = app.Policies.Where(p => p.Spec is TopologySpec).Select(p => p.Name).ToList();
        var overrides = app.Policies.Where(p => p.Spec is OverrideSpec).Select(p => p.Name).ToList();
        if (topologies.Count > 0 || overrides.Count > 0)
        {
            var deploys = topologies.Count == 0
                ? [Deploy("deploy", overrides)]
                : topologies.Select(t => Deploy($"deploy-{t}", [.. overrides, t])).ToList();
            return new WorkflowPlan(deploys, WorkflowMode.StepByStep, WorkflowMode.DAG, Declared: false);
        }
        var applies = app.Components.Select(c => new PlanStep(
            c.Name, "apply-component", new JsonObject { ["component"] = c.Name }, new ApplyComponentSpec(c.Name, null, null),
            null, null, c.DependsOn, c.Inputs, c.Outputs, [], null)).ToList();
        return new WorkflowPlan(applies, WorkflowMode.DAG, WorkflowMode.DAG, Declared: false);
    }

    private static PlanStep Deploy(string name, List<string> policies) => new(
        name, "deploy",
        new JsonObject { ["policies"] = new JsonArray(policies.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()) },
        new DeploySpec(policies, Parallelism: 5, Auto: true, IgnoreTerraformComponent: true),
        null, null, [], [], [], [], null);

    private static PlanStep FromStep(WorkflowStep step) => new(
        step.Name,
        step.Type,
        step.Properties,
        step.Spec,
        step.If,
        step.Timeout is { } t && GoDuration.TryParse(t, out var d, out _) ? d : null,
        step.DependsOn,
        step.Inputs,
        step.Outputs,
        step.SubSteps.Select(FromStep).ToList(),
        step);
}
