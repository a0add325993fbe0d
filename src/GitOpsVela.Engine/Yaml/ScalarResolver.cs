using System.Globalization;
using System.Text.RegularExpressions;

namespace GitOpsVela.Engine.Yaml;

/// <summary>
/// Resolves a plain (unquoted) scalar to null/bool/int/float/string the way kubectl does
/// (sigs.k8s.io/yaml on go-yaml v2, i.e. YAML 1.1 booleans such as <c>yes</c>/<c>on</c>), so the objects we
/// render are the objects <c>kubectl apply</c> would send.
/// </summary>
internal static partial class ScalarResolver
{
    private static readonly HashSet<string> Nulls = ["", "~", "null", "Null", "NULL"];
    private static readonly HashSet<string> Trues = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"];
    private static readonly HashSet<string> Falses = ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"];

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*)$")]
    private static partial Regex DecimalInt();

    [GeneratedRegex(@"^[-+]?0x[0-9a-fA-F_]+$")]
    private static partial Regex HexInt();

    [GeneratedRegex(@"^[-+]?0o?[0-7_]+$")]
    private static partial Regex OctalInt();

    [GeneratedRegex(@"^[-+]?0b[01_]+$")]
    private static partial Regex BinaryInt();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();

    [GeneratedRegex(@"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex SpecialFloat();

    public static ScalarKind Resolve(string text, string? tag)
    {
        switch (tag)
        {
            case "tag:yaml.org,2002:str": return ScalarKind.String;
            case "tag:yaml.org,2002:int": return ScalarKind.Int;
            case "tag:yaml.org,2002:float": return ScalarKind.Float;
            case "tag:yaml.org,2002:bool": return ScalarKind.Bool;
            case "tag:yaml.org,2002:null": return ScalarKind.Null;
        }
        if (Nulls.Contains(text)) return ScalarKind.Null;
        if (Trues.Contains(text) || Falses.Contains(text)) return ScalarKind.Bool;
        if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.'))
        {
            if (DecimalInt().IsMatch(text) || HexInt().IsMatch(text) || BinaryInt().IsMatch(text) || OctalInt().IsMatch(text))
                return ScalarKind.Int;
            if (Float().IsMatch(text) || SpecialFloat().IsMatch(text)) return ScalarKind.Float;
        }
        return ScalarKind.String;
    }

    public static bool ToBool(string text) => Trues.Contains(text);

    /// <summary>Parses an Int scalar; false when it does not fit a 64-bit integer (then treat it as a float).</summary>
    public static bool TryToInt(string text, out long value)
    {
        var t = text.Replace("_", string.Empty);
        var negative = t.StartsWith('-');
        if (t.StartsWith('-') || t.StartsWith('+')) t = t[1..];
        bool ok;
        ulong magnitude;
        if (t.StartsWith("0x", StringComparison.Ordinal)) ok = ulong.TryParse(t[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out magnitude);
        else if (t.StartsWith("0b", StringComparison.Ordinal)) ok = TryParseBase(t[2..], 2, out magnitude);
        else if (t.StartsWith("0o", StringComparison.Ordinal)) ok = TryParseBase(t[2..], 8, out magnitude);
        else if (t.Length > 1 && t[0] == '0') ok = TryParseBase(t[1..], 8, out magnitude);
        else ok = ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        value = 0;
        if (!ok) return false;
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1) return false;
            value = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }
        if (magnitude > long.MaxValue) return false;
        value = (long)magnitude;
        return true;
    }

    public static double ToDouble(string text)
    {
        var t = text.Replace("_", string.Empty);
        return t switch
        {
            ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" => double.PositiveInfinity,
            "-.inf" or "-.Inf" or "-.INF" => double.NegativeInfinity,
            ".nan" or ".NaN" or ".NAN" => double.NaN,
            _ => double.Parse(t, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    private static bool TryParseBase(string digits, int radix, out ulong value)
    {
        value = 0;
        if (digits.Length == 0) return false;
        foreach (var c in digits)
        {
            var d = c - '0';
            if (d < 0 || d >= radix) return false;
            if (value > (ulong.MaxValue - (ulong)d) / (ulong)radix) return false;
            value = value * (ulong)radix + (ulong)d;
        }
        return true;
    }
}
