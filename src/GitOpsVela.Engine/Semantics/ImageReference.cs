namespace GitOpsVela.Engine.Semantics;

/// <summary>
/// An image name as docker reads it: the first path component is a registry host when it has a dot, a colon or is
/// <c>localhost</c>; otherwise the image is on Docker Hub (<c>docker.io</c>), where a single name is under <c>library/</c>.
/// </summary>
public sealed record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>The host the registry API is served from (Docker Hub's is registry-1.docker.io).</summary>
    public string ApiHost => Registry == DockerHub ? "registry-1.docker.io" : Registry;

    /// <summary>The name without tag or digest, as written in manifests (<c>nginx</c> stays <c>nginx</c> for Docker Hub library images).</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// The name, tag and digest of an image as written (<c>host:5000/app:1@sha256:...</c>): a colon after the last slash
    /// starts the tag, an <c>@</c> the digest. No normalisation and no checks (kustomize's <c>images</c> work on this).
    /// </summary>
    public static (string Name, string? Tag, string? Digest) Split(string image)
    {
        var rest = image.Trim();
        string? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0) (rest, digest) = (rest[..at], rest[(at + 1)..]);
        string? tag = null;
        var colon = rest.LastIndexOf(':');
        if (colon > rest.LastIndexOf('/')) (rest, tag) = (rest[..colon], rest[(colon + 1)..]);
        return (rest, tag, digest);
    }

    public static ImageReference Parse(string image)
    {
        var (name, tag, digest) = Split(image);
        var rest = name;
        var slash = rest.IndexOf('/');
        string registry, repository;
        if (slash > 0 && (rest[..slash].Contains('.') || rest[..slash].Contains(':') || rest[..slash] == "localhost"))
            (registry, repository) = (rest[..slash], rest[(slash + 1)..]);
        else
            (registry, repository) = (DockerHub, slash < 0 ? "library/" + rest : rest);
        if (registry is "index.docker.io" or "registry-1.docker.io") registry = DockerHub;
        if (repository.Length == 0 || repository.Any(char.IsUpper))
            throw new FormatException($"'{image}' is not an image name (repository names are lowercase)");
        return new ImageReference(registry, repository, tag, digest) { Name = name };
    }

    public override string ToString() => Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);
}
