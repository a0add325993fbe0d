using System.Management.Automation;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>Exception carried by every GitOpsVela ErrorRecord; <see cref="Problem"/> keeps file, line and the parts concerned.</summary>
public sealed class VelaException : Exception
{
    internal VelaException(string message, string errorId, string? file, int line, int column, string? application, string? component, string? property)
        : base(message)
    {
        ErrorId = errorId;
        File = file;
        Line = line;
        Column = column;
        Application = application;
        Component = component;
        Property = property;
    }

    public string ErrorId { get; }
    public string? File { get; }
    public int Line { get; }
    public int Column { get; }
    public string? Application { get; }
    public string? Component { get; }
    public string? Property { get; }
}

/// <summary>The one place ErrorRecords are made: stable ids, categories mapped from the engine's (and HTTP's) kinds of failure.</summary>
internal static class VelaErrors
{
    public static ErrorRecord FromProblem(VelaProblem problem, object? target = null)
    {
        var ex = new VelaException(problem.ToString(), problem.Id,
            string.IsNullOrEmpty(problem.Location.File) ? null : problem.Location.File,
            problem.Location.Line, problem.Location.Column, problem.Application, problem.Component, problem.Property);
        return new ErrorRecord(ex, problem.Id, Map(problem.Category), target ?? problem.Application ?? problem.Location.File);
    }

    public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target, Exception? inner = null) =>
        new(new InvalidOperationException(message, inner), errorId, category, target);

    public static ErrorCategory Map(ProblemCategory category) => category switch
    {
        ProblemCategory.InvalidData => ErrorCategory.InvalidData,
        ProblemCategory.SyntaxError => ErrorCategory.ParserError,
        ProblemCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ProblemCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        ProblemCategory.AuthenticationError => ErrorCategory.AuthenticationError,
        ProblemCategory.PermissionDenied => ErrorCategory.PermissionDenied,
        ProblemCategory.ResourceExists => ErrorCategory.ResourceExists,
        ProblemCategory.OperationTimeout => ErrorCategory.OperationTimeout,
        ProblemCategory.ConnectionError => ErrorCategory.ConnectionError,
        ProblemCategory.NotImplemented => ErrorCategory.NotImplemented,
        ProblemCategory.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        _ => ErrorCategory.NotSpecified,
    };
}
