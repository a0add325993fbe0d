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
[OutputType(typeof(VelaManifest), typeof(string))]
public sealed class ConvertToVelaManifestCommand : ApplicationInputCmdlet
{
    private readonly List<RenderedManifest> _all = [];
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

    protected override void ProcessVelaRecord()
    {
        foreach (var app in InputApplications(out _))
        {
            // Validated exactly as Test-VelaApplication validates: an application it refuses renders nothing here.
            var check = (_definitions ??= new DefinitionSource(this)).Check(app, TargetNamespace, Context, Kubeconfig);
            foreach (var problem in check.Problems) WriteProblem(problem, app.Name);
            _all.AddRange(check.Manifests);
        }
    }

    protected override void EndVelaProcessing()
    {
        _definitions?.Close();
        // Namespaces and CRDs first, so the output can be applied as it stands; everything else keeps its order.
        var ordered = OfflineCheck.ApplyOrder(_all);
        if (AsYaml)
        {
            if (ordered.Count > 0) WriteObject(YamlWriter.Write(ordered.Select(m => (System.Text.Json.Nodes.JsonNode?)m.Object)));
            return;
        }
        foreach (var manifest in ordered) WriteObject(new VelaManifest(manifest));
    }
}
