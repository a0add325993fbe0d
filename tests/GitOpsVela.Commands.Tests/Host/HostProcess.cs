using System.Diagnostics;
using GitOpsVela.Commands.Tests.Infrastructure;

namespace GitOpsVela.Commands.Tests.Host;

/// <summary>What one run of the gitopsvela executable printed and returned.</summary>
public sealed record HostRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Replace("\r\n", "\n").Split('\n');
    public string[] StderrLines => Stderr.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Runs the built host (src/GitOpsVela.Host/bin/&lt;configuration&gt;/net10.0/gitopsvela.dll) with <c>dotnet</c>,
/// stdout and stderr redirected, in a working directory the test chooses.
/// </summary>
public static class HostProcess
{
    public static string HostDll { get; } = FindHostDll();

    public static string TestData => Path.Combine(AppContext.BaseDirectory, "testdata", "host");

    public static HostRun Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(HostDll);
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        start.Environment.Remove("NO_COLOR");
        start.Environment.Remove("GITOPSVELA_MODULE_PATH");
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("gitopsvela did not finish in 2 minutes: " + string.Join(' ', arguments));
        }
        return new HostRun(process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string FindHostDll()
    {
        // The tests' own configuration (bin/Debug or bin/Release) is the one the host was built in.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";
        var dll = Path.Combine(ModuleLocation.RepoRoot, "src", "GitOpsVela.Host", "bin", configuration, "net10.0", "gitopsvela.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("the gitopsvela host is not built (the test project references it, so build the tests)", dll);
        return dll;
    }
}
