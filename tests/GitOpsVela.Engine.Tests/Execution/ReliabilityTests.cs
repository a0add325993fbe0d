using System.Net;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Tests.Delivery;
using GitOpsVela.Engine.Tests.Infrastructure;
using GitOpsVela.Engine.Tests.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Execution;

/// <summary>
/// Faults as KubeVela's workflow treats them: a transient one (an outage, 429, 5xx, a timeout) is retried with kubevela/workflow's
/// backoff until its retry limit — 10 retries, the 11th failure ends the step <c>FailedAfterRetries</c> —, a permanent one fails
/// at once; the record never claims a step that did not finish, and a notification is not sent twice for one run.
/// </summary>
public sealed class ReliabilityTests
{
    private readonly InMemoryCluster _cluster = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private ApplicationDelivery Delivery(Func<DeliveryRun, IEnumerable<IStepExecutor>>? extra = null) =>
        new(_cluster, _cluster, extra, clock: _clock, registry: TestRegistry.Create());

    private static Application Load(string spec) => ApplicationLoader.LoadText($"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {"{"}name: shop, namespace: prod{"}"}
        spec:
        {spec}
        """, "shop.yaml").Applications.Single();

    private static readonly Application TwoSteps = Load("""
          components:
            - {name: db, type: box, properties: {image: mysql}}
            - {name: web, type: box, properties: {image: nginx}}
          workflow:
            steps:
              - {name: one, type: apply-component, properties: {component: db}}
              - {name: two, type: apply-component, properties: {component: web}}
        """);

    private static VelaProblemException Fault(bool transient) => new(new VelaProblem(
        transient ? ErrorIds.Cluster.RequestFailed : ErrorIds.Cluster.ObjectInvalid,
        transient ? ProblemCategory.ResourceUnavailable : ProblemCategory.InvalidData,
        transient ? "Internal error occurred: failed calling webhook \"validate.example.com\"" : "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1",
        SourceLocation.None) { Transient = transient });

    private Task<DeliveryResult> Pass(Application app, Func<DeliveryRun, IEnumerable<IStepExecutor>>? extra = null) =>
        Delivery(extra).DeliverAsync(app, new DeliveryOptions(), CancellationToken.None);

    public ReliabilityTests() => _cluster.Ready.UnionWith(["kind-local/Deployment/prod/db", "kind-local/Deployment/prod/web"]);

    [Fact]
    public async Task A_transient_fault_is_retried_after_its_backoff_and_the_workflow_then_succeeds()
    {
        var applies = 0;
        _cluster.FailApply = m => m.Component == "web" ? (applies++ < 1 ? Fault(transient: true) : null) : null;

        var first = await Pass(TwoSteps);
        var web = first.Workflow!.Find("two")!;
        Assert.Equal(StepPhase.Running, web.Phase);
        Assert.Equal(1, web.FailedAttempts);
        Assert.Equal(_clock.Now + TimeSpan.FromSeconds(1), web.NextAttemptTime);
        Assert.StartsWith("attempt 1 of 11 failed", web.Message);
        Assert.Contains("failed calling webhook", web.Message);
        Assert.Equal(ApplicationPhase.RunningWorkflow, first.Record!.Phase);
        // What the record holds says the same: the step is not done.
        Assert.Equal(StepPhase.Running, ApplicationRecord.FromJson(_cluster.Records["prod/shop"]).Workflow!.Find("two")!.Phase);

        // Before the attempt is due nothing is tried.
        await Pass(TwoSteps);
        Assert.Equal(1, applies);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Pass(TwoSteps);
        Assert.Equal(StepPhase.Succeeded, second.Workflow!.Find("two")!.Phase);
        Assert.Equal(ApplicationPhase.Running, second.Record!.Phase);
        Assert.Empty(second.Problems);
    }

    [Fact]
    public async Task A_permanent_fault_fails_the_step_at_once_with_the_servers_message()
    {
        _cluster.FailApply = m => m.Component == "web" ? Fault(transient: false) : null;

        var result = await Pass(TwoSteps);

        var web = result.Workflow!.Find("two")!;
        Assert.Equal(StepPhase.Failed, web.Phase);
        Assert.Equal(0, web.FailedAttempts);
        Assert.Contains("spec.replicas: Invalid value: -1", web.Message);
        Assert.Equal(ApplicationPhase.WorkflowFailed, result.Record!.Phase);
        // The failure is an error of the pass (an ErrorRecord, a non-zero exit), not only a phase.
        var problem = Assert.Single(result.Problems);
        Assert.Equal(ErrorIds.Workflow.Failed, problem.Id);
        Assert.Contains("step 'two'", problem.Message);
        Assert.Contains("spec.replicas: Invalid value: -1", problem.Message);
    }

    [Fact]
    public async Task After_ten_retries_on_kubevelas_backoff_the_step_fails_after_retries_and_a_new_spec_starts_afresh()
    {
        _cluster.FailApply = m => m.Component == "web" ? Fault(transient: true) : null;
        var waits = new List<double>();
        DeliveryResult result = await Pass(TwoSteps);
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            var step = result.Workflow!.Find("two")!;
            Assert.Equal(attempt, step.FailedAttempts);
            waits.Add((step.NextAttemptTime!.Value - _clock.Now).TotalSeconds);
            _clock.Advance(step.NextAttemptTime!.Value - _clock.Now);
            result = await Pass(TwoSteps);
        }

        Assert.Equal([1, 1, 1, 1, 1, 3, 6, 12, 25, 51], waits);
        var web = result.Workflow!.Find("two")!;
        Assert.Equal(StepPhase.Failed, web.Phase);
        Assert.Equal("FailedAfterRetries", web.Reason);
        Assert.StartsWith("failed after 10 retries: ", web.Message);
        Assert.Equal(ApplicationPhase.WorkflowFailed, result.Record!.Phase);

        // A new spec is a new run with a fresh count.
        _cluster.FailApply = null;
        var changed = Load("""
              components:
                - {name: db, type: box, properties: {image: mysql}}
                - {name: web, type: box, properties: {image: "nginx:2"}}
              workflow:
                steps:
                  - {name: one, type: apply-component, properties: {component: db}}
                  - {name: two, type: apply-component, properties: {component: web}}
            """);
        var fresh = await Pass(changed);
        Assert.Equal(StepPhase.Succeeded, fresh.Workflow!.Find("two")!.Phase);
        Assert.Equal(0, fresh.Workflow.Find("two")!.FailedAttempts);
    }

    [Fact]
    public async Task A_notification_sent_while_the_record_could_not_be_saved_is_not_sent_again()
    {
        var port = TestPorts.Free();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var posts = 0;
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                var ctx = await listener.GetContextAsync();
                Interlocked.Increment(ref posts);
                ctx.Response.StatusCode = 200;
                ctx.Response.Close();
            }
        });
        var app = Load("""
              components:
                - {name: db, type: box, properties: {image: mysql}}
              workflow:
                steps:
                  - {name: one, type: apply-component, properties: {component: db}}
                  - {name: tell, type: notification, properties: {slack: {url: {value: "http://127.0.0.1:PORT/hook"}, message: {text: done}}}}
            """.Replace("PORT", port.ToString()));
        using var http = new HttpClient();
        var sent = new MemorySentLog();
        IEnumerable<IStepExecutor> Steps(DeliveryRun run) => [new NotificationStep(http, sent: sent)];

        // The API server goes away once the message is out: the record cannot say the step finished.
        _cluster.FailSave = r => r.Workflow?.Find("tell")?.Phase == StepPhase.Succeeded
            ? new VelaProblemException(new VelaProblem(ErrorIds.Cluster.Unreachable, ProblemCategory.ConnectionError, "connection refused", SourceLocation.None) { Transient = true })
            : null;
        var during = await Pass(app, Steps);
        Assert.Equal(1, posts);
        Assert.Contains(during.Problems, p => p.Id == ErrorIds.Cluster.Unreachable);
        Assert.NotEqual(StepPhase.Succeeded, ApplicationRecord.FromJson(_cluster.Records["prod/shop"]).Workflow!.Find("tell")!.Phase);

        _cluster.FailSave = null;
        var after = await Pass(app, Steps);
        Assert.Equal(StepPhase.Succeeded, after.Workflow!.Find("tell")!.Phase);
        Assert.Contains("already sent", after.Workflow.Find("tell")!.Message);
        Assert.Equal(1, posts);
        Assert.Equal(ApplicationPhase.Running, after.Record!.Phase);
    }

    [Fact]
    public async Task A_value_read_from_a_Secret_flows_to_a_later_step_but_the_record_keeps_only_where_it_came_from()
    {
        const string Password = "planted-s3cret-value";
        _cluster.Objects[InMemoryCluster.Key("kind-local", "Secret", "prod", "db-pass")] = new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = "db-pass", ["namespace"] = "prod" },
            ["stringData"] = new System.Text.Json.Nodes.JsonObject { ["password"] = Password },
        };
        var port = TestPorts.Free();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var bodies = new List<string>();
        var refuse = true;
        _ = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                var ctx = await listener.GetContextAsync();
                using (var reader = new StreamReader(ctx.Request.InputStream)) lock (bodies) bodies.Add(reader.ReadToEnd());
                ctx.Response.StatusCode = refuse ? 503 : 200;
                ctx.Response.Close();
            }
        });
        var app = Load("""
              components:
                - {name: db, type: box, properties: {image: mysql}}
              workflow:
                steps:
                  - name: read
                    type: read-object
                    properties: {apiVersion: v1, kind: Secret, name: db-pass}
                    outputs: [{name: pass, valueFrom: output.value.stringData.password}]
                  - name: tell
                    type: webhook
                    inputs: [{from: pass, parameterKey: data.password}]
                    properties: {url: {value: "http://127.0.0.1:PORT/hook"}, data: {app: shop}}
            """.Replace("PORT", port.ToString()));
        using var http = new HttpClient();
        IEnumerable<IStepExecutor> Steps(DeliveryRun run) => [new WebhookStep(http, sent: new MemorySentLog())];

        // The receiver refuses for now (503): the webhook step waits to try again; the record is written meanwhile.
        var first = await Pass(app, Steps);
        Assert.Equal(StepPhase.Running, first.Workflow!.Find("tell")!.Phase);
        Assert.DoesNotContain(Password, _cluster.Records["prod/shop"]);
        Assert.Contains("Secret prod/db-pass", _cluster.Records["prod/shop"]);

        // A later process has no value in memory: it reads the Secret again, then sends.
        refuse = false;
        DeliveryResult result = first;
        for (var pass = 0; pass < 3 && result.Workflow!.Find("tell")!.Phase != StepPhase.Succeeded; pass++)
        {
            _clock.Advance(TimeSpan.FromSeconds(2));
            result = await Pass(app, Steps);
            Assert.DoesNotContain(Password, _cluster.Records["prod/shop"]);
        }
        Assert.Equal(StepPhase.Succeeded, result.Workflow!.Find("tell")!.Phase);
        Assert.Contains(Password, bodies.Last());
        Assert.DoesNotContain(Password, result.Record!.ToJson());
    }
}
