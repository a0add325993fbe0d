using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering.FluxComponents;
using GitOpsVela.Engine.Rendering.Kustomize;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Tests.Delivery;
using GitOpsVela.Engine.Tests.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Reconcile;

/// <summary>
/// Issue 11, items 4, 6 and 8 through the engine: a kustomize component's path that is missing or leaves the repository
/// fails its step naming source URL, ref and path (never the cache folder); a root keeps its spec in its record and is
/// reconciled again from that record alone; depends-on-app creates a missing application from its ConfigMap.
/// </summary>
public sealed class RootsAndSourcePathsTests : IDisposable
{
    private readonly string _checkout = Directory.CreateTempSubdirectory("gitopsvela-cache-folder-").FullName;
    private readonly InMemoryCluster _cluster = new();

    public RootsAndSourcePathsTests()
    {
        Write("apps/settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: blue}\n");
        Write("apps/shop.yaml", """
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: shop, namespace: default}
            spec:
              components:
                - {name: web, type: box, properties: {image: "nginx:1"}}
            """);
        _cluster.Ready.Add("kind-local/Deployment/default/web");
    }

    public void Dispose() => Directory.Delete(_checkout, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_checkout, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private static Application Root(string path, string name = "apps", string url = "https://git.example.com/config") => ApplicationLoader.LoadText($$"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {name: {{name}}}
        spec:
          components:
            - name: apps
              type: kustomize
              properties:
                url: {{url}}
                git: {branch: release}
                path: {{path}}
        """, "clusters/apps.yaml").Applications.Single();

    private ApplicationDelivery Delivery() =>
        new(_cluster, _cluster, registry: TestRegistry.Create().Add(new KustomizeComponent()));

    private Task<IReadOnlyList<ReconcileItem>> Pass(params Application[] roots) =>
        new Reconciler(Delivery(), new CheckoutSource(_checkout), new KustomizeBuilder())
            .RunAsync(roots, new ReconcileOptions { Wait = true, PollInterval = TimeSpan.Zero }, CancellationToken.None);

    // ---- item 4: one path for kustomize components ----

    [Theory]
    [InlineData("./missing", "'./missing' does not exist in the repository")]
    [InlineData("../../etc", "'../../etc' leaves the repository")]
    public async Task A_path_missing_or_leaving_the_repository_fails_the_step_with_url_ref_and_path_at_the_component(string path, string why)
    {
        var items = await Pass(Root(path));

        var root = Assert.Single(items);
        var record = root.Delivery!.Record!;
        Assert.Equal(ApplicationPhase.WorkflowFailed, record.Phase);
        var step = Assert.Single(record.Workflow!.AllSteps());
        Assert.Equal(StepPhase.Failed, step.Phase);
        Assert.Equal("Source", step.Reason);
        Assert.Contains("https://git.example.com/config (branch release, commit rev1)", step.Message);
        Assert.Contains(why, step.Message);
        Assert.Contains("path must name a folder or file inside the repository", step.Message);
        Assert.DoesNotContain(_checkout, step.Message);
        var failed = Assert.Single(root.Delivery.Problems, p => p.Id == ErrorIds.Workflow.Failed);
        Assert.Equal(("clusters/apps.yaml", 6), (failed.Location.File, failed.Location.Line));
        Assert.Equal(("apps", "path"), (failed.Component, failed.Property));
        Assert.DoesNotContain(_checkout, failed.ToString());
        Assert.DoesNotContain(_cluster.Objects.Keys, k => k.Contains("/ConfigMap/"));
    }

    [Fact]
    public async Task A_path_inside_the_repository_applies_what_it_holds_and_delivers_the_applications_there()
    {
        var items = await Pass(Root("./apps"));

        Assert.Equal(["apps", "shop"], items.Select(i => i.Application.Name));
        Assert.All(items, i => Assert.True(i.Succeeded, string.Join("\n", i.Problems.Concat(i.Delivery?.Problems ?? []))));
        Assert.Equal("blue", (string?)_cluster.Objects["kind-local/ConfigMap/default/settings"]["data"]!["mode"]);
    }

    [Fact]
    public async Task A_nested_kustomization_problem_names_the_file_in_the_repository_not_the_cache_folder()
    {
        Write("broken/kustomization.yaml", "resources: [gone.yaml]\n");

        var items = await Pass(Root("./broken"));

        var step = items.Single().Delivery!.Record!.Workflow!.AllSteps().Single();
        Assert.Contains("resource 'gone.yaml' does not exist", step.Message);
        Assert.Contains("(in broken/kustomization.yaml, field 'resources')", step.Message);
        Assert.DoesNotContain(_checkout, step.Message);
    }

    // ---- item 6: apply once, then reconcile from the cluster ----

    [Fact]
    public async Task A_root_keeps_its_spec_and_a_pass_from_its_record_alone_reaches_what_it_brings()
    {
        await Pass(Root("./apps"));
        var apps = await _cluster.LoadAsync("default", "apps", CancellationToken.None);
        var shop = await _cluster.LoadAsync("default", "shop", CancellationToken.None);
        Assert.NotNull(apps!.Root);
        Assert.Contains("path: ./apps", apps.Root!.Application);
        Assert.Equal("clusters/apps.yaml", apps.Root.File);
        Assert.Null(shop!.Root); // brought by its parent's source, not kept

        // A change in the repository, reconciled with nothing but the records.
        Write("apps/settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: green}\n");
        var roots = (await _cluster.ListAsync(null, CancellationToken.None)).Where(r => r.Root is not null).ToList();
        var load = RecordedRoot.Load(Assert.Single(roots));
        Assert.Empty(load.Problems);
        var items = await Pass([.. load.Applications]);

        Assert.Equal(["apps", "shop"], items.Select(i => i.Application.Name));
        Assert.Equal("green", (string?)_cluster.Objects["kind-local/ConfigMap/default/settings"]["data"]!["mode"]);
        Assert.Equal("clusters/apps.yaml", items[0].Delivery!.Record!.Source);
        Assert.Equal("clusters/apps.yaml", (await _cluster.LoadAsync("default", "apps", CancellationToken.None))!.Root!.File);
    }

    [Theory]
    [InlineData("https://bot:ghp_planted@git.example.com/config")]
    [InlineData("https://ghp_planted@git.example.com/config")]
    public async Task A_spec_with_a_credential_in_a_url_is_not_kept_and_a_warning_says_where(string url)
    {
        var output = new RecordingOutput();
        var root = Root("./apps", url: url);
        await new Reconciler(Delivery(), new CheckoutSource(_checkout), new KustomizeBuilder(), output)
            .RunAsync([root], new ReconcileOptions(), CancellationToken.None);

        var record = await _cluster.LoadAsync("default", "apps", CancellationToken.None);
        Assert.Null(record!.Root);
        Assert.DoesNotContain("ghp_planted", record.ToJson());
        Assert.Contains(output.Warnings, w => w.Contains("spec.components[0].properties.url") && w.Contains("use secretRef") && !w.Contains("ghp_planted"));
    }

    [Fact]
    public void A_secretRef_name_is_kept_and_ssh_user_names_are_no_credential()
    {
        var app = ApplicationLoader.LoadText("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: apps, namespace: prod}
            spec:
              components:
                - name: apps
                  type: kustomize
                  properties: {url: "ssh://git@git.example.com/config", secretRef: git-creds, path: ./apps}
            """, "a.yaml").Applications.Single();

        var root = RecordedRoot.Of(app, out var refused);

        Assert.Null(refused);
        Assert.Contains("secretRef: git-creds", root!.Application);
        Assert.Contains("namespace: prod", root.Application);
    }

