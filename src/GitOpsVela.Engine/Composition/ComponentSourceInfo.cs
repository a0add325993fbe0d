using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Rendering.FluxComponents;
using GitOpsVela.Engine.Rendering.Kustomize;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Engine.Composition;

/// <summary>
/// What a source-backed component (<c>kustomize</c>, <c>helm</c>) stands for: where its objects come from. A <c>kustomize</c>
/// component renders no object of its own offline — its objects are what its <c>path</c> holds when synced.
/// </summary>
public sealed record ComponentSourceInfo(
    string Application,
    string Namespace,
    string Component,
    string Type,
    string Url,
    string Reference,
    string Path,
    string Description);

/// <summary>The sources of an application's <c>kustomize</c> and <c>helm</c> components, and the objects a kustomize path builds.</summary>
public static class SourceView
{
    /// <summary>What each <c>kustomize</c> and <c>helm</c> component of <paramref name="app"/> stands for, in component order.</summary>
    public static IReadOnlyList<ComponentSourceInfo> Of(Application app) => app.Components.Select(c => Of(app, c)).OfType<ComponentSourceInfo>().ToList();

    private static ComponentSourceInfo? Of(Application app, Component c)
    {
        switch (c.Type)
        {
            case "kustomize":
            {
                var spec = KustomizeSource.From(c.Properties);
                return new ComponentSourceInfo(app.Name, app.Namespace, c.Name, c.Type, spec.Url, spec.Reference.ToString(), spec.Path,
                    $"the objects of {ComponentSources.Describe(spec)}, synced and built when delivered (ConvertTo-VelaManifest -SyncSource renders them); "
                    + "Applications found there are delivered as applications of their own");
            }
            case "helm":
            {
                string S(string key, string fallback) => c.Properties[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : fallback;
                var repoType = S("repoType", "helm");
                var version = S("version", "*");
                var reference = repoType == "git" ? new GitReference(c.Properties["git"]?["branch"]?.GetValue<string>() ?? "main",
                    c.Properties["git"]?["tag"]?.GetValue<string>(), c.Properties["git"]?["commit"]?.GetValue<string>(),
                    c.Properties["git"]?["semver"]?.GetValue<string>(), c.Properties["git"]?["name"]?.GetValue<string>()).ToString() : $"version {version}";
                return new ComponentSourceInfo(app.Name, app.Namespace, c.Name, c.Type, S("url", ""), reference, S("chart", ""),
                    $"chart '{S("chart", "")}' ({reference}) from the {repoType} repository {S("url", "")}, installed by Flux's helm-controller through the HelmRelease rendered for it");
            }
            default:
                return null;
        }
    }

    /// <summary>
    /// ConvertTo-VelaManifest -SyncSource: syncs each <c>kustomize</c> component's source through <paramref name="cache"/>
    /// (credentials: a token in <paramref name="tokenVariable"/>; a <c>secretRef</c> needs a cluster and is a problem here),
    /// builds its path and renders what it holds as the component's objects; the applications found there are checked and
    /// rendered offline too, and so on down (at most <paramref name="maxDepth"/> levels). Nothing is applied.
    /// </summary>
    public static async Task<OfflineCheckResult> RenderSourcesAsync(Application app, string? targetNamespace, GitSourceCache cache, string? tokenVariable,
        IEngineOutput output, CancellationToken ct, int maxDepth = 5)
    {
        var sources = new ComponentSources(new GitSourceProvider(cache, null, null, tokenVariable), new KustomizeBuilder(), output);
        var problems = new List<VelaProblem>();
        var manifests = new List<RenderedManifest>();
        var queue = new Queue<(Application App, int Depth, bool Root)>([(app, 0, true)]);
        while (queue.Count > 0)
        {
            var (current, depth, root) = queue.Dequeue();
            var objects = new Dictionary<string, IReadOnlyList<JsonObject>>(StringComparer.Ordinal);
            foreach (var component in current.Components.Where(c => c.Type == "kustomize"))
            {
                try
                {
                    var build = await sources.BuildAsync(current, component, force: false, ct).ConfigureAwait(false);
                    if (build.PathFailure is { } failure)
                    {
                        problems.Add(failure);
                        continue;
                    }
                    objects[component.Name] = build.Objects;
                    problems.AddRange(build.Problems);
                    foreach (var (child, _) in build.Applications)
                    {
                        if (depth + 1 > maxDepth)
                            problems.Add(new VelaProblem(ErrorIds.Reconcile.ApplicationTooDeep, ProblemCategory.InvalidData,
                                $"applications bring in applications more than {maxDepth} levels deep; stopping here", child.Location, child.Name));
                        else queue.Enqueue((child, depth + 1, false));
                    }
                }
                catch (VelaProblemException ex)
                {
                    problems.Add(ex.Problem);
                }
            }
            var plan = ReleasePlanner.Plan(current, ReleaseContext.Offline with
            {
                NamespaceOverride = root ? targetNamespace : null,
                SourceObjects = objects.Count == 0 ? null : objects,
            });
            problems.AddRange(plan.Problems);
            if (!plan.Succeeded) continue;
            var all = plan.ManifestsByCluster().Values.SelectMany(m => m);
            // The root's other components were rendered by the ordinary check; add only what its sources built.
            manifests.AddRange(root ? all.Where(m => objects.ContainsKey(m.Component)) : all);
        }
        return new OfflineCheckResult(problems, manifests);
    }
}
