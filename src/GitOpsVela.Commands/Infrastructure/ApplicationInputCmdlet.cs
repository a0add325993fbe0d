using System.Management.Automation;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// Base of the cmdlets that work on applications: they take <see cref="VelaApplication"/> objects from the pipeline
/// (<c>Get-VelaApplication | ...</c>) or read Application files themselves (<c>-Path</c>, <c>-LiteralPath</c>).
/// Problems reading the files are written as errors and the readable applications still go on.
/// </summary>
public abstract class ApplicationInputCmdlet : VelaCmdlet
{
    protected const string ApplicationSet = "Application";
    protected const string PathSet = "Path";
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>Applications from Get-VelaApplication.</summary>
    [Parameter(ParameterSetName = ApplicationSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNull]
    public VelaApplication[]? Application { get; set; }

    /// <summary>Application files or folders (wildcards allowed).</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ArgumentCompleter(typeof(ApplicationPathCompleter))]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Application files or folders, taken literally.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>The applications of the current pipeline record; file problems are written as errors (and counted).</summary>
    internal IReadOnlyList<Application> InputApplications(out int loadProblems)
    {
        loadProblems = 0;
        if (ParameterSetName == ApplicationSet)
        {
            var models = new List<Application>();
            foreach (var app in Application!)
            {
                if (app.Model is not null) models.Add(app.Model);
                else WriteVelaError(VelaErrors.Create(ErrorIds.Record.SpecUnavailable, ErrorCategory.InvalidArgument,
                    $"application {app.Namespace}/{app.Name} was read from a cluster and has no spec here; pipe it from its files (Get-VelaApplication -Path)", app));
            }
            return models;
        }
        var literal = ParameterSetName == LiteralPathSet;
        var paths = PathResolution.Resolve(this, literal ? LiteralPath : Path, literal);
        if (paths.Count == 0) return [];
        var result = ApplicationLoader.Load(paths, Output);
        foreach (var problem in result.Problems.OrderBy(p => p.Location.File, StringComparer.Ordinal).ThenBy(p => p.Location.Line).ThenBy(p => p.Location.Column))
            WriteProblem(problem);
        loadProblems = result.Problems.Count;
        if (result.Applications.Count == 0 && result.Problems.Count == 0)
        {
            WriteVelaError(VelaErrors.Create(ErrorIds.Load.ApplicationNoneFound, ErrorCategory.ObjectNotFound,
                $"no KubeVela Application (apiVersion core.oam.dev/v1beta1, kind Application) found in {string.Join(", ", paths.Select(p => $"'{p}'"))}", paths[0]));
            loadProblems = 1;
        }
        return result.Applications;
    }
}
