using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Semantics;
using Xunit;

namespace GitOpsVela.Engine.Tests.Execution;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("250ms", 250)]
    [InlineData("2h45m", 9_900_000)]
    [InlineData("0", 0)]
    [InlineData("-5s", -5_000)]
    public void Parses_like_Go_time_ParseDuration(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var d, out var error), error);
        Assert.Equal(milliseconds, (long)d.TotalMilliseconds);
    }

    [Theory]
    [InlineData("30", "missing a unit")]
    [InlineData("5 minutes", "unknown unit")]
    [InlineData("", "empty")]
    [InlineData("1..5s", "not a duration")]
    [InlineData("h", "not a duration")]
    public void Refuses_what_Go_refuses_with_a_reason(string text, string fragment)
    {
        Assert.False(GoDuration.TryParse(text, out _, out var error));
        Assert.Contains(fragment, error);
    }

    [Theory]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(250, "250ms")]
    [InlineData(1_500, "1.5s")]
    public void Formats_like_Go(long milliseconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
