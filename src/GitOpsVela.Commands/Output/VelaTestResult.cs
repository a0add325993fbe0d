namespace GitOpsVela.Commands.Output;

/// <summary>What Test-VelaApplication found for one application.</summary>
public sealed class VelaTestResult
{
    internal VelaTestResult(Engine.Loading.Model.Application app, IReadOnlyList<Engine.Diagnostics.VelaProblem> problems)
    {
        Name = app.Name;
        Namespace = app.Namespace;
        Path = string.IsNullOrEmpty(app.File) ? null : app.File;
        Line = app.Location.Line;
        IsValid = problems.Count == 0;
        Problems = problems.Select(p => p.ToString()).ToArray();
    }

    public string Name { get; }
    public string Namespace { get; }
    public string? Path { get; }
    public int Line { get; }
    public bool IsValid { get; }

    /// <summary>Each problem as "file:line:column: application 'x', component 'y', property 'z': message".</summary>
    public string[] Problems { get; }

    public override string ToString() => IsValid ? $"{Namespace}/{Name}: valid" : $"{Namespace}/{Name}: {Problems.Length} problem(s)";
}
