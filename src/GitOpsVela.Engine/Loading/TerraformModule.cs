using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Loading;

/// <summary>An HCL text that cannot be read; <see cref="Line"/> and <see cref="Column"/> are 1-based within the text.</summary>
internal sealed class HclException(string message, int line, int column) : Exception(message)
{
    public int Line { get; } = line;

    public int Column { get; } = column;
}

/// <summary>
/// What a Terraform configuration written in HCL declares, the part KubeVela reads with terraform-config-inspect
/// (kubevela/kubevela pkg/utils/common/common.go <c>ParseTerraformVariables</c>): its <c>variable</c> blocks (type as
/// written, default, description) and its <c>output</c> names. The rest of the configuration (providers, resources,
/// expressions) is skipped over, token by token, without being interpreted. Comments (<c>#</c>, <c>//</c>,
/// <c>/* */</c>), quoted strings with <c>${...}</c> templates and heredocs (<c>&lt;&lt;EOT</c>, <c>&lt;&lt;-EOT</c>) are
/// understood so braces inside them do not count.
/// </summary>
internal sealed class TerraformModule
{
    public required IReadOnlyList<TerraformVariable> Variables { get; init; }

    public required IReadOnlyList<string> Outputs { get; init; }

    public static TerraformModule Read(string hcl)
    {
        var tokens = new Lexer(hcl).Tokens();
        return new Parser(tokens, hcl).Module();
    }

    private enum T { Ident, Number, String, Heredoc, Punct, Newline, End }

    private sealed record Token(T Type, string Text, int Line, int Column, JsonNode? Value = null)
    {
        /// <summary>Where the token starts and ends in the text.</summary>
        public int Start { get; init; }

        public int End { get; init; }
    }

    private sealed class Lexer(string text)
    {
        private int _pos;
        private int _line = 1;
        private int _col = 1;
        private readonly List<Token> _tokens = [];

        public List<Token> Tokens()
        {
            while (_pos < text.Length)
            {
                _start = _pos;
                var c = text[_pos];
                if (c == '\n')
                {
                    Advance(1);
                    _tokens.Add(new Token(T.Newline, "\n", _line - 1, 0) { Start = _start, End = _pos });
                }
                else if (c is ' ' or '\t' or '\r') Advance(1);
                else if (c == '#' || c == '/' && Peek(1) == '/') SkipLine();
                else if (c == '/' && Peek(1) == '*') SkipBlockComment();
                else if (c == '"') ReadString();
                else if (c == '<' && Peek(1) == '<' && (char.IsAsciiLetter(Peek(2)) || Peek(2) == '-' && char.IsAsciiLetter(Peek(3)))) ReadHeredoc();
                else if (char.IsAsciiLetter(c) || c == '_') ReadIdent();
                else if (char.IsAsciiDigit(c)) ReadNumber();
                else
                {
                    // Two-character operators first, so "=>" or "==" is not read as "=" (an attribute) followed by something.
                    var two = _pos + 1 < text.Length ? text.Substring(_pos, 2) : "";
                    if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||" or "=>" or "..")
                    {
                        var dots = two == ".." && Peek(2) == '.' ? "..." : two;
                        var (line, col) = (_line, _col);
                        Advance(dots.Length);
                        Add(T.Punct, dots, line, col);
                    }
                    else
                    {
                        var (line, col) = (_line, _col);
                        Advance(1);
                        Add(T.Punct, c.ToString(), line, col);
                    }
                }
            }
            Add(T.End, "", _line, _col);
            return _tokens;
        }

        private char Peek(int ahead) => _pos + ahead < text.Length ? text[_pos + ahead] : '\0';

        private int _start;

        private void Add(T type, string value, int line, int col, JsonNode? json = null) =>
            _tokens.Add(new Token(type, value, line, col, json) { Start = _start, End = _pos });

        private void Advance(int n)
        {
            for (var i = 0; i < n && _pos < text.Length; i++)
            {
                if (text[_pos] == '\n')
                {
                    _line++;
                    _col = 1;
                }
                else _col++;
                _pos++;
            }
        }

        private void SkipLine()
        {
            while (_pos < text.Length && text[_pos] != '\n') Advance(1);
        }

        private void SkipBlockComment()
        {
            var (line, col) = (_line, _col);
            var end = text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
            if (end < 0) throw new HclException("the comment is not closed (*/ missing)", line, col);
            Advance(end + 2 - _pos);
        }