    // ---- item 8: depends-on-app creates the application from its ConfigMap ----

    private const string Waiter = """
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {name: web, namespace: default}
        spec:
          components:
            - {name: front, type: box, properties: {image: "nginx:1"}}
          workflow:
            steps:
              - {name: db-first, type: depends-on-app, properties: {name: db, namespace: default}}
              - {name: front, type: apply-component, properties: {component: front}}
        """;

    private void ConfigMap(string name, JsonObject data) => _cluster.Objects[$"kind-local/ConfigMap/default/{name}"] = new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
        ["data"] = data,
    };

    private Task<DeliveryResult> DeliverWaiter() => Delivery().DeliverAsync(ApplicationLoader.LoadText(Waiter, "web.yaml").Applications.Single(),
        new DeliveryOptions { Wait = true, PollInterval = TimeSpan.Zero }, CancellationToken.None);

    [Fact]
    public async Task Depends_on_app_creates_the_missing_application_from_its_configmap_then_goes_on_once_it_runs()
    {
        _cluster.Ready.Add("kind-local/Deployment/default/front");
        _cluster.Ready.Add("kind-local/Deployment/default/store");
        ConfigMap("db", new JsonObject
        {
            ["application"] = """
                apiVersion: core.oam.dev/v1beta1
                kind: Application
                metadata: {name: db}
                spec:
                  components:
                    - {name: store, type: box, properties: {image: "postgres:16"}}
                """,
        });

        var result = await DeliverWaiter();

        Assert.Equal(ApplicationPhase.Running, result.Record!.Phase);
        Assert.Contains("created from ConfigMap default/db", result.Record.Workflow!.AllSteps().First().Message);
        var db = await _cluster.LoadAsync("default", "db", CancellationToken.None);
        Assert.Equal(ApplicationPhase.Running, db!.Phase);
        Assert.Equal("ConfigMap default/db", db.Source);
        Assert.Contains("postgres:16", db.Root!.Application);
        Assert.Contains("kind-local/Deployment/default/store", _cluster.Objects.Keys);
    }

    [Fact]
    public async Task Depends_on_app_without_application_or_configmap_waits_for_it_to_be_delivered()
    {
        var result = await Delivery().DeliverAsync(ApplicationLoader.LoadText(Waiter, "web.yaml").Applications.Single(), new DeliveryOptions(), CancellationToken.None);

        var step = result.Record!.Workflow!.AllSteps().First();
        Assert.Equal(StepPhase.Running, step.Phase);
        Assert.Contains("no ConfigMap default/db with its spec under data.application", step.Message);
    }

    [Theory]
    [InlineData("app.yaml", "kind: Application", "has no data key 'application' (it has 'app.yaml')")]
    [InlineData("application", "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: other}\nspec: {components: []}\n",
        "ConfigMap default/db data.application:1:1: the application is default/other; the step depends on default/db")]
    [InlineData("application", "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: db}\nspec:\n  components:\n    - {name: store, type: box, properties: {image: 1, colour: red}}\n",
        "ConfigMap default/db data.application:6:")]
    [InlineData("application", "kind: ConfigMap\napiVersion: v1\n", "holds 0 KubeVela Applications; expected exactly one (apiVersion core.oam.dev/v1beta1, kind Application) named db")]
    public async Task Depends_on_app_refuses_a_configmap_that_does_not_hold_the_application_and_says_what_it_would_take(string key, string text, string expected)
    {
        ConfigMap("db", new JsonObject { [key] = text });

        var result = await DeliverWaiter();

        var step = result.Record!.Workflow!.AllSteps().First();
        Assert.Equal(StepPhase.Failed, step.Phase);
        Assert.Contains(expected, step.Message);
        Assert.Null(await _cluster.LoadAsync("default", "db", CancellationToken.None));
    }

    private sealed class CheckoutSource(string root) : ISourceProvider
    {
        public Task<SyncedSource> SyncAsync(SourceRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new SyncedSource(request.Url, "rev1", root, null));
    }

    private sealed class RecordingOutput : IEngineOutput
    {
        public List<string> Warnings { get; } = [];
        public void Verbose(string message) { }
        public void Warning(string message) => Warnings.Add(message);
        public void Progress(string activity, string status, int percentComplete) { }
    }
}
