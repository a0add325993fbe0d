using System.Net;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Tests.Cluster;
using GitOpsVela.Engine.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Engine.Tests.Delivery;

/// <summary>
/// An application written in KubeVela's earlier forms (the GitOps guide's era, v1.1) runs unchanged, against the
/// Kubernetes API test server or the cluster named by GITOPSVELA_TEST_KUBECONFIG (<c>../shared/tools/kubereal</c>): an
/// apply-component step with an output, then a <c>webhook-notification</c> whose Slack URL comes <c>fromSecret</c> and
/// whose text is that output.
/// </summary>
public sealed class EarlierFormsDeliveryTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task A_v1_1_webhook_notification_with_a_url_fromSecret_posts_the_output_of_the_step_before_it()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var port = TestPorts.Free();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/services/");
        listener.Start();
        var received = Task.Run(async () =>
        {
            var ctx = await listener.GetContextAsync();
            using var reader = new StreamReader(ctx.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            ctx.Response.StatusCode = 200;
            ctx.Response.Close();
            return body;
        });

        using (var client = _cluster.Connect())
        {
            var secrets = await client.ResolveAsync("v1", "Secret", default);
            await client.CreateAsync(secrets!, new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject { ["name"] = "slack-webhook", ["namespace"] = ns },
                ["stringData"] = new JsonObject { ["url"] = $"http://127.0.0.1:{port}/services/T000/B000/token" },
            }, default);
        }

        var load = ApplicationLoader.LoadText($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: guide
              namespace: {{ns}}
            spec:
              components:
                - name: settings
                  type: raw
                  properties:
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: settings
                    data:
                      greeting: settings applied
              workflow:
                steps:
                  - name: apply-settings
                    type: apply-component
                    properties:
                      component: settings
                    outputs:
                      - name: greeting
                        valueFrom: output.data.greeting
                  - name: notify
                    type: webhook-notification
                    inputs:
                      - from: greeting
                        parameterKey: slack.message.text
                    properties:
                      slack:
                        url:
                          fromSecret:
                            name: slack-webhook
                            key: url
            """, "guide.yaml");
        Assert.Empty(load.Problems);
        var app = load.Applications.Single();
        Assert.Empty(Engine.Planning.ReleasePlanner.Check(app).Problems);

        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var result = await target.CreateDelivery(NullEngineOutput.Instance)
            .DeliverAsync(app, new DeliveryOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(50) }, default);
        Assert.Empty(result.Problems);

        var body = await received.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("settings applied", JsonNode.Parse(body)!["text"]!.GetValue<string>());
        Assert.Equal(ApplicationPhase.Running, result.Record!.Phase);
        Assert.All(result.Record.Workflow!.Steps, s => Assert.Equal(StepPhase.Succeeded, s.Phase));
        Assert.DoesNotContain("token", string.Join("\n", result.Record.Workflow.Steps.Select(s => s.Message)));
    }
}
