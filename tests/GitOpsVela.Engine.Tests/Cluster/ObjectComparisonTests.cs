using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Planning;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

public sealed class ObjectComparisonTests
{
    [Fact]
    public void Server_defaults_and_other_fields_are_not_differences_but_a_changed_value_is()
    {
        var desired = Manifests.Parse("""{"spec":{"ports":[{"port":80}],"replicas":2}}""");
        Assert.True(ObjectComparison.IsSubset(desired, Manifests.Parse("""{"spec":{"ports":[{"port":80,"protocol":"TCP"}],"replicas":2,"clusterIP":"10.96.0.5"}}""")));
        Assert.False(ObjectComparison.IsSubset(desired, Manifests.Parse("""{"spec":{"ports":[{"port":80}],"replicas":3}}""")));
        Assert.False(ObjectComparison.IsSubset(desired, Manifests.Parse("""{"spec":{"ports":[{"port":80},{"port":81}],"replicas":2}}""")));
    }

    [Fact]
    public void Empty_maps_and_lists_the_server_drops_are_not_differences_but_missing_content_is()
    {
        Assert.True(ObjectComparison.IsSubset(JsonNode.Parse("""{"data":{},"metadata":{"labels":{}},"spec":{"ports":[]}}"""), JsonNode.Parse("""{"metadata":{},"spec":{}}""")));
        Assert.True(ObjectComparison.IsSubset(JsonNode.Parse("""{"data":{}}"""), JsonNode.Parse("""{"data":null}""")));
        Assert.False(ObjectComparison.IsSubset(JsonNode.Parse("""{"data":{"a":"1"}}"""), JsonNode.Parse("""{}""")));
        Assert.False(ObjectComparison.IsSubset(JsonNode.Parse("""{"spec":{"ports":[{"port":80}]}}"""), JsonNode.Parse("""{"spec":{}}""")));
    }

    [Fact]
    public void Quantities_compare_by_value_as_the_API_server_canonicalises_them()
    {
        Assert.True(ObjectComparison.IsSubset(JsonNode.Parse("""{"cpu":"0.5","memory":"1024Mi","n":1}"""), JsonNode.Parse("""{"cpu":"500m","memory":"1Gi","n":"1"}""")));
        Assert.False(ObjectComparison.IsSubset(JsonNode.Parse("""{"cpu":"0.5"}"""), JsonNode.Parse("""{"cpu":"250m"}""")));
        Assert.False(ObjectComparison.IsSubset(JsonNode.Parse("""{"image":"nginx:1"}"""), JsonNode.Parse("""{"image":"nginx:2"}""")));
    }

    [Fact]
    public void The_applied_hash_changes_when_a_field_is_removed_and_ignores_key_order()
    {
        var a = Manifests.Parse("""{"kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","b":"2"}}""");
        var reordered = Manifests.Parse("""{"data":{"b":"2","a":"1"},"metadata":{"name":"c"},"kind":"ConfigMap"}""");
        var removed = Manifests.Parse("""{"kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}""");
        Assert.Equal(ObjectComparison.ManifestHash(a), ObjectComparison.ManifestHash(reordered));
        Assert.NotEqual(ObjectComparison.ManifestHash(a), ObjectComparison.ManifestHash(removed));
        // The live object still has b (and a's hash): the removal is still a change to apply.
        var live = ObjectComparison.WithHash(a);
        Assert.False(ObjectComparison.IsUnchanged(ObjectComparison.WithHash(removed), live));
        Assert.True(ObjectComparison.IsUnchanged(ObjectComparison.WithHash(reordered), live));
    }

    [Fact]
    public void A_diff_lists_changed_added_and_removed_fields_without_server_bookkeeping()
    {
        var before = Manifests.Parse("""{"metadata":{"name":"c","resourceVersion":"5","annotations":{"gitopsvela.io/applied-hash":"x"}},"data":{"a":"1","b":"2"},"status":{"x":1}}""");
        var after = Manifests.Parse("""{"metadata":{"name":"c","resourceVersion":"9","annotations":{"gitopsvela.io/applied-hash":"y"}},"data":{"a":"3","c":"4"}}""");
        Assert.Equal(
            [new FieldChange("data.a", "\"1\"", "\"3\""), new FieldChange("data.b", "\"2\"", null), new FieldChange("data.c", null, "\"4\"")],
            ObjectComparison.Diff(before, after));
    }
}
