using System.Buffers;
using System.Text;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Engine.Yaml;

/// <summary>
/// Reads the YAML that configuration repositories are written in — block mappings and sequences, one-line plain and
/// quoted scalars, one-line flow lists and objects of scalars, literal block scalars (<c>|</c>, <c>|-</c>, <c>|+</c>),
/// comments, <c>---</c> between documents — straight from the text into <see cref="YamlNode"/>s, without the token and
/// event objects of a general parser. It builds exactly the nodes, kinds and locations <see cref="YamlReader"/>'s
/// general path builds (a test reads every YAML file of the repository both ways and compares them).
/// <para>
/// It answers <c>null</c> for anything else — anchors, aliases, tags, folded or multi-line scalars, nested flow
/// collections, explicit keys, directives, tabs, duplicate keys, any syntax error — and the caller then reads the whole
/// text with the general path, which gives the same result or the precise error. Saying no is always safe; saying yes
/// is only allowed for text whose meaning is certain.
/// </para>
/// </summary>
internal sealed class BlockYamlReader
{
    private static readonly SearchValues<char> Refused = SearchValues.Create(RefusedCharacters());

    // Plain scalars may not start with these (or they do not start a plain scalar this reader accepts).
    private static readonly SearchValues<char> PlainStartIndicators = SearchValues.Create("-?:,[]{}#&*!|>'\"%@`");

    private static readonly SearchValues<char> FlowPlainStops = SearchValues.Create(",[]{}:#");

    private readonly string _text;
    private readonly string _file;
    [ThreadStatic] private static InternTable? t_strings;

    // The current content line: the first line at or after the cursor that is neither blank nor only a comment.
    private int _lineStart;
    private int _lineEnd;   // index of its line break (or the end of the text)
    private int _lineNo;    // 1-based
    private int _indent;    // leading spaces
    private bool _eof;
    private bool _marker;   // the line is a "---" document start
    private long _nodes;

    private BlockYamlReader(string text, string file)
    {
        _text = text;
        _file = file;
    }

    /// <summary>The documents of <paramref name="text"/>, or null when the text needs the general reader.</summary>
    public static List<YamlDocument>? TryRead(string text, string file)
    {
        if (text.AsSpan().IndexOfAny(Refused) >= 0) return null;
        var reader = new BlockYamlReader(text, file);
        try
        {
            return reader.ReadStream();
        }
        catch (NotSimpleException)
        {
            return null;
        }
    }

    private List<YamlDocument> ReadStream()
    {
        var documents = new List<YamlDocument>(1);
        SeekContent(0, 1);
        while (!_eof)
        {
            if (_marker)
            {
                var at = new SourceLocation(_file, _lineNo, 1);
                EnsureRestIsBlank(_lineStart + 3);
                NextContent();
                YamlNode? root = _eof || _marker ? null : ReadRoot();
                documents.Add(new YamlDocument(_file, documents.Count, NullToNothing(root), at));
                continue;
            }
            var first = ReadRoot();
            documents.Add(new YamlDocument(_file, documents.Count, NullToNothing(first), first.Location));
        }
        return documents;
    }

    private static YamlNode? NullToNothing(YamlNode? root) => root is YamlScalar { Kind: ScalarKind.Null } ? null : root;

    private YamlNode ReadRoot()
    {
        if (_indent == 0 && _text[_lineStart] == '%') throw NotSimple; // directives ("..." is refused where lines are read)
        var node = NodeAtLineStart(-1, 0);
        if (!_eof && !_marker) throw NotSimple; // more content after the root: a multi-line scalar or an error
        return node;
    }

    /// <summary>The node that starts the current content line (as a value on its own lines, or a document's root).</summary>
    private YamlNode NodeAtLineStart(int blockIndent, int depth)
    {
        var p = _lineStart + _indent;
        if (IsEntry(p)) return Sequence(_indent, depth);
        if (IsKeyLine(p, out _)) return Mapping(_indent, p, depth);
        return InlineValue(p, blockIndent, depth);
    }

    private YamlMapping Mapping(int indent, int firstKey, int depth)
    {
        Depth(depth);
        Count();
        var location = At(firstKey);
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
        var p = firstKey;
        while (true)
        {
            var key = Key(p, out var afterColon);
            AddEntry(entries, key, Value(afterColon, indent, inMapping: true, depth + 1));
            if (_eof || _marker || _indent < indent) break;
            if (_indent > indent) throw NotSimple;
            p = _lineStart + _indent;
        }
        return new YamlMapping(entries, location);
    }

