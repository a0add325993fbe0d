using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

namespace GitOpsVela.Host;

/// <summary>
/// Formats pipeline output with Out-Default — the engine's own formatter, which reads the module's format views —
/// in a runspace of its own, fed while the script runs. Because it is a separate pipeline, what the script wrote
/// before an <c>exit</c> or a terminating error is still flushed (Out-Default in the script's own pipeline would
/// lose the table it was still collecting).
/// </summary>
internal sealed class OutputFormatter : IDisposable
{
    private readonly Runspace _runspace;
    private readonly PowerShell _outDefault;
    private readonly PSDataCollection<PSObject> _input = new();
    private readonly IAsyncResult _running;

    public OutputFormatter(PSHost host, string moduleFolder, bool plainText)
    {
        var state = InitialSessionState.CreateDefault2();
        foreach (var file in Directory.EnumerateFiles(moduleFolder, "*.Types.ps1xml").Order(StringComparer.Ordinal))
            state.Types.Add(new SessionStateTypeEntry(file));
        var formatFiles = Directory.EnumerateFiles(moduleFolder, "*.Format.ps1xml").Order(StringComparer.Ordinal).ToList();
        var multiLineViews = MultiLineTableView.Read(formatFiles);
        foreach (var view in multiLineViews) state.Formats.Add(view.RowFormat());
        foreach (var file in formatFiles) state.Formats.Add(new SessionStateFormatEntry(file));
        _runspace = RunspaceFactory.CreateRunspace(host, state);
        _runspace.Open();
        if (plainText) ScriptRunner.SetPlainTextRendering(_runspace);
        _outDefault = PowerShell.Create();
        _outDefault.Runspace = _runspace;
        if (multiLineViews.Count > 0)
            _outDefault.AddScript(MultiLineTableView.ExpandScript).AddArgument(MultiLineTableView.ToVariable(multiLineViews));
        _outDefault.AddCommand("Out-Default");
        _running = _outDefault.BeginInvoke(_input);
    }

    public void Write(PSObject item) => _input.Add(item);

    /// <summary>Ends the input and waits until everything written so far is on the console.</summary>
    public void Complete()
    {
        if (_input.IsOpen) _input.Complete();
        _outDefault.EndInvoke(_running);
    }

    public void Dispose()
    {
        _outDefault.Dispose();
        _input.Dispose();
        _runspace.Dispose();
    }
}
