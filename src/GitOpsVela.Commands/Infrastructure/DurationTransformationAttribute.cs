using System.Globalization;
using System.Management.Automation;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// Lets a TimeSpan parameter take what KubeVela and Flux users write: a Go duration ('30s', '5m', '1h30m'), as well
/// as a TimeSpan or its text ('00:05:00'). A bare number is refused (seconds or ticks? say '30s').
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject p ? p.BaseObject : inputData;
        switch (value)
        {
            case TimeSpan span:
                return span;
            case string text:
                if (GoDuration.TryParse(text.Trim(), out var duration, out _)) return duration;
                if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var parsed)) return parsed;
                throw new ArgumentTransformationMetadataException(
                    $"'{text}' is not a duration: write a Go duration such as '30s', '5m' or '1h30m', or a TimeSpan such as '00:05:00'.");
            // PowerShell reads an unquoted 30s as [short]30 and 5us as [ushort]5 (its numeric type suffixes), before any
            // transformation sees the text: those suffixes are the Go units they look like.
            case short seconds:
                return TimeSpan.FromSeconds(seconds);
            case ushort microseconds:
                return TimeSpan.FromTicks(microseconds * 10L);
            case int or long or double or float or decimal or byte or sbyte or uint or ulong or System.Numerics.BigInteger:
                throw new ArgumentTransformationMetadataException(
                    $"{value} has no unit: write a Go duration such as '{value}s' or '{value}m', or a TimeSpan.");
            default:
                return inputData;
        }
    }
}

/// <summary>Bounds a TimeSpan parameter (ValidateRange does not take TimeSpans): the error names both bounds.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateDurationRangeAttribute(string minimum, string maximum) : ValidateArgumentsAttribute
{
    private readonly TimeSpan _minimum = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);
    private readonly TimeSpan _maximum = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if ((arguments is PSObject p ? p.BaseObject : arguments) is TimeSpan value && (value < _minimum || value > _maximum))
            throw new ValidationMetadataException($"{value} is out of range: give a duration from {GoDuration.Format(_minimum)} to {GoDuration.Format(_maximum)}.");
    }
}
