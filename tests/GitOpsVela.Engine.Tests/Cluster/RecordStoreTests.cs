using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Planning;
using Xunit;
using Xunit.Abstractions;

namespace GitOpsVela.Engine.Tests.Cluster;

public sealed class RecordStoreTests(ITestOutputHelper log) : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

    private static readonly ApiResource ConfigMaps = new("", "v1", "ConfigMap", "configmaps", true);

    private static string Gunzip(string base64)
    {
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(base64)), CompressionMode.Decompress);
        return new StreamReader(gzip, Encoding.UTF8).ReadToEnd();
    }

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    private static ApplicationRecord Record(string ns, string name, int revision) => new()
    {
        Name = name,
        Namespace = ns,
        Revision = revision,
        SpecHash = "abc" + revision,
        Phase = ApplicationPhase.Running,
        Healthy = true,
        CreatedTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        UpdatedTime = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Inventory = [new InventoryEntry("local", "apps/v1", "Deployment", ns, "web", "web")],
    };

    [Fact]
    public async Task A_record_round_trips_through_one_ConfigMap_named_after_the_application()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var store = new RecordStore(client);
        Assert.Null(await store.ReadAsync(ns, "my-app", default));
        var written = await store.WriteAsync(Record(ns, "my-app", 1), null, default);
        var read = await store.ReadAsync(ns, "my-app", default);
        Assert.NotNull(read);
        Assert.Equal(written.ResourceVersion, read!.ResourceVersion);
        Assert.Equal("my-app-v1", read.Record.RevisionName);
        Assert.Equal("prod", new InventoryEntry("prod", "v1", "ConfigMap", ns, "x", "x").Cluster);
        Assert.Equal($"local/apps/Deployment/{ns}/web", Assert.Single(read.Record.Inventory).Key);
        var cm = await client.GetAsync((await client.ResolveAsync("v1", "ConfigMap", default))!, ns, "gitopsvela.my-app", default);
        Assert.Equal("true", cm!["metadata"]!["labels"]![RecordStore.RecordLabel]!.GetValue<string>());
        Assert.Equal("my-app", cm["metadata"]!["labels"]!["app.oam.dev/name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_write_from_a_stale_read_is_refused_as_VelaRecordChanged()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var store = new RecordStore(client);
        var first = await store.WriteAsync(Record(ns, "my-app", 1), null, default);
        await store.WriteAsync(Record(ns, "my-app", 2), first.ResourceVersion, default);
        var e = await Assert.ThrowsAsync<VelaProblemException>(() => store.WriteAsync(Record(ns, "my-app", 3), first.ResourceVersion, default));
        Assert.Equal("Record.Changed", e.Problem.Id);
        Assert.True(e.Problem.Transient); // read it again and write again
        Assert.Equal(2, (await store.ReadAsync(ns, "my-app", default))!.Record.Revision);
    }

    [Fact]
    public async Task An_unchanged_record_is_not_written_again()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var store = new RecordStore(client);
        var stored = await store.WriteAsync(Record(ns, "my-app", 1), null, default);
        var before = client.CountWrites();
        var again = await store.WriteAsync(Record(ns, "my-app", 1), stored.ResourceVersion, default, current: stored);
        Assert.Equal(before, client.CountWrites());
        Assert.Equal(stored.ResourceVersion, again.ResourceVersion);
    }

    [Fact]
    public async Task Records_are_listed_per_namespace_and_across_namespaces()
    {
        var a = await _cluster.CreateNamespaceAsync();
        var b = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var store = new RecordStore(client);
        await store.WriteAsync(Record(a, "one", 1), null, default);
        await store.WriteAsync(Record(b, "two", 1), null, default);
        Assert.Equal(["one"], (await store.ListAsync(a, default)).Select(r => r.Record.Name));
        var all = (await store.ListAsync(null, default)).Select(r => r.Record.Name).ToList();
        Assert.Contains("one", all);
        Assert.Contains("two", all);
        Assert.True(await store.DeleteAsync(a, "one", default));
        Assert.Empty(await store.ListAsync(a, default));
    }

    [Fact]
    public async Task The_record_is_gzip_compressed_JSON_in_binaryData_that_gunzip_reads()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var record = Record(ns, "my-app", 1);
        await new RecordStore(client).WriteAsync(record, null, default);
        var cm = (await client.GetAsync(ConfigMaps, ns, "gitopsvela.my-app", default))!;
        Assert.Null(cm["data"]);
        var json = Gunzip(cm["binaryData"]![RecordStore.CompressedKey]!.GetValue<string>());
        Assert.Equal(record.ToJson(), json);
        Assert.Equal("my-app", (string?)JsonNode.Parse(json)!["name"]);
    }

    [Fact]
    public async Task A_record_of_the_first_plain_JSON_format_is_read_and_rewritten_compressed_under_its_resourceVersion()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var old = Record(ns, "my-app", 4);
        var plain = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = "gitopsvela.my-app",
                ["namespace"] = ns,
                ["labels"] = new JsonObject { [RecordStore.RecordLabel] = "true", ["app.oam.dev/name"] = "my-app" },
            },
            ["data"] = new JsonObject { [RecordStore.DataKey] = old.ToJson() },
        };
        await client.CreateAsync(ConfigMaps, plain, default);
        var store = new RecordStore(client);

        var read = (await store.ReadAsync(ns, "my-app", default))!;
        Assert.Equal(4, read.Record.Revision);
        Assert.Equal("my-app", Assert.Single(await store.ListAsync(ns, default)).Record.Name);
        var before = client.CountWrites();
        Assert.Same(read, await store.WriteAsync(read.Record, read.ResourceVersion, default, read));
        Assert.Equal(before, client.CountWrites());

        read.Record.Revision = 5;
        var written = await store.WriteAsync(read.Record, read.ResourceVersion, default, read);
        var cm = (await client.GetAsync(ConfigMaps, ns, "gitopsvela.my-app", default))!;
        Assert.Null(cm["data"]);
        Assert.Equal(5, (int)JsonNode.Parse(Gunzip(cm["binaryData"]![RecordStore.CompressedKey]!.GetValue<string>()))!["revision"]!);
        var e = await Assert.ThrowsAsync<VelaProblemException>(() => store.WriteAsync(read.Record, read.ResourceVersion, default));
        Assert.Equal("Record.Changed", e.Problem.Id);
        Assert.Equal(written.ResourceVersion, (await store.ReadAsync(ns, "my-app", default))!.ResourceVersion);
    }

    [Fact]
    public async Task A_record_that_is_not_gzip_is_a_clear_problem()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using var client = _cluster.Connect();
        var broken = Manifests.Parse($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"gitopsvela.my-app","namespace":"{{{ns}}}"},"binaryData":{"record.json.gz":"bm90IGd6aXA="}}""");
        await client.CreateAsync(ConfigMaps, broken, default);
        var e = await Assert.ThrowsAsync<VelaProblemException>(() => new RecordStore(client).ReadAsync(ns, "my-app", default));
        Assert.Equal("Record.Invalid", e.Problem.Id);
        Assert.Contains("gitopsvela.my-app", e.Problem.Message);
    }

    /// <summary>Issue 13: a 1,000-component application wrote a 534 KB record (the ConfigMap limit is 1 MiB).</summary>
    [Fact]
    public async Task A_thousand_component_application_keeps_its_record_far_below_the_ConfigMap_limit()
    {
        const int components = 1000;
        var ns = await _cluster.CreateNamespaceAsync();
        var yaml = new StringBuilder($"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: big\n  namespace: {ns}\nspec:\n  components:\n");
        // Scaled to zero: a real cluster's controllers then make no 1,000 pods; the record is the same size either way.
        for (var i = 0; i < components; i++)
            yaml.Append($"    - name: service-{i:D4}\n      type: webservice\n      properties:\n        image: registry.example.com/team/service-{i:D4}:1.{i}.0\n        ports:\n          - port: 8080\n            expose: true\n");
        var app = ApplicationLoader.LoadText(yaml.ToString(), "big.yaml").Applications.Single();

        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance, TimeSpan.FromMinutes(2));
        var result = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(app, new DeliveryOptions(), default);
        Assert.Empty(result.Problems);
        Assert.Equal(components, result.Record!.Components.Count);
        Assert.Equal(2 * components, result.Record.Inventory.Count); // a Deployment and a Service each

        using var client = _cluster.Connect();
        var cm = (await client.GetAsync(ConfigMaps, ns, "gitopsvela.big", default))!;
        var stored = Encoding.UTF8.GetByteCount(cm.ToJsonString());
        var json = Encoding.UTF8.GetByteCount(result.Record.ToJson());
        log.WriteLine($"record of {components} components: {json:N0} bytes of JSON, stored in a ConfigMap of {stored:N0} bytes");
        Assert.True(stored < 128 * 1024, $"the record ConfigMap is {stored:N0} bytes");
        Assert.True(json > 4 * stored, $"{json:N0} bytes of JSON compress only to {stored:N0}");
        var read = (await new RecordStore(client).ReadAsync(ns, "big", default))!;
        Assert.Equal(result.Record.ToJson(), read.Record.ToJson());
    }
}
