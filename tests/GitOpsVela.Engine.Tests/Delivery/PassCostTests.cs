using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Tests.Cluster;
using Xunit;
using k8s;
using k8s.Models;

namespace GitOpsVela.Engine.Tests.Delivery;

/// <summary>
/// What a reconcile pass costs the API server (issue 17), counted request by request against the test server or the
/// cluster named by GITOPSVELA_TEST_KUBECONFIG: a pass over unchanged applications costs requests per namespace, not per
/// application, and writes nothing; waiting for health writes nothing until something changes; -Wait looks at every
/// waiting application together. Each pass runs in a target of its own, as a new process would.
/// </summary>
public sealed class PassCostTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();
    private string _cache = null!;

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        _cache = Directory.CreateTempSubdirectory("gitopsvela-passcost-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Directory.Delete(_cache, true);
    }

    /// <summary>An application of two kinds (ConfigMap, ServiceAccount: healthy once they exist), or a Deployment that waits for health.</summary>
    private static Application App(string ns, string name, string value = "1", bool deployment = false) => ApplicationLoader.LoadText($$"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {name: {{name}}, namespace: {{ns}}}
        spec:
          components:
            - name: {{name}}
              type: k8s-objects
              properties:
                objects:
                  - apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: {{name}}}
                    data: {value: "{{value}}"}
                  - apiVersion: v1
                    kind: ServiceAccount
                    metadata: {name: {{name}}}
        {{(deployment ? $$"""
                  - apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: {{name}}}
                    spec:
                      replicas: 1
                      selector:
                        matchLabels:
                          app: {{name}}
                      template:
                        metadata:
                          labels:
                            app: {{name}}
                        spec:
                          containers:
                            - name: main
                              image: nginx
        """ : "")}}
        """, $"{name}.yaml").Applications.Single();

    private async Task<(IReadOnlyList<ReconcileItem> Items, IReadOnlyList<KubeClientRequest> Requests)> PassAsync(
        IReadOnlyList<Application> apps, ReconcileOptions? options = null, IEngineOutput? output = null)
    {
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var items = await target.ReconcileAsync(apps, options ?? new ReconcileOptions(), new GitSourceCache(_cache), null, null, output ?? NullEngineOutput.Instance, default);
        foreach (var item in items)
            Assert.True(item.Succeeded, string.Join("\n", item.Problems.Concat(item.Delivery?.Problems ?? []).Select(p => p.ToString())));
        return (items, target.Gateway.LocalClient.Requests);
    }

    private static bool IsWrite(KubeClientRequest r) => r.Verb is "create" or "update" or "apply" or "delete" or "patch";

    /// <summary>A request for a record (applications' own objects are applied, never created or replaced).</summary>
    private static bool IsRecord(KubeClientRequest r) => r.Path.Contains("/configmaps/gitopsvela.", StringComparison.Ordinal)
        || r.Verb == "create" && r.Path.EndsWith("/configmaps", StringComparison.Ordinal);

    [Fact]
    public async Task A_pass_over_unchanged_applications_costs_requests_per_namespace_not_per_application_and_writes_nothing()
    {
        const int namespaces = 3, perNamespace = 8, kinds = 2;
        var nss = new List<string>();
        for (var i = 0; i < namespaces; i++) nss.Add(await _cluster.CreateNamespaceAsync());
        var apps = nss.SelectMany(ns => Enumerable.Range(1, perNamespace).Select(i => App(ns, $"app-{i}"))).ToList();

        var (first, written) = await PassAsync(apps);
        Assert.All(first, i => Assert.Equal(ApplicationPhase.Running, i.Delivery!.Record!.Phase));
        // A new application's record is written once (one step, healthy at once), not once per step transition.
        Assert.Equal(apps.Count, written.Count(r => IsRecord(r) && r.Verb == "create"));
        Assert.Equal(0, written.Count(r => IsRecord(r) && r.Verb == "update"));

        var (second, requests) = await PassAsync(apps);
        Assert.All(second, i => Assert.False(i.Delivery!.RecordWritten));
        Assert.DoesNotContain(requests, IsWrite);
        Assert.DoesNotContain(requests, r => r.Verb == "get");
        var asked = requests.Where(r => r.Verb != "discovery").ToList();
        // One LIST of namespaces (in pages of 500 on a cluster with more), one of records per namespace, one per kind and
        // namespace: fewer than the applications.
        var namespacePages = asked.Count(r => r.Path == "/api/v1/namespaces");
        Assert.InRange(namespacePages, 1, 10);
        // Where KubeVela's definition CRDs are installed, definitions are read too: one LIST per definition kind for each
        // application namespace and vela-system — per namespace as well.
        var definitions = asked.Count(r => r.Path.StartsWith("/apis/core.oam.dev/", StringComparison.Ordinal));
        Assert.True(definitions <= 3 * (namespaces + 1));
        Assert.True(asked.Count - definitions <= namespacePages + namespaces + kinds * namespaces, string.Join("\n", asked.Select(r => $"{r.Verb} {r.Path}")));
        Assert.True(asked.Count < apps.Count);
        // ConfigMaps are listed twice per namespace: the records (by their label) and the applications' own.
        Assert.Equal(2 * namespaces, asked.Count(r => r.Verb == "list" && r.Path.EndsWith("/configmaps", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Applications_in_namespaces_that_do_not_exist_yet_create_them_and_ask_for_no_record_and_the_next_pass_finds_theirs()
    {
        var nss = new[] { _cluster.NamespaceName(), _cluster.NamespaceName() };
        var apps = nss.SelectMany(ns => Enumerable.Range(1, 3).Select(i => App(ns, $"new-{i}"))).ToList();
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        var client = target.Gateway.LocalClient;

        var first = await target.ReconcileAsync(apps, new ReconcileOptions(), new GitSourceCache(_cache), null, null, NullEngineOutput.Instance, default);
        Assert.All(first, i => Assert.True(i.Delivery!.StartedRevision));
        Assert.Equal(nss.Length, client.Requests.Count(r => r.Verb == "create" && r.Path == "/api/v1/namespaces"));
        Assert.DoesNotContain(client.Requests, r => IsRecord(r) && r.Verb is "get" or "list");

        // The next pass of the same run (-Loop) reads the records this one wrote.
        var before = client.Requests.Count;
        var second = await target.ReconcileAsync(apps, new ReconcileOptions(), new GitSourceCache(_cache), null, null, NullEngineOutput.Instance, default);
        Assert.All(second, i => Assert.False(i.Delivery!.StartedRevision));
        Assert.All(second, i => Assert.Equal(1, i.Delivery!.Record!.Revision));
        Assert.DoesNotContain(client.Requests.Skip(before), IsWrite);
    }

    [Fact]
    public async Task A_record_without_its_label_is_still_read_and_is_labelled_when_next_written()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        await PassAsync([App(ns, "old")]);
        using (var kube = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(_cluster.Kubeconfig, _cluster.Context)))
        {
            // A record as an earlier version might have left it: no label to select it by.
            var unlabel = new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [RecordStore.RecordLabel] = null } } };
            await kube.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(unlabel.ToJsonString(), V1Patch.PatchType.MergePatch), RecordStore.ConfigMapName("old"), ns);
        }

        var (same, requests) = await PassAsync([App(ns, "old")]);
        Assert.Equal(1, same.Single().Delivery!.Record!.Revision);
        Assert.False(same.Single().Delivery!.StartedRevision);
        Assert.DoesNotContain(requests, IsWrite);

        var (changed, _) = await PassAsync([App(ns, "old", value: "2")]);
        Assert.Equal(2, changed.Single().Delivery!.Record!.Revision);
        using var client = _cluster.Connect();
        var cm = await client.GetAsync(new ApiResource("", "v1", "ConfigMap", "configmaps", true), ns, RecordStore.ConfigMapName("old"), default);
        Assert.Equal("true", (string?)cm!["metadata"]!["labels"]![RecordStore.RecordLabel]);
    }

    [Fact]
    public async Task Waiting_for_health_writes_nothing_until_the_state_changes()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var app = App(ns, "web", deployment: true);
        var (first, _) = await PassAsync([app]);
        var waiting = first.Single().Delivery!.Record!;
        Assert.Equal(ApplicationPhase.RunningWorkflow, waiting.Phase);

        var (again, requests) = await PassAsync([app]);
        Assert.DoesNotContain(requests, IsWrite);
        Assert.False(again.Single().Delivery!.RecordWritten);
        var step = again.Single().Delivery!.Record!.Workflow!.Steps.Single();
        Assert.Equal(waiting.Workflow!.Steps.Single().LastExecuteTime, step.LastExecuteTime);

        await _cluster.MarkDeploymentReadyAsync(ns, "web");
        var (healthy, written) = await PassAsync([app]);
        Assert.Equal(ApplicationPhase.Running, healthy.Single().Delivery!.Record!.Phase);
        Assert.Equal(1, written.Count(r => IsRecord(r) && r.Verb == "update"));
    }

    [Fact]
    public async Task Wait_looks_at_every_waiting_application_together_once_per_kind_and_namespace_per_poll()
    {
        const int namespaces = 2, perNamespace = 3;
        var nss = new List<string>();
        for (var i = 0; i < namespaces; i++) nss.Add(await _cluster.CreateNamespaceAsync());
        var apps = nss.SelectMany(ns => Enumerable.Range(1, perNamespace).Select(i => App(ns, $"web-{i}", deployment: true))).ToList();
        // The deployments become ready when the first poll is announced (as a kubelet would, meanwhile).
        var output = new PollWatcher(() =>
        {
            foreach (var app in apps) _cluster.MarkDeploymentReadyAsync(app.Namespace, app.Name).GetAwaiter().GetResult();
        });

        var (items, requests) = await PassAsync(apps, new ReconcileOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(10) }, output);

        Assert.All(items, i => Assert.Equal(ApplicationPhase.Running, i.Delivery!.Record!.Phase));
        Assert.True(output.Polls >= 1);
        // The first pass and each poll list Deployments once per namespace, however many applications wait there.
        Assert.Equal(namespaces * (1 + output.Polls), requests.Count(r => r.Verb == "list" && r.Path.EndsWith("/deployments", StringComparison.Ordinal)));
    }

    private sealed class PollWatcher(Action firstPoll) : IEngineOutput
    {
        public int Polls;

        public void Verbose(string message)
        {
            if (!message.Contains("polling again", StringComparison.Ordinal)) return;
            if (Interlocked.Increment(ref Polls) == 1) firstPoll();
        }

        public void Warning(string message)
        {
        }

        public void Progress(string activity, string status, int percentComplete)
        {
        }
    }
}
