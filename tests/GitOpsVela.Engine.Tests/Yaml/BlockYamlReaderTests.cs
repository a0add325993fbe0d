using System.Text;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Yaml;
using Xunit;

namespace GitOpsVela.Engine.Tests.Yaml;

/// <summary>
/// The block reader must build exactly what the general reader (YamlDotNet) builds — values, kinds, quoting, the line and
/// column of every node and key, document locations — or say no. Checked on every YAML file of the repository, on
/// hand-written forms of each construct it takes, and on thousands of mutated files (bad input included).
/// </summary>
public sealed class BlockYamlReaderTests
{
    private static string RepoRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "GitOpsVela.sln"))) root = Path.GetDirectoryName(root)!;
        return root;
    }

    private static List<string> CorpusFiles()
    {
        var root = RepoRoot();
        return new[] { "tests", "examples", "docs" }
            .Select(d => Path.Combine(root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    [Fact]
    public void Every_yaml_file_of_the_repository_reads_the_same_both_ways_and_most_take_the_block_path()
    {
        var files = CorpusFiles();
        Assert.True(files.Count > 200, $"only {files.Count} YAML files found");
        var taken = 0;
        var refused = new List<string>();
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            if (Compare(text, file)) taken++;
            else refused.Add(Path.GetRelativePath(RepoRoot(), file));
        }
        // Files with anchors, folded scalars or bad YAML on purpose go the general way; the ordinary ones must not.
        Assert.True(taken >= files.Count * 8 / 10, $"the block path took {taken} of {files.Count}; refused: {string.Join(", ", refused.Take(40))}");
    }

    [Theory]
    [InlineData("a: 1\nb:\n  - x\n  - {c: d}\n---\ne: f\n")]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x   # trailing comment\n  labels: {}\ndata: {a: '1', b: \"2\"}\n")]
    [InlineData("key:\nnext: 1\nempty:\n")]
    [InlineData("list:\n- a\n- b\n-\n- c: d\n  e: f\nafter: 1\n")]
    [InlineData("- name: a\n  items:\n  - 1\n  - 2\n  other: 3\n- name: b\n")]
    [InlineData("-   name: wide\n    image: x\n-\n  name: below\n")]
    [InlineData("outer:\n  inner:\n    deeper:\n      - [1, 2, three]\n      - []\n")]
    [InlineData("# only a comment\n\n   # another\n")]
    [InlineData("")]
    [InlineData("---\n")]
    [InlineData("---\n---\na: 1\n--- # c\nb: 2\n")]
    [InlineData("plain\n")]
    [InlineData("'quoted root'\n")]
    [InlineData("a: 'it''s'\nb: \"say \\\"hi\\\"\\n\\tthere\\\\\"\nc: ''\nd: \"\"\n")]
    [InlineData("\"quoted key\": 1\n'single': 2\n\"80\": x\n8080: y\ntrue: z\n")]
    [InlineData("v: yes\nw: on\nx: 0x1F\ny: 1.5\nz: ~\nn: null\nf: 1e3\no: 0o17\ns: 1.2.3\nt: -1\nu: -x\n")]
    [InlineData("url: http://example.com:8080/path#frag\nhash: a#b\ncolon: a:b\nbrackets: foo[1]{2}\n")]
    [InlineData("script: |\n  line one\n    indented\n\n  after blank\nnext: 1\n")]
    [InlineData("strip: |-\n  a\n  b\n\n\nkeep: |+\n  a\n\n\nclip: |\n  a\n\n")]
    [InlineData("lit: | # comment\n  # not a comment\n  x\n")]
    [InlineData("- |\n  in a list\n- b\n")]
    [InlineData("a: 1\r\nb:\r\n  - x\r\n  - 'y'\r\nc: |\r\n  l1\r\n  l2\r\n")]
    [InlineData("args: [--port, \"8080\", -v]\nenv: {A: \"1\", B: two}\n")]
    [InlineData("rules: [{verbs: [get, list], resources: [pods]}, {}]\nempty: {a: {}, b: []}\nurl: {image: \"nginx:1\"}\n")]
    [InlineData("  indented: root\n  second: 2\n")]
    [InlineData("a:\n  b: 1\n\n\n  c: 2\n# end\n")]
    [InlineData("x: --- \ny: ---\n")]
    [InlineData("http:\n  /: 8080\n  /api: 9090\n")]
    [InlineData("café: crème brûlée\nlist: [été, \"naïve\", x]\nlit: |\n  ünïcödé\n")]
    [InlineData("a: b\n---\n# comment only\n---\nc: d\n")]
    public void Each_construct_reads_as_the_general_reader_reads_it(string text)
    {
        Assert.True(Compare(text, "case.yaml"), "the block reader said no to a form it is meant to read");
    }

    [Theory]
    [InlineData("a: &x 1\nb: *x\n")]
    [InlineData("a: !!str 1\n")]
    [InlineData("a: >\n  folded\n")]
    [InlineData("a: b\n  continued\n")]
    [InlineData("a: 'two\n  lines'\n")]
    [InlineData("a: [1,\n  2]\n")]
    [InlineData("? a\n: b\n")]
    [InlineData("%YAML 1.2\n---\na: 1\n")]
    [InlineData("a: 1\n...\n")]
    [InlineData("a:\n\tb: 1\n")]
    [InlineData("a: 1\na: 2\n")]
    [InlineData("<<: {a: 1}\n")]
    [InlineData("a: b: c\n")]
    [InlineData("a:\n  b: 1\n c: 2\n")]
    [InlineData("- a\nb: c\n")]
    [InlineData("a: \"\\u00e9\"\n")]
    [InlineData("a: |2\n   x\n")]
    [InlineData("a: |\n  x")]
    [InlineData("a: [1, 2,]\n")]
    [InlineData("a: {b: c}d\n")]
    [InlineData("a: x\rb: y\n")]
    public void What_it_does_not_take_goes_to_the_general_reader(string text)
    {
        Assert.Null(BlockYamlReader.TryRead(text, "case.yaml"));
        // and the general reader gives its usual answer or its located error
        try
        {
            YamlReader.ReadGeneral(text, "case.yaml");
        }
        catch (VelaProblemException ex)
        {
            Assert.Equal("case.yaml", ex.Problem.Location.File);
        }
    }

    [Fact]
    public void Mutated_files_read_the_same_both_ways_or_go_to_the_general_reader()
    {
        // Small edits of real files — a character dropped, a space, colon, dash, quote, bar, hash or newline added,
        // a line indented or dedented — make valid variants and broken ones. Whenever the block reader answers, the
        // general reader must answer the same; whenever the general reader refuses, the block reader must have said no.
        var random = new Random(20261129);
        var files = CorpusFiles().Select(File.ReadAllText).Where(t => t.Length is > 0 and < 4000).ToList();
        var inserts = new[] { " ", ":", "- ", "'", "\"", "|", "#", "\n", "  ", ": ", "[", "{", "}", "]", ",", "|-", "x", "\r\n" };
        var answered = 0;
        for (var n = 0; n < 4000; n++)
        {
            var text = files[random.Next(files.Count)];
            var sb = new StringBuilder(text);
            for (var edits = random.Next(1, 3); edits > 0; edits--)
            {
                var at = random.Next(sb.Length + 1);
                switch (random.Next(4))
                {
                    case 0 when at < sb.Length: sb.Remove(at, 1); break;
                    case 1:
                        var lineStart = at == 0 ? 0 : sb.ToString().LastIndexOf('\n', at - 1) + 1;
                        if (random.Next(2) == 0) sb.Insert(lineStart, "  ");
                        else if (lineStart + 1 < sb.Length && sb[lineStart] == ' ' && sb[lineStart + 1] == ' ') sb.Remove(lineStart, 2);
                        break;
                    default: sb.Insert(at, inserts[random.Next(inserts.Length)]); break;
                }
            }
            if (Compare(sb.ToString(), "mutated.yaml")) answered++;
        }
        Assert.True(answered > 1000, $"the block reader answered only {answered} of 4000 mutated files");
    }

    /// <summary>True when the block reader answered (and then the answers are equal); false when it said no.</summary>
    private static bool Compare(string text, string file)
    {
        var block = BlockYamlReader.TryRead(text, file);
        IReadOnlyList<YamlDocument>? general = null;
        VelaProblemException? error = null;
        try
        {
            general = YamlReader.ReadGeneral(text, file);
        }
        catch (VelaProblemException ex)
        {
            error = ex;
        }
        if (block is null) return false;
        Assert.True(error is null, $"the block reader read what the general reader refuses ({error?.Problem.Message} at {error?.Problem.Location}):\n{text}");
        Assert.Equal(general!.Count, block.Count);
        for (var i = 0; i < block.Count; i++)
        {
            Assert.Equal(general[i].Index, block[i].Index);
            Assert.True(general[i].Location == block[i].Location, $"document {i} at {block[i].Location}, general {general[i].Location}:\n{text}");
            var difference = Difference(general[i].Root, block[i].Root, "$");
            Assert.True(difference is null, $"{difference}\n--- text ---\n{text}");
        }
        return true;
    }

    private static string? Difference(YamlNode? expected, YamlNode? actual, string path)
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: {(expected is null ? "null" : expected.KindName)} vs {(actual is null ? "null" : actual.KindName)}";
        if (expected.GetType() != actual.GetType()) return $"{path}: {expected.GetType().Name} vs {actual.GetType().Name}";
        if (expected.Location != actual.Location) return $"{path}: at {expected.Location} vs {actual.Location}";
        switch (expected)
        {
            case YamlScalar s:
                var a = (YamlScalar)actual;
                if (s.Value != a.Value) return $"{path}: '{s.Value}' vs '{a.Value}'";
                if (s.Kind != a.Kind || s.IsQuoted != a.IsQuoted) return $"{path}: {s.Kind}/{s.IsQuoted} vs {a.Kind}/{a.IsQuoted}";
                return null;
            case YamlSequence seq:
                var other = (YamlSequence)actual;
                if (seq.Count != other.Count) return $"{path}: {seq.Count} items vs {other.Count}";
                for (var i = 0; i < seq.Count; i++)
                    if (Difference(seq[i], other[i], $"{path}[{i}]") is { } d) return d;
                return null;
            default:
                var m = (YamlMapping)expected;
                var n = (YamlMapping)actual;
                if (m.Count != n.Count) return $"{path}: keys {string.Join(",", m.Keys)} vs {string.Join(",", n.Keys)}";
                for (var i = 0; i < m.Count; i++)
                {
                    var (ek, ev) = (m.Entries[i].Key, m.Entries[i].Value);
                    var (ak, av) = (n.Entries[i].Key, n.Entries[i].Value);
                    if (Difference(ek, ak, $"{path}.<key {i}>") is { } dk) return dk;
                    if (Difference(ev, av, $"{path}.{ek.Value}") is { } dv) return dv;
                }
                return null;
        }
    }
}
