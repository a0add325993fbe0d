namespace GitOpsVela.Commands.Output;

/// <summary>A synced git repository: its checkout at a revision (pipe it into Get-VelaApplication: <c>Path</c> binds by property name).</summary>
public sealed class VelaSource
{
    internal VelaSource(Engine.Sources.GitSyncResult result)
    {
        Url = result.Url;
        Ref = result.Reference;
        Revision = result.Revision;
        PreviousRevision = result.PreviousRevision;
        ChangedPaths = result.ChangedPaths.ToArray();
        LocalPath = result.LocalPath;
        FetchedTime = result.FetchedTime;
        Fetched = result.Fetched;
    }

    /// <summary>The repository URL (never with credentials).</summary>
    public string Url { get; }

    public string Ref { get; }
    public string Revision { get; }
    public string? PreviousRevision { get; }

    /// <summary>Files changed since the previous revision (<c>*</c> on the first sync).</summary>
    public string[] ChangedPaths { get; }

    public string LocalPath { get; }

    /// <summary>The checkout folder, so <c>Sync-VelaRepository ... | Get-VelaApplication</c> reads it.</summary>
    public string Path => LocalPath;

    public DateTimeOffset FetchedTime { get; }

    /// <summary>False when the pull interval had not passed and the cached clone was used without network I/O.</summary>
    public bool Fetched { get; }

    public override string ToString() => $"{Url}@{Revision[..Math.Min(12, Revision.Length)]}";
}
