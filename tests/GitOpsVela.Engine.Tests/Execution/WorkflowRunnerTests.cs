using System.Net;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Tests.Infrastructure;
using Xunit;
using static GitOpsVela.Engine.Tests.Execution.WorkflowTestKit;

namespace GitOpsVela.Engine.Tests.Execution;

public sealed class WorkflowRunnerTests
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly JsonStateStore _store = new();
    private readonly RecordingApplyStep _apply = new();

    private WorkflowRunner Runner(params IStepExecutor[] more) =>
        new([_apply, new SuspendStep(), new PrintMessageStep(), .. more], _store, _clock);

    private static readonly string Mysql = """
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {name: mysql, namespace: default}
        spec:
          components:
            - name: mysql-controller
              type: helm
              properties: {repoType: helm, url: "https://presslabs.github.io/charts", chart: mysql-operator, version: "0.4.0"}
            - name: mysql-cluster
              type: raw
              dependsOn: [mysql-controller]
              properties: {apiVersion: mysql.presslabs.org/v1alpha1, kind: MysqlCluster, metadata: {name: mysql-cluster}}
            - name: metrics
              type: worker
              properties: {image: busybox}
        """;

    [Fact]
    public async Task Without_a_workflow_components_apply_as_a_DAG_over_dependsOn()
    {
        var app = App(Mysql);
        var plan = WorkflowPlan.For(app);
        Assert.False(plan.Declared);
        var state = WorkflowState.Start(plan, "h1", _clock.GetUtcNow());
        var runner = Runner();

        await runner.RunPassAsync(app, plan, state, default);
        Assert.Equal(["metrics", "mysql-controller"], _apply.Executions.Order().ToArray());
        Assert.Equal(StepPhase.Pending, state.Find("mysql-cluster")!.Phase); // waits for the operator
        Assert.Equal(ApplicationPhase.RunningWorkflow, state.Phase);

        _apply.Healthy.UnionWith(["mysql-controller", "metrics"]);
        await runner.RunPassAsync(app, plan, state, default);
        Assert.Equal(StepPhase.Succeeded, state.Find("mysql-controller")!.Phase);
        Assert.Equal("mysql-cluster", _apply.Executions.Last());
        Assert.Equal(StepPhase.Running, state.Find("mysql-cluster")!.Phase);

        _apply.Healthy.Add("mysql-cluster");
        await runner.RunPassAsync(app, plan, state, default);
        Assert.Equal(ApplicationPhase.Running, state.Phase);
        Assert.True(state.Finished);
    }

    [Fact]
    public async Task A_declared_workflow_runs_step_by_step_and_each_step_waits_for_health()
    {
        var app = App(Mysql + """

              workflow:
                steps:
                  - name: deploy-operator
                    type: apply-component
                    properties: {component: mysql-controller}
                  - name: deploy-mysql
                    type: apply-component
                    properties: {component: mysql-cluster}
            """);
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        _apply.Healthy.Add("mysql-cluster");
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(["mysql-controller"], _apply.Executions.ToArray());
        Assert.Equal("Ready:0/1", state.Find("deploy-operator")!.Message);

        _apply.Healthy.Add("mysql-controller");
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(["mysql-controller", "mysql-controller", "mysql-cluster"], _apply.Executions.ToArray());
        Assert.Equal(ApplicationPhase.Running, state.Phase);
    }

    [Fact]
    public async Task A_manual_suspend_holds_the_workflow_until_resumed()
    {
        var app = App(StepsApp("""
                - {name: first, type: apply-component, properties: {component: a}}
                - {name: approve, type: suspend, properties: {message: waiting for approval}}
                - {name: second, type: apply-component, properties: {component: b}}
            """));
        _apply.Healthy.UnionWith(["a", "b"]);
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(ApplicationPhase.WorkflowSuspending, state.Phase);
        Assert.Equal("waiting for approval", state.Find("approve")!.Message);
        _clock.Advance(TimeSpan.FromDays(1));
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(ApplicationPhase.WorkflowSuspending, state.Phase);
        Assert.DoesNotContain("b", _apply.Executions);

        state.Find("approve")!.Resumed = true; // what Resume-VelaWorkflow records
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(ApplicationPhase.Running, state.Phase);
        Assert.Contains("b", _apply.Executions);
    }

    [Fact]
    public async Task A_timed_suspend_resumes_by_itself_once_the_duration_passed()
    {
        var app = App(StepsApp("""
                - {name: wait, type: suspend, properties: {duration: 30s}}
                - {name: after, type: apply-component, properties: {component: a}}
            """));
        _apply.Healthy.Add("a");
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(ApplicationPhase.WorkflowSuspending, state.Phase);
        Assert.True(WorkflowRunner.NeedsAnotherPass(state));
        _clock.Advance(TimeSpan.FromSeconds(29));
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(StepPhase.Suspending, state.Find("wait")!.Phase);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(StepPhase.Succeeded, state.Find("wait")!.Phase);
        Assert.Equal(ApplicationPhase.Running, state.Phase);
    }

    [Fact]
    public async Task A_step_that_stays_unhealthy_past_its_timeout_fails_with_reason_Timeout_and_if_always_still_runs()
    {
        var app = App(StepsApp("""
                - {name: slow, type: apply-component, timeout: 1m, properties: {component: a}}
                - {name: next, type: apply-component, properties: {component: b}}
                - {name: report, type: print-message-in-status, if: always, properties: {message: done}}
                - {name: on-failure, type: print-message-in-status, if: status.slow.timeout, properties: {message: slow timed out}}
            """));
        _apply.Healthy.Add("b");
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(StepPhase.Running, state.Find("slow")!.Phase);
        _clock.Advance(TimeSpan.FromSeconds(61));
        await Runner().RunPassAsync(app, plan, state, default);
        var slow = state.Find("slow")!;
        Assert.Equal((StepPhase.Failed, "Timeout"), (slow.Phase, slow.Reason));
        Assert.Equal(StepPhase.Skipped, state.Find("next")!.Phase);
        Assert.Equal((StepPhase.Succeeded, "done"), (state.Find("report")!.Phase, state.Find("report")!.Message));
        Assert.Equal(StepPhase.Succeeded, state.Find("on-failure")!.Phase);
        Assert.Equal(ApplicationPhase.WorkflowFailed, state.Phase);
        Assert.DoesNotContain("b", _apply.Executions);
    }

    [Fact]
    public async Task A_false_if_skips_the_step_and_the_workflow_still_succeeds()
    {
        var app = App(StepsApp("""
                - {name: a, type: apply-component, properties: {component: a}}
                - {name: only-on-failure, type: print-message-in-status, if: status.a.failed, properties: {message: x}}
                - {name: b, type: apply-component, if: 'status.a.phase == "succeeded"', properties: {component: b}}
            """));
        _apply.Healthy.UnionWith(["a", "b"]);
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal((StepPhase.Skipped, "Skip"), (state.Find("only-on-failure")!.Phase, state.Find("only-on-failure")!.Reason));
        Assert.Equal(StepPhase.Succeeded, state.Find("b")!.Phase);
        Assert.Equal(ApplicationPhase.Running, state.Phase);
    }

    [Fact]
    public async Task Outputs_flow_into_inputs_through_the_specs_valueFrom_expression()
    {
        var app = App(StepsApp("""
                - name: apply-server
                  type: apply-component
                  properties: {component: server}
                  outputs:
                    - name: message
                      valueFrom: output.spec.template.spec.containers[0].image + " image applied."
                - name: tell
                  type: apply-component
                  properties: {component: reporter}
                  inputs:
                    - from: message
                      parameterKey: env.MESSAGE
            """));
        _apply.Healthy.UnionWith(["server", "reporter"]);
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal("example/server:1.0 image applied.", state.Outputs["message"]!.GetValue<string>());
        Assert.Equal("example/server:1.0 image applied.", _apply.LastProperties["reporter"]["env"]!["MESSAGE"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_step_group_runs_its_sub_steps_as_a_DAG()
    {
        var app = App(StepsApp("""
                - name: group
                  type: step-group
                  subSteps:
                    - {name: s1, type: apply-component, properties: {component: a}}
                    - {name: s2, type: apply-component, dependsOn: [s1], properties: {component: b}}
                    - {name: s3, type: apply-component, properties: {component: c}}
                - {name: after, type: print-message-in-status, properties: {message: group done}}
            """));
        _apply.Healthy.UnionWith(["a", "c"]);
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(["a", "b", "c"], _apply.Executions.Order().ToArray()); // s1 and s3 together; s2 after s1 within the pass
        Assert.Equal(StepPhase.Running, state.Find("group")!.Phase);
        Assert.Equal(StepPhase.Pending, state.Find("after")!.Phase);
        _apply.Healthy.Add("b");
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(StepPhase.Succeeded, state.Find("group")!.Phase);
        Assert.Equal("group done", state.Find("after")!.Message);
    }

    [Fact]
    public async Task A_run_killed_mid_workflow_resumes_from_the_saved_state_without_reapplying_finished_steps()
    {
        var app = App(StepsApp("""
                - {name: one, type: apply-component, properties: {component: a}}
                - {name: two, type: apply-component, properties: {component: b}}
            """));
        _apply.Healthy.Add("a");
        var plan = WorkflowPlan.For(app);
        await Runner().RunPassAsync(app, plan, WorkflowState.Start(plan, null, _clock.GetUtcNow()), default);
        Assert.Equal(["a", "b"], _apply.Executions.ToArray());

        // "Crash": everything in memory is gone; a new process reads the last saved record.
        var restored = _store.Last();
        Assert.Equal(StepPhase.Succeeded, restored.Find("one")!.Phase);
        _apply.Healthy.Add("b");
        await Runner().RunPassAsync(app, plan, restored, default);
        Assert.Equal(["a", "b", "b"], _apply.Executions.ToArray());
        Assert.Equal(ApplicationPhase.Running, restored.Phase);
    }

    [Fact]
    public async Task A_terminated_workflow_runs_nothing_more()
    {
        var app = App(StepsApp("- {name: one, type: apply-component, properties: {component: a}}"));
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        await Runner().RunPassAsync(app, plan, state, default);
        state.Terminated = true; // what Stop-VelaWorkflow records
        _apply.Healthy.Add("a");
        await Runner().RunPassAsync(app, plan, state, default);
        Assert.Equal(ApplicationPhase.WorkflowTerminated, state.Phase);
        Assert.Single(_apply.Executions);
    }

    [Fact]
    public async Task A_notification_step_posts_Slack_JSON_to_a_real_HTTP_listener()
    {
        var port = TestPorts.Free();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hooks/");
        listener.Start();
        var received = Task.Run(async () =>
        {
            var ctx = await listener.GetContextAsync();
            using var reader = new StreamReader(ctx.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var contentType = ctx.Request.ContentType;
            ctx.Response.StatusCode = 200;
            ctx.Response.Close();
            return (body, contentType);
        });
        var app = App(StepsApp($$"""
                - name: notify
                  type: notification
                  properties:
                    slack:
                      url: {value: "http://127.0.0.1:{{port}}/hooks/slack"}
                      message: {text: "my-app deployed"}
            """));
        using var http = new HttpClient();
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        await Runner(new NotificationStep(http)).RunPassAsync(app, plan, state, default);
        var (body, contentType) = await received.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("my-app deployed", JsonNode.Parse(body)!["text"]!.GetValue<string>());
        Assert.StartsWith("application/json", contentType);
        Assert.Equal(StepPhase.Succeeded, state.Find("notify")!.Phase);
    }

    [Fact]
    public async Task A_refused_notification_fails_the_step_without_printing_the_url()
    {
        var port = TestPorts.Free();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        _ = Task.Run(async () =>
        {
            var ctx = await listener.GetContextAsync();
            ctx.Response.StatusCode = 403;
            ctx.Response.Close();
        });
        var app = App(StepsApp(
            "- {name: notify, type: notification, properties: {slack: {url: {value: \"http://127.0.0.1:" + port +
            "/T000/B000/secret-token\"}, message: {text: hi}}}}"));
        using var http = new HttpClient();
        var plan = WorkflowPlan.For(app);
        var state = WorkflowState.Start(plan, null, _clock.GetUtcNow());
        await Runner(new NotificationStep(http)).RunPassAsync(app, plan, state, default);
        var step = state.Find("notify")!;
        Assert.Equal(StepPhase.Failed, step.Phase);
        Assert.Contains("403", step.Message);
        Assert.DoesNotContain("secret-token", step.Message);
    }

    private static string StepsApp(string steps) =>
        "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: flow, namespace: default}\nspec:\n" +
        "  components:\n    - {name: a, type: worker, properties: {image: busybox}}\n  workflow:\n    steps:\n" +
        Indent(steps.Trim('\n'), "      ") + "\n";

    private static string Indent(string text, string prefix) =>
        string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : prefix + l.TrimStart('\r')));
}
