namespace GitOpsVela.Engine.Diagnostics;

/// <summary>
/// The only way the engine talks to whoever runs it. Cmdlets implement it (verbose, warning, progress);
/// tests use <see cref="NullEngineOutput"/> or a recording one. Calls may arrive from any thread;
/// the cmdlet side queues them to the pipeline thread.
/// </summary>
public interface IEngineOutput
{
    void Verbose(string message);
    void Warning(string message);
    void Progress(string activity, string status, int percentComplete);
}

internal sealed class NullEngineOutput : IEngineOutput
{
    public static readonly NullEngineOutput Instance = new();
    public void Verbose(string message) { }
    public void Warning(string message) { }
    public void Progress(string activity, string status, int percentComplete) { }
}
