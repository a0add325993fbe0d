using System.Text.Json.Nodes;

namespace GitOpsVela.TestKube;

/// <summary>Kubernetes label selector syntax: <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>.</summary>
internal sealed class LabelSelector
{
    private readonly List<Func<JsonObject?, bool>> _requirements = [];

    public bool Matches(JsonObject? labels) => _requirements.All(r => r(labels));

    private static string? Value(JsonObject? labels, string key) =>
        labels is not null && labels.TryGetPropertyValue(key, out var v) ? v?.GetValue<string>() ?? string.Empty : null;

    public static LabelSelector Parse(string text)
    {
        var s = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text)) return s;
        foreach (var raw in SplitTopLevel(text))
        {
            var part = raw.Trim();
            if (part.Length == 0) continue;
            var inIdx = IndexOfWord(part, " notin ");
            var notin = inIdx >= 0;
            if (!notin) inIdx = IndexOfWord(part, " in ");
            if (inIdx >= 0)
            {
                var key = part[..inIdx].Trim();
                var open = part.IndexOf('(');
                var close = part.LastIndexOf(')');
                if (open < 0 || close < open) throw ApiError.BadRequest($"unable to parse requirement: {part}");
                var values = part[(open + 1)..close].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
                s._requirements.Add(notin
                    ? l => Value(l, key) is not { } v || !values.Contains(v)
                    : l => Value(l, key) is { } v && values.Contains(v));
                continue;
            }
            if (part.Contains("!="))
            {
                var kv = part.Split("!=", 2, StringSplitOptions.TrimEntries);
                s._requirements.Add(l => Value(l, kv[0]) != kv[1]);
            }
            else if (part.Contains('='))
            {
                var kv = part.Split(part.Contains("==") ? "==" : "=", 2, StringSplitOptions.TrimEntries);
                s._requirements.Add(l => Value(l, kv[0]) == kv[1]);
            }
            else if (part.StartsWith('!'))
            {
                var key = part[1..].Trim();
                s._requirements.Add(l => Value(l, key) is null);
            }
            else s._requirements.Add(l => Value(l, part) is not null);
        }
        return s;
    }

    private static int IndexOfWord(string part, string word) => part.IndexOf(word, StringComparison.Ordinal);

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
