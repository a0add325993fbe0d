using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Health;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

/// <summary>KubeVela's healthPolicy/customStatus rules (vela-templates/definitions/internal/component/*.cue).</summary>
public sealed class HealthCheckTests
{
    private static HealthStatus Of(string json) => HealthCheck.Evaluate(Manifests.Parse(json));

    [Fact]
    public void A_Deployment_is_healthy_when_ready_updated_and_current_replicas_match_and_the_generation_is_observed()
    {
        var healthy = Of("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","generation":2},"spec":{"replicas":3},"status":{"observedGeneration":2,"replicas":3,"readyReplicas":3,"updatedReplicas":3}}""");
        Assert.Equal(new HealthStatus(true, "Ready:3/3"), healthy);
        var rolling = Of("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","generation":2},"spec":{"replicas":3},"status":{"observedGeneration":2,"replicas":3,"readyReplicas":3,"updatedReplicas":1}}""");
        Assert.False(rolling.Healthy);
        var stale = Of("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","generation":3},"spec":{"replicas":3},"status":{"observedGeneration":2,"replicas":3,"readyReplicas":3,"updatedReplicas":3}}""");
        Assert.False(stale.Healthy);
        var fresh = Of("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w","generation":1},"spec":{"replicas":2}}""");
        Assert.Equal(new HealthStatus(false, "Ready:0/2"), fresh);
    }

    [Fact]
    public void A_StatefulSet_follows_the_same_replica_rules_and_the_disable_annotation_makes_it_healthy()
    {
        var sts = """{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","generation":1ANN},"spec":{"replicas":2},"status":{"observedGeneration":1,"replicas":2,"readyReplicas":1,"updatedReplicas":2}}""";
        Assert.Equal(new HealthStatus(false, "Ready:1/2"), Of(sts.Replace("ANN", "")));
        Assert.True(Of(sts.Replace("ANN", ""","annotations":{"app.oam.dev/disable-health-check":"true"}""")).Healthy);
    }

    [Fact]
    public void A_DaemonSet_compares_ready_updated_and_current_with_desired()
    {
        Assert.Equal(new HealthStatus(true, "Ready:4/4"), Of("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"d","generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":4,"numberReady":4,"updatedNumberScheduled":4,"currentNumberScheduled":4}}"""));
        Assert.Equal(new HealthStatus(false, "Ready:3/4"), Of("""{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"d","generation":1},"status":{"observedGeneration":1,"desiredNumberScheduled":4,"numberReady":3,"updatedNumberScheduled":4,"currentNumberScheduled":4}}"""));
    }

    [Fact]
    public void A_Job_is_healthy_when_succeeded_equals_parallelism_and_a_CronJob_once_it_exists()
    {
        Assert.Equal(new HealthStatus(true, "Active/Failed/Succeeded:0/0/2"), Of("""{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"parallelism":2},"status":{"succeeded":2}}"""));
        Assert.Equal(new HealthStatus(false, "Active/Failed/Succeeded:1/1/0"), Of("""{"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"parallelism":1},"status":{"active":1,"failed":1}}"""));
        Assert.True(Of("""{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},"spec":{"schedule":"* * * * *"}}""").Healthy);
    }

    [Fact]
    public void Other_objects_are_healthy_when_Ready_is_True_or_when_they_have_no_conditions()
    {
        Assert.True(Of("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""").Healthy);
        var notReady = Of("""{"apiVersion":"mysql.example.com/v1","kind":"MysqlCluster","metadata":{"name":"db"},"status":{"conditions":[{"type":"Ready","status":"False","message":"waiting for pods"}]}}""");
        Assert.Equal(new HealthStatus(false, "waiting for pods"), notReady);
        Assert.True(Of("""{"apiVersion":"mysql.example.com/v1","kind":"MysqlCluster","metadata":{"name":"db"},"status":{"conditions":[{"type":"Ready","status":"True"}]}}""").Healthy);
    }

    [Fact]
    public async Task Live_objects_read_back_from_the_cluster_are_evaluated()
    {
        await using var target = new ClusterTargetScope();
        var ns = await target.Cluster.CreateNamespaceAsync();
        using var client = target.Cluster.Connect();
        var result = await new Applier(client, GitOpsVela.Engine.Diagnostics.NullEngineOutput.Instance)
            .ApplyAsync([Manifests.ConfigMap(ns, "settings", "my-app", ("a", "1"))], new ApplyOptions(), "my-app", default);
        var live = Assert.Single(result.Outcomes).Live!;
        Assert.True(HealthCheck.Evaluate(live).Healthy);
    }
}

/// <summary>A <see cref="ClusterTarget"/> for one test method.</summary>
internal sealed class ClusterTargetScope : IAsyncDisposable
{
    public ClusterTarget Cluster { get; } = new();

    public ClusterTargetScope() => Cluster.InitializeAsync().GetAwaiter().GetResult();

    public ValueTask DisposeAsync() => new(Cluster.DisposeAsync());
}
