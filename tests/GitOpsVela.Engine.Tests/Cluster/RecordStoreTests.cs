using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Planning;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

public sealed class RecordStoreTests : IAsyncLifetime
{
    private readonly ClusterTarget _cluster = new();

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
}
