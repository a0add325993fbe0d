using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Loading;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets KubeVela applications from Application files, or — with -Context — as they run in a cluster (the vela ls view).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VelaApplication", DefaultParameterSetName = PathSet, HelpUri = HelpLinks.Base + "Get-VelaApplication.md")]
[OutputType(typeof(VelaApplication), typeof(VelaApplicationStatus))]
public sealed class GetVelaApplicationCommand : VelaCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string ClusterSet = "Cluster";
    private ClusterConnection? _connection;

    /// <summary>Application files or folders (wildcards allowed; default: the current folder).</summary>
    [Parameter(ParameterSetName = PathSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ArgumentCompleter(typeof(ApplicationPathCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>Read what runs in the cluster of this kubeconfig context (the in-cluster records and live health).</summary>
    [Parameter(ParameterSetName = ClusterSet, Mandatory = true)]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>The kubeconfig file (default: KUBECONFIG, then ~/.kube/config).</summary>
    [Parameter(ParameterSetName = ClusterSet)]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    /// <summary>Applications of every namespace (with -Context).</summary>
    [Parameter(ParameterSetName = ClusterSet)]
    [Alias("A")]
    public SwitchParameter AllNamespaces { get; set; }

    /// <summary>The vela status view: components with health messages, workflow steps, objects.</summary>
    [Parameter(ParameterSetName = ClusterSet)]
    public SwitchParameter Detailed { get; set; }

    /// <summary>Only applications whose name matches (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ApplicationNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only applications in these namespaces (wildcards allowed). With -Context the default is the namespace "default".</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    protected override void ProcessVelaRecord()
    {
        if (ParameterSetName == ClusterSet)
        {
            ReadCluster();
            return;
        }
        var literal = ParameterSetName == LiteralPathSet;
        var paths = PathResolution.Resolve(this, literal ? LiteralPath : Path ?? ["."], literal);
        if (paths.Count == 0) return;
        var result = ApplicationLoader.Load(paths, Output);
        foreach (var problem in result.Problems.OrderBy(p => p.Location.File, StringComparer.Ordinal).ThenBy(p => p.Location.Line).ThenBy(p => p.Location.Column))
            WriteProblem(problem);
        var names = Wildcards(Name);
        var namespaces = Wildcards(Namespace);
        foreach (var app in result.Applications)
        {
            if (names is not null && !names.Any(p => p.IsMatch(app.Name))) continue;
            if (namespaces is not null && !namespaces.Any(p => p.IsMatch(app.Namespace))) continue;
            WriteObject(VelaModelConverter.ToOutput(app));
        }
    }

    private void ReadCluster()
    {
        var target = (_connection ??= new ClusterConnection(this)).Open(Kubeconfig, Context);
        // One namespace without wildcards is read alone; anything else reads all and filters.
        string? single = AllNamespaces ? null
            : Namespace is null ? Engine.Loading.Model.Application.DefaultNamespace
            : Namespace.Length == 1 && !WildcardPattern.ContainsWildcardCharacters(Namespace[0]) ? Namespace[0] : null;
        var records = Run(ct => target.ReadStatusAsync(single, ct));
        var names = Wildcards(Name);
        var namespaces = AllNamespaces ? null : Wildcards(Namespace);
        foreach (var record in records)
        {
            if (names is not null && !names.Any(p => p.IsMatch(record.Name))) continue;
            if (namespaces is not null && !namespaces.Any(p => p.IsMatch(record.Namespace))) continue;
            if (Detailed) WriteObject(new VelaApplicationStatus(record, target.Context));
            else WriteObject(new VelaApplication(record, target.Context));
        }
    }

    protected override void EndVelaProcessing() => _connection?.Close();

    private static WildcardPattern[]? Wildcards(string[]? patterns) =>
        patterns is null || patterns.Length == 0 ? null
            : patterns.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToArray();
}
