using System.Collections.Concurrent;
using System.Management.Automation;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// Base of every GitOpsVela cmdlet: a cancellation token that Ctrl+C (StopProcessing) cancels, an
/// <see cref="IEngineOutput"/> the engine reports through from any thread, and <see cref="Run{T}"/>, which
/// runs engine work off the pipeline thread while writing its verbose/warning/progress on the pipeline thread.
/// </summary>
public abstract class VelaCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly BlockingCollection<Action> _pending = new();
    private int _pipelineThreadId;
    private EngineOutput? _output;

    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Engine output for this cmdlet; safe to call from any thread.</summary>
    internal IEngineOutput Output => _output ??= new EngineOutput(this);

    protected override void BeginProcessing()
    {
        _pipelineThreadId = Environment.CurrentManagedThreadId;
        base.BeginProcessing();
    }

    protected override void StopProcessing() => _cancellation.Cancel();

    /// <summary>
    /// Runs <paramref name="work"/> on the thread pool and pumps its output onto this (pipeline) thread
    /// until it finishes; Ctrl+C cancels the token and surfaces as <see cref="PipelineStoppedException"/>.
    /// </summary>
    internal T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        _pipelineThreadId = Environment.CurrentManagedThreadId;
        var task = Task.Run(() => work(_cancellation.Token));
        using var wake = new CancellationTokenSource();
        task.ContinueWith(_ => wake.Cancel(), TaskScheduler.Default);
        try
        {
            while (!task.IsCompleted)
            {
                try
                {
                    if (_pending.TryTake(out var action, Timeout.Infinite, wake.Token)) action();
                }
                catch (OperationCanceledException) when (wake.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        finally
        {
            Drain();
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (_cancellation.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    internal void Run(Func<CancellationToken, Task> work) => Run<bool>(async ct =>
    {
        await work(ct).ConfigureAwait(false);
        return true;
    });

    private void Drain()
    {
        while (_pending.TryTake(out var action)) action();
    }

    private void OnPipelineThread(Action action)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThreadId) action();
        else _pending.Add(action);
    }

    /// <summary>Writes one problem as a non-terminating error.</summary>
    internal void WriteProblem(VelaProblem problem, object? target = null) => WriteError(VelaErrors.FromProblem(problem, target));

    private sealed class EngineOutput(VelaCmdlet cmdlet) : IEngineOutput
    {
        private readonly Dictionary<string, int> _activityIds = new(StringComparer.Ordinal);

        public void Verbose(string message) => cmdlet.OnPipelineThread(() => cmdlet.WriteVerbose(message));

        public void Warning(string message) => cmdlet.OnPipelineThread(() => cmdlet.WriteWarning(message));

        public void Progress(string activity, string status, int percentComplete) => cmdlet.OnPipelineThread(() =>
        {
            if (!_activityIds.TryGetValue(activity, out var id)) _activityIds[activity] = id = _activityIds.Count + 1;
            var record = new ProgressRecord(id, activity, string.IsNullOrEmpty(status) ? activity : status)
            {
                PercentComplete = Math.Clamp(percentComplete, -1, 100),
                RecordType = percentComplete >= 100 ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            cmdlet.WriteProgress(record);
            // The same milestone as verbose text, for logs of scheduled tasks and pipelines.
            if (!string.IsNullOrEmpty(status)) cmdlet.WriteVerbose($"{activity}: {status}");
        });
    }
}
