using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Engine.Images;

public enum PolicyKind { SemVer, Numerical, Alphabetical }

/// <summary>Why a tag was or was not chosen.</summary>
public enum TagVerdict { Passed, FilteredOut, ExtractFailed, NotAVersion, LowerThanCurrent, OutOfRange }

public sealed record TagEvaluation(string Tag, string? Value, TagVerdict Verdict, string Reason, bool Selected = false);

public sealed record TagSelection(string? Selected, IReadOnlyList<TagEvaluation> Tags, string? Current, string? Message);

/// <summary>
/// How to pick the newest tag, as Flux's ImagePolicy (fluxcd/image-reflector-controller internal/policy) and KubeVela's
/// <c>imageRepository</c> block describe it: <c>filterTags.pattern</c> (Go RE2 syntax, <c>(?P&lt;name&gt;…)</c> groups) and
/// <c>extract</c> (<c>$name</c>, <c>${name}</c>, <c>$1</c>) choose and reshape candidates; <c>semver</c> (a Masterminds
/// range), <c>numerical</c> or <c>alphabetical</c> (order asc: the highest wins; desc: the lowest) rank them. A candidate
/// ranked below the current tag is never chosen.
/// </summary>
public sealed class TagPolicy
{
    private readonly Regex? _pattern;
    private readonly VersionConstraint? _range;

    public TagPolicy(PolicyKind kind, string? range = null, string order = "asc", string? pattern = null, string? extract = null)
    {
        Kind = kind;
        Order = order is "asc" or "desc" ? order : throw new ArgumentException($"order must be asc or desc, not '{order}'");
        Pattern = pattern;
        Extract = extract;
        Range = range;
        if (pattern is not null) _pattern = new Regex(GoRegex.ToDotNet(pattern), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (kind == PolicyKind.SemVer)
        {
            if (!VersionConstraint.TryParse(range ?? "*", out var c, out var error)) throw new ArgumentException($"semver range '{range}': {error}");
            _range = c;
        }
    }

    public PolicyKind Kind { get; }
    public string Order { get; }
    public string? Pattern { get; }
    public string? Extract { get; }
    public string? Range { get; }

    /// <summary>Reads KubeVela's <c>imageRepository</c> block (<c>policy: {semver: {range}} | {numerical: {order}} | {alphabetical: {order}}</c>, <c>filterTags</c>).</summary>
    public static TagPolicy FromImageRepository(JsonObject block)
    {
        var policy = block["policy"] as JsonObject ?? throw new ArgumentException("imageRepository.policy is required");
        var filter = block["filterTags"] as JsonObject;
        var pattern = filter?["pattern"]?.GetValue<string>();
        var extract = filter?["extract"]?.GetValue<string>();
        if (policy["semver"] is JsonObject semver) return new TagPolicy(PolicyKind.SemVer, semver["range"]?.GetValue<string>(), pattern: pattern, extract: extract);
        if (policy["numerical"] is JsonObject numerical) return new TagPolicy(PolicyKind.Numerical, order: numerical["order"]?.GetValue<string>() ?? "asc", pattern: pattern, extract: extract);
        if (policy["alphabetical"] is JsonObject alphabetical) return new TagPolicy(PolicyKind.Alphabetical, order: alphabetical["order"]?.GetValue<string>() ?? "asc", pattern: pattern, extract: extract);
        throw new ArgumentException("imageRepository.policy must name semver, numerical or alphabetical");
    }

    public TagSelection Select(IEnumerable<string> tags, string? current = null)
    {
        var evaluations = new List<TagEvaluation>();
        var candidates = new List<(string Tag, string Value)>();
        foreach (var tag in tags.Distinct(StringComparer.Ordinal))
        {
            var value = tag;
            if (_pattern is not null)
            {
                var m = _pattern.Match(tag);
                if (!m.Success)
                {
                    evaluations.Add(new TagEvaluation(tag, null, TagVerdict.FilteredOut, $"does not match {Pattern}"));
                    continue;
                }
                if (Extract is not null)
                {
                    value = GoRegex.Expand(m, Extract);
                    if (value.Length == 0)
                    {
                        evaluations.Add(new TagEvaluation(tag, null, TagVerdict.ExtractFailed, $"extract {Extract} gave nothing"));
                        continue;
                    }
                }
            }
            if (Kind == PolicyKind.Numerical && !TryNumber(value, out _))
            {
                evaluations.Add(new TagEvaluation(tag, value, TagVerdict.NotAVersion, $"'{value}' is not a number"));
                continue;
            }
            if (Kind == PolicyKind.SemVer)
            {
                if (!SemanticVersion.TryParse(value, out var v))
                {
                    evaluations.Add(new TagEvaluation(tag, value, TagVerdict.NotAVersion, $"'{value}' is not a semantic version"));
                    continue;
                }
                if (!_range!.IsSatisfiedBy(v))
                {
                    evaluations.Add(new TagEvaluation(tag, value, TagVerdict.OutOfRange, $"{value} is not in {Range}"));
                    continue;
                }
            }
            candidates.Add((tag, value));
        }

        // Each value is parsed once into the key it ranks by; the best is one pass, no sort.
        var keys = candidates.Select(c => Key(c.Value)).ToList();
        var best = default((string Tag, string Value));
        object? bestKey = null;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (bestKey is null || Compare(keys[i], bestKey) * (Order == "desc" ? -1 : 1) > 0)
            {
                best = candidates[i];
                bestKey = keys[i];
            }
        }

        // The current tag ranks by the same rules even when the registry no longer lists it.
        var currentValue = current is null ? null : candidates.FirstOrDefault(c => c.Tag == current).Value ?? ValueOf(current);
        string? message = null;
        var selected = best.Tag;
        foreach (var (tag, value) in candidates)
        {
            var lower = currentValue is not null && Ranked(value, currentValue) < 0;
            evaluations.Add(lower
                ? new TagEvaluation(tag, value, TagVerdict.LowerThanCurrent, $"ranks below the current tag {current}")
                : new TagEvaluation(tag, value, TagVerdict.Passed, tag == selected ? "newest by policy" : "passed", tag == selected));
        }
        if (selected is not null && currentValue is not null && Ranked(best.Value!, currentValue) < 0)
        {
            message = $"the newest candidate {selected} ranks below the current tag {current}; keeping {current}";
            selected = current;
        }
        if (selected is null) message = "no tag passed the policy";
        var byTag = evaluations.ToDictionary(e => e.Tag);
        return new TagSelection(selected, tags.Distinct(StringComparer.Ordinal).Select(t => byTag[t] with { Selected = t == selected }).ToList(), current, message);
    }

