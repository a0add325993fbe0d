using GitOpsVela.Engine.Semantics;
using Xunit;

namespace GitOpsVela.Engine.Tests.Images;

public sealed class GoTemplateTests
{
    private static readonly Dictionary<string, object?> Data = new()
    {
        ["Updated"] = new Dictionary<string, object?>
        {
            ["Images"] = new List<object?> { "ghcr.io/org/app:2", "ghcr.io/org/worker:5" },
            ["Files"] = new List<object?> { "apps/my-app.yaml" },
            ["Objects"] = new List<object?>(),
        },
        ["Changed"] = new Dictionary<string, object?>
        {
            ["Changes"] = new List<object?> { new Dictionary<string, object?> { ["OldValue"] = "1", ["NewValue"] = "2" } },
        },
    };

    [Theory]
    [InlineData("Image: {{range .Updated.Images}}{{println .}}{{end}}", "Image: ghcr.io/org/app:2\nghcr.io/org/worker:5\n")]
    [InlineData("{{ len .Updated.Images }} images in {{ range .Updated.Files }}{{ . }}{{ end }}", "2 images in apps/my-app.yaml")]
    [InlineData("{{ if .Updated.Objects }}objects{{ else }}no objects{{ end }}", "no objects")]
    [InlineData("Changes:\n{{- range .Changed.Changes }}\n{{ printf \"%s -> %s\" .OldValue .NewValue }}{{ end }}", "Changes:\n1 -> 2")]
    [InlineData("{{ range .Updated.Images -}}\n  - {{ . }}\n{{ end }}", "- ghcr.io/org/app:2\n- ghcr.io/org/worker:5\n")]
    [InlineData("{{ .Updated.Files | println }}", "[apps/my-app.yaml]\n")]
    public void Commit_message_templates_render_like_Go_text_template(string template, string expected) =>
        Assert.Equal(expected, GoTemplate.Render(template, Data));

    [Fact]
    public void An_unknown_function_or_unclosed_block_is_a_clear_error()
    {
        Assert.Contains("'upper' is not supported", Assert.Throws<FormatException>(() => GoTemplate.Render("{{ upper .Updated.Files }}", Data)).Message);
        Assert.Contains("has no {{end}}", Assert.Throws<FormatException>(() => GoTemplate.Render("{{ range .Updated.Files }}x", Data)).Message);
    }
}
