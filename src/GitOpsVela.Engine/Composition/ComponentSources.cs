using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Rendering.FluxComponents;
using GitOpsVela.Engine.Rendering.Kustomize;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Engine.Composition;

/// <summary>What one <c>kustomize</c> component's source holds at the revision synced.</summary>
internal sealed record ComponentSourceBuild(
    SyncedSource Synced,
    IReadOnlyList<JsonObject> Objects,
    IReadOnlyList<(Application Application, string Source)> Applications,
    IReadOnlyList<VelaProblem> Problems)
{
    /// <summary>The component's path cannot be built (missing, outside the repository, not buildable): the step that applies it fails with this.</summary>
    public VelaProblem? PathFailure { get; init; }
}

/// <summary>
/// The one path every <c>kustomize</c> component takes, whether <c>Invoke-VelaWorkflow</c>, <c>Invoke-VelaReconcile</c> or
/// <c>ConvertTo-VelaManifest -SyncSource</c> reaches it: sync its repository (when due), build its <c>path</c>, and split
/// what the path holds into the component's own objects and the KubeVela Applications (with the definitions found beside
/// them) it brings. A problem names the source's URL, ref and path — never the cache folder the checkout lives in.
/// </summary>
internal sealed class ComponentSources(ISourceProvider sources, IManifestBuilder builder, IEngineOutput? output = null)
{
    private readonly IEngineOutput _output = output ?? NullEngineOutput.Instance;

    /// <summary>
    /// Syncs and builds <paramref name="component"/>. A source that cannot be synced throws (<see cref="VelaProblemException"/>,
    /// its problem placed at the component): what runs stays as it is. A path that is missing, leaves the repository or does
    /// not build is <see cref="ComponentSourceBuild.PathFailure"/>: the source is fine, what the application asks of it is not.
    /// </summary>
    public async Task<ComponentSourceBuild> BuildAsync(Application app, Component component, bool force, CancellationToken ct)
    {
        var spec = KustomizeSource.From(component.Properties);
        SyncedSource synced;
        try
        {
            synced = await sources.SyncAsync(spec.ToSourceRequest(app.Namespace, force), ct).ConfigureAwait(false);
        }
        catch (VelaProblemException ex)
        {
            throw new VelaProblemException(Place(ex.Problem, app, component));
        }
        IReadOnlyList<BuiltObject> built;
        try
        {
            built = builder.Build(synced.LocalPath, spec.Path);
        }
        catch (VelaProblemException ex)
        {
            return new ComponentSourceBuild(synced, [], [], [])
            {
                PathFailure = Place(ex.Problem with { Message = Describe(spec, synced, ex.Problem) }, app, component),
            };
        }
        var plain = new List<JsonObject>();
        var appFiles = new List<string>();
        foreach (var obj in built)
        {
            // Applications and definitions found in the source are read as such (definitions are data for the
            // applications of the same source, not objects to apply); everything else is the component's.
            if (ApplicationParser.IsApplication(obj.Object) || DefinitionParser.IsDefinition(obj.Object)) appFiles.Add(obj.File);
            else plain.Add(obj.Object);
        }
        var load = ApplicationLoader.Load(appFiles.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), _output);
        // An application brought in by a source sees that source's definitions, then those of the application that brought it.
        foreach (var child in load.Applications) child.Definitions = load.Definitions.Then(app.Definitions);
        var relative = (string file) => Path.GetRelativePath(synced.LocalPath, file).Replace('\\', '/');
        var children = load.Applications.Select(child => (child, $"{synced.Url}@{Short(synced.Revision)}:{relative(child.File)}")).ToList();
        return new ComponentSourceBuild(synced, plain, children, load.Problems);
    }

    /// <summary>Where a component's objects come from, in words: <c>https://git.example.com/config (branch main) path ./apps</c>.</summary>
    public static string Describe(KustomizeSource spec) => $"{spec.Url} ({spec.Reference}) path '{spec.Path}'";

    private static string Describe(KustomizeSource spec, SyncedSource synced, VelaProblem problem)
    {
        var message = Scrub(problem.Message, synced.LocalPath);
        var at = $"source {synced.Url} ({spec.Reference}, commit {Short(synced.Revision)})"
            + (message.Contains($"'{spec.Path}'", StringComparison.Ordinal) ? "" : $" path '{spec.Path}'");
        // The builder names files by where they sit in the checkout: say them relative to the repository instead.
        var file = problem.Location.File;
        var inRepository = !string.IsNullOrEmpty(file) && Path.IsPathRooted(file)
            && Path.GetFullPath(file).StartsWith(Path.GetFullPath(synced.LocalPath), StringComparison.Ordinal);
        var where = inRepository && Path.GetRelativePath(synced.LocalPath, file) is var rel && rel != "."
            ? $" (in {rel.Replace('\\', '/')}{(problem.Property is { } p ? $", field '{p}'" : "")})" : "";
        var accepted = problem.Property == "path" ? "; path must name a folder or file inside the repository at that commit, relative to its root" : "";
        return $"{at}: {message}{where}{accepted}";
    }

    private static string Scrub(string message, string localPath) =>
        message.Replace(Path.GetFullPath(localPath).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)
            .Replace(Path.GetFullPath(localPath).TrimEnd(Path.DirectorySeparatorChar), ".", StringComparison.Ordinal);

    private static VelaProblem Place(VelaProblem problem, Application app, Component component) => problem with
    {
        Application = problem.Application ?? app.Name,
        Component = problem.Component ?? component.Name,
        Property = problem.Id == ErrorIds.Render.KustomizeInvalid ? "path" : problem.Property,
        Location = component.Location,
    };

    private static string Short(string revision) => revision[..Math.Min(12, revision.Length)];
}
