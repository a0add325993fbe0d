namespace GitOpsVela.Engine.Kube;

/// <summary>How objects are written: server-side apply as <see cref="FieldManager"/>, optionally taking fields over or as a dry run.</summary>
internal sealed record ApplyOptions
{
    public const string DefaultFieldManager = "gitopsvela";

    /// <summary>Take over fields other managers own (server-side apply <c>force</c>).</summary>
    public bool Force { get; init; }

    /// <summary>Server-side dry run: nothing is stored.</summary>
    public bool DryRun { get; init; }

    public string FieldManager { get; init; } = DefaultFieldManager;

    /// <summary>How long to wait for a CRD applied in the same pass to be served (a real API server establishes it asynchronously).</summary>
    public TimeSpan CrdEstablishTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
