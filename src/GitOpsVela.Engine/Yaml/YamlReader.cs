using GitOpsVela.Engine.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GitOpsVela.Engine.Yaml;

/// <summary>
/// Reads a YAML stream into <see cref="YamlNode"/> trees that remember where every node starts.
/// Refuses what a careful tool must refuse, with a <see cref="VelaProblemException"/> naming file:line:column:
/// syntax errors (tabs, bad indentation), duplicate keys, undefined aliases, and alias bombs
/// (documents whose expansion exceeds <see cref="MaxExpandedNodes"/> nodes). Merge keys (<c>&lt;&lt;</c>) are honoured as go-yaml does.
/// The block YAML most files are written in is read by <see cref="BlockYamlReader"/> straight from the text; whatever it
/// does not take (and every error) goes through YamlDotNet's parser here.
/// </summary>
internal static class YamlReader
{
    /// <summary>The most nodes one document may stand for once aliases are expanded.</summary>
    public const long MaxExpandedNodes = 1_000_000;

    /// <summary>The deepest nesting accepted.</summary>
    public const int MaxDepth = 256;

    public static IReadOnlyList<YamlDocument> ReadFile(string path) => Read(File.ReadAllText(path), path);

    public static IReadOnlyList<YamlDocument> Read(string text, string file) =>
        BlockYamlReader.TryRead(text, file) ?? ReadGeneral(text, file);

