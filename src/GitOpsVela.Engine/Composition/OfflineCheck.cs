using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Composition;

/// <summary>What checking an application without a cluster found: its problems and, when it has none, the objects it stands for.</summary>
public sealed record OfflineCheckResult(IReadOnlyList<VelaProblem> Problems, IReadOnlyList<RenderedManifest> Manifests)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Test-VelaApplication and ConvertTo-VelaManifest: the application's release planned offline (every placement on the local
/// cluster), so both refuse the same things with the same problems, and each component is rendered once.
/// </summary>
public static class OfflineCheck
{
    public static OfflineCheckResult Check(Application app, string? targetNamespace = null)
    {
        var plan = ReleasePlanner.Check(app, targetNamespace: targetNamespace);
        return new OfflineCheckResult(plan.Problems, plan.Succeeded ? plan.ManifestsByCluster().Values.SelectMany(m => m).ToList() : []);
    }

    /// <summary>Namespaces and CRDs first, everything else in the order rendered: an order the objects can be applied in.</summary>
    public static IReadOnlyList<RenderedManifest> ApplyOrder(IEnumerable<RenderedManifest> manifests) => ManifestOrder.Sort(manifests);
}
