using System.Text;
using System.Text.RegularExpressions;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Engine.Images;

/// <summary>Which part of the image value a marker sets (Flux's setters: the whole reference, or <c>:tag</c>, <c>:name</c>, <c>:digest</c>).</summary>
internal enum MarkerField { Image, Tag, Name, Digest }

/// <summary>A marker found in a file: <c># {"$imagepolicy": "&lt;namespace&gt;:&lt;name&gt;[:tag|:name|:digest]"}</c> on the line of the value it sets.</summary>
internal sealed record ImageMarker(string File, int Line, string Policy, MarkerField Field, string Value, int Start, int Length, char? Quote);

/// <summary>One edit: the marked value before and after.</summary>
public sealed record ImageEdit(string File, int Line, string Policy, string Old, string New);

/// <summary>
/// Finds image policy markers in YAML files and rewrites only the marked values, byte for byte: comments, quotes (a quoted
/// value keeps its quote style), blank lines, <c>---</c>, CRLF line ends, a BOM and everything else stay as they were. A
/// marker that cannot be applied (inside a block scalar, on a key without a scalar value) is reported, never skipped.
/// </summary>
internal static partial class ImageMarkers
{
    [GeneratedRegex(@"#\s*\{\s*""\$imagepolicy""\s*:\s*""(?<ref>[^""]+)""\s*\}")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^(?<indent>\s*)(?:-\s+)?(?:(?<key>[^\s#'""][^:#]*?|""[^""]*""|'[^']*'):(?:\s+|$))?")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"^\s*(?:-\s+)?(?:[^\s#'""][^:#]*?|""[^""]*""|'[^']*'):\s*[|>][0-9+-]*\s*(?:#.*)?$|^\s*-\s+[|>][0-9+-]*\s*(?:#.*)?$")]
    private static partial Regex BlockScalarStart();

    public static IEnumerable<string> YamlFiles(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(f => Path.GetExtension(f) is ".yaml" or ".yml")
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>Every marker in the file, and a problem for each marker that sits where no scalar value can be set.</summary>
    public static (List<ImageMarker> Markers, List<VelaProblem> Problems) Scan(string file, string text)
    {
        var markers = new List<ImageMarker>();
        var problems = new List<VelaProblem>();
        if (!text.Contains("$imagepolicy", StringComparison.Ordinal)) return (markers, problems);
        var lines = SplitLines(text);
        var blockIndent = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var (start, content) = lines[i];
            var indent = content.Length - content.TrimStart(' ').Length;
            var inBlock = blockIndent >= 0 && (content.Trim().Length == 0 || indent > blockIndent);
            if (blockIndent >= 0 && !inBlock) blockIndent = -1;
            var m = Marker().Match(content);
            if (m.Success)
            {
                var location = new SourceLocation(file, i + 1, m.Index + 1);
                var reference = m.Groups["ref"].Value;
                var parts = reference.Split(':');
                if (parts.Length is < 2 or > 3 || parts.Take(2).Any(p => p.Length == 0))
                    problems.Add(new VelaProblem(ErrorIds.Image.MarkerInvalid, ProblemCategory.InvalidData, $"marker '{reference}' must be <namespace>:<name>[:tag|:name|:digest]", location));
                else if (inBlock)
                    problems.Add(new VelaProblem(ErrorIds.Image.MarkerUnusable, ProblemCategory.InvalidData, $"marker for {reference} is inside a block scalar; it cannot set a value there", location));
                else
                {
                    var field = parts.Length == 2 ? MarkerField.Image : parts[2] switch
                    {
                        "tag" => MarkerField.Tag,
                        "name" => MarkerField.Name,
                        "digest" => MarkerField.Digest,
                        _ => (MarkerField?)null,
                    };
                    if (field is null)
                        problems.Add(new VelaProblem(ErrorIds.Image.MarkerInvalid, ProblemCategory.InvalidData, $"marker '{reference}': '{parts[2]}' is not tag, name or digest", location));
                    else if (Value(content[..m.Index]) is { } value)
                        markers.Add(new ImageMarker(file, i + 1, $"{parts[0]}:{parts[1]}", field.Value, value.Text, start + value.Start, value.Length, value.Quote));
                    else
                        problems.Add(new VelaProblem(ErrorIds.Image.MarkerUnusable, ProblemCategory.InvalidData, $"marker for {reference} is not on a line with a scalar value", location));
                }
            }
            if (!inBlock && BlockScalarStart().IsMatch(content)) blockIndent = indent;
        }
        return (markers, problems);
    }

    /// <summary>The scalar before the marker on its line: <c>key: value</c> or <c>- value</c>, plain or quoted.</summary>
    private static (string Text, int Start, int Length, char? Quote)? Value(string beforeComment)
    {
        var p = Prefix().Match(beforeComment);
        var rest = beforeComment[p.Length..];
        var trimmed = rest.TrimEnd();
        if (trimmed.Length == 0) return null;
        var start = p.Length;
        if (trimmed[0] is '"' or '\'')
        {
            var q = trimmed[0];
            if (trimmed.Length < 2 || trimmed[^1] != q) return null;
            return (trimmed[1..^1], start + 1, trimmed.Length - 2, q);
        }
        if (trimmed[0] is '{' or '[' or '|' or '>' or '&' or '*' or '!') return null;
        return (trimmed, start, trimmed.Length, null);
    }

    /// <summary>Line start offsets and contents (without line ends).</summary>
    private static List<(int Start, string Content)> SplitLines(string text)
    {
        var lines = new List<(int, string)>();
        var pos = 0;
        while (pos <= text.Length)
        {
            var nl = text.IndexOf('\n', pos);
            var end = nl < 0 ? text.Length : nl;
            var contentEnd = end > pos && text[end - 1] == '\r' ? end - 1 : end;
            lines.Add((pos, text[pos..contentEnd]));
            if (nl < 0) break;
            pos = nl + 1;
        }
        return lines;
    }

    /// <summary>The new value for a marker, given the image chosen for its policy.</summary>
    public static string NewValue(ImageMarker marker, ImageReference chosen) => marker.Field switch
    {
        MarkerField.Tag => chosen.Tag ?? "",
        MarkerField.Name => chosen.Name,
        MarkerField.Digest => chosen.Digest ?? "",
        _ => chosen.Tag is null ? chosen.Name : $"{chosen.Name}:{chosen.Tag}",
    };

    /// <summary>Rewrites the markers' values in the text; nothing else changes.</summary>
    public static string Apply(string text, IEnumerable<(ImageMarker Marker, string NewValue)> edits)
    {
        var sb = new StringBuilder(text);
        foreach (var (marker, value) in edits.OrderByDescending(e => e.Marker.Start))
        {
            sb.Remove(marker.Start, marker.Length);
            sb.Insert(marker.Start, value);
        }
        return sb.ToString();
    }
}
