using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Loading;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Gets KubeVela applications from Application files.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VelaApplication", DefaultParameterSetName = PathSet)]
[OutputType(typeof(VelaApplication))]
public sealed class GetVelaApplicationCommand : VelaCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(ParameterSetName = PathSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>Only applications whose name matches (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <summary>Only applications in these namespaces (wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Namespace { get; set; }

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        var paths = PathResolution.Resolve(this, literal ? LiteralPath : Path ?? ["."], literal);
        if (paths.Count == 0) return;
        var result = ApplicationLoader.Load(paths, Output);
        foreach (var problem in result.Problems) WriteProblem(problem);
        var names = Wildcards(Name);
        var namespaces = Wildcards(Namespace);
        foreach (var app in result.Applications)
        {
            if (names is not null && !names.Any(p => p.IsMatch(app.Name))) continue;
            if (namespaces is not null && !namespaces.Any(p => p.IsMatch(app.Namespace))) continue;
            WriteObject(VelaModelConverter.ToOutput(app));
        }
    }

    private static WildcardPattern[]? Wildcards(string[]? patterns) =>
        patterns is null || patterns.Length == 0 ? null
            : patterns.Select(p => WildcardPattern.Get(p, WildcardOptions.IgnoreCase)).ToArray();
}
