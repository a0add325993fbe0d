namespace GitOpsVela.Engine.Diagnostics;

/// <summary>
/// One problem with one input: a stable id (<c>Load.ApplicationInvalid</c>, <c>Load.YamlSyntax</c>, ...),
/// a message that already names file:line:column, and the application / component / property it concerns.
/// Engine stages return these instead of throwing, so one bad application never stops the others.
/// </summary>
public sealed record VelaProblem(
    string Id,
    ProblemCategory Category,
    string Message,
    SourceLocation Location,
    string? Application = null,
    string? Component = null,
    string? Property = null)
{
    /// <summary>The same action may succeed later with nothing changed (an API server outage, 429, 5xx, a timeout); false: it fails the same way until someone acts.</summary>
    public bool Transient { get; init; }

    /// <summary>For a transient problem: how long the server asked to wait before trying again, when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>"file:line:col: application 'x', component 'y', property 'z': message".</summary>
    public override string ToString()
    {
        var where = new List<string>();
        if (Application is not null) where.Add($"application '{Application}'");
        if (Component is not null) where.Add($"component '{Component}'");
        if (Property is not null) where.Add($"property '{Property}'");
        var prefix = Location.IsKnown || !string.IsNullOrEmpty(Location.File) ? Location + ": " : string.Empty;
        return where.Count == 0 ? prefix + Message : $"{prefix}{string.Join(", ", where)}: {Message}";
    }
}

/// <summary>Thrown inside a stage to abandon one input; caught at the stage boundary and turned into a <see cref="VelaProblem"/>.</summary>
public sealed class VelaProblemException(VelaProblem problem) : Exception(problem.ToString())
{
    public VelaProblem Problem { get; } = problem;
}
