namespace GitOpsVela.Engine.Rendering.FluxComponents;

/// <summary>
/// The Flux kinds GitOpsVela writes, with the versions it can write them in, newest first (flux2 release history: HelmRelease
/// v2 GA in Flux 2.3, v2beta1 removed in 2.7 and v2beta2 in 2.8; HelmRepository v1 GA in 2.3 and Bucket v1 in 2.4, their
/// v1beta2 removed in 2.8; GitRepository v1 GA in 2.0). Every field the <c>helm</c> component writes has the same name and
/// meaning in each of these versions, so only the apiVersion changes with the choice. KubeVela's fluxcd addon writes
/// HelmRelease v2beta1 and HelmRepository/Bucket v1beta2, which current Flux no longer serves.
/// </summary>
internal static class FluxApiVersions
{
    public static readonly VersionedKind HelmRelease = new("helm.toolkit.fluxcd.io", "HelmRelease", ["v2", "v2beta2", "v2beta1"]);
    public static readonly VersionedKind HelmRepository = new("source.toolkit.fluxcd.io", "HelmRepository", ["v1", "v1beta2"]);
    public static readonly VersionedKind GitRepository = new("source.toolkit.fluxcd.io", "GitRepository", ["v1", "v1beta2"]);
    public static readonly VersionedKind Bucket = new("source.toolkit.fluxcd.io", "Bucket", ["v1", "v1beta2"]);

    public static IReadOnlyList<VersionedKind> All { get; } = [HelmRelease, HelmRepository, GitRepository, Bucket];
}
