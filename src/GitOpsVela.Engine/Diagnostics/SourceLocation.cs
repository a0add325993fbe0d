namespace GitOpsVela.Engine.Diagnostics;

/// <summary>Where a YAML node starts: file, 1-based line and column. Empty when the node was not read from a file.</summary>
public readonly record struct SourceLocation(string File, int Line, int Column)
{
    public static readonly SourceLocation None = new(string.Empty, 0, 0);

    public bool IsKnown => Line > 0;

    public override string ToString() =>
        !IsKnown ? File : string.IsNullOrEmpty(File) ? $"{Line}:{Column}" : $"{File}:{Line}:{Column}";
}
