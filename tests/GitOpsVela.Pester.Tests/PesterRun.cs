using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Xml.Linq;

namespace GitOpsVela.Pester.Tests;

/// <summary>One Pester test as its NUnit XML result reports it.</summary>
public sealed record PesterTest(string File, string Name, string Result, string? Message, string? StackTrace)
{
    public bool Failed => Result is "Failure" or "Error";

    /// <summary>"Describe.It: message (at file:line)", one failure readable on its own.</summary>
    public string Describe()
    {
        var where = StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("at ", StringComparison.Ordinal));
        return $"{Name}{Environment.NewLine}    {Message?.Trim().Replace("\n", "\n    ")}{(where is null ? "" : Environment.NewLine + "    " + where)}";
    }
}

/// <summary>
/// Runs the whole Pester suite once, in real pwsh 7.6.9 — the repository's local .NET tool (<c>.config/dotnet-tools.json</c>,
/// restored here with <c>dotnet tool restore</c>) — against the module laid out in out/GitOpsVela, and reads Pester's
/// NUnit XML. A part that cannot be had (the tool, Pester) is one line saying what to do, not a stack trace.
/// </summary>
public sealed class PesterRun
{
    private static readonly Lazy<PesterRun> s_run = new(() => new PesterRun(), LazyThreadSafetyMode.ExecutionAndPublication);

    public static PesterRun Instance => s_run.Value;

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string TestFolder => Path.Combine(RepoRoot, "tests", "pester");

    public IReadOnlyList<PesterTest> Tests { get; } = [];

    /// <summary>Set when the suite could not run at all: one line, what is missing and how to get it.</summary>
    public string? Unavailable { get; }

    /// <summary>What pwsh printed (Pester's own report), for a run that broke down.</summary>
    public string Console { get; } = "";

    private PesterRun()
    {
        var metadata = typeof(PesterRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
        var pester = metadata["PesterManifest"]!;
        if (!File.Exists(pester))
        {
            Unavailable = $"Pester 5.7.1 is not in the NuGet package folder ({pester}): restore it with `dotnet restore tests/GitOpsVela.Pester.Tests` (it is a PackageDownload).";
            return;
        }
        var restore = RunProcess("dotnet", ["tool", "restore"], TimeSpan.FromMinutes(5), new());
        if (restore.ExitCode != 0)
        {
            Unavailable = "pwsh 7.6.9 could not be restored as a local .NET tool (`dotnet tool restore` from .config/dotnet-tools.json needs NuGet): "
                + LastLine(restore.Output);
            return;
        }
        var results = Path.Combine(Path.GetTempPath(), $"gitopsvela-pester-{Environment.ProcessId}-{Guid.NewGuid():N}.xml");
        var environment = new Dictionary<string, string?>
        {
            ["GITOPSVELA_CONFIGURATION"] = metadata["Configuration"],
            ["NO_COLOR"] = "1",
        };
        var run = RunProcess("dotnet",
            ["pwsh", "-NoProfile", "-NonInteractive", "-File", Path.Combine(TestFolder, "run.ps1"), "-PesterPath", pester, "-ResultPath", results, "-Output", "Normal"],
            TimeSpan.FromMinutes(15), environment);
        Console = run.Output;
        if (!File.Exists(results))
        {
            Unavailable = $"the Pester suite did not run (dotnet pwsh exited {run.ExitCode}): {LastLine(run.Output)}";
            return;
        }
        try
        {
            Tests = Read(XDocument.Load(results));
        }
        finally
        {
            File.Delete(results);
        }
    }

    /// <summary>The tests of one file.</summary>
    public IReadOnlyList<PesterTest> Of(string fileName) =>
        Tests.Where(t => string.Equals(Path.GetFileName(t.File), fileName, StringComparison.Ordinal)).ToList();

    private static List<PesterTest> Read(XDocument document)
    {
        var tests = new List<PesterTest>();
        foreach (var testCase in document.Descendants("test-case"))
        {
            var file = testCase.Ancestors("test-suite").Select(s => (string?)s.Attribute("name"))
                .FirstOrDefault(n => n is not null && n.EndsWith(".Tests.ps1", StringComparison.Ordinal)) ?? "";
            var failure = testCase.Element("failure");
            tests.Add(new PesterTest(file, (string?)testCase.Attribute("name") ?? "", (string?)testCase.Attribute("result") ?? "",
                failure?.Element("message")?.Value, failure?.Element("stack-trace")?.Value));
        }
        // A file whose BeforeAll failed reports its tests as failures of the suite, without test-cases: keep them visible.
        foreach (var suite in document.Descendants("test-suite").Where(s => ((string?)s.Attribute("name"))?.EndsWith(".Tests.ps1", StringComparison.Ordinal) == true))
        {
            if (suite.Descendants("test-case").Any() || (string?)suite.Attribute("result") == "Success") continue;
            var failure = suite.Element("failure");
            tests.Add(new PesterTest((string)suite.Attribute("name")!, "(the file did not run)", "Failure",
                failure?.Element("message")?.Value ?? "no test ran", failure?.Element("stack-trace")?.Value));
        }
        return tests;
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";

    private static (int ExitCode, string Output) RunProcess(string file, IEnumerable<string> args, TimeSpan timeout, Dictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment) start.Environment[k] = v;
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, $"cannot start {file}: {ex.Message}");
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            lock (output) output.AppendLine($"{file} did not finish within {timeout.TotalMinutes} minutes and was stopped");
        }
        process.WaitForExit();
        lock (output) return (process.HasExited ? process.ExitCode : -1, output.ToString());
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GitOpsVela.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find GitOpsVela.sln above " + AppContext.BaseDirectory);
    }
}
