using System.Globalization;
using System.Text.RegularExpressions;

namespace GitOpsVela.Engine.Semantics;

/// <summary>
/// A semantic version as Masterminds/semver (which Flux and KubeVela use) reads it: an optional <c>v</c>, major, and
/// optionally minor and patch (missing parts are 0), a prerelease after <c>-</c>, build metadata after <c>+</c> (ignored
/// in ordering). Prereleases order before their release and compare identifier by identifier.
/// </summary>
internal sealed partial class SemanticVersion : IComparable<SemanticVersion>
{
    [GeneratedRegex(@"^v?(?<major>0|[1-9]\d*)(\.(?<minor>0|[1-9]\d*))?(\.(?<patch>0|[1-9]\d*))?(-(?<pre>[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+(?<build>[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$")]
    private static partial Regex Pattern();

    private SemanticVersion(string original, long major, long minor, long patch, string? prerelease)
    {
        Original = original;
        Major = major;
        Minor = minor;
        Patch = patch;
        Prerelease = prerelease;
    }

    public string Original { get; }
    public long Major { get; }
    public long Minor { get; }
    public long Patch { get; }
    public string? Prerelease { get; }

    public static bool TryParse(string? text, out SemanticVersion version)
    {
        version = null!;
        if (string.IsNullOrEmpty(text)) return false;
        var m = Pattern().Match(text);
        if (!m.Success) return false;
        static long Part(Group g) => g.Success && long.TryParse(g.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0;
        version = new SemanticVersion(text, Part(m.Groups["major"]), Part(m.Groups["minor"]), Part(m.Groups["patch"]),
            m.Groups["pre"].Success ? m.Groups["pre"].Value : null);
        return true;
    }

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null) return 1;
        var c = Major.CompareTo(other.Major);
        if (c == 0) c = Minor.CompareTo(other.Minor);
        if (c == 0) c = Patch.CompareTo(other.Patch);
        if (c != 0) return c;
        if (Prerelease is null) return other.Prerelease is null ? 0 : 1;
        if (other.Prerelease is null) return -1;
        var a = Prerelease.Split('.');
        var b = other.Prerelease.Split('.');
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var an = long.TryParse(a[i], NumberStyles.None, CultureInfo.InvariantCulture, out var ai);
            var bn = long.TryParse(b[i], NumberStyles.None, CultureInfo.InvariantCulture, out var bi);
            c = an && bn ? ai.CompareTo(bi) : an ? -1 : bn ? 1 : string.CompareOrdinal(a[i], b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }

    public override string ToString() => Original;
}

/// <summary>
/// A Masterminds/semver constraint: alternatives separated by <c>||</c>, each a set of comparisons separated by spaces or
/// commas (all must hold): <c>=</c>, <c>!=</c>, <c>&gt;</c>, <c>&lt;</c>, <c>&gt;=</c>, <c>&lt;=</c>, <c>~</c> (patch-level),
/// <c>^</c> (compatible), x-ranges (<c>1.x</c>, <c>1.2.*</c>, <c>*</c>) and hyphen ranges (<c>1.2 - 1.4.5</c>). As in
/// Masterminds, a prerelease version only satisfies a constraint that itself names a prerelease.
/// </summary>
internal sealed class VersionConstraint
{
    private readonly List<List<Func<SemanticVersion, bool>>> _alternatives;
    private readonly bool _allowsPrerelease;

    private VersionConstraint(string text, List<List<Func<SemanticVersion, bool>>> alternatives, bool allowsPrerelease)
    {
        Text = text;
        _alternatives = alternatives;
        _allowsPrerelease = allowsPrerelease;
    }

    public string Text { get; }

    public bool IsSatisfiedBy(SemanticVersion version) =>
        (version.Prerelease is null || _allowsPrerelease) && _alternatives.Any(all => all.All(check => check(version)));

