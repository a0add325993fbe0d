using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Planning;

/// <summary>One place to deploy to: a cluster (kubeconfig context) and, when a topology policy says so, a namespace.</summary>
internal sealed record Placement(string Cluster, string? Namespace)
{
    public override string ToString() => Namespace is null ? Cluster : $"{Cluster}/{Namespace}";
}

/// <summary>
/// KubeVela's <c>topology</c> policy (vela-templates/definitions/internal/policy/topology.cue): <c>clusters</c> by name
/// (<c>local</c> is the cluster in use), or <c>clusterLabelSelector</c> over the clusters' labels, plus an optional
/// <c>namespace</c>. Selecting nothing is an error unless <c>allowEmpty</c>.
/// </summary>
internal static class Topology
{
    public const string Local = "local";

    public static IReadOnlyList<Placement> Resolve(Application app, Policy policy, IReadOnlyList<ClusterInfo> clusters, string localCluster)
    {
        var topology = (TopologySpec)policy.Spec;
        var ns = topology.Namespace;
        var result = new List<Placement>();
        if (topology.Clusters is { Count: > 0 } names)
        {
            for (var i = 0; i < names.Count; i++)
            {
                var name = names[i] == Local ? localCluster : names[i];
                if (names[i] != Local && clusters.All(c => c.Name != name))
                    throw Problem(app, policy, $"topology policy '{policy.Name}' names cluster '{names[i]}', which is not a kubeconfig context (known: {string.Join(", ", clusters.Select(c => c.Name))})",
                        topology.Source.Child("clusters").Item(i).Location);
                result.Add(new Placement(name, ns));
            }
        }
        else if (topology.ClusterLabelSelector is { } wanted)
        {
            foreach (var cluster in clusters)
                if (wanted.All(w => cluster.Labels.TryGetValue(w.Key, out var v) && v == w.Value))
                    result.Add(new Placement(cluster.Name, ns));
        }
        else
        {
            result.Add(new Placement(localCluster, ns));
        }
        if (result.Count == 0 && !topology.AllowEmpty)
            throw Problem(app, policy, $"topology policy '{policy.Name}' selects no cluster (clusters are kubeconfig contexts; label them in the clusters file)", policy.Location);
        return result.Distinct().ToList();
    }

    private static VelaProblemException Problem(Application app, Policy policy, string message, SourceLocation location) =>
        new(new VelaProblem(ErrorIds.Plan.TopologyInvalid, ProblemCategory.InvalidData, message, location, app.Name, null, $"policies[{policy.Name}]"));
}
