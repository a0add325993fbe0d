using System.Management.Automation;

namespace GitOpsVela.Commands.Output;

/// <summary>One rendered Kubernetes object, with the application, component and trait that produced it.</summary>
public sealed class VelaManifest
{
    internal VelaManifest(Engine.Rendering.RenderedManifest manifest, string? source = null)
    {
        Source = source;
        Manifest = manifest;
        ApiVersion = manifest.ApiVersion;
        Kind = manifest.Kind;
        Name = manifest.Name;
        Namespace = manifest.Namespace;
        Application = manifest.Application;
        Component = manifest.Component;
        Trait = manifest.Trait;
    }

    public string ApiVersion { get; }
    public string Kind { get; }
    public string Name { get; }
    public string? Namespace { get; }
    public string Application { get; }
    public string Component { get; }

    /// <summary>The trait type that produced the object; null for the component's own objects.</summary>
    public string? Trait { get; }

    /// <summary>For the objects of a <c>helm</c> or <c>kustomize</c> component: where they come from (repository, ref, chart or path).</summary>
    public string? Source { get; }

    private PSObject? _object;

    /// <summary>The whole object as PowerShell objects (<c>$m.Object.spec.replicas</c>), made when first asked for: a
    /// pipeline that only counts, filters by kind or writes YAML never pays for it.</summary>
    public PSObject Object => _object ??= PowerShellValues.ToPSObject(Manifest.Object);

    /// <summary>The object as YAML.</summary>
    public string ToYaml() => Engine.Yaml.YamlWriter.Write(Manifest.Object);

    internal Engine.Rendering.RenderedManifest Manifest { get; }

    public override string ToString() => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";
}
