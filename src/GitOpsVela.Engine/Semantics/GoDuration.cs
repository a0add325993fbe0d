using System.Globalization;

namespace GitOpsVela.Engine.Semantics;

/// <summary>
/// Go's <c>time.ParseDuration</c> syntax, as KubeVela step timeouts and suspend durations use it:
/// a sequence of decimal numbers with units (<c>ns us µs ms s m h</c>), e.g. <c>30s</c>, <c>1m30s</c>, <c>1.5h</c>, <c>-2m</c>.
/// A bare <c>0</c> is zero; anything else without a unit is an error, as in Go.
/// </summary>
public static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan duration, out string? error)
    {
        duration = TimeSpan.Zero;
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "an empty duration";
            return false;
        }
        var s = text;
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s == "0") return true;
        if (s.Length == 0)
        {
            error = $"'{text}' is not a duration";
            return false;
        }
        decimal totalTicks = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            var number = s[start..i];
            if (number.Length == 0 || number == "." || number.Count(c => c == '.') > 1
                || !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                error = $"'{text}' is not a duration (expected a number at position {start + 1})";
                return false;
            }
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            var unit = s[unitStart..i];
            decimal ticksPerUnit = unit switch
            {
                "ns" => 0.01m,
                "us" or "µs" or "μs" => 10m,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "" => -1,
                _ => -2,
            };
            if (ticksPerUnit < 0)
            {
                error = unit.Length == 0
                    ? $"'{text}' is missing a unit (use ns, us, ms, s, m or h, e.g. 30s, 5m, 1h30m)"
                    : $"'{text}' has an unknown unit '{unit}' (use ns, us, ms, s, m or h)";
                return false;
            }
            totalTicks += value * ticksPerUnit;
            if (totalTicks > TimeSpan.MaxValue.Ticks)
            {
                error = $"'{text}' is too long a duration";
                return false;
            }
        }
        duration = TimeSpan.FromTicks((long)Math.Round(totalTicks) * (negative ? -1 : 1));
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var d, out var error) ? d : throw new FormatException(error);

    /// <summary>Formats like Go's Duration.String(): <c>1h2m3s</c>, <c>1.5s</c>, <c>250ms</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero) return "0s";
        var sign = duration < TimeSpan.Zero ? "-" : string.Empty;
        var d = duration.Duration();
        if (d < TimeSpan.FromSeconds(1))
        {
            return d.Ticks % TimeSpan.TicksPerMillisecond == 0
                ? $"{sign}{d.Ticks / TimeSpan.TicksPerMillisecond}ms"
                : $"{sign}{(d.Ticks / 10.0).ToString(CultureInfo.InvariantCulture)}µs";
        }
        var text = string.Empty;
        if (d.TotalHours >= 1) text += $"{(long)d.TotalHours}h";
        if (d.TotalMinutes >= 1) text += $"{d.Minutes}m";
        var seconds = d.Seconds + d.Ticks % TimeSpan.TicksPerSecond / (double)TimeSpan.TicksPerSecond;
        text += seconds.ToString("0.#########", CultureInfo.InvariantCulture) + "s";
        return sign + text;
    }
}
