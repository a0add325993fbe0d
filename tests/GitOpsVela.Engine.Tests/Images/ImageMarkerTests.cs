using GitOpsVela.Engine.Images;
using GitOpsVela.Engine.Semantics;
using Xunit;

namespace GitOpsVela.Engine.Tests.Images;

/// <summary>Byte-exact marker edits (golden files under testdata/images/markers: &lt;case&gt;.yaml edited must equal &lt;case&gt;.expected.yaml byte for byte).</summary>
public sealed class ImageMarkerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gitopsvela-markers-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "testdata", "images", "markers", name);

    [Theory]
    [InlineData("tricky")]
    [InlineData("crlf-bom")]
    public void Only_the_marked_values_change_and_every_other_byte_stays(string name)
    {
        var file = Path.Combine(_dir, name + ".yaml");
        File.Copy(Golden(name + ".yaml"), file);
        var text = File.ReadAllText(file);
        var (markers, problems) = ImageMarkers.Scan(file, text);
        Assert.Empty(problems);
        var chosen = ImageReference.Parse("ghcr.io/org/app:2");
        var edits = markers.Where(m => m.Policy == "default:apps")
            .Select(m => new ImageEdit(file, m.Line, m.Policy, m.Value, ImageMarkers.NewValue(m, chosen))).ToList();
        Assert.DoesNotContain(markers, m => m.Policy == "default:other" && m.Value != "docker.io/library/nginx:1.25");

        ImageUpdater.Apply(edits);

        Assert.Equal(File.ReadAllBytes(Golden(name + ".expected.yaml")), File.ReadAllBytes(file));
    }

    [Fact]
    public void The_split_name_and_tag_markers_set_only_their_part()
    {
        var (markers, _) = ImageMarkers.Scan("f.yaml", File.ReadAllText(Golden("tricky.yaml")));
        var name = markers.Single(m => m.Field == MarkerField.Name);
        var tag = markers.Single(m => m.Field == MarkerField.Tag);
        var chosen = ImageReference.Parse("ghcr.io/org/app:2");
        Assert.Equal(("ghcr.io/org/app", "ghcr.io/org/app"), (name.Value, ImageMarkers.NewValue(name, chosen)));
        Assert.Equal(("1", "2", '"'), (tag.Value, ImageMarkers.NewValue(tag, chosen), tag.Quote));
        Assert.Equal(22, tag.Line);
    }

    [Fact]
    public void A_marker_inside_a_block_scalar_or_on_a_non_scalar_is_reported_with_its_line()
    {
        var (markers, problems) = ImageMarkers.Scan("unusable.yaml", File.ReadAllText(Golden("unusable.yaml")));
        Assert.Empty(markers);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Location.Line == 6 && p.Message.Contains("inside a block scalar"));
        Assert.Contains(problems, p => p.Location.Line == 7 && p.Message.Contains("not on a line with a scalar value"));
        Assert.All(problems, p => Assert.Equal("unusable.yaml", p.Location.File));
    }
}
