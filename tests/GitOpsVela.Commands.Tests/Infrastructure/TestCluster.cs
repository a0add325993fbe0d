using System.Diagnostics;

namespace GitOpsVela.Commands.Tests.Infrastructure;

/// <summary>
/// The cluster the cmdlet tests deliver to: the Kubernetes API test server run as its own process (its kubeconfig in a
/// temp folder), or — when <c>GITOPSVELA_TEST_KUBECONFIG</c> names a kubeconfig — that kubeconfig's current context.
/// Tests use namespaces of their own (random names).
/// </summary>
public sealed class TestCluster : IDisposable
{
    public const string Variable = "GITOPSVELA_TEST_KUBECONFIG";

    private readonly Process? _server;
    private readonly string? _dir;

    public TestCluster()
    {
        var real = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(real))
        {
            Kubeconfig = real;
            Context = CurrentContext(real);
            return;
        }
        _dir = Directory.CreateTempSubdirectory("gitopsvela-cluster-").FullName;
        Kubeconfig = Path.Combine(_dir, "config");
        Context = "testkube";
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";
        var dll = Path.Combine(ModuleLocation.RepoRoot, "tests", "GitOpsVela.TestKube.Host", "bin", configuration, "net10.0", "GitOpsVela.TestKube.Host.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("the test API server host is not built (the test project references it)", dll);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(Kubeconfig);
        start.ArgumentList.Add(Context);
        _server = Process.Start(start)!;
        // The server prints READY once it listens and the kubeconfig is written.
        var line = _server.StandardOutput.ReadLine();
        if (line is null || !line.StartsWith("READY ", StringComparison.Ordinal))
            throw new InvalidOperationException("the test API server did not start: " + line);
    }

    public string Kubeconfig { get; }

    /// <summary>The context to pass as -Context: the test server's, or the real kubeconfig's current-context (cluster reads such as Get-VelaApplication need one).</summary>
    public string Context { get; }

    /// <summary>"-Kubeconfig '...' -Context '...'" for scripts.</summary>
    public string Arguments => $"-Kubeconfig '{Kubeconfig}' -Context '{Context}'";

    private static string CurrentContext(string kubeconfig)
    {
        var line = File.ReadLines(kubeconfig).FirstOrDefault(l => l.StartsWith("current-context:", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{Variable} names a kubeconfig without a current-context: {kubeconfig}");
        return line["current-context:".Length..].Trim().Trim('"', '\'');
    }

    public string Namespace() => "gv-cmd-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose()
    {
        if (_server is not null)
        {
            _server.StandardInput.Close();
            if (!_server.WaitForExit(10_000)) _server.Kill(entireProcessTree: true);
            _server.Dispose();
        }
        if (_dir is not null) Directory.Delete(_dir, recursive: true);
    }
}