    /// <summary>The value a tag ranks by (after filter and extract), or null when it would not be a candidate.</summary>
    private string? ValueOf(string tag)
    {
        var value = tag;
        if (_pattern is not null)
        {
            var m = _pattern.Match(tag);
            if (!m.Success) return null;
            if (Extract is not null) value = GoRegex.Expand(m, Extract);
        }
        if (Kind == PolicyKind.Numerical && !TryNumber(value, out _)) return null;
        if (Kind == PolicyKind.SemVer && !SemanticVersion.TryParse(value, out _)) return null;
        return value.Length == 0 ? null : value;
    }

    /// <summary>Compares two values in the policy's ranking direction (positive: <paramref name="a"/> is preferred).</summary>
    private int Ranked(string a, string b) => Order == "desc" ? -Compare(a, b) : Compare(a, b);

    private int Compare(string a, string b) => Compare(Key(a), Key(b));

    private object Key(string value) => Kind switch
    {
        PolicyKind.Numerical when TryNumber(value, out var n) => n,
        PolicyKind.SemVer when SemanticVersion.TryParse(value, out var v) => v,
        _ => value,
    };

    private static int Compare(object a, object b) => (a, b) switch
    {
        (decimal x, decimal y) => x.CompareTo(y),
        (SemanticVersion x, SemanticVersion y) => x.CompareTo(y),
        _ => string.CompareOrdinal(a.ToString(), b.ToString()),
    };

    private static bool TryNumber(string s, out decimal value) =>
        decimal.TryParse(s, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
