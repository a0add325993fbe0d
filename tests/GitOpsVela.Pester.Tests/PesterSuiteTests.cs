using Xunit;
using Xunit.Abstractions;

namespace GitOpsVela.Pester.Tests;

/// <summary>
/// The Pester suite as xunit tests: one per tests/pester/*.Tests.ps1 file, failing with each failed Pester test's name,
/// message and place. The suite runs once (in real pwsh 7.6.9) for all of them.
/// </summary>
public sealed class PesterSuiteTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(PesterRun.TestFolder, "*.Tests.ps1").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Pester_file_passes(string file)
    {
        var run = PesterRun.Instance;
        if (run.Unavailable is not null) throw new PesterUnavailableException(run.Unavailable);
        var tests = run.Of(file);
        output.WriteLine($"{file}: {tests.Count(t => t.Result == "Success")} passed, {tests.Count(t => t.Failed)} failed, {tests.Count} in all");
        Assert.True(tests.Count > 0, $"{file}: Pester ran no test from it{Environment.NewLine}{Tail(run.Console)}");
        var failed = tests.Where(t => t.Failed).ToList();
        // A real part that is not installed (apache2, docker-registry, git) fails every test of the file the same way: one line.
        var reasons = failed.Select(t => FirstLine(t.Message)).Distinct().ToList();
        if (failed.Count > 0 && reasons.Count == 1 && reasons[0].Contains("missing Debian package", StringComparison.Ordinal))
            throw new PesterUnavailableException($"{file}: {reasons[0]}");
        if (failed.Count > 0)
            Assert.Fail($"{failed.Count} of {tests.Count} Pester tests failed in {file}:{Environment.NewLine}{Environment.NewLine}"
                + string.Join(Environment.NewLine + Environment.NewLine, failed.Select(t => t.Describe())));
    }

    [Fact]
    public void Pester_ran_every_file()
    {
        var run = PesterRun.Instance;
        if (run.Unavailable is not null) throw new PesterUnavailableException(run.Unavailable);
        var files = Directory.EnumerateFiles(PesterRun.TestFolder, "*.Tests.ps1").Select(f => Path.GetFileName(f)!).ToList();
        var ran = run.Tests.Select(t => Path.GetFileName(t.File)).Distinct().ToList();
        Assert.Empty(files.Except(ran));
        output.WriteLine($"Pester: {run.Tests.Count(t => t.Result == "Success")} passed, {run.Tests.Count(t => t.Failed)} failed, {run.Tests.Count} tests in {files.Count} files");
    }

    private static string FirstLine(string? text) => (text ?? "").Trim().Split('\n')[0].Trim();

    private static string Tail(string text) => string.Join(Environment.NewLine, text.Split('\n').TakeLast(30));
}

/// <summary>The suite could not run: one line naming what is missing, without a stack trace.</summary>
public sealed class PesterUnavailableException(string message) : Exception(message)
{
    public override string? StackTrace => null;
}