    /// <summary>The general path (YamlDotNet's parser): every YAML construct, and the precise error for bad input.</summary>
    internal static IReadOnlyList<YamlDocument> ReadGeneral(string text, string file)
    {
        var documents = new List<YamlDocument>();
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out var start))
            {
                var reader = new DocumentReader(parser, file);
                YamlNode? root = parser.Accept<DocumentEnd>(out _) ? null : reader.ReadNode(0);
                parser.Consume<DocumentEnd>();
                if (root is YamlScalar { Kind: ScalarKind.Null }) root = null;
                documents.Add(new YamlDocument(file, documents.Count, root, Loc(file, start.Start)));
            }
            parser.Consume<StreamEnd>();
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
            // YamlDotNet prefixes "(Line: 3, Col: 1, Idx: 20) - (Line: ..., ...): " — we print our own location.
            var dash = message.IndexOf("): ", StringComparison.Ordinal);
            if (message.StartsWith("(Line:", StringComparison.Ordinal) && dash > 0) message = message[(dash + 3)..];
            var at = Loc(file, ex.Start);
            if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FindTabIndentation(text, file) is { } tab) at = tab;
            throw new VelaProblemException(new VelaProblem(
                ErrorIds.Load.YamlSyntax, ProblemCategory.SyntaxError, $"YAML syntax error: {message}", at));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // The scanner gives up without a YamlException on some malformed input (an unterminated flow collection).
            var at = parser.Current is { } current ? Loc(file, current.End) : new SourceLocation(file, 1, 1);
            throw new VelaProblemException(new VelaProblem(ErrorIds.Load.YamlSyntax, ProblemCategory.SyntaxError,
                "YAML syntax error: malformed content after this point (an unterminated [ ], { } or quoted value?)", at));
        }
        return documents;
    }

    /// <summary>The first line whose indentation holds a tab (YAML forbids it); YamlDotNet reports the enclosing mapping instead.</summary>
    private static SourceLocation? FindTabIndentation(string text, string file)
    {
        var line = 1;
        var column = 1;
        var inIndent = true;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                line++;
                column = 1;
                inIndent = true;
                continue;
            }
            if (inIndent && c == '\t') return new SourceLocation(file, line, column);
            if (c != ' ') inIndent = false;
            column++;
        }
        return null;
    }

    internal static SourceLocation Loc(string file, Mark mark) => new(file, (int)mark.Line, (int)mark.Column);

    private sealed class DocumentReader(IParser parser, string file)
    {
        private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
        private long _expanded;

        public YamlNode ReadNode(int depth)
        {
            if (depth > MaxDepth) throw Problem(ErrorIds.Load.YamlTooDeep, $"YAML nests deeper than {MaxDepth} levels", parser.Current!.Start);
            var node = parser.Current switch
            {
                AnchorAlias alias => ReadAlias(alias),
                Scalar scalar => ReadScalar(scalar),
                SequenceStart start => ReadSequence(start, depth),
                MappingStart start => ReadMapping(start, depth),
                var other => throw Problem(ErrorIds.Load.YamlSyntax, $"unexpected YAML event {other?.GetType().Name}", other!.Start),
            };
            return node;
        }

        private YamlNode ReadAlias(AnchorAlias alias)
        {
            parser.MoveNext();
            if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                throw Problem(ErrorIds.Load.YamlSyntax, $"alias *{alias.Value.Value} refers to no anchor defined before it", alias.Start);
            Count(target.Weight, alias.Start);
            return target;
        }

        private YamlScalar ReadScalar(Scalar scalar)
        {
            parser.MoveNext();
            Count(1, scalar.Start);
            var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
            var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
            if (tag == "!") tag = "tag:yaml.org,2002:str";
            var kind = quoted && tag is null ? ScalarKind.String : ScalarResolver.Resolve(scalar.Value, tag);
            var node = new YamlScalar(scalar.Value, kind, quoted, Loc(file, scalar.Start));
            Remember(scalar.Anchor, node);
            return node;
        }

        private YamlSequence ReadSequence(SequenceStart start, int depth)
        {
            parser.MoveNext();
            Count(1, start.Start);
            var items = new List<YamlNode>();
            while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(depth + 1));
            var node = new YamlSequence(items, Loc(file, start.Start));
            Remember(start.Anchor, node);
            return node;
        }

        private YamlMapping ReadMapping(MappingStart start, int depth)
        {
            parser.MoveNext();
            Count(1, start.Start);
            var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
            var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
            var merged = new List<YamlMapping>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyEvent = parser.Current!;
                var keyNode = ReadNode(depth + 1);
                if (keyNode is not YamlScalar key)
                    throw Problem(ErrorIds.Load.YamlUnsupportedKey, "a mapping key must be a plain value, not a list or object", keyEvent.Start);
                var value = ReadNode(depth + 1);
                if (key.Value == "<<" && !key.IsQuoted)
                {
                    merged.AddRange(MergeSources(value, key));
                    continue;
                }
                if (seen.TryGetValue(key.Value, out var first))
                    throw Problem(ErrorIds.Load.YamlDuplicateKey,
                        $"duplicate key '{key.Value}' (first defined at line {first.Line}, column {first.Column})", keyEvent.Start);
                seen[key.Value] = key.Location;
                entries.Add(new(key, value));
            }
            // go-yaml: explicit keys win over merged ones; earlier merge sources win over later ones.
            foreach (var source in merged)
                foreach (var entry in source.Entries)
                    if (seen.TryAdd(entry.Key.Value, entry.Key.Location)) entries.Add(entry);
            var node = new YamlMapping(entries, Loc(file, start.Start));
            Remember(start.Anchor, node);
            return node;
        }

        private IEnumerable<YamlMapping> MergeSources(YamlNode value, YamlScalar key) => value switch
        {
            YamlMapping m => [m],
            YamlSequence s when s.Items.All(i => i is YamlMapping) => s.Items.Cast<YamlMapping>(),
            _ => throw new VelaProblemException(new VelaProblem(ErrorIds.Load.YamlSyntax, ProblemCategory.SyntaxError,
                "a merge key (<<) must refer to an object or a list of objects", key.Location)),
        };

        private void Remember(AnchorName anchor, YamlNode node)
        {
            if (!anchor.IsEmpty) _anchors[anchor.Value] = node;
        }

        private void Count(long weight, Mark at)
        {
            _expanded = YamlWeights.Add(_expanded, weight);
            if (_expanded > MaxExpandedNodes)
                throw Problem(ErrorIds.Load.YamlAliasBomb,
                    $"the document expands to more than {MaxExpandedNodes:N0} nodes through aliases; refusing it (alias bomb?)", at);
        }

        private VelaProblemException Problem(string id, string message, Mark at) =>
            new(new VelaProblem(id, ProblemCategory.SyntaxError, message, Loc(file, at)));
    }
}