    public static bool TryParse(string text, out VersionConstraint constraint, out string? error)
    {
        constraint = null!;
        error = null;
        var alternatives = new List<List<Func<SemanticVersion, bool>>>();
        var prerelease = false;
        foreach (var alternative in text.Split("||"))
        {
            var normalized = Regex.Replace(alternative.Trim(), @"(>=|<=|!=|=|>|<|~|\^)\s+", "$1");
            normalized = Regex.Replace(normalized, @"\s+-\s+", " - ");
            var tokens = normalized.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).ToList();
            var checks = new List<Func<SemanticVersion, bool>>();
            for (var i = 0; i < tokens.Count; i++)
            {
                if (i + 2 < tokens.Count && tokens[i + 1] == "-")
                {
                    if (!Bound(tokens[i], out var lo, out _, ref error) || !Bound(tokens[i + 2], out var hi, out var hiParts, ref error)) return false;
                    prerelease |= lo.Prerelease is not null || hi.Prerelease is not null;
                    checks.Add(v => v.CompareTo(lo) >= 0);
                    checks.Add(hiParts < 3 ? UpperExclusive(hi, hiParts) : v => v.CompareTo(hi) <= 0);
                    i += 2;
                    continue;
                }
                if (!Comparison(tokens[i], checks, ref prerelease, ref error)) return false;
            }
            if (checks.Count == 0) checks.Add(_ => true);
            alternatives.Add(checks);
        }
        constraint = new VersionConstraint(text, alternatives, prerelease);
        return true;
    }

    private static Func<SemanticVersion, bool> UpperExclusive(SemanticVersion v, int parts) => parts switch
    {
        1 => x => x.Major <= v.Major,
        _ => x => x.Major < v.Major || x.Major == v.Major && x.Minor <= v.Minor,
    };

    /// <summary>Parses a version that may have x/* wildcards or missing parts; <paramref name="parts"/> counts the given numeric parts.</summary>
    private static bool Bound(string text, out SemanticVersion version, out int parts, ref string? error)
    {
        var t = text.TrimStart('v');
        var pieces = t.Split('-', 2)[0].Split('+', 2)[0].Split('.');
        parts = pieces.TakeWhile(p => p.Length > 0 && p != "x" && p != "X" && p != "*").Count();
        var numeric = string.Join('.', pieces.Take(parts).DefaultIfEmpty("0"));
        var rest = t.Length > t.Split('-', 2)[0].Length && parts == pieces.Length ? t[t.Split('-', 2)[0].Length..] : "";
        if (!SemanticVersion.TryParse(numeric + rest, out version))
        {
            error = $"'{text}' is not a version";
            return false;
        }
        return true;
    }

    private static bool Comparison(string token, List<Func<SemanticVersion, bool>> checks, ref bool prerelease, ref string? error)
    {
        var op = token.StartsWith(">=") || token.StartsWith("<=") || token.StartsWith("!=") ? token[..2]
            : token[0] is '>' or '<' or '=' or '~' or '^' ? token[..1] : "";
        var text = token[op.Length..];
        if (text is "*" or "x" or "X" or "")
        {
            checks.Add(_ => true);
            return true;
        }
        if (!Bound(text, out var v, out var parts, ref error)) return false;
        prerelease |= v.Prerelease is not null;
        var wildcard = parts < 3;
        switch (op)
        {
            case "" or "=":
                if (!wildcard) checks.Add(x => x.CompareTo(v) == 0);
                else
                {
                    checks.Add(x => x.CompareTo(v) >= 0);
                    checks.Add(parts == 0 ? _ => true : parts == 1 ? x => x.Major == v.Major : x => x.Major == v.Major && x.Minor == v.Minor);
                }
                break;
            case "!=":
                checks.Add(wildcard
                    ? parts == 1 ? x => x.Major != v.Major : x => !(x.Major == v.Major && x.Minor == v.Minor)
                    : x => x.CompareTo(v) != 0);
                break;
            case ">":
                checks.Add(wildcard
                    ? parts == 1 ? x => x.Major > v.Major : x => x.Major > v.Major || x.Major == v.Major && x.Minor > v.Minor
                    : x => x.CompareTo(v) > 0);
                break;
            case ">=":
                checks.Add(x => x.CompareTo(v) >= 0);
                break;
            case "<":
                checks.Add(x => x.CompareTo(v) < 0);
                break;
            case "<=":
                checks.Add(wildcard ? UpperExclusive(v, parts) : x => x.CompareTo(v) <= 0);
                break;
            case "~":
                // ~1.2.3 := >=1.2.3 <1.3.0; ~1 := >=1.0.0 <2.0.0
                checks.Add(x => x.CompareTo(v) >= 0);
                checks.Add(parts <= 1 ? x => x.Major == v.Major : x => x.Major == v.Major && x.Minor == v.Minor);
                break;
            case "^":
                // ^1.2.3 := >=1.2.3 <2.0.0; ^0.2.3 := >=0.2.3 <0.3.0; ^0.0.3 := >=0.0.3 <0.0.4
                checks.Add(x => x.CompareTo(v) >= 0);
                if (v.Major > 0 || parts == 1) checks.Add(x => x.Major == v.Major);
                else if (v.Minor > 0 || parts == 2) checks.Add(x => x.Major == 0 && x.Minor == v.Minor);
                else checks.Add(x => x.Major == 0 && x.Minor == 0 && x.Patch == v.Patch);
                break;
            default:
                error = $"'{token}' is not a comparison";
                return false;
        }
        return true;
    }
}
