using System.Management.Automation;
using System.Management.Automation.Language;

namespace GitOpsVela.Host;

/// <summary>One line per error: <c>error: message</c>, then <c>  at file:line</c> when a script line raised it.</summary>
internal static class ErrorText
{
    public static string Concise(ErrorRecord record)
    {
        if (record.Exception is ParseException { Errors.Length: > 0 } parse) return Concise(parse.Errors);

        var message = record.ErrorDetails?.Message;
        if (string.IsNullOrWhiteSpace(message)) message = record.Exception?.Message;
        if (string.IsNullOrWhiteSpace(message)) message = record.ToString();
        // One line: "The term 'x' is not recognized ...\nCheck the spelling ..." keeps its first sentence only.
        var lines = message!.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var text = "error: " + (record.Exception is CommandNotFoundException || record.FullyQualifiedErrorId.StartsWith("CommandNotFoundException", StringComparison.Ordinal) ? lines[0] : string.Join(' ', lines));
        var info = record.InvocationInfo;
        if (info is not null && !string.IsNullOrEmpty(info.ScriptName) && info.ScriptLineNumber > 0)
            text += $"\n  at {info.ScriptName}:{info.ScriptLineNumber}";
        return text;
    }

    /// <summary>A script that does not parse: each parse error with its file:line:column.</summary>
    public static string Concise(IEnumerable<ParseError> errors) =>
        string.Join("\n", errors.Select(e =>
            $"error: {e.Message}\n  at {(string.IsNullOrEmpty(e.Extent.File) ? "<command>" : e.Extent.File)}:{e.Extent.StartLineNumber}:{e.Extent.StartColumnNumber}"));
}