        private void ReadIdent()
        {
            var (line, col) = (_line, _col);
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '_' or '-')) Advance(1);
            Add(T.Ident, text[start.._pos], line, col);
        }

        private void ReadNumber()
        {
            var (line, col) = (_line, _col);
            var start = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) Advance(1);
            if (_pos + 1 < text.Length && text[_pos] == '.' && char.IsAsciiDigit(text[_pos + 1]))
            {
                Advance(1);
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) Advance(1);
            }
            if (_pos < text.Length && text[_pos] is 'e' or 'E')
            {
                Advance(1);
                if (_pos < text.Length && text[_pos] is '+' or '-') Advance(1);
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos])) Advance(1);
            }
            var literal = text[start.._pos];
            JsonNode value = long.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var l)
                ? JsonValue.Create(l)
                : JsonValue.Create(double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture));
            Add(T.Number, literal, line, col, value);
        }

        /// <summary>A quoted template. Its value is its text when it holds no <c>${...}</c>/<c>%{...}</c>; otherwise null (not a literal).</summary>
        private void ReadString()
        {
            var (line, col) = (_line, _col);
            Advance(1);
            var value = new StringBuilder();
            var literal = true;
            while (true)
            {
                if (_pos >= text.Length || text[_pos] == '\n') throw new HclException("the quoted string is not closed", line, col);
                var c = text[_pos];
                if (c == '"')
                {
                    Advance(1);
                    break;
                }
                if (c == '\\')
                {
                    var e = Peek(1);
                    switch (e)
                    {
                        case 'n': value.Append('\n'); Advance(2); break;
                        case 'r': value.Append('\r'); Advance(2); break;
                        case 't': value.Append('\t'); Advance(2); break;
                        case '"': value.Append('"'); Advance(2); break;
                        case '\\': value.Append('\\'); Advance(2); break;
                        case 'u' when _pos + 6 <= text.Length && int.TryParse(text.AsSpan(_pos + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var u):
                            value.Append((char)u); Advance(6); break;
                        default: throw new HclException($"the escape \\{e} is not valid in a quoted string", _line, _col);
                    }
                    continue;
                }
                if ((c == '$' || c == '%') && Peek(1) == '{')
                {
                    if (Peek(2) == c)
                    {
                        // "$${" and "%%{" are literal "${" and "%{".
                        value.Append(c).Append('{');
                        Advance(3);
                        continue;
                    }
                    literal = false;
                    SkipTemplateSequence();
                    continue;
                }
                value.Append(c);
                Advance(1);
            }
            Add(T.String, value.ToString(), line, col, literal ? JsonValue.Create(value.ToString()) : null);
        }

        /// <summary>Skips <c>${ ... }</c>, counting braces and stepping over strings nested inside.</summary>
        private void SkipTemplateSequence()
        {
            var (line, col) = (_line, _col);
            Advance(2);
            var depth = 1;
            while (depth > 0)
            {
                if (_pos >= text.Length) throw new HclException("the template sequence ${ is not closed", line, col);
                var c = text[_pos];
                if (c == '"')
                {
                    var before = _tokens.Count;
                    ReadString();
                    _tokens.RemoveRange(before, _tokens.Count - before);
                    continue;
                }
                if (c == '{') depth++;
                else if (c == '}') depth--;
                Advance(1);
            }
        }

        private void ReadHeredoc()
        {
            var (line, col) = (_line, _col);
            Advance(2);
            var indent = false;
            if (text[_pos] == '-')
            {
                indent = true;
                Advance(1);
            }
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] == '_')) Advance(1);
            var marker = text[start.._pos];
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\r') Advance(1);
            if (_pos >= text.Length || text[_pos] != '\n') throw new HclException($"the heredoc <<{marker} must end its line", line, col);
            Advance(1);
            var lines = new List<string>();
            while (true)
            {
                if (_pos >= text.Length) throw new HclException($"the heredoc <<{marker} is not closed (no line '{marker}')", line, col);
                var end = text.IndexOf('\n', _pos);
                var content = (end < 0 ? text[_pos..] : text[_pos..end]).TrimEnd('\r');
                Advance((end < 0 ? text.Length : end) - _pos);
                if (content.Trim() == marker)
                    break;
                lines.Add(content);
                if (end >= 0) Advance(1);
            }
            if (indent)
            {
                var common = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart(' ', '\t').Length).DefaultIfEmpty(0).Min();
                lines = lines.Select(l => l.Length >= common ? l[common..] : l.TrimStart()).ToList();
            }
            var value = string.Concat(lines.Select(l => l + "\n"));
            Add(T.Heredoc, value, line, col, value.Contains("${", StringComparison.Ordinal) || value.Contains("%{", StringComparison.Ordinal) ? null : JsonValue.Create(value));
        }
    }

    private sealed class Parser(List<Token> tokens, string text)
    {
        private int _i;

        private Token Current => tokens[_i];

        public TerraformModule Module()
        {
            var variables = new List<TerraformVariable>();
            var outputs = new List<string>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                SkipNewlines();
                if (Current.Type == T.End) break;
                var name = Expect(T.Ident, "a block type or an attribute name");
                if (Is(T.Punct, "=") || Is(T.Punct, ":"))
                {
                    // A top-level attribute: not what a module declares, but skip it in case (locals written flat).
                    _i++;
                    SkipExpression();
                    continue;
                }
                var labels = new List<Token>();
                while (Current.Type is T.String or T.Ident)
                {
                    labels.Add(Current);
                    _i++;
                }
                if (!Is(T.Punct, "{")) throw Error(Current, $"expected '{{' to open the {name.Text} block");
                var open = Current;
                _i++;
                if (name.Text == "variable")
                {
                    if (labels.Count != 1) throw Error(name, "a variable block takes exactly one label, its name");
                    var variable = Variable(labels[0].Text, open);
                    if (!names.Add(variable.Name)) throw Error(labels[0], $"variable \"{variable.Name}\" is declared more than once");
                    variables.Add(variable);
                }
                else
                {
                    if (name.Text == "output")
                    {
                        if (labels.Count != 1) throw Error(name, "an output block takes exactly one label, its name");
                        outputs.Add(labels[0].Text);
                    }
                    SkipBody(open);
                }
            }
            return new TerraformModule { Variables = variables, Outputs = outputs };
        }

        private TerraformVariable Variable(string name, Token open)
        {
            string? type = null;
            string? description = null;
            JsonNode? @default = null;
            var hasDefault = false;
            while (true)
            {
                SkipNewlines();
                if (Is(T.Punct, "}"))
                {
                    _i++;
                    break;
                }
                if (Current.Type == T.End) throw Error(open, $"the variable \"{name}\" block is not closed ('}}' missing)");
                var key = Expect(T.Ident, "an attribute or block in the variable block");
                if (Is(T.Punct, "="))
                {
                    _i++;
                    var start = _i;
                    switch (key.Text)
                    {
                        case "type":
                            SkipExpression();
                            type = TypeText(start, _i);
                            break;
                        case "default":
                            hasDefault = true;
                            @default = Literal(out var isLiteral);
                            if (!isLiteral || !AtEndOfAttribute())
                            {
                                // Computed (a function call, an operator): it has a default, whose value is not known here.
                                @default = null;
                                _i = start;
                                SkipExpression();
                            }
                            break;
                        case "description":
                            var d = Literal(out var literalDescription);
                            if (literalDescription && AtEndOfAttribute() && d is JsonValue v && v.TryGetValue<string>(out var s)) description = s;
                            else
                            {
                                _i = start;
                                SkipExpression();
                            }
                            break;
                        default:
                            SkipExpression();
                            break;
                    }
                    EndOfAttribute();
                }
                else
                {
                    // A nested block (validation { ... }).
                    while (Current.Type is T.String or T.Ident) _i++;
                    if (!Is(T.Punct, "{")) throw Error(Current, $"expected '=' or a block after '{key.Text}' in variable \"{name}\"");
                    var nested = Current;
                    _i++;
                    SkipBody(nested);
                }
            }
            return new TerraformVariable(name, type, @default, hasDefault, description);
        }

        /// <summary>The type expression as terraform-config-inspect reports it: its source text; a legacy quoted type without its quotes.</summary>
        private string TypeText(int start, int end)
        {
            var parts = tokens.Skip(start).Take(end - start).Where(t => t.Type != T.Newline).ToList();
            if (parts.Count == 0) return "";
            if (parts.Count == 1 && parts[0].Type == T.String) return parts[0].Text;
            return text[parts[0].Start..parts[^1].End].Trim();
        }

        /// <summary>A literal value (string, number, bool, null, list, object); <paramref name="literal"/> false for anything computed.</summary>
        private JsonNode? Literal(out bool literal)
        {
            literal = true;
            var t = Current;
            switch (t.Type)
            {
                case T.String or T.Heredoc:
                    _i++;
                    if (t.Value is null) literal = false;
                    return t.Value?.DeepClone();
                case T.Number:
                    _i++;
                    return t.Value!.DeepClone();
                case T.Ident when t.Text is "true" or "false":
                    _i++;
                    return JsonValue.Create(t.Text == "true");
                case T.Ident when t.Text == "null":
                    _i++;
                    return null;
                case T.Punct when t.Text == "-" && tokens[_i + 1].Type == T.Number:
                    _i += 2;
                    var n = tokens[_i - 1].Value!;
                    return n is JsonValue nv && nv.TryGetValue<long>(out var l) ? JsonValue.Create(-l) : JsonValue.Create(-n.GetValue<double>());
                case T.Punct when t.Text == "[":
                {
                    _i++;
                    var list = new JsonArray();
                    while (true)
                    {
                        SkipNewlines();
                        if (Is(T.Punct, "]"))
                        {
                            _i++;
                            break;
                        }
                        var item = Literal(out var ok);
                        if (!ok)
                        {
                            literal = false;
                            return null;
                        }
                        list.Add(item);
                        SkipNewlines();
                        if (Is(T.Punct, ",")) _i++;
                        else if (!Is(T.Punct, "]"))
                        {
                            literal = false;
                            return null;
                        }
                    }
                    return list;
                }
                case T.Punct when t.Text == "{":
                {
                    _i++;
                    var obj = new JsonObject();
                    while (true)
                    {
                        SkipNewlines();
                        if (Is(T.Punct, "}"))
                        {
                            _i++;
                            break;
                        }
                        var key = Current;
                        if (key.Type is not (T.Ident or T.String) || key.Type == T.String && key.Value is null)
                        {
                            literal = false;
                            return null;
                        }
                        _i++;
                        if (!Is(T.Punct, "=") && !Is(T.Punct, ":"))
                        {
                            literal = false;
                            return null;
                        }
                        _i++;
                        var value = Literal(out var ok);
                        if (!ok)
                        {
                            literal = false;
                            return null;
                        }
                        obj[key.Text] = value;
                        if (Is(T.Punct, ",")) _i++;
                        else if (!Is(T.Newline) && !Is(T.Punct, "}"))
                        {
                            literal = false;
                            return null;
                        }
                    }
                    return obj;
                }
                default:
                    literal = false;
                    return null;
            }
        }

        /// <summary>Skips one expression: to the end of its line, brackets (and the newlines inside them) included.</summary>
        private void SkipExpression()
        {
            var depth = 0;
            var stack = new Stack<Token>();
            while (true)
            {
                var t = Current;
                if (t.Type == T.End)
                {
                    if (stack.Count > 0) throw Error(stack.Peek(), $"'{stack.Peek().Text}' is not closed");
                    return;
                }
                if (t.Type == T.Newline && depth == 0) return;
                if (t.Type == T.Punct && t.Text == "}" && depth == 0) return;
                if (t.Type == T.Punct && t.Text is "(" or "[" or "{")
                {
                    depth++;
                    stack.Push(t);
                }
                else if (t.Type == T.Punct && t.Text is ")" or "]" or "}")
                {
                    var expected = Closing(stack.Pop().Text);
                    if (t.Text != expected) throw Error(t, $"expected '{expected}', found '{t.Text}'");
                    depth--;
                }
                _i++;
            }
        }

        /// <summary>Skips a block body whose opening brace was just read.</summary>
        private void SkipBody(Token open)
        {
            var stack = new Stack<Token>();
            stack.Push(open);
            while (stack.Count > 0)
            {
                var t = Current;
                if (t.Type == T.End) throw Error(stack.Peek(), $"'{stack.Peek().Text}' is not closed");
                if (t.Type == T.Punct && t.Text is "(" or "[" or "{") stack.Push(t);
                else if (t.Type == T.Punct && t.Text is ")" or "]" or "}")
                {
                    var expected = Closing(stack.Pop().Text);
                    if (t.Text != expected) throw Error(t, $"expected '{expected}', found '{t.Text}'");
                }
                _i++;
            }
        }

        private static string Closing(string open) => open switch { "(" => ")", "[" => "]", _ => "}" };

        private bool AtEndOfAttribute() => Current.Type is T.Newline or T.End || Is(T.Punct, "}");

        private void EndOfAttribute()
        {
            if (AtEndOfAttribute()) return;
            throw Error(Current, $"unexpected '{Current.Text}' after the attribute's value (one attribute per line)");
        }

        private void SkipNewlines()
        {
            while (Current.Type == T.Newline) _i++;
        }

        private bool Is(T type, string? text = null) => Current.Type == type && (text is null || Current.Text == text);

        private Token Expect(T type, string what)
        {
            var t = Current;
            if (t.Type != type) throw Error(t, $"expected {what}, found {(t.Type == T.End ? "the end of the text" : $"'{t.Text}'")}");
            _i++;
            return t;
        }

        private static HclException Error(Token at, string message) => new(message, at.Line, at.Column);
    }
}
