using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>Completers write nothing: no verbose, warning or progress while the user types.</summary>
internal sealed class SilentOutput : IEngineOutput
{
    public static readonly SilentOutput Instance = new();
    public void Verbose(string message) { }
    public void Warning(string message) { }
    public void Progress(string activity, string status, int percentComplete) { }
}

/// <summary>What a completer knows: the session's current folder (paths resolve against $PWD, as the cmdlet would resolve them).</summary>
internal static class CompletionSupport
{
    /// <summary>The time a completer may spend asking a cluster before it gives up quietly.</summary>
    public static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(3);

    public static string CurrentFolder()
    {
        // A completer runs on the pipeline thread of TabExpansion2, so a script block sees the session's $PWD.
        try
        {
            if (Runspace.DefaultRunspace is not null
                && ScriptBlock.Create("$ExecutionContext.SessionState.Path.CurrentFileSystemLocation.ProviderPath").Invoke() is [{ BaseObject: string { Length: > 0 } pwd }])
                return pwd;
        }
        catch (Exception ex) when (ex is RuntimeException or PSInvalidOperationException or InvalidRunspaceStateException)
        {
        }
        return Environment.CurrentDirectory;
    }

    /// <summary>A path given on the command line, resolved against $PWD (not the process's folder).</summary>
    public static string? Resolve(object? path)
    {
        var text = path switch
        {
            string s => s,
            string[] { Length: > 0 } a => a[0],
            object[] { Length: > 0 } o => o[0]?.ToString(),
            PSObject p => p.BaseObject?.ToString(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim('\'', '"');
        if (text.StartsWith('~')) text = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), text.TrimStart('~', '/', '\\'));
        return Path.GetFullPath(text, CurrentFolder());
    }

    /// <summary>The in-cluster records the bound -Kubeconfig/-Context lead to; empty when the cluster cannot be asked quickly.</summary>
    public static IReadOnlyList<ApplicationRecord> Records(IDictionary bound, string? @namespace)
    {
        try
        {
            var kubeconfig = bound.Contains("Kubeconfig") ? Resolve(bound["Kubeconfig"]) : null;
            var context = bound.Contains("Context") ? bound["Context"] as string : null;
            using var target = KubeDelivery.Open(kubeconfig, context, SilentOutput.Instance, ClusterTimeout);
            using var cts = new CancellationTokenSource(ClusterTimeout);
            return target.ListRecordsAsync(@namespace, cts.Token).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [];
        }
    }

    /// <summary>Applications in the files the bound -Path/-LiteralPath name (default: $PWD).</summary>
    public static IReadOnlyList<Engine.Loading.Model.Application> FileApplications(IDictionary bound)
    {
        try
        {
            var path = bound.Contains("LiteralPath") ? Resolve(bound["LiteralPath"]) : bound.Contains("Path") ? Resolve(bound["Path"]) : CurrentFolder();
            if (path is null || !(File.Exists(path) || Directory.Exists(path))) return [];
            return ApplicationLoader.Load([path], SilentOutput.Instance).Applications;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [];
        }
    }

