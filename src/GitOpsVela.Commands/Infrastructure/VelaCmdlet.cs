using System.Collections.Concurrent;
using System.Management.Automation;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// Base of every GitOpsVela cmdlet: a cancellation token that Ctrl+C (StopProcessing) cancels, an
/// <see cref="IEngineOutput"/> the engine reports through from any thread, <see cref="Run{T}"/>, which runs engine
/// work off the pipeline thread while writing its verbose/warning/progress on the pipeline thread, and the one way
/// errors, warnings and -WhatIf plans are written: an engine failure anywhere in a cmdlet becomes one non-terminating
/// ErrorRecord (terminating under -ErrorAction Stop), never a raw exception.
/// </summary>
public abstract class VelaCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly BlockingCollection<Action> _pending = new();
    private readonly HashSet<string> _verboseSeen = new(StringComparer.Ordinal);
    private int _pipelineThreadId;
    private EngineOutput? _output;

    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <summary>Engine output for this cmdlet; safe to call from any thread.</summary>
    internal IEngineOutput Output => _output ??= new EngineOutput(this);

    /// <summary>How many errors this invocation has written (Test-VelaApplication -Quiet answers $false after any).</summary>
    internal int ErrorsWritten { get; private set; }

    protected override void BeginProcessing()
    {
        _pipelineThreadId = Environment.CurrentManagedThreadId;
        base.BeginProcessing();
        Guard(BeginVelaProcessing);
    }

    protected sealed override void ProcessRecord() => Guard(ProcessVelaRecord);

    protected sealed override void EndProcessing() => Guard(EndVelaProcessing);

    protected virtual void BeginVelaProcessing() { }

    protected virtual void ProcessVelaRecord() { }

    protected virtual void EndVelaProcessing() { }

    protected override void StopProcessing() => _cancellation.Cancel();

    private void Guard(Action body)
    {
        try
        {
            body();
        }
        catch (VelaProblemException ex)
        {
            WriteProblem(ex.Problem);
        }
        catch (VelaErrorException ex)
        {
            WriteVelaError(ex.Record);
        }
        catch (ReportedFailureException)
        {
            // Written once already (a cluster that cannot be reached fails every later input the same way).
        }
    }

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

    /// <summary>Runs <paramref name="action"/> on the pipeline thread (now, when called there; else when <see cref="Run{T}"/> pumps next).</summary>
    internal void OnPipelineThread(Action action)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThreadId) action();
        else _pending.Add(action);
    }

    /// <summary>Writes one problem as a non-terminating error.</summary>
    internal void WriteProblem(VelaProblem problem, object? target = null) => WriteVelaError(VelaErrors.FromProblem(problem, target));

    /// <summary>The one way a GitOpsVela cmdlet writes an error: counted, and annotated for the CI system it runs in.</summary>
    internal void WriteVelaError(ErrorRecord record)
    {
        ErrorsWritten++;
        if (CiAnnotations.ForError(record) is { } line) WriteHostLine(line);
        WriteError(record);
    }

    /// <summary>A warning, annotated for the CI system it runs in.</summary>
    internal void WriteVelaWarning(string message)
    {
        if (CiAnnotations.ForWarning(message) is { } line) WriteHostLine(line);
        WriteWarning(message);
    }

    /// <summary>Verbose text, each distinct line once per invocation.</summary>
    internal void WriteVelaVerbose(string message)
    {
        if (_verboseSeen.Add(message)) WriteVerbose(message);
    }

    /// <summary>A line for the person at the console, written like Write-Host: shown by default, capturable with 6&gt;&amp;1 or -InformationVariable.</summary>
    internal void WriteHostLine(string line, params string[] tags) =>
        WriteInformation(new HostInformationMessage { Message = line }, ["PSHOST", .. tags]);

    /// <summary>
    /// ShouldProcess, and under -WhatIf (the parameter or $WhatIfPreference) the plan's detail lines as information
    /// records tagged WhatIf — capturable, unlike the host lines ShouldProcess itself writes.
    /// </summary>
    internal bool ShouldChange(string target, string action, IEnumerable<string>? whatIfDetails = null, bool force = false)
    {
        // -Force means no prompt (as in PSResourceGet and Az), never "skip -WhatIf"; an explicit -Confirm still asks.
        if (force && !IsWhatIf && !MyInvocation.BoundParameters.ContainsKey("Confirm")) return true;
        if (ShouldProcess($"Performing the operation \"{action}\" on target \"{target}\".", $"{action} {target}?", "Confirm", out var reason)) return true;
        if (reason == ShouldProcessReason.WhatIf && whatIfDetails is not null)
            foreach (var line in whatIfDetails) WriteHostLine("What if: " + line, "WhatIf");
        return false;
    }

    /// <summary>True under -WhatIf or $WhatIfPreference.</summary>
    internal bool IsWhatIf =>
        MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? w is SwitchParameter s && s.IsPresent
            : SessionState.PSVariable.GetValue("WhatIfPreference") is { } pref && LanguagePrimitives.IsTrue(pref);

    private sealed class EngineOutput(VelaCmdlet cmdlet) : IEngineOutput
    {
        private readonly Dictionary<string, int> _activityIds = new(StringComparer.Ordinal);

        public void Verbose(string message) => cmdlet.OnPipelineThread(() => cmdlet.WriteVelaVerbose(message));

        public void Warning(string message) => cmdlet.OnPipelineThread(() => cmdlet.WriteVelaWarning(message));

        public void Progress(string activity, string status, int percentComplete) => cmdlet.OnPipelineThread(() =>
        {
            var first = !_activityIds.TryGetValue(activity, out var id);
            if (first) _activityIds[activity] = id = _activityIds.Count + 1;
            var record = new ProgressRecord(id, activity, string.IsNullOrEmpty(status) ? activity : status)
            {
                PercentComplete = Math.Clamp(percentComplete, -1, 100),
                RecordType = percentComplete >= 100 ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            cmdlet.WriteProgress(record);
            // Its start and end as verbose text too, for logs of scheduled tasks and pipelines (each distinct line once).
            if (!string.IsNullOrEmpty(status) && (first || percentComplete >= 100)) cmdlet.WriteVelaVerbose($"{activity}: {status}");
        });
    }
}

/// <summary>A failure already written as an error; the cmdlet stops handling the current input without writing it again.</summary>
internal sealed class ReportedFailureException : Exception;