    /// <summary>Adds an entry to a mapping being read; a duplicate key (the general reader names both places) or a merge key is not ours.</summary>
    private static void AddEntry(List<KeyValuePair<YamlScalar, YamlNode>> entries, YamlScalar key, YamlNode value)
    {
        foreach (var entry in entries)
            if (entry.Key.Value == key.Value) throw NotSimple;
        if (key.Value == "<<" && !key.IsQuoted) throw NotSimple;
        entries.Add(new(key, value));
    }

    private YamlSequence Sequence(int indent, int depth)
    {
        Depth(depth);
        Count();
        var location = At(_lineStart + indent);
        var items = new List<YamlNode>();
        while (true)
        {
            var dash = _lineStart + indent;
            items.Add(Value(dash + 1, indent, inMapping: false, depth + 1));
            if (_eof || _marker || _indent < indent) break;
            if (_indent > indent) throw NotSimple;
            if (!IsEntry(_lineStart + _indent)) break; // a key at the same indentation: the end of an indentless list
        }
        return new YamlSequence(items, location);
    }

    /// <summary>
    /// The value after a key's colon or a list entry's dash, at <paramref name="p"/>; <paramref name="blockIndent"/> is
    /// the indentation of the mapping or list it belongs to. Leaves the cursor on the next content line after it.
    /// </summary>
    private YamlNode Value(int p, int blockIndent, bool inMapping, int depth)
    {
        var q = SkipSpaces(p);
        if (q == _lineEnd || _text[q] == '#')
        {
            // Nothing on this line: the value is the block below, an indentless list, or null (located where the
            // general reader puts an empty value: just after the colon or dash).
            var empty = At(p);
            NextContent();
            if (_eof || _marker) return Null(empty);
            if (_indent > blockIndent) return NodeAtLineStart(blockIndent, depth);
            if (inMapping && _indent == blockIndent && IsEntry(_lineStart + _indent)) return Sequence(_indent, depth);
            return Null(empty);
        }
        if (IsEntry(q)) throw NotSimple; // "key: - a" is an error; "- - a" is rare: the general reader takes both
        if (IsKeyLine(q, out _))
        {
            if (inMapping) throw NotSimple; // "a: b: c"
            return Mapping(q - _lineStart, q, depth); // "- key: value" opens a mapping at the key's column
        }
        return InlineValue(q, blockIndent, depth);
    }

    /// <summary>A scalar, a one-line flow collection or a literal block scalar at <paramref name="q"/>.</summary>
    private YamlNode InlineValue(int q, int blockIndent, int depth)
    {
        Depth(depth);
        if (_text[q] == '|') return Literal(q, blockIndent);
        int end;
        YamlNode node = _text[q] switch
        {
            '"' or '\'' => Quoted(q, out end),
            '[' => FlowSequence(q, out end, depth),
            '{' => FlowMapping(q, out end, depth),
            _ => Plain(q, out end),
        };
        EnsureRestIsBlank(end);
        NextContent();
        // A more indented line after a one-line value continues it (a multi-line scalar) or is an error.
        if (!_eof && !_marker && _indent > blockIndent) throw NotSimple;
        return node;
    }

    private YamlScalar Key(int p, out int afterColon)
    {
        if (!IsKeyLine(p, out var colon)) throw NotSimple;
        afterColon = colon + 1;
        if (_text[p] is '"' or '\'') return Quoted(p, out _);
        if (colon - p > 1000 || _text[colon - 1] == ' ') throw NotSimple; // long simple keys; "key :"
        var text = Intern(p, colon);
        return Scalar(text, ScalarResolver.Resolve(text, null), quoted: false, At(p));
    }

    /// <summary>Whether a key (plain or quoted) followed by ": " (or ":" at the end of the line) starts at <paramref name="p"/>.</summary>
    private bool IsKeyLine(int p, out int colon)
    {
        colon = -1;
        var c = _text[p];
        if (c is '"' or '\'')
        {
            // A quoted key: the closing quote is followed by a colon.
            var close = ClosingQuote(p);
            if (close < 0 || close + 1 >= _lineEnd || _text[close + 1] != ':') return false;
            if (close + 2 < _lineEnd && _text[close + 2] != ' ') return false;
            colon = close + 1;
            return true;
        }
        if (PlainStartIndicators.Contains(c) || c == ' ') return false;
        for (var i = p + 1; i < _lineEnd; i++)
        {
            var ch = _text[i];
            if (ch == ':' && (i + 1 == _lineEnd || _text[i + 1] == ' '))
            {
                colon = i;
                return true;
            }
            if (ch == '#' && _text[i - 1] == ' ') return false;
        }
        return false;
    }

