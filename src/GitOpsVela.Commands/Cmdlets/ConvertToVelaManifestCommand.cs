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
[Cmdlet(VerbsData.ConvertTo, "VelaManifest", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "ConvertTo-VelaManifest.md")]
[OutputType(typeof(VelaManifest), typeof(VelaComponentSource), typeof(string))]
public sealed class ConvertToVelaManifestCommand : ApplicationInputCmdlet
{
    private readonly List<RenderedManifest> _all = [];
    private readonly List<ComponentSourceInfo> _unsynced = [];
    private readonly Dictionary<(string App, string Component), string> _sourceOf = [];
    private Engine.Sources.GitSourceCache? _cache;
    private DefinitionSource? _definitions;

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
            _all.AddRange(check.Manifests);
            if (!check.Succeeded) continue;
            var sources = SourceView.Of(app);
            foreach (var source in sources) _sourceOf[(source.Application, source.Component)] = $"{source.Url} ({source.Reference}) {(source.Type == "helm" ? "chart" : "path")} '{source.Path}'";
            if (!SyncSource)
            {
                _unsynced.AddRange(sources.Where(s => s.Type == "kustomize"));
                continue;
            }
            if (sources.All(s => s.Type != "kustomize")) continue;
            var cache = _cache ??= new Engine.Sources.GitSourceCache(CachePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CachePath), output: Output);
            var built = Run(ct => SourceView.RenderSourcesAsync(app, TargetNamespace, cache, GitTokenVariable, Output, ct));
            foreach (var problem in built.Problems) WriteProblem(problem, problem.Application ?? app.Name);
            _all.AddRange(built.Manifests);
        }
    }

    protected override void EndVelaProcessing()
    {
        _definitions?.Close();
        // Namespaces and CRDs first, so the output can be applied as it stands; everything else keeps its order.
        var ordered = OfflineCheck.ApplyOrder(_all);
        if (AsYaml)
        {
            // A kustomize component not synced renders nothing: say what it stands for, as comments kubectl ignores.
            var comments = string.Concat(_unsynced.Select(s => $"# {s.Namespace}/{s.Application} component {s.Component} (kustomize): {s.Description}\n"));
            if (ordered.Count > 0 || comments.Length > 0)
                WriteObject(comments + (ordered.Count > 0 ? YamlWriter.Write(ordered.Select(m => (System.Text.Json.Nodes.JsonNode?)m.Object)) : ""));
            return;
        }
        foreach (var manifest in ordered) WriteObject(new VelaManifest(manifest, _sourceOf.GetValueOrDefault((manifest.Application, manifest.Component))));
        foreach (var source in _unsynced) WriteObject(new VelaComponentSource(source));
    }
}
