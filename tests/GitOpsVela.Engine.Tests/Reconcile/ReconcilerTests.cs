using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering.Kustomize;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Tests.Delivery;
using GitOpsVela.Engine.Tests.Rendering;
using GitOpsVela.Engine.Yaml;
using Xunit;

namespace GitOpsVela.Engine.Tests.Reconcile;

/// <summary>
/// The reconcile pass's own logic (nesting, parents, source failures keep what runs, changed sources start revisions)
/// with a folder standing in for the synced checkout. The git and kustomize stages are tested against real parts in
/// their own suites.
/// </summary>
public sealed class ReconcilerTests : IDisposable
{
    private readonly string _repo = Directory.CreateTempSubdirectory("gitopsvela-reconcile-").FullName;
    private readonly InMemoryCluster _cluster = new();
    private readonly FolderSource _source;

    public ReconcilerTests()
    {
        _source = new FolderSource(_repo);
        Write("apps/shop.yaml", """
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: shop, namespace: default}
            spec:
              components:
                - {name: web, type: box, properties: {image: "nginx:1"}}
            """);
        Write("apps/settings.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            data: {mode: blue}
            """);
        _cluster.Ready.Add("kind-local/Deployment/default/web");
    }

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_repo, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private static Application Root() => ApplicationLoader.LoadText("""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata: {name: apps}
        spec:
          components:
            - name: apps
              type: kustomize
              properties:
                repoType: git
                url: https://git.example.com/config
                git: {branch: main}
                path: ./apps
        """, "clusters/apps.yaml").Applications.Single();

    private Task<IReadOnlyList<ReconcileItem>> Pass()
    {
        var registry = TestRegistry.Create().Add(new Engine.Rendering.FluxComponents.KustomizeComponent());
        var delivery = new ApplicationDelivery(_cluster, _cluster, registry: registry);
        return new Reconciler(delivery, _source, new YamlFolderBuilder()).RunAsync([Root()], new ReconcileOptions { Wait = true, PollInterval = TimeSpan.Zero }, CancellationToken.None);
    }

    [Fact]
    public async Task Applications_found_in_a_synced_path_are_delivered_with_their_parent()
    {
        var items = await Pass();

        Assert.Equal(["apps", "shop"], items.Select(i => i.Application.Name));
        Assert.All(items, i => Assert.True(i.Succeeded, string.Join("\n", i.Problems.Concat(i.Delivery?.Problems ?? []))));
        var shop = items[1];
        Assert.Equal("apps", shop.Parent);
        Assert.Equal("apps", shop.Delivery!.Record!.Parent);
        Assert.StartsWith("https://git.example.com/config@rev1:apps/shop.yaml", shop.Delivery.Record.Source);
        Assert.Contains("kind-local/ConfigMap/default/settings", _cluster.Objects.Keys);
        Assert.Equal("apps", (string?)_cluster.Objects["kind-local/ConfigMap/default/settings"]["metadata"]!["labels"]!["app.oam.dev/name"]);
        Assert.DoesNotContain(_cluster.Objects.Keys, k => k.Contains("/Application/"));
    }

    [Fact]
    public async Task A_changed_file_in_the_source_starts_a_new_revision_and_a_removed_file_is_pruned()
    {
        await Pass();
        File.Delete(Path.Combine(_repo, "apps/settings.yaml"));
        _source.Revision = "rev2";

        var items = await Pass();

        Assert.Equal(2, items[0].Delivery!.Record!.Revision);
        Assert.Contains(items[0].Delivery!.Pruned, e => e.Kind == "ConfigMap" && e.Name == "settings");
        Assert.DoesNotContain("kind-local/ConfigMap/default/settings", _cluster.Objects.Keys);
    }

    [Fact]
    public async Task A_source_that_cannot_sync_leaves_what_runs_in_place_and_says_why()
    {
        await Pass();
        _source.Failure = new VelaProblem("Source.Unreachable", ProblemCategory.ConnectionError, "cannot reach https://git.example.com/config", SourceLocation.None);

        var items = await Pass();

        var root = Assert.Single(items);
        Assert.Null(root.Delivery);
        Assert.Contains(root.Problems, p => p.Id == "Source.Unreachable" && p.Application == "apps" && p.Component == "apps");
        Assert.Contains("kind-local/ConfigMap/default/settings", _cluster.Objects.Keys);
        Assert.Contains("kind-local/Deployment/default/web", _cluster.Objects.Keys);
    }

    [Fact]
    public async Task Definitions_found_in_a_synced_path_define_types_for_the_applications_it_brings_and_are_not_applied()
    {
        Write("apps/definitions/settings.yaml", """
            apiVersion: core.oam.dev/v1beta1
            kind: ComponentDefinition
            metadata: {name: team-settings}
            spec:
              schematic:
                kube:
                  template:
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: team-settings}
                    data: {mode: standard}
                  parameters:
                    - {name: mode, type: string, fieldPaths: [data.mode]}
            """);
        Write("apps/team.yaml", """
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: team, namespace: default}
            spec:
              components:
                - {name: settings, type: team-settings, properties: {mode: strict}}
            """);

        var items = await Pass();

        var team = items.Single(i => i.Application.Name == "team");
        Assert.True(team.Succeeded, string.Join("\n", team.Problems.Concat(team.Delivery?.Problems ?? [])));
        Assert.Equal("strict", (string?)_cluster.Objects["kind-local/ConfigMap/default/team-settings"]["data"]!["mode"]);
        Assert.DoesNotContain(_cluster.Objects.Keys, k => k.Contains("/ComponentDefinition/"));
        Assert.True(items.Single(i => i.Application.Name == "apps").Succeeded);
    }

    private sealed class FolderSource(string root) : ISourceProvider
    {
        public string Revision { get; set; } = "rev1";
        public VelaProblem? Failure { get; set; }

        public Task<SyncedSource> SyncAsync(SourceRequest request, CancellationToken cancellationToken) =>
            Failure is { } f ? throw new VelaProblemException(f) : Task.FromResult(new SyncedSource(request.Url, Revision, root, null));
    }

    /// <summary>Every YAML document of every file under the path (a plain folder, as Flux generates a kustomization for).</summary>
    private sealed class YamlFolderBuilder : IManifestBuilder
    {
        public IReadOnlyList<BuiltObject> Build(string root, string path) =>
            Directory.EnumerateFiles(Path.Combine(root, path), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .SelectMany(f => YamlReader.Read(File.ReadAllText(f), f).Select(d => new BuiltObject((JsonObject)YamlJson.ToJson(d.Root)!, f)))
                .ToList();
    }
}
