using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace GitOpsVela.Commands.Tests.Infrastructure;

/// <summary>What one script produced: pipeline output, error records, warnings and verbose text.</summary>
public sealed record ScriptResult(
    IReadOnlyList<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Verbose,
    IReadOnlyList<string>? Information = null)
{
    public IEnumerable<T> Objects<T>() => Output.Select(o => o.BaseObject).OfType<T>();

    /// <summary>Output objects of the module's type <paramref name="typeName"/> (by short name; the module's types load in the runspace, not here).</summary>
    public IEnumerable<PSObject> Of(string typeName) => Output.Where(o => o.BaseObject.GetType().Name == typeName);
}

/// <summary>
/// A real PowerShell runspace (System.Management.Automation 7.6 in-process) with the built module imported
/// from its psd1 the way a user imports it. One per test class (an xunit class fixture) or per test.
/// </summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellSession(bool importModule = true)
    {
        var state = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        if (importModule) Run($"Import-Module '{ModuleLocation.Manifest}' -ErrorAction Stop").ThrowOnError();
    }

    public ScriptResult Run(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
            _runspace.SessionStateProxy.SetVariable(name, value);
        ps.AddScript(script);
        Collection<PSObject> output;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            return new ScriptResult([], [ex.ErrorRecord], Texts(ps.Streams.Warning), Texts(ps.Streams.Verbose));
        }
        return new ScriptResult(
            output.Where(o => o is not null).ToList(),
            ps.Streams.Error.ToList(),
            Texts(ps.Streams.Warning),
            Texts(ps.Streams.Verbose),
            ps.Streams.Information.Select(r => r.MessageData?.ToString() ?? "").ToList());
    }

    private static List<string> Texts<T>(PSDataCollection<T> records) where T : InformationalRecord =>
        records.Select(r => r.Message).ToList();

    public void Dispose() => _runspace.Dispose();
}

public static class ScriptResultExtensions
{
    /// <summary>A property of a pipeline object (its value unwrapped from PSObject).</summary>
    public static object? P(this PSObject obj, string name) => obj.Properties[name]?.Value is { } v ? v is PSObject p && p.BaseObject is not PSCustomObject ? p.BaseObject : v : null;

    public static ScriptResult ThrowOnError(this ScriptResult result)
    {
        if (result.Errors.Count > 0)
            throw new InvalidOperationException("script failed: " + string.Join(Environment.NewLine, result.Errors.Select(e => e.ToString())));
        return result;
    }
}
