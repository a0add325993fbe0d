using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace GitOpsVela.Engine.Semantics;

/// <summary>
/// The subset of Go's text/template that commit message templates use (KubeVela's <c>commitMessage</c>, Flux's
/// ImageUpdateAutomation): text, <c>{{ .Field.Path }}</c>, <c>{{ . }}</c>, <c>{{ range X }}…{{ else }}…{{ end }}</c>,
/// <c>{{ if X }}…{{ else }}…{{ end }}</c>, <c>{{- trim -}}</c> markers, and the functions <c>print</c>, <c>println</c>,
/// <c>printf</c> and <c>len</c> (also in pipelines, <c>{{ .X | println }}</c>). Data is plain .NET: dictionaries (by key),
/// lists, strings and numbers. Anything else is a clear error naming the action.
/// </summary>
internal static partial class GoTemplate
{
    [GeneratedRegex(@"\{\{(-\s)?(.*?)(\s-)?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    private abstract record Node;
    private sealed record Text(string Value) : Node;
    private sealed record Expr(string Source) : Node;
    private sealed record Block(string Kind, string Source, List<Node> Body, List<Node> Else) : Node;

    public static string Render(string template, object? data)
    {
        var tokens = Tokenize(template);
        var pos = 0;
        var nodes = Parse(tokens, ref pos, out var terminator);
        if (terminator is not null) throw new FormatException($"unexpected {{{{{terminator}}}}}");
        var sb = new StringBuilder();
        Execute(nodes, data, sb);
        return sb.ToString();
    }

    private static List<(bool IsAction, string Value)> Tokenize(string template)
    {
        var tokens = new List<(bool, string)>();
        var last = 0;
        foreach (Match m in Action().Matches(template))
        {
            var text = template[last..m.Index];
            if (m.Groups[1].Success) text = text.TrimEnd();
            if (tokens.Count > 0 && tokens[^1] is (false, _)) { }
            tokens.Add((false, text));
            tokens.Add((true, m.Groups[2].Value.Trim()));
            last = m.Index + m.Length;
            if (m.Groups[3].Success)
            {
                while (last < template.Length && char.IsWhiteSpace(template[last])) last++;
            }
        }
        tokens.Add((false, template[last..]));
        return tokens;
    }

    private static List<Node> Parse(List<(bool IsAction, string Value)> tokens, ref int pos, out string? terminator)
    {
        var nodes = new List<Node>();
        terminator = null;
        while (pos < tokens.Count)
        {
            var (isAction, value) = tokens[pos++];
            if (!isAction)
            {
                if (value.Length > 0) nodes.Add(new Text(value));
                continue;
            }
            if (value.StartsWith("/*", StringComparison.Ordinal)) continue;
            if (value is "end" or "else")
            {
                terminator = value;
                return nodes;
            }
            var word = value.Split(' ', 2)[0];
            if (word is "range" or "if" or "with")
            {
                var body = Parse(tokens, ref pos, out var t1);
                var other = new List<Node>();
                if (t1 == "else") other = Parse(tokens, ref pos, out t1);
                if (t1 != "end") throw new FormatException($"{{{{{value}}}}} has no {{{{end}}}}");
                nodes.Add(new Block(word, value[word.Length..].Trim(), body, other));
                continue;
            }
            nodes.Add(new Expr(value));
        }
        return nodes;
    }

    private static void Execute(List<Node> nodes, object? dot, StringBuilder sb)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case Text t:
                    sb.Append(t.Value);
                    break;
                case Expr e:
                    sb.Append(Format(Evaluate(e.Source, dot)));
                    break;
                case Block { Kind: "range" } b:
                    {
                        var items = Items(Evaluate(b.Source, dot)).ToList();
                        if (items.Count == 0) Execute(b.Else, dot, sb);
                        foreach (var item in items) Execute(b.Body, item, sb);
                        break;
                    }
                case Block { Kind: "if" } b:
                    Execute(Truthy(Evaluate(b.Source, dot)) ? b.Body : b.Else, dot, sb);
                    break;
                case Block { Kind: "with" } b:
                    {
                        var value = Evaluate(b.Source, dot);
                        if (Truthy(value)) Execute(b.Body, value, sb);
                        else Execute(b.Else, dot, sb);
                        break;
                    }
            }
        }
    }

    private static object? Evaluate(string source, object? dot)
    {
        var stages = source.Split('|').Select(s => s.Trim()).ToList();
        object? value = null;
        for (var i = 0; i < stages.Count; i++)
        {
            var args = Arguments(stages[i]);
            if (args.Count == 0) throw new FormatException("empty action");
            if (i > 0) args.Add(new Literal(value));
            value = args[0] switch
            {
                Word { Text: "println" } => string.Join(" ", args.Skip(1).Select(a => Format(Value(a, dot)))) + "\n",
                Word { Text: "print" } => string.Concat(args.Skip(1).Select(a => Format(Value(a, dot)))),
                Word { Text: "printf" } => Printf(Format(Value(args[1], dot)), args.Skip(2).Select(a => Value(a, dot)).ToArray()),
                Word { Text: "len" } => Items(Value(args[1], dot)).Count(),
                Word w => throw new FormatException($"function '{w.Text}' is not supported (print, println, printf, len)"),
                _ when args.Count == 1 => Value(args[0], dot),
                _ => throw new FormatException($"cannot evaluate '{stages[i]}'"),
            };
        }
        return value;
    }

    private abstract record Arg;
    private sealed record Word(string Text) : Arg;
    private sealed record FieldPath(string Path) : Arg;
    private sealed record Literal(object? Value) : Arg;

    private static List<Arg> Arguments(string stage)
    {
        var args = new List<Arg>();
        var i = 0;
        while (i < stage.Length)
        {
            if (char.IsWhiteSpace(stage[i])) { i++; continue; }
            if (stage[i] == '"')
            {
                var sb = new StringBuilder();
                i++;
                while (i < stage.Length && stage[i] != '"')
                {
                    if (stage[i] == '\\' && i + 1 < stage.Length)
                    {
                        i++;
                        sb.Append(stage[i] switch { 'n' => '\n', 't' => '\t', _ => stage[i] });
                    }
                    else sb.Append(stage[i]);
                    i++;
                }
                i++;
                args.Add(new Literal(sb.ToString()));
                continue;
            }
            var start = i;
            while (i < stage.Length && !char.IsWhiteSpace(stage[i])) i++;
            var token = stage[start..i];
            args.Add(token.StartsWith('.') ? new FieldPath(token)
                : long.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? new Literal(n)
                : new Word(token));
        }
        return args;
    }

    private static object? Value(Arg arg, object? dot) => arg switch
    {
        Literal l => l.Value,
        FieldPath f => Field(dot, f.Path),
        Word w => throw new FormatException($"'{w.Text}' is not a value"),
        _ => null,
    };

    private static object? Field(object? dot, string path)
    {
        if (path == ".") return dot;
        var current = dot;
        foreach (var name in path.TrimStart('.').Split('.'))
        {
            current = current switch
            {
                IDictionary<string, object?> d => d.TryGetValue(name, out var v) ? v : throw new FormatException($"field {name} not found"),
                IDictionary d => d.Contains(name) ? d[name] : throw new FormatException($"field {name} not found"),
                null => throw new FormatException($"nil has no field {name}"),
                _ => current.GetType().GetProperty(name)?.GetValue(current) ?? throw new FormatException($"field {name} not found"),
            };
        }
        return current;
    }

    private static IEnumerable<object?> Items(object? value) => value switch
    {
        null => [],
        string s => [s],
        IDictionary d => d.Keys.Cast<object>().OrderBy(k => k.ToString(), StringComparer.Ordinal).Select(k => d[k]),
        IEnumerable e => e.Cast<object?>(),
        _ => [value],
    };

    private static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long n => n != 0,
        int n => n != 0,
        ICollection c => c.Count > 0,
        IEnumerable e => e.Cast<object>().Any(),
        _ => true,
    };

    private static string Format(object? value) => value switch
    {
        null => "<no value>",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IDictionary d => "map[" + string.Join(" ", d.Keys.Cast<object>().Select(k => $"{k}:{Format(d[k])}")) + "]",
        IEnumerable e => "[" + string.Join(" ", e.Cast<object?>().Select(Format)) + "]",
        _ => value.ToString() ?? "",
    };

    private static string Printf(string format, object?[] args)
    {
        var sb = new StringBuilder();
        var a = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length) { sb.Append(format[i]); continue; }
            var verb = format[++i];
            if (verb == '%') { sb.Append('%'); continue; }
            var arg = a < args.Length ? args[a++] : null;
            sb.Append(verb switch
            {
                'q' => "\"" + Format(arg).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
                _ => Format(arg),
            });
        }
        return sb.ToString();
    }
}