    public static IEnumerable<CompletionResult> Matching(IEnumerable<string> values, string? wordToComplete)
    {
        var pattern = WildcardPattern.Get((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach (var value in values.Distinct(StringComparer.Ordinal).Order(StringComparer.OrdinalIgnoreCase).Where(v => pattern.IsMatch(v)))
        {
            var text = value.Any(ch => char.IsWhiteSpace(ch) || ch is '\'' or '"' or '$' or '`' or ';' or '(' or ')' or '{' or '}' or ',')
                ? $"'{value.Replace("'", "''")}'" : value;
            yield return new CompletionResult(text, value, CompletionResultType.ParameterValue, value);
        }
    }

    /// <summary>True for the cmdlets whose -Name and -Namespace are applications in a cluster.</summary>
    public static bool ReadsCluster(string commandName, IDictionary bound) =>
        bound.Contains("Context") || commandName is "Resume-VelaWorkflow" or "Stop-VelaWorkflow" or "Restart-VelaWorkflow" or "Remove-VelaApplication";
}

/// <summary>Completes -Context with the kubeconfig's context names (a relative -Kubeconfig is resolved against $PWD), without calling any cluster.</summary>
public sealed class KubeContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        IReadOnlyList<string> contexts;
        try
        {
            contexts = KubeDelivery.ListContexts(fakeBoundParameters.Contains("Kubeconfig") ? CompletionSupport.Resolve(fakeBoundParameters["Kubeconfig"]) : null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [];
        }
        return CompletionSupport.Matching(contexts, wordToComplete);
    }
}

/// <summary>Completes -Name with application names: from the cluster's records for cluster cmdlets (or with -Context), else from the -Path files.</summary>
public sealed class ApplicationNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var ns = fakeBoundParameters.Contains("Namespace") ? fakeBoundParameters["Namespace"] as string : null;
        var names = CompletionSupport.ReadsCluster(commandName, fakeBoundParameters)
            ? CompletionSupport.Records(fakeBoundParameters, ns).Select(r => r.Name)
            : CompletionSupport.FileApplications(fakeBoundParameters).Where(a => ns is null || a.Namespace == ns).Select(a => a.Name);
        return CompletionSupport.Matching(names, wordToComplete);
    }
}

/// <summary>Completes -Namespace with the namespaces applications are in (cluster records or -Path files, as for -Name).</summary>
public sealed class NamespaceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var namespaces = CompletionSupport.ReadsCluster(commandName, fakeBoundParameters)
            ? CompletionSupport.Records(fakeBoundParameters, null).Select(r => r.Namespace)
            : CompletionSupport.FileApplications(fakeBoundParameters).Select(a => a.Namespace);
        return CompletionSupport.Matching(namespaces, wordToComplete);
    }
}

/// <summary>Completes -Step with the workflow steps of the application -Name names (from its in-cluster record).</summary>
public sealed class StepCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var name = fakeBoundParameters.Contains("Name") ? fakeBoundParameters["Name"] as string : null;
        var ns = fakeBoundParameters.Contains("Namespace") ? fakeBoundParameters["Namespace"] as string : Engine.Loading.Model.Application.DefaultNamespace;
        var steps = CompletionSupport.Records(fakeBoundParameters, ns)
            .Where(r => name is null || r.Name == name)
            .SelectMany(r => r.Workflow?.AllSteps().Select(s => s.Name) ?? []);
        return CompletionSupport.Matching(steps, wordToComplete);
    }
}

/// <summary>Completes -Path with .yaml/.yml files and folders under $PWD (what the cmdlets read).</summary>
public sealed class ApplicationPathCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var word = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pwd = CompletionSupport.CurrentFolder();
        var full = Path.GetFullPath(word.Length == 0 ? "." : word, pwd);
        var folder = word.Length == 0 || word.EndsWith('/') || word.EndsWith(Path.DirectorySeparatorChar) ? full : Path.GetDirectoryName(full) ?? pwd;
        var prefix = word.Length == 0 || word.EndsWith('/') || word.EndsWith(Path.DirectorySeparatorChar) ? "" : Path.GetFileName(full);
        if (!Directory.Exists(folder)) yield break;
        var typed = word.Length == 0 ? "" : word[..(word.Length - prefix.Length)];
        var entries = Directory.EnumerateFileSystemEntries(folder, prefix + "*")
            .Where(e => Directory.Exists(e) || e.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || e.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            var text = (typed.Length == 0 && !word.StartsWith('.') ? "./" : typed) + name;
            if (text.Any(ch => char.IsWhiteSpace(ch) || ch is '\'' or '$' or '`' or '[' or ']')) text = $"'{text.Replace("'", "''")}'";
            yield return new CompletionResult(text, name, Directory.Exists(entry) ? CompletionResultType.ProviderContainer : CompletionResultType.ProviderItem, entry);
        }
    }
}