    private bool IsEntry(int p) => _text[p] == '-' && (p + 1 == _lineEnd || _text[p + 1] == ' ');

    /// <summary>A one-line plain scalar; <paramref name="end"/> is where its text ends (a comment or the line's end).</summary>
    private YamlScalar Plain(int q, out int end)
    {
        var c = _text[q];
        if (PlainStartIndicators.Contains(c) && !(c == '-' && q + 1 < _lineEnd && _text[q + 1] != ' ')) throw NotSimple;
        end = q + 1; // the end of the text without trailing spaces
        for (var i = q + 1; i < _lineEnd; i++)
        {
            var ch = _text[i];
            if (ch == '#' && _text[i - 1] == ' ') break;
            if (ch == ':' && (i + 1 == _lineEnd || _text[i + 1] == ' ')) throw NotSimple; // "a: b: c"
            if (ch != ' ') end = i + 1;
        }
        var text = end - q <= 24 ? Intern(q, end) : _text.Substring(q, end - q);
        return Scalar(text, ScalarResolver.Resolve(text, null), quoted: false, At(q));
    }

    /// <summary>A single- or double-quoted scalar that closes on its line; <paramref name="end"/> is just after the closing quote.</summary>
    private YamlScalar Quoted(int q, out int end)
    {
        var close = ClosingQuote(q);
        if (close < 0) throw NotSimple;
        end = close + 1;
        var raw = _text.AsSpan(q + 1, close - q - 1);
        string value;
        if (_text[q] == '\'')
        {
            value = raw.Contains('\'') ? raw.ToString().Replace("''", "'", StringComparison.Ordinal) : raw.ToString();
        }
        else
        {
            value = raw.Contains('\\') ? Unescape(raw) : raw.ToString();
        }
        return Scalar(value, ScalarKind.String, quoted: true, At(q));
    }

    /// <summary>The index of the quote closing the one at <paramref name="q"/> on this line, or -1.</summary>
    private int ClosingQuote(int q)
    {
        var quote = _text[q];
        for (var i = q + 1; i < _lineEnd; i++)
        {
            var ch = _text[i];
            if (quote == '\'')
            {
                if (ch != '\'') continue;
                if (i + 1 < _lineEnd && _text[i + 1] == '\'')
                {
                    i++;
                    continue;
                }
                return i;
            }
            if (ch == '\\')
            {
                i++;
                continue;
            }
            if (ch == '"') return i;
        }
        return -1;
    }

