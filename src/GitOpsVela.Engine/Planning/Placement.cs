using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Planning;

/// <summary>One place to deploy to: a cluster (kubeconfig context) and, when a topology policy says so, a namespace.</summary>
public sealed record Placement(string Cluster, string? Namespace)
{
    public override string ToString() => Namespace is null ? Cluster : $"{Cluster}/{Namespace}";
}

/// <summary>
/// KubeVela's <c>topology</c> policy (vela-templates/definitions/internal/policy/topology.cue): <c>clusters</c> by name
/// (<c>local</c> is the cluster in use), or <c>clusterLabelSelector</c> over the clusters' labels, plus an optional
/// <c>namespace</c>. Selecting nothing is an error unless <c>allowEmpty</c>.
/// </summary>
public static class Topology
{
    public const string Local = "local";

    public static IReadOnlyList<Placement> Resolve(Application app, Policy topology, IReadOnlyList<ClusterInfo> clusters, string localCluster)
    {
        var props = topology.Properties;
        var ns = props.GetString("namespace");
        var result = new List<Placement>();
        if (props["clusters"] is YamlSequence names && names.Count > 0)
        {
            foreach (var item in names.Items.OfType<YamlScalar>())
            {
                var name = item.Value == Local ? localCluster : item.Value;
                if (item.Value != Local && clusters.All(c => c.Name != name))
                    throw Problem(app, topology, $"topology policy '{topology.Name}' names cluster '{item.Value}', which is not a kubeconfig context (known: {string.Join(", ", clusters.Select(c => c.Name))})", item.Location);
                result.Add(new Placement(name, ns));
            }
        }
        else if ((props["clusterLabelSelector"] ?? props["clusterSelector"]) is YamlMapping selector)
        {
            var wanted = selector.Entries.Select(e => (Key: e.Key.Value, Value: (e.Value as YamlScalar)?.Value ?? "")).ToList();
            foreach (var cluster in clusters)
                if (wanted.All(w => cluster.Labels.TryGetValue(w.Key, out var v) && v == w.Value))
                    result.Add(new Placement(cluster.Name, ns));
        }
        else
        {
            result.Add(new Placement(localCluster, ns));
        }
        if (result.Count == 0 && props.GetString("allowEmpty") != "true")
            throw Problem(app, topology, $"topology policy '{topology.Name}' selects no cluster (clusters are kubeconfig contexts; label them in the clusters file)", topology.Location);
        return result.Distinct().ToList();
    }

    private static VelaProblemException Problem(Application app, Policy policy, string message, SourceLocation location) =>
        new(new VelaProblem("VelaTopologyInvalid", ProblemCategory.InvalidData, message, location, app.Name, null, $"policies[{policy.Name}]"));
}
