using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Yaml;
using Xunit;

namespace GitOpsVela.Engine.Tests.Yaml;

public sealed class YamlReaderTests
{
    [Fact]
    public void Every_node_remembers_file_line_and_column()
    {
        var docs = YamlReader.Read("a: 1\nb:\n  - x\n  - {c: d}\n---\ne: f\n", "f.yaml");
        Assert.Equal(2, docs.Count);
        var root = Assert.IsType<YamlMapping>(docs[0].Root);
        Assert.Equal(new SourceLocation("f.yaml", 1, 4), root["a"]!.Location);
        var list = Assert.IsType<YamlSequence>(root["b"]);
        Assert.Equal(new SourceLocation("f.yaml", 3, 5), list[0].Location);
        Assert.Equal(4, Assert.IsType<YamlMapping>(list[1]).KeyLocation("c").Line);
        Assert.Equal(6, ((YamlMapping)docs[1].Root!).KeyLocation("e").Line);
    }

    [Theory]
    [InlineData("yes", "Bool")]
    [InlineData("on", "Bool")]
    [InlineData("'yes'", "String")]
    [InlineData("8088", "Int")]
    [InlineData("0x1F", "Int")]
    [InlineData("1.5", "Float")]
    [InlineData("~", "Null")]
    [InlineData("1.2.3", "String")]
    [InlineData("\"8088\"", "String")]
    public void Plain_scalars_resolve_like_kubectl(string text, string kind)
    {
        var root = (YamlMapping)YamlReader.Read("v: " + text, "f")[0].Root!;
        Assert.Equal(Enum.Parse<ScalarKind>(kind), Assert.IsType<YamlScalar>(root["v"]).Kind);
    }

    [Fact]
    public void Duplicate_keys_are_refused_naming_both_places()
    {
        var ex = Assert.Throws<VelaProblemException>(() => YamlReader.Read("a: 1\nb: 2\na: 3\n", "dup.yaml"));
        Assert.Equal("Load.YamlDuplicateKey", ex.Problem.Id);
        Assert.Equal(new SourceLocation("dup.yaml", 3, 1), ex.Problem.Location);
        Assert.Contains("line 1", ex.Problem.Message);
    }

    [Fact]
    public void Tabs_in_indentation_are_a_syntax_error_with_a_location()
    {
        var ex = Assert.Throws<VelaProblemException>(() => YamlReader.Read("a:\n\tb: 1\n", "tab.yaml"));
        Assert.Equal("Load.YamlSyntax", ex.Problem.Id);
        Assert.Equal("tab.yaml", ex.Problem.Location.File);
        Assert.Equal(2, ex.Problem.Location.Line);
        Assert.DoesNotContain("   at ", ex.Problem.Message);
    }

    [Theory]
    [InlineData("a: [1, 2\nb: 3\n")]
    [InlineData("a:\n  b: 1\n c: 2\n")]
    [InlineData("a: 'unterminated\n")]
    [InlineData("- a\nb: c\n")]
    public void Malformed_yaml_is_a_located_problem_never_a_crash(string text)
    {
        var ex = Assert.Throws<VelaProblemException>(() => YamlReader.Read(text, "bad.yaml"));
        Assert.Equal("Load.YamlSyntax", ex.Problem.Id);
        Assert.True(ex.Problem.Location.Line >= 1);
    }

    [Fact]
    public void An_alias_bomb_is_refused_before_it_expands()
    {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        var prev = 'a';
        for (var c = 'b'; c <= 'j'; c++)
        {
            bomb += $"{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n";
            prev = c;
        }
        var ex = Assert.Throws<VelaProblemException>(() => YamlReader.Read(bomb, "bomb.yaml"));
        Assert.Equal("Load.YamlAliasBomb", ex.Problem.Id);
    }

    [Fact]
    public void Merge_keys_fill_in_what_the_mapping_does_not_set()
    {
        var root = (YamlMapping)YamlReader.Read("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n", "m")[0].Root!;
        var m = Assert.IsType<YamlMapping>(root["m"]);
        Assert.Equal("1", m.GetString("x"));
        Assert.Equal("3", m.GetString("y"));
    }

    [Fact]
    public void Writer_quotes_strings_that_would_read_back_as_other_types()
    {
        var obj = System.Text.Json.Nodes.JsonNode.Parse("""{"a":"yes","b":"8088","c":"plain","d":8088,"e":"x: y","f":"line1\nline2\n","g":[{"h":true}]}""");
        var yaml = YamlWriter.Write(obj);
        Assert.Equal("a: 'yes'\nb: '8088'\nc: plain\nd: 8088\ne: 'x: y'\nf: |\n  line1\n  line2\ng:\n- h: true\n", yaml);
        var back = YamlJson.ToJson(YamlReader.Read(yaml, "w")[0].Root);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(obj, back));
    }
}