    private static string Unescape(ReadOnlySpan<char> raw)
    {
        var sb = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var ch = raw[i];
            if (ch != '\\')
            {
                sb.Append(ch);
                continue;
            }
            if (++i >= raw.Length) throw NotSimple;
            switch (raw[i])
            {
                case '\\': sb.Append('\\'); break;
                case '"': sb.Append('"'); break;
                case '/': sb.Append('/'); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '0': sb.Append('\0'); break;
                default: throw NotSimple; // \x, \u, \e, ... and line continuations: the general reader
            }
        }
        return sb.ToString();
    }

    private YamlSequence FlowSequence(int q, out int end, int depth)
    {
        Depth(depth);
        var location = At(q);
        var items = new List<YamlNode>();
        end = FlowEntries(q, ']', i =>
        {
            items.Add(FlowNode(i, out var after, depth + 1));
            return after;
        });
        return new YamlSequence(items, location);
    }

    private YamlMapping FlowMapping(int q, out int end, int depth)
    {
        Depth(depth);
        var location = At(q);
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
        end = FlowEntries(q, '}', i =>
        {
            var key = FlowScalar(i, out i, isKey: true);
            if (i + 1 >= _lineEnd || _text[i] != ':' || _text[i + 1] != ' ') throw NotSimple;
            AddEntry(entries, key, FlowNode(SkipSpaces(i + 1), out var after, depth + 1));
            return after;
        });
        return new YamlMapping(entries, location);
    }

    /// <summary>
    /// Walks a one-line flow collection whose opening bracket is at <paramref name="q"/>: <paramref name="entry"/> reads
    /// each entry from where it starts and answers where it ends. Answers the index just after <paramref name="close"/>.
    /// </summary>
    private int FlowEntries(int q, char close, Func<int, int> entry)
    {
        Count();
        var i = SkipSpaces(q + 1);
        if (i < _lineEnd && _text[i] == close) return i + 1;
        while (true)
        {
            i = SkipSpaces(entry(i));
            if (i >= _lineEnd) throw NotSimple;
            if (_text[i] == close) return i + 1;
            if (_text[i] != ',') throw NotSimple;
            i = SkipSpaces(i + 1);
            if (i >= _lineEnd || _text[i] == close) throw NotSimple; // a trailing comma
        }
    }

    /// <summary>A list, object or scalar inside a one-line flow collection; <paramref name="end"/> is just after it.</summary>
    private YamlNode FlowNode(int i, out int end, int depth)
    {
        if (i >= _lineEnd) throw NotSimple;
        return _text[i] switch
        {
            '[' => FlowSequence(i, out end, depth),
            '{' => FlowMapping(i, out end, depth),
            _ => FlowScalar(i, out end),
        };
    }

    /// <summary>A scalar inside a one-line flow collection; <paramref name="end"/> is just after it.</summary>
    private YamlScalar FlowScalar(int i, out int end, bool isKey = false)
    {
        if (i >= _lineEnd) throw NotSimple;
        var c = _text[i];
        if (c is '"' or '\'') return Quoted(i, out end);
        if (PlainStartIndicators.Contains(c) && !(c == '-' && i + 1 < _lineEnd && !FlowPlainStops.Contains(_text[i + 1]) && _text[i + 1] != ' ')) throw NotSimple;
        var j = i;
        var last = i;
        while (j < _lineEnd)
        {
            var ch = _text[j];
            if (FlowPlainStops.Contains(ch))
            {
                if (ch == '#' && _text[j - 1] != ' ') throw NotSimple;
                // A key ends at ": "; any other colon in a flow scalar ("a:b", a URL) is left to the general reader.
                if (ch == ':' && !(isKey && j + 1 < _lineEnd && _text[j + 1] == ' ')) throw NotSimple;
                break;
            }
            j++;
            if (ch != ' ') last = j;
        }
        end = last;
        var text = Intern(i, last);
        return Scalar(text, ScalarResolver.Resolve(text, null), quoted: false, At(i));
    }

    /// <summary>
    /// A literal block scalar (<c>|</c>, <c>|-</c>, <c>|+</c>) whose header is at <paramref name="q"/>. Leaves the cursor
    /// on the first content line after it.
    /// </summary>
    private YamlScalar Literal(int q, int blockIndent)
    {
        var location = At(q);
        var i = q + 1;
        var chomp = ' ';
        if (i < _lineEnd && _text[i] is '-' or '+') chomp = _text[i++];
        EnsureRestIsBlank(i); // refuses an indentation indicator ("|2") too
        if (!TryNextLine(_lineEnd, out var lineStart)) throw NotSimple; // a header at the end of the text
        var lineNo = _lineNo + 1;
        var sb = new StringBuilder();
        var contentIndent = -1;
        var longestLeadingBlank = 0;
        var pendingBreaks = 0; // line breaks not written yet: before the next content line, or as chomping says at the end
        while (true)
        {
            var end = LineEnd(lineStart);
            var spaces = 0;
            while (lineStart + spaces < end && _text[lineStart + spaces] == ' ') spaces++;
            if (lineStart + spaces == end)
            {
                // A blank line: part of the content (a line break), unless it is longer than the content's indentation.
                if (contentIndent < 0) longestLeadingBlank = Math.Max(longestLeadingBlank, spaces);
                else if (spaces > contentIndent) throw NotSimple;
                pendingBreaks++;
            }
            else
            {
                if (contentIndent < 0)
                {
                    // The content's indentation is that of its first non-blank line.
                    if (spaces <= blockIndent || spaces < 1 || longestLeadingBlank > spaces) throw NotSimple;
                    contentIndent = spaces;
                }
                if (spaces < contentIndent) break; // the first line of what follows
                sb.Append('\n', pendingBreaks);
                sb.Append(_text, lineStart + contentIndent, end - lineStart - contentIndent);
                pendingBreaks = 1;
                if (end == _text.Length) throw NotSimple; // content running to the end of the text without a line break
            }
            if (!TryNextLine(end, out var next))
            {
                lineStart = _text.Length;
                break;
            }
            lineStart = next;
            lineNo++;
        }
        if (contentIndent < 0) throw NotSimple;
        var value = chomp switch
        {
            '-' => sb.ToString(),
            '+' => sb.Append('\n', pendingBreaks).ToString(),
            _ => sb.Append('\n').ToString(),
        };
        SeekContent(lineStart, lineNo);
        if (!_eof && !_marker && _indent > blockIndent) throw NotSimple;
        return Scalar(value, ScalarKind.String, quoted: true, location);
    }

    private bool IsDocumentBoundary(int start, int end) =>
        end - start >= 3 && (_text.AsSpan(start, 3) is "---" or "...") && (end - start == 3 || _text[start + 3] == ' ');

    private YamlScalar Null(SourceLocation at) => Scalar(string.Empty, ScalarKind.Null, quoted: false, at);

    private YamlScalar Scalar(string value, ScalarKind kind, bool quoted, SourceLocation at)
    {
        Count();
        return new YamlScalar(value, kind, quoted, at);
    }

    private void Count()
    {
        if (++_nodes > YamlReader.MaxExpandedNodes) throw NotSimple;
    }

    private static void Depth(int depth)
    {
        if (depth > YamlReader.MaxDepth) throw NotSimple;
    }

    private void EnsureRestIsBlank(int i)
    {
        if (i < _lineEnd && _text[i] != ' ') throw NotSimple;
        var j = SkipSpaces(i);
        if (j < _lineEnd && _text[j] != '#') throw NotSimple;
    }

    private int SkipSpaces(int i)
    {
        while (i < _lineEnd && _text[i] == ' ') i++;
        return i;
    }

    private SourceLocation At(int index) => new(_file, _lineNo, index - _lineStart + 1);

    private string Intern(int start, int end) => (t_strings ??= new InternTable()).Get(_text, start, end - start);

    // ---- lines ----

    /// <summary>Moves to the next content line after the current one.</summary>
    private void NextContent()
    {
        if (!TryNextLine(_lineEnd, out var next))
        {
            _eof = true;
            return;
        }
        SeekContent(next, _lineNo + 1);
    }

    /// <summary>Makes the first content line at or after <paramref name="start"/> (line <paramref name="lineNo"/>) current.</summary>
    private void SeekContent(int start, int lineNo)
    {
        while (true)
        {
            if (start >= _text.Length)
            {
                _eof = true;
                return;
            }
            var end = LineEnd(start);
            var i = start;
            while (i < end && _text[i] == ' ') i++;
            if (i < end && _text[i] != '#')
            {
                _lineStart = start;
                _lineEnd = end;
                _lineNo = lineNo;
                _indent = i - start;
                _marker = i == start && IsDocumentBoundary(start, end);
                if (_marker && _text[start] == '.') throw NotSimple; // "..." document ends
                _eof = false;
                return;
            }
            if (!TryNextLine(end, out start))
            {
                _eof = true;
                return;
            }
            lineNo++;
        }
    }

    /// <summary>The index of the line break ending the line at <paramref name="start"/> (\n, or \r of \r\n), or the text's end.</summary>
    private int LineEnd(int start)
    {
        var n = _text.AsSpan(start).IndexOfAny('\n', '\r');
        if (n < 0) return _text.Length;
        var end = start + n;
        if (_text[end] == '\r' && (end + 1 >= _text.Length || _text[end + 1] != '\n')) throw NotSimple; // a lone CR
        return end;
    }

    /// <summary>The start of the line after the break at <paramref name="end"/>; false at the end of the text.</summary>
    private bool TryNextLine(int end, out int next)
    {
        next = end >= _text.Length ? end : _text[end] == '\r' ? end + 2 : end + 1;
        return next < _text.Length;
    }

    private static string RefusedCharacters()
    {
        var sb = new StringBuilder();
        for (var c = '\0'; c < ' '; c++)
            if (c is not '\n' and not '\r') sb.Append(c); // tabs included: YAML refuses them in indentation
        for (var c = '\u007F'; c <= '\u009F'; c++) sb.Append(c);
        sb.Append('\u2028').Append('\u2029').Append('\uFEFF').Append('\uFFFE').Append('\uFFFF');
        for (var c = '\uD800'; c <= '\uDFFF'; c++) sb.Append(c);
        return sb.ToString();
    }

    private static NotSimpleException NotSimple => new();

    /// <summary>Thrown to say the text needs the general reader.</summary>
    private sealed class NotSimpleException : Exception
    {
    }

    /// <summary>Reuses the string of a key or short value seen before (keys repeat in every document).</summary>
    private sealed class InternTable
    {
        private readonly string?[] _slots = new string?[512];

        public string Get(string text, int start, int length)
        {
            var span = text.AsSpan(start, length);
            var slot = (string.GetHashCode(span) & int.MaxValue) % _slots.Length;
            var found = _slots[slot];
            if (found is not null && span.SequenceEqual(found)) return found;
            var made = span.ToString();
            _slots[slot] = made;
            return made;
        }
    }
}
