using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Rendering.Kustomize;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Tests.Delivery;
using GitOpsVela.Engine.Tests.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Planning;

/// <summary>
/// Each application is rendered once per pass — validation, planning and the workflow's steps share that render — and
/// the preview (-WhatIf, Compare-VelaApplication) places objects exactly where the run puts them.
/// </summary>
public sealed class OncePerPassTests
{
    /// <summary>A <c>box</c> that counts how often each component is rendered.</summary>
    private sealed class CountingBox : IComponentType
    {
        private readonly BoxComponent _box = new();

        public Dictionary<string, int> Renders { get; } = new(StringComparer.Ordinal);

        public string Name => "counted";

        public string? WorkloadKind => _box.WorkloadKind;

        public Schema Schema => _box.Schema;

        public void Render(ComponentRender render)
        {
            lock (Renders) Renders[render.Component.Name] = Renders.GetValueOrDefault(render.Component.Name) + 1;
            _box.Render(render);
        }
    }

    private readonly CountingBox _counter = new();
    private readonly InMemoryCluster _cluster = new();

    private ApplicationDelivery Delivery() => new(_cluster, _cluster, registry: TestRegistry.Create().Add(_counter));

    private static Application Load(string spec) => ApplicationLoader.LoadText($"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {"{"}name: shop, namespace: prod{"}"}
        spec:
        {spec}
        """, "shop.yaml").Applications.Single();

    private const string ThreeComponents = """
          components:
            - {name: db, type: counted, properties: {image: mysql}}
            - {name: cache, type: counted, properties: {image: redis}, traits: [{type: tag, properties: {value: x}}]}
            - {name: web, type: counted, dependsOn: [db, cache], properties: {image: nginx}}
        """;

    [Fact]
    public async Task Invoke_VelaWorkflow_renders_each_component_once_however_many_passes_it_waits()
    {
        _cluster.Ready.UnionWith(["kind-local/Deployment/prod/db", "kind-local/Deployment/prod/cache", "kind-local/Deployment/prod/web"]);

        var result = await Delivery().DeliverAsync(Load(ThreeComponents), new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero }, CancellationToken.None);

        Assert.Empty(result.Problems);
        Assert.Equal(ApplicationPhase.Running, result.Record!.Phase);
        Assert.Equal(new Dictionary<string, int> { ["db"] = 1, ["cache"] = 1, ["web"] = 1 }, _counter.Renders);
    }

    [Fact]
    public async Task A_reconcile_pass_renders_each_application_once()
    {
        var app = Load(ThreeComponents);
        var reconciler = new Reconciler(Delivery(), new NoSources(), new KustomizeBuilder());

        var items = await reconciler.RunAsync([app], new ReconcileOptions(), CancellationToken.None);

        Assert.True(items.Single().Succeeded, string.Join("; ", items.Single().Delivery!.Problems));
        Assert.Equal(new Dictionary<string, int> { ["db"] = 1, ["cache"] = 1, ["web"] = 1 }, _counter.Renders);
    }

    [Fact]
    public async Task Deploying_to_two_clusters_renders_once_per_placement_and_the_preview_places_as_the_run_does()
    {
        var app = Load(ThreeComponents + """

              policies:
                - {name: prod, type: topology, properties: {clusterLabelSelector: {env: prod}, namespace: shop-prod}}
                - {name: big, type: override, properties: {components: [{name: web, properties: {replicas: 3}}]}}
              workflow:
                steps:
                  - {name: rollout, type: deploy, properties: {policies: [prod, big]}}
            """);

        var preview = await Delivery().PreviewAsync(app, CancellationToken.None);
        Assert.Empty(preview.Problems);
        Assert.Equal(new Dictionary<string, int> { ["db"] = 2, ["cache"] = 2, ["web"] = 2 }, _counter.Renders);
        Assert.Empty(_cluster.Log);

        _counter.Renders.Clear();
        foreach (var cluster in new[] { "east", "west" })
            foreach (var name in new[] { "db", "cache", "web" }) _cluster.Ready.Add($"{cluster}/Deployment/shop-prod/{name}");
        var result = await Delivery().DeliverAsync(app, new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero }, CancellationToken.None);
        Assert.Empty(result.Problems);
        Assert.Equal(new Dictionary<string, int> { ["db"] = 2, ["cache"] = 2, ["web"] = 2 }, _counter.Renders);

        // What the preview said would be created is exactly what the run applied (same clusters, namespaces, names).
        var previewed = preview.Changes.Where(c => c.Action == ChangeAction.Create).Select(c => $"{c.Cluster}/{c.Kind}/{c.Namespace}/{c.Name}").Order().ToList();
        var applied = result.Record!.Inventory.Select(e => $"{e.Cluster}/{e.Kind}/{e.Namespace}/{e.Name}").Order().ToList();
        Assert.Equal(previewed, applied);
        Assert.Equal(["east", "west"], applied.Select(a => a.Split('/')[0]).Distinct().Order());
        Assert.Equal(3L, (long)_cluster.Objects["east/Deployment/shop-prod/web"]["spec"]!["replicas"]!);
    }

    /// <summary>Applications without source-backed components sync nothing.</summary>
    private sealed class NoSources : ISourceProvider
    {
        public Task<SyncedSource> SyncAsync(SourceRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("no source should be synced");
    }
}
