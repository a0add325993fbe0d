using System.Text.Json.Nodes;
using Xunit;

namespace GitOpsVela.Engine.Tests.Rendering.Golden;

/// <summary>The rules of the cue-oracle's compare.py, as <see cref="KubeVelaComparer"/> ports them.</summary>
public sealed class KubeVelaComparerTests
{
    private const string Deployment = """
        {
          "apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": {"name": "web", "namespace": "default", "annotations": {}, "labels": {"app.oam.dev/name": "app"}},
          "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "web", "image": "nginx", "ports": [{"containerPort": 80}]}]}}}
        }
        """;

    private static KubeVelaComparison Compare(string expected, string actual) =>
        KubeVelaComparer.Compare([JsonNode.Parse(expected)], [JsonNode.Parse(actual)]);

    private static string Actual(Action<JsonObject> change)
    {
        var o = JsonNode.Parse(Deployment)!.AsObject();
        change(o);
        return o.ToJsonString();
    }

    [Fact]
    public void The_same_object_is_identical()
    {
        var result = Compare(Deployment, Deployment);
        Assert.True(result.Identical, result.Report());
        Assert.EndsWith("1/1 objects identical", result.Report());
    }

    [Fact]
    public void A_missing_field_fails()
    {
        var result = Compare(Deployment, Actual(o => o["spec"]!.AsObject().Remove("replicas")));
        Assert.False(result.Identical);
        Assert.Equal("spec.replicas: missing (expected 2)", Assert.Single(Assert.Single(result.Objects).Differences));
    }

    [Fact]
    public void A_wrong_value_fails_and_a_number_never_equals_its_string()
    {
        var result = Compare(Deployment, Actual(o => o["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"] = "80"));
        Assert.False(result.Identical);
        Assert.Equal("spec.template.spec.containers[0].ports[0].containerPort: expected 80, got \"80\"",
            Assert.Single(Assert.Single(result.Objects).Differences));
    }

    [Fact]
    public void Numbers_compare_by_value()
    {
        var result = Compare(Deployment, Actual(o => o["spec"]!["replicas"] = 2.0));
        Assert.True(result.Identical, result.Report());
    }

    [Fact]
    public void A_list_of_another_length_fails()
    {
        var result = Compare(Deployment, Actual(o =>
            o["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Add(new JsonObject { ["name"] = "sidecar", ["image"] = "busybox" })));
        Assert.False(result.Identical);
        Assert.StartsWith("spec.template.spec.containers: expected 1 items, got 2", Assert.Single(Assert.Single(result.Objects).Differences));
    }

    [Fact]
    public void An_extra_top_level_field_fails_but_status_and_empty_values_do_not()
    {
        var extra = Compare(Deployment, Actual(o => o["data"] = new JsonObject { ["a"] = "b" }));
        Assert.False(extra.Identical);
        Assert.Equal("data: extra field {\"a\": \"b\"}", Assert.Single(Assert.Single(extra.Objects).Differences));

        var tolerated = Compare(Deployment, Actual(o =>
        {
            o["status"] = new JsonObject { ["replicas"] = 2 };
            o["data"] = new JsonObject();
            o["metadata"]!["creationTimestamp"] = null;
        }));
        Assert.True(tolerated.Identical, tolerated.Report());
    }

    [Fact]
    public void An_extra_metadata_field_fails()
    {
        var result = Compare(Deployment, Actual(o => o["metadata"]!["generateName"] = "web-"));
        Assert.False(result.Identical);
        Assert.Equal("metadata.generateName: extra field \"web-\"", Assert.Single(Assert.Single(result.Objects).Differences));
    }

    [Fact]
    public void An_extra_label_or_annotation_is_a_note_only()
    {
        var result = Compare(Deployment, Actual(o =>
        {
            o["metadata"]!["labels"]!["app.kubernetes.io/managed-by"] = "gitopsvela";
            o["metadata"]!["annotations"]!["note"] = "x";
        }));
        Assert.True(result.Identical, result.Report());
        Assert.Equal(
            ["metadata.labels.app.kubernetes.io/managed-by: extra \"gitopsvela\" (note only)", "metadata.annotations.note: extra \"x\" (note only)"],
            Assert.Single(result.Objects).Notes);
    }

    [Fact]
    public void Deeper_extra_fields_are_allowed_and_empty_equals_absent()
    {
        var result = Compare(Deployment, Actual(o =>
        {
            o["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"] = "IfNotPresent";
            o["metadata"]!.AsObject().Remove("annotations");
        }));
        Assert.True(result.Identical, result.Report());
    }

    [Fact]
    public void Objects_are_matched_by_identity_and_missing_or_extra_ones_fail()
    {
        var other = Actual(o => o["metadata"]!["name"] = "other");
        var result = Compare(Deployment, other);
        Assert.False(result.Identical);
        Assert.Equal(
            [("Deployment apps/v1 default/other", KubeVelaObjectStatus.Extra), ("Deployment apps/v1 default/web", KubeVelaObjectStatus.Missing)],
            result.Objects.Select(o => (o.Key, o.Status)));
        Assert.EndsWith("0/2 objects identical", result.Report());
    }

    [Fact]
    public void A_cluster_scoped_kind_is_matched_whatever_its_namespace_but_the_field_is_still_compared()
    {
        const string clusterRole = """{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader"}}""";
        var result = Compare(
            """{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "reader", "namespace": "default"}}""",
            clusterRole);
        var only = Assert.Single(result.Objects);
        Assert.Equal(("ClusterRole rbac.authorization.k8s.io/v1 reader", KubeVelaObjectStatus.Different), (only.Key, only.Status));
        Assert.Equal("metadata.namespace: missing (expected \"default\")", Assert.Single(only.Differences));
        Assert.True(Compare(clusterRole, clusterRole).Identical);
    }

    [Fact]
    public void A_list_kind_is_flattened_and_a_duplicate_fails()
    {
        var list = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "List", ["items"] = new JsonArray(JsonNode.Parse(Deployment), JsonNode.Parse(Deployment)) };
        var result = KubeVelaComparer.Compare([JsonNode.Parse(Deployment)], [list]);
        Assert.Equal("object appears more than once in the actual output", Assert.Single(Assert.Single(result.Objects).Differences));
    }
}
