namespace GitOpsVela.Engine.Rendering;

/// <summary>
/// A kind GitOpsVela writes in one of several API versions (Flux's, whose beta versions later releases removed), with the
/// versions it can write, newest first; the first is the newest GA.
/// </summary>
internal sealed record VersionedKind(string Group, string Kind, IReadOnlyList<string> Versions)
{
    public string NewestGa => Versions[0];

    public string ApiVersion(string version) => $"{Group}/{version}";

    public override string ToString() => $"{Kind}.{Group}";
}

/// <summary>
/// What a cluster serves of the <see cref="VersionedKind"/>s, by discovery: for each, the versions found. Rendering stays
/// pure: the cluster side fills this in before planning (<c>IClusterView.ServedVersionsAsync</c>); offline it is
/// <see cref="Unknown"/>, and every kind is written in its newest GA version.
/// </summary>
internal sealed class ServedApiVersions
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _versions;

    public static ServedApiVersions Unknown { get; } = new(new Dictionary<string, IReadOnlyList<string>>());

    /// <param name="versions">"Kind.group" (see <see cref="VersionedKind.ToString"/>) -> the versions served.</param>
    public ServedApiVersions(IReadOnlyDictionary<string, IReadOnlyList<string>> versions) => _versions = versions;

    public bool IsUnknown => _versions.Count == 0;

    /// <summary>The versions of <paramref name="kind"/> the cluster serves (empty when none, or not asked).</summary>
    public IReadOnlyList<string> Of(VersionedKind kind) => _versions.GetValueOrDefault(kind.ToString()) ?? [];

    /// <summary>
    /// The apiVersion to write <paramref name="kind"/> in: the newest of its versions the cluster serves; the newest GA when
    /// the cluster serves none of them (offline, or the CRDs are not installed yet — they will be the current ones).
    /// </summary>
    public string Choose(VersionedKind kind)
    {
        var served = Of(kind);
        return kind.ApiVersion(kind.Versions.FirstOrDefault(v => served.Contains(v, StringComparer.Ordinal)) ?? kind.NewestGa);
    }
}
