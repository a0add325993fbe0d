using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Composition;

/// <summary>What checking an application without a cluster found: its problems and, when it has none, the objects it stands for.</summary>
public sealed record OfflineCheckResult(IReadOnlyList<VelaProblem> Problems, IReadOnlyList<RenderedManifest> Manifests)
{
    public bool Succeeded => Problems.Count == 0;

    /// <summary>Definitions that replace a built-in type (worth a warning).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Which definition renders a type where more than one could (verbose text).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>
/// Test-VelaApplication and ConvertTo-VelaManifest: the application's release planned offline (every placement on the local
/// cluster), so both refuse the same things with the same problems, and each component is rendered once.
/// </summary>
public static class OfflineCheck
{
    public static OfflineCheckResult Check(Application app, string? targetNamespace = null) => Check(app, targetNamespace, null);

    /// <param name="cluster">Definitions installed in a cluster, after the application's own (with -Context).</param>
    internal static OfflineCheckResult Check(Application app, string? targetNamespace, Loading.Model.DefinitionCatalogue? cluster)
    {
        var registry = cluster is null || cluster.IsEmpty ? DefinitionRegistry.BuiltIn : DefinitionRegistry.BuiltIn.WithCluster(cluster);
        var plan = ReleasePlanner.Check(app, registry, targetNamespace);
        return new OfflineCheckResult(plan.Problems, plan.Succeeded ? plan.ManifestsByCluster().Values.SelectMany(m => m).ToList() : [])
        {
            Warnings = plan.DefinitionNotes.Where(n => n.Warning).Select(n => $"{app}: {n.Message}").ToList(),
            Notes = plan.DefinitionNotes.Where(n => !n.Warning).Select(n => $"{app}: {n.Message}").ToList(),
        };
    }

    /// <summary>Namespaces and CRDs first, everything else in the order rendered: an order the objects can be applied in.</summary>
    public static IReadOnlyList<RenderedManifest> ApplyOrder(IEnumerable<RenderedManifest> manifests) => ManifestOrder.Sort(manifests);
}
