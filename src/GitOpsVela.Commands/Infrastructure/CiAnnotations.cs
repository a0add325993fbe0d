using System.Management.Automation;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// Errors and warnings in the language of the CI system running the module: Azure DevOps logging commands when
/// <c>TF_BUILD</c> is set (<c>##vso[task.logissue type=error;sourcepath=...;linenumber=...;columnnumber=...]message</c>),
/// GitHub Actions workflow commands when <c>GITHUB_ACTIONS</c> is (<c>::error file=...,line=...,col=...::message</c>).
/// Elsewhere nothing is added.
/// </summary>
public static class CiAnnotations
{
    internal static string? ForError(ErrorRecord record)
    {
        var (file, line, column) = record.Exception is VelaException v ? (v.File, v.Line, v.Column) : (null, 0, 0);
        return Format("error", record.Exception?.Message ?? record.ToString(), file, line, column);
    }

    internal static string? ForWarning(string message) => Format("warning", message, null, 0, 0);

    /// <summary>The line that marks a whole run failed (Azure DevOps only; GitHub fails a step by its exit code).</summary>
    public static string? RunFailed() => IsAzureDevOps ? "##vso[task.complete result=Failed;]" : null;

    private static bool IsAzureDevOps => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TF_BUILD"));

    private static bool IsGitHubActions => string.Equals(Environment.GetEnvironmentVariable("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase);

    internal static string? Format(string type, string message, string? file, int line, int column)
    {
        if (IsAzureDevOps)
        {
            var properties = $"type={type}";
            if (!string.IsNullOrEmpty(file)) properties += $";sourcepath={AzureProperty(file)}";
            if (line > 0) properties += $";linenumber={line}";
            if (column > 0) properties += $";columnnumber={column}";
            return $"##vso[task.logissue {properties}]{AzureMessage(message)}";
        }
        if (IsGitHubActions)
        {
            var properties = new List<string>();
            if (!string.IsNullOrEmpty(file)) properties.Add($"file={GitHubProperty(file)}");
            if (line > 0) properties.Add($"line={line}");
            if (column > 0) properties.Add($"col={column}");
            return $"::{type}{(properties.Count > 0 ? " " + string.Join(',', properties) : "")}::{GitHubMessage(message)}";
        }
        return null;
    }

    // Azure DevOps: %AZP25 for %, %3B for ;, %5D for ], %0D/%0A for line breaks.
    private static string AzureMessage(string s) => s.Replace("%", "%AZP25").Replace("\r", "%0D").Replace("\n", "%0A");

    private static string AzureProperty(string s) => AzureMessage(s).Replace(";", "%3B").Replace("]", "%5D");

    // GitHub: %25, %0D, %0A in messages; also %3A and %2C in properties.
    private static string GitHubMessage(string s) => s.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    private static string GitHubProperty(string s) => GitHubMessage(s).Replace(":", "%3A").Replace(",", "%2C");
}
