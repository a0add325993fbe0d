namespace GitOpsVela.Commands.Output;

/// <summary>
/// What a <c>kustomize</c> component stands for when its source is not synced (ConvertTo-VelaManifest without
/// -SyncSource): the repository, ref and path its objects come from.
/// </summary>
public sealed class VelaComponentSource
{
    internal VelaComponentSource(Engine.Composition.ComponentSourceInfo info)
    {
        Application = info.Application;
        Namespace = info.Namespace;
        Component = info.Component;
        Type = info.Type;
        Url = info.Url;
        Ref = info.Reference;
        Path = info.Path;
        Description = info.Description;
    }

    public string Application { get; }
    public string Namespace { get; }
    public string Component { get; }

    /// <summary>The component type (<c>kustomize</c>).</summary>
    public string Type { get; }

    /// <summary>The repository URL.</summary>
    public string Url { get; }

    /// <summary>The branch, tag, commit, semver range or ref.</summary>
    public string Ref { get; }

    /// <summary>The path in the repository whose objects the component applies.</summary>
    public string Path { get; }

    /// <summary>The same in words.</summary>
    public string Description { get; }

    public override string ToString() => $"{Url} ({Ref}) path '{Path}'";
}
