using System.Globalization;
using System.Text.RegularExpressions;

namespace GitOpsVela.Engine.Semantics;

/// <summary>Go RE2 patterns (what Flux and KubeVela accept) translated to .NET, with RE2's limits kept.</summary>
internal static partial class GoRegex
{
    public static string ToDotNet(string pattern)
    {
        if (pattern.Contains("(?=") || pattern.Contains("(?!") || pattern.Contains("(?<=") || pattern.Contains("(?<!"))
            throw new ArgumentException($"pattern '{pattern}': lookaround is not supported by Go regular expressions");
        if (BackReference().IsMatch(pattern))
            throw new ArgumentException($"pattern '{pattern}': backreferences are not supported by Go regular expressions");
        return pattern.Replace("(?P<", "(?<");
    }

    [GeneratedRegex(@"(?<!\\)\\[1-9]")]
    private static partial Regex BackReference();

    [GeneratedRegex(@"\$(\{(?<braced>[A-Za-z0-9_]+)\}|(?<plain>[A-Za-z0-9_]+)|\$)")]
    private static partial Regex Template();

    /// <summary>Go's Regexp.Expand: <c>$name</c> takes the longest run of name characters, <c>${name}</c> is explicit, <c>$$</c> is a dollar; unknown groups expand to nothing.</summary>
    public static string Expand(Match match, string template) => Template().Replace(template, m =>
    {
        if (m.Value == "$$") return "$";
        var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
        var group = int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? match.Groups[index] : match.Groups[name];
        return group.Success ? group.Value : "";
    });
}
