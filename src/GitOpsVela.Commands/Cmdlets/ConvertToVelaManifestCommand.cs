using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Renders KubeVela applications to the Kubernetes objects they stand for, without a cluster.</para>
/// </summary>
/// <remarks>
/// The output streams: each application's objects are written as soon as it is rendered, in that application's apply
/// order (its namespaces, then its CustomResourceDefinitions, then the rest as rendered), applications in the order they
/// come in. Nothing is held for later but the views of unsynced kustomize components (written after all objects; as
/// comments heading the text with -AsYaml) and, with -AsYaml, the text itself. An application whose objects need a
/// namespace or CRD that only a later application renders is ordered as KubeVela orders it: not across applications
/// (<c>vela dry-run</c> renders one application; applications depend on each other through their workflows).
/// </remarks>
[Cmdlet(VerbsData.ConvertTo, "VelaManifest", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "ConvertTo-VelaManifest.md")]
[OutputType(typeof(VelaManifest), typeof(VelaComponentSource), typeof(string))]
public sealed class ConvertToVelaManifestCommand : ApplicationInputCmdlet
{
    private readonly List<ComponentSourceInfo> _unsynced = [];
    private Engine.Sources.GitSourceCache? _cache;
    private DefinitionSource? _definitions;
    // The -AsYaml text, made as the applications are rendered: what is kept is the text, not the objects.
    private System.Text.StringBuilder? _yaml;

    /// <summary>Write one YAML text (documents separated by <c>---</c>) instead of objects.</summary>
    [Parameter]
    public SwitchParameter AsYaml { get; set; }

    /// <summary>Render for this namespace instead of each application's own (as a topology policy's namespace would).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TargetNamespace { get; set; }

    /// <summary>Also use the definitions installed in this kubeconfig context (the application's namespace, then vela-system).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>The kubeconfig file (default: KUBECONFIG, then ~/.kube/config); given alone, its current context's definitions are used.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    /// <summary>Sync the repositories of kustomize components and render the objects their paths build (and the applications found there); without it, each kustomize component is shown as the source and path it stands for.</summary>
    [Parameter]
    public SwitchParameter SyncSource { get; set; }

    /// <summary>With -SyncSource: where clones are kept (default: the user's local application data, GitOpsVela/cache).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CachePath { get; set; }

    /// <summary>With -SyncSource: name of an environment variable holding a git token.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string GitTokenVariable { get; set; } = Engine.Sources.GitCredentials.TokenVariable;

    protected override void ProcessVelaRecord()
    {
        foreach (var app in InputApplications(out _))
        {
            // Validated exactly as Test-VelaApplication validates: an application it refuses renders nothing here.
            var check = (_definitions ??= new DefinitionSource(this)).Check(app, TargetNamespace, Context, Kubeconfig);
            foreach (var problem in check.Problems) WriteProblem(problem, app.Name);
            if (!check.Succeeded) continue;
            var sources = SourceView.Of(app);
            if (!SyncSource) _unsynced.AddRange(sources.Where(s => s.Type == "kustomize"));
            if (!SyncSource || sources.All(s => s.Type != "kustomize"))
            {
                Write(check.Manifests, sources);
                continue;
            }
            var cache = _cache ??= new Engine.Sources.GitSourceCache(CachePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CachePath), output: Output);
            var built = Run(ct => SourceView.RenderSourcesAsync(app, TargetNamespace, cache, GitTokenVariable, Output, ct));
            foreach (var problem in built.Problems) WriteProblem(problem, problem.Application ?? app.Name);
            Write([.. check.Manifests, .. built.Manifests], sources);
        }
    }

    /// <summary>One application's objects (with what its kustomize paths built), in its apply order, now.</summary>
    private void Write(IReadOnlyList<RenderedManifest> manifests, IReadOnlyList<ComponentSourceInfo> sources)
    {
        var ordered = OfflineCheck.ApplyOrder(manifests);
        if (AsYaml)
        {
            _yaml ??= new System.Text.StringBuilder();
            foreach (var manifest in ordered) YamlWriter.Append(_yaml, manifest.Object);
            return;
        }
        foreach (var manifest in ordered)
            WriteObject(new VelaManifest(manifest, sources.Count == 0 ? null : SourceOf(sources, manifest)));
    }

    private static string? SourceOf(IReadOnlyList<ComponentSourceInfo> sources, RenderedManifest manifest) =>
        sources.FirstOrDefault(s => s.Application == manifest.Application && s.Component == manifest.Component) is { } source
            ? $"{source.Url} ({source.Reference}) {(source.Type == "helm" ? "chart" : "path")} '{source.Path}'"
            : null;

    protected override void EndVelaProcessing()
    {
        _definitions?.Close();
        if (AsYaml)
        {
            // A kustomize component not synced renders nothing: say what it stands for, as comments kubectl ignores.
            var comments = string.Concat(_unsynced.Select(s => $"# {s.Namespace}/{s.Application} component {s.Component} (kustomize): {s.Description}\n"));
            var documents = _yaml?.ToString() ?? "";
            if (documents.Length > 0 || comments.Length > 0) WriteObject(comments + documents);
            return;
        }
        foreach (var source in _unsynced) WriteObject(new VelaComponentSource(source));
    }
}
