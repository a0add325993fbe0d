using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Semantics;

/// <summary>
/// The expression subset KubeVela workflows use in <c>if</c> and in <c>outputs[].valueFrom</c> (CUE expressions
/// over the step's context): field paths with indexes and quoted keys (<c>output.spec.template.spec.containers[0].image</c>,
/// <c>inputs["name"]</c>, <c>status.deploy.phase</c>), string/number/bool/null literals, <c>+</c> (string concatenation or
/// addition), <c>- * /</c>, comparisons, <c>&amp;&amp; || !</c> and parentheses. Anything else fails to parse with the
/// position and what was expected, so validation can refuse it before a workflow runs.
/// </summary>
internal sealed class Expression
{
    private readonly Node _root;

    private Expression(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    public string Text { get; }

    /// <summary>The names at the start of every path (<c>output</c>, <c>status</c>, <c>inputs</c>, ...).</summary>
    public IReadOnlyCollection<string> Roots => _root.Roots().Distinct().ToList();

    /// <summary>Paths as written, e.g. <c>status.deploy.phase</c> — lets validation check that a step named in <c>status.x</c> exists.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Paths => _root.PathList().ToList();

    public static Expression Parse(string text) => new(text, new Parser(text).ParseAll());

    public static bool TryParse(string text, out Expression? expression, out string? error)
    {
        try
        {
            expression = Parse(text);
            error = null;
            return true;
        }
        catch (ExpressionException ex)
        {
            expression = null;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Evaluates against named roots; a reference to something missing is an <see cref="ExpressionException"/>.</summary>
    public JsonNode? Evaluate(IReadOnlyDictionary<string, JsonNode?> scope) => _root.Evaluate(scope, this);

    public bool EvaluateBool(IReadOnlyDictionary<string, JsonNode?> scope) =>
        Evaluate(scope) is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValueKind() == JsonValueKind.True
            : throw new ExpressionException($"'{Text}' does not give true or false");

    public override string ToString() => Text;

    private abstract class Node
    {
        public abstract JsonNode? Evaluate(IReadOnlyDictionary<string, JsonNode?> scope, Expression owner);
        public virtual IEnumerable<string> Roots() => [];
        public virtual IEnumerable<IReadOnlyList<string>> PathList() => [];
    }

    private sealed class Literal(JsonNode? value) : Node
    {
        public override JsonNode? Evaluate(IReadOnlyDictionary<string, JsonNode?> scope, Expression owner) => value?.DeepClone();
    }

    private abstract record Segment;
    private sealed record Field(string Name) : Segment;
    private sealed record Index(int Value) : Segment;

    private sealed class PathNode(string root, IReadOnlyList<Segment> segments) : Node
    {
        public override IEnumerable<string> Roots() => [root];

        public override IEnumerable<IReadOnlyList<string>> PathList() =>
            [new[] { root }.Concat(segments.Select(s => s is Field f ? f.Name : $"[{((Index)s).Value}]")).ToList()];

        public override JsonNode? Evaluate(IReadOnlyDictionary<string, JsonNode?> scope, Expression owner)
        {
            if (!scope.TryGetValue(root, out var current))
                throw new ExpressionException($"'{root}' is not known here (known: {string.Join(", ", scope.Keys.Order())})");
            var walked = new StringBuilder(root);
            foreach (var segment in segments)
            {
                switch (segment)
                {
                    case Field f when current is JsonObject obj:
                        if (!obj.TryGetPropertyValue(f.Name, out current))
                            throw new ExpressionException($"'{walked}' has no field '{f.Name}'");
                        walked.Append('.').Append(f.Name);
                        break;
                    case Index i when current is JsonArray arr:
                        if (i.Value < 0 || i.Value >= arr.Count)
                            throw new ExpressionException($"index {i.Value} is out of range for '{walked}' ({arr.Count} items)");
                        current = arr[i.Value];
                        walked.Append('[').Append(i.Value).Append(']');
                        break;
                    default:
                        throw new ExpressionException($"'{walked}' is {Describe(current)}, cannot take {(segment is Field f2 ? "field '" + f2.Name + "'" : "an index")}");
                }
            }
            return current?.DeepClone();
        }
    }

    private sealed class Unary(char op, Node operand) : Node
    {
        public override IEnumerable<string> Roots() => operand.Roots();
        public override IEnumerable<IReadOnlyList<string>> PathList() => operand.PathList();

        public override JsonNode? Evaluate(IReadOnlyDictionary<string, JsonNode?> scope, Expression owner)
        {
            var v = operand.Evaluate(scope, owner);
            return op switch
            {
                '!' => JsonValue.Create(!AsBool(v, "!")),
                _ => Number(-AsNumber(v, "-")),
            };
        }
    }

    private sealed class Binary(string op, Node left, Node right) : Node
    {
        public override IEnumerable<string> Roots() => left.Roots().Concat(right.Roots());
        public override IEnumerable<IReadOnlyList<string>> PathList() => left.PathList().Concat(right.PathList());

        public override JsonNode? Evaluate(IReadOnlyDictionary<string, JsonNode?> scope, Expression owner)
        {
            if (op == "&&") return JsonValue.Create(AsBool(left.Evaluate(scope, owner), op) && AsBool(right.Evaluate(scope, owner), op));
            if (op == "||") return JsonValue.Create(AsBool(left.Evaluate(scope, owner), op) || AsBool(right.Evaluate(scope, owner), op));
            var a = left.Evaluate(scope, owner);
            var b = right.Evaluate(scope, owner);
            switch (op)
            {
                case "==": return JsonValue.Create(ValuesEqual(a, b));
                case "!=": return JsonValue.Create(!ValuesEqual(a, b));
                case "+" when IsString(a) && IsString(b): return JsonValue.Create(a!.GetValue<string>() + b!.GetValue<string>());
                case "+" when IsString(a) || IsString(b):
                    throw new ExpressionException($"cannot add {Describe(a)} and {Describe(b)} (convert with a string literal on both sides)");
                case "+": return Number(AsNumber(a, op) + AsNumber(b, op));
                case "-": return Number(AsNumber(a, op) - AsNumber(b, op));
                case "*": return Number(AsNumber(a, op) * AsNumber(b, op));
                case "/":
                    var divisor = AsNumber(b, op);
                    if (divisor == 0) throw new ExpressionException("division by zero");
                    return Number(AsNumber(a, op) / divisor);
                default:
                    int cmp;
                    if (IsString(a) && IsString(b)) cmp = string.CompareOrdinal(a!.GetValue<string>(), b!.GetValue<string>());
                    else cmp = AsNumber(a, op).CompareTo(AsNumber(b, op));
                    return JsonValue.Create(op switch { "<" => cmp < 0, "<=" => cmp <= 0, ">" => cmp > 0, _ => cmp >= 0 });
            }
        }
    }

    private static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    private static bool ValuesEqual(JsonNode? a, JsonNode? b)
    {
        if (a is JsonValue va && b is JsonValue vb && va.GetValueKind() == JsonValueKind.Number && vb.GetValueKind() == JsonValueKind.Number)
            return ToDouble(va) == ToDouble(vb);
        return JsonNode.DeepEquals(a, b);
    }

    private static bool AsBool(JsonNode? n, string op) =>
        n is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValueKind() == JsonValueKind.True
            : throw new ExpressionException($"'{op}' needs true or false, not {Describe(n)}");

    private static double AsNumber(JsonNode? n, string op) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? ToDouble(v)
            : throw new ExpressionException($"'{op}' needs a number, not {Describe(n)}");

    /// <summary>A JSON number as double, whatever CLR type the node was created from.</summary>
    private static double ToDouble(JsonValue v) =>
        v.TryGetValue<double>(out var d) ? d
        : v.TryGetValue<long>(out var l) ? l
        : v.TryGetValue<int>(out var i) ? i
        : double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);

    private static JsonNode Number(double d) =>
        d == Math.Floor(d) && Math.Abs(d) < 9e15 ? JsonValue.Create((long)d) : JsonValue.Create(d);

    private static string Describe(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the string \"{v.GetValue<string>()}\"",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            _ => v.ToJsonString(),
        },
        _ => "a value",
    };

    private sealed class Parser(string text)
    {
        private int _pos;

        public Node ParseAll()
        {
            var node = ParseOr();
            SkipSpace();
            if (_pos < text.Length) throw Error($"unexpected '{text[_pos]}'");
            return node;
        }

        private Node ParseOr()
        {
            var left = ParseAnd();
            while (TryOp("||")) left = new Binary("||", left, ParseAnd());
            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseComparison();
            while (TryOp("&&")) left = new Binary("&&", left, ParseComparison());
            return left;
        }

        private Node ParseComparison()
        {
            var left = ParseAdditive();
            foreach (var op in new[] { "==", "!=", "<=", ">=", "<", ">" })
            {
                if (TryOp(op)) return new Binary(op, left, ParseAdditive());
            }
            return left;
        }

        private Node ParseAdditive()
        {
            var left = ParseMultiplicative();
            while (true)
            {
                if (TryOp("+")) left = new Binary("+", left, ParseMultiplicative());
                else if (TryOp("-")) left = new Binary("-", left, ParseMultiplicative());
                else return left;
            }
        }

        private Node ParseMultiplicative()
        {
            var left = ParseUnary();
            while (true)
            {
                if (TryOp("*")) left = new Binary("*", left, ParseUnary());
                else if (TryOp("/")) left = new Binary("/", left, ParseUnary());
                else return left;
            }
        }

        private Node ParseUnary()
        {
            if (TryOp("!")) return new Unary('!', ParseUnary());
            if (TryOp("-")) return new Unary('-', ParseUnary());
            return ParsePrimary();
        }

        private Node ParsePrimary()
        {
            SkipSpace();
            if (_pos >= text.Length) throw Error("the expression ends too early");
            var c = text[_pos];
            if (c == '(')
            {
                _pos++;
                var inner = ParseOr();
                Expect(')');
                return inner;
            }
            if (c == '"') return new Literal(JsonValue.Create(ReadString()));
            if (char.IsAsciiDigit(c)) return new Literal(ReadNumber());
            if (char.IsAsciiLetter(c) || c is '_' or '$')
            {
                var name = ReadIdentifier();
                switch (name)
                {
                    case "true": return new Literal(JsonValue.Create(true));
                    case "false": return new Literal(JsonValue.Create(false));
                    case "null": return new Literal(null);
                }
                return new PathNode(name, ReadSegments());
            }
            throw Error($"unexpected '{c}'");
        }

        private List<Segment> ReadSegments()
        {
            var segments = new List<Segment>();
            while (_pos < text.Length)
            {
                if (text[_pos] == '.')
                {
                    _pos++;
                    if (_pos < text.Length && text[_pos] == '"') segments.Add(new Field(ReadString()));
                    else segments.Add(new Field(ReadIdentifier()));
                }
                else if (text[_pos] == '[')
                {
                    _pos++;
                    SkipSpace();
                    if (_pos < text.Length && text[_pos] == '"') segments.Add(new Field(ReadString()));
                    else
                    {
                        var number = ReadNumber();
                        if (!number.TryGetValue<long>(out var index)) throw Error("an index must be a whole number");
                        segments.Add(new Index((int)index));
                    }
                    Expect(']');
                }
                else break;
            }
            return segments;
        }

        private string ReadIdentifier()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterOrDigit(text[_pos]) || text[_pos] is '_' or '$' or '-' && _pos > start && _pos + 1 < text.Length && char.IsAsciiLetter(text[_pos + 1])))
                _pos++;
            if (_pos == start) throw Error("expected a name");
            return text[start.._pos];
        }

        private string ReadString()
        {
            var sb = new StringBuilder();
            _pos++; // opening quote
            while (_pos < text.Length && text[_pos] != '"')
            {
                if (text[_pos] == '\\' && _pos + 1 < text.Length)
                {
                    _pos++;
                    sb.Append(text[_pos] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other });
                }
                else sb.Append(text[_pos]);
                _pos++;
            }
            if (_pos >= text.Length) throw Error("a string is not closed with \"");
            _pos++;
            return sb.ToString();
        }

        private JsonValue ReadNumber()
        {
            if (_pos >= text.Length) throw Error("the expression ends too early");
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] == '.')) _pos++;
            var s = text[start.._pos];
            if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
            if (double.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
            throw Error($"'{s}' is not a number");
        }

        private bool TryOp(string op)
        {
            SkipSpace();
            if (string.CompareOrdinal(text, _pos, op, 0, op.Length) != 0) return false;
            // '!' must not swallow '!=', '<' must not swallow '<=' (handled by trying longer ops first), '-' / '+' are fine.
            if (op == "!" && _pos + 1 < text.Length && text[_pos + 1] == '=') return false;
            _pos += op.Length;
            return true;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (_pos >= text.Length || text[_pos] != c) throw Error($"expected '{c}'");
            _pos++;
        }

        private void SkipSpace()
        {
            while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        private ExpressionException Error(string message) =>
            new($"cannot read expression '{text}' at position {_pos + 1}: {message}");
    }
}

internal sealed class ExpressionException(string message) : Exception(message);
