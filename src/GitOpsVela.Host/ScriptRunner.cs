using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;

namespace GitOpsVela.Host;

/// <summary>
/// One run: opens a runspace on <see cref="VelaHost"/>, imports the module, runs the script with its output
/// piped to Out-Default (so the module's format views lay out tables), and turns the outcome into an exit code.
/// </summary>
internal sealed class ScriptRunner
{
    private readonly ConsoleText _console;
    private readonly string _manifest;

    public ScriptRunner(ConsoleText console, string manifest)
    {
        _console = console;
        _manifest = manifest;
    }

    public int Run(HostArguments arguments)
    {
        var host = new VelaHost(_console);
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows()) state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        using var runspace = RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();

        if (_console.Plain) SetPlainTextRendering(runspace);

        var import = Invoke(runspace, host, $"Import-Module {HostArguments.Quote(_manifest)} -ErrorAction Stop", formatOutput: false);
        if (import != 0) return import;

        if (arguments.Command is not null)
        {
            // Like pwsh -Command: the exit code is 1 when the last command failed ($? false), else 0 (or `exit N`).
            if (!Parses(() => { Parser.ParseInput(arguments.Command, out _, out var errors); return errors; })) return 1;
            var command = arguments.Command + "\nif (-not $?) { exit 1 }";
            return Invoke(runspace, host, ps => ps.AddScript(command), formatOutput: true);
        }

        var path = Path.GetFullPath(arguments.ScriptPath!);
        if (!File.Exists(path))
        {
            _console.Error($"error: script not found: {arguments.ScriptPath}");
            return 1;
        }
        if (!path.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase) || ScriptInfo(runspace, path) is not { } script)
        {
            _console.Error($"error: not a PowerShell script (.ps1): {arguments.ScriptPath}");
            return 1;
        }
        if (!Parses(() => { Parser.ParseFile(path, out _, out var errors); return errors; })) return 1;
        // Run the file itself as the first command (as pwsh -File does), so `exit N` in it reaches the host.
        var exitReachesHost = ExitStatement.PropagateFromScripts(runspace);
        var code = Invoke(runspace, host, ps => HostArguments.AddScriptFile(ps, script, arguments.ScriptArguments), formatOutput: true);
        if (code == 0 && !exitReachesHost && runspace.SessionStateProxy.GetVariable("LASTEXITCODE") is int last) return last;
        return code;
    }

    private int Invoke(Runspace runspace, VelaHost host, string script, bool formatOutput) =>
        Invoke(runspace, host, ps => ps.AddScript(script), formatOutput);

    private int Invoke(Runspace runspace, VelaHost host, Action<PowerShell> command, bool formatOutput)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        command(ps);
        using var output = new PSDataCollection<PSObject>();
        using var formatter = formatOutput ? new OutputFormatter(host, Path.GetDirectoryName(_manifest)!, _console.Plain) : null;
        if (formatter is not null) output.DataAdded += (_, e) => formatter.Write(output[e.Index]);

        // Errors are ours to print. Warnings, verbose, debug and information (Write-Host) reach the host's UI from
        // PowerShell itself, as their preference variables and -*Action parameters say: printing their streams here too
        // showed each warning twice, and information the caller had asked to keep quiet.
        ps.Streams.Error.DataAdded += (_, e) => _console.Error(ErrorText.Concise(ps.Streams.Error[e.Index]));

        Console.CancelKeyPress += Cancel;
        try
        {
            ps.Invoke(null, output);
        }
        catch (PipelineStoppedException)
        {
            formatter?.Complete();
            return 130; // Ctrl+C, as a shell reports SIGINT
        }
        catch (RuntimeException ex)
        {
            formatter?.Complete();
            _console.Error(ErrorText.Concise(ex.ErrorRecord));
            return host.ExitCode ?? 1;
        }
        finally
        {
            Console.CancelKeyPress -= Cancel;
        }
        formatter?.Complete();
        if (host.ExitCode is { } code) return code;
        if (ps.InvocationStateInfo.State == PSInvocationState.Stopped) return 130;
        return 0;

        void Cancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            ps.BeginStop(null, null);
        }
    }

    /// <summary>Parse errors are reported before anything runs, one concise entry each, as pwsh reports them.</summary>
    private bool Parses(Func<ParseError[]> parse)
    {
        var errors = parse();
        if (errors.Length == 0) return true;
        _console.Error(ErrorText.Concise(errors));
        return false;
    }

    private static ExternalScriptInfo? ScriptInfo(Runspace runspace, string path)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        var found = ps.AddCommand("Get-Command").AddParameter("Name", path).AddParameter("ErrorAction", "SilentlyContinue").Invoke();
        return found.Count == 1 ? found[0].BaseObject as ExternalScriptInfo : null;
    }

    internal static void SetPlainTextRendering(Runspace runspace)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("if ($PSStyle) { $PSStyle.OutputRendering = 'PlainText' }");
        ps.Invoke();
    }
}
