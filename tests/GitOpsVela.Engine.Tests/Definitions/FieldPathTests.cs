using System.Text.Json.Nodes;
using GitOpsVela.Engine.Semantics;
using Xunit;

namespace GitOpsVela.Engine.Tests.Definitions;

/// <summary>crossplane-runtime field paths, as kube schematic parameters use them.</summary>
public sealed class FieldPathTests
{
    [Theory]
    [InlineData("metadata.name", "metadata|name")]
    [InlineData("spec.containers[0].name", "spec|containers|[0]|name")]
    [InlineData("data[.config.yml]", "data|.config.yml")]
    [InlineData("metadata.annotations['crossplane.io/external-name']", "metadata|annotations|crossplane.io/external-name")]
    [InlineData("spec.items[0][8]", "spec|items|[0]|[8]")]
    [InlineData("[42]", "[42]")]
    [InlineData("a[4294967296]", "a|4294967296")]
    public void Valid_paths_split_into_fields_and_indexes(string path, string segments) =>
        Assert.Equal(segments, string.Join("|", FieldPath.Parse(path).Segments));

    [Theory]
    [InlineData(".metadata.name", "unexpected '.' at position 0")]
    [InlineData("metadata..name", "unexpected '.' at position 9")]
    [InlineData("metadata.name.", "unexpected '.' at position 13")]
    [InlineData("spec.containers[]", "unexpected ']' at position 16")]
    [InlineData("spec.containers.[0].name", "unexpected '[' at position 16")]
    [InlineData("spec[0", "unterminated '['")]
    public void Invalid_paths_say_where(string path, string message) =>
        Assert.Contains(message, Assert.Throws<FieldPathException>(() => FieldPath.Parse(path)).Message);

    [Fact]
    public void Setting_creates_objects_and_grows_arrays_on_the_way_and_refuses_to_go_through_a_scalar()
    {
        var obj = JsonNode.Parse("""{"spec":{"containers":[{"name":"a"}]},"kind":"X"}""")!.AsObject();
        FieldPath.Parse("spec.containers[0].image").Set(obj, "nginx");
        FieldPath.Parse("spec.containers[2].name").Set(obj, "c");
        FieldPath.Parse("metadata.labels[app.kubernetes.io/name]").Set(obj, "web");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"spec":{"containers":[{"name":"a","image":"nginx"},null,{"name":"c"}]},"kind":"X","metadata":{"labels":{"app.kubernetes.io/name":"web"}}}
            """), obj), obj.ToJsonString());
        var ex = Assert.Throws<FieldPathException>(() => FieldPath.Parse("kind.name").Set(obj, "x"));
        Assert.Contains("'kind' is not an object", ex.Message);
    }
}
