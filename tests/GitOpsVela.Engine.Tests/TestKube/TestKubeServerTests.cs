using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsVela.TestKube;
using Xunit;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace GitOpsVela.Engine.Tests.TestKube;

/// <summary>Pins the test API server's behaviour through KubernetesClient itself, as the engine and kubectl see it.</summary>
public sealed class TestKubeServerTests : IAsyncLifetime
{
    private KubeApiServer _server = null!;
    private Kubernetes _client = null!;
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _server = await KubeApiServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("testkube-").FullName;
        var path = _server.WriteKubeconfig(Path.Combine(_dir, "config"), "unit");
        _client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path, currentContext: "unit"));
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private static async Task<JsonObject> FailureStatus(Func<Task> call, HttpStatusCode expected)
    {
        var e = await Assert.ThrowsAsync<HttpOperationException>(call);
        Assert.Equal(expected, e.Response.StatusCode);
        var status = JsonNode.Parse(e.Response.Content)!.AsObject();
        Assert.Equal("Status", status["kind"]!.GetValue<string>());
        Assert.Equal("Failure", status["status"]!.GetValue<string>());
        Assert.Equal((int)expected, status["code"]!.GetValue<int>());
        return status;
    }

    private static V1ConfigMap ConfigMap(string name, Dictionary<string, string> data, Dictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team", Labels = labels },
        Data = data,
    };

    private static V1Deployment Deployment(string name, int replicas, string image) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "team" },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "main", Image = image }] },
            },
        },
    };

    [Fact]
    public async Task Discovery_lists_core_and_group_resources_with_scope_and_status_subresources()
    {
        var core = await _client.CoreV1.GetAPIResourcesAsync();
        Assert.Contains(core.Resources, r => r.Name == "configmaps" && r.Kind == "ConfigMap" && r.Namespaced);
        Assert.Contains(core.Resources, r => r.Name == "namespaces" && !r.Namespaced);
        var groups = await _client.Apis.GetAPIVersionsAsync();
        foreach (var g in new[] { "apps", "batch", "networking.k8s.io", "autoscaling", "apiextensions.k8s.io", "coordination.k8s.io" })
            Assert.Contains(groups.Groups, x => x.Name == g);
        var apps = await _client.AppsV1.GetAPIResourcesAsync();
        Assert.Contains(apps.Resources, r => r.Name == "deployments" && r.Kind == "Deployment" && r.ShortNames.Contains("deploy"));
        Assert.Contains(apps.Resources, r => r.Name == "deployments/status");
        var hpa = await _client.CustomObjects.GetAPIResourcesAsync("autoscaling", "v2");
        Assert.Contains(hpa.Resources, r => r.Kind == "HorizontalPodAutoscaler");
    }

    [Fact]
    public async Task Create_sets_uid_resourceVersion_and_creationTimestamp_and_a_second_create_is_AlreadyExists()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings", new() { ["a"] = "1" }), "team");
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.True(long.Parse(created.Metadata.ResourceVersion) > 0);
        Assert.NotNull(created.Metadata.CreationTimestamp);
        var status = await FailureStatus(() => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("settings", new() { ["a"] = "2" }), "team"), HttpStatusCode.Conflict);
        Assert.Equal("AlreadyExists", status["reason"]!.GetValue<string>());
        Assert.Equal("configmaps \"settings\" already exists", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Missing_objects_and_namespaces_are_NotFound_with_the_real_messages()
    {
        var status = await FailureStatus(() => _client.CoreV1.ReadNamespacedConfigMapAsync("nope", "team"), HttpStatusCode.NotFound);
        Assert.Equal("configmaps \"nope\" not found", status["message"]!.GetValue<string>());
        Assert.Equal("NotFound", status["reason"]!.GetValue<string>());
        var elsewhere = ConfigMap("x", new());
        elsewhere.Metadata.NamespaceProperty = "elsewhere";
        var ns = await FailureStatus(() => _client.CoreV1.CreateNamespacedConfigMapAsync(elsewhere, "elsewhere"), HttpStatusCode.NotFound);
        Assert.Equal("namespaces \"elsewhere\" not found", ns["message"]!.GetValue<string>());
        var deploy = await FailureStatus(() => _client.AppsV1.ReadNamespacedDeploymentAsync("web", "team"), HttpStatusCode.NotFound);
        Assert.Equal("deployments.apps \"web\" not found", deploy["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_is_a_Conflict_and_resourceVersion_grows_globally()
    {
        var a = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", new() { ["k"] = "1" }), "team");
        var b = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", new() { ["k"] = "1" }), "team");
        Assert.True(long.Parse(b.Metadata.ResourceVersion) > long.Parse(a.Metadata.ResourceVersion));
        a.Data["k"] = "2";
        var updated = await _client.CoreV1.ReplaceNamespacedConfigMapAsync(a, "a", "team");
        Assert.Equal("2", updated.Data["k"]);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion) > long.Parse(b.Metadata.ResourceVersion));
        a.Data["k"] = "3"; // still carries the old resourceVersion
        var status = await FailureStatus(() => _client.CoreV1.ReplaceNamespacedConfigMapAsync(a, "a", "team"), HttpStatusCode.Conflict);
        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Contains("the object has been modified", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Generation_bumps_on_spec_changes_only_and_status_changes_only_through_the_status_subresource()
    {
        var d = await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 1, "nginx:1"), "team");
        Assert.Equal(1, d.Metadata.Generation);
        d.Metadata.Labels = new Dictionary<string, string> { ["tier"] = "front" };
        d.Status = new V1DeploymentStatus { ReadyReplicas = 5 };
        d = await _client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "web", "team");
        Assert.Equal(1, d.Metadata.Generation);
        Assert.Null(d.Status?.ReadyReplicas);
        d.Spec.Replicas = 3;
        d = await _client.AppsV1.ReplaceNamespacedDeploymentAsync(d, "web", "team");
        Assert.Equal(2, d.Metadata.Generation);

        d.Status = new V1DeploymentStatus { ReadyReplicas = 3, Replicas = 3, ObservedGeneration = 2 };
        d.Spec.Replicas = 9; // ignored by the status subresource
        var s = await _client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(d, "web", "team");
        Assert.Equal(3, s.Status.ReadyReplicas);
        Assert.Equal(3, s.Spec.Replicas);
        Assert.Equal(2, s.Metadata.Generation);
    }

    [Fact]
    public async Task Server_side_apply_conflicts_name_the_other_manager_and_force_takes_the_field_over()
    {
        var patch = new V1Patch(ConfigMap("shared", new() { ["color"] = "blue", ["size"] = "m" }), V1Patch.PatchType.ApplyPatch);
        var first = await _client.CoreV1.PatchNamespacedConfigMapAsync(patch, "shared", "team", fieldManager: "alice");
        Assert.Equal("blue", first.Data["color"]);
        var entry = Assert.Single(first.Metadata.ManagedFields);
        Assert.Equal("alice", entry.Manager);
        Assert.Equal("Apply", entry.Operation);
        Assert.Contains("f:color", ((JsonElement)entry.FieldsV1).GetRawText());

        // Same value: shared ownership, no conflict.
        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(ConfigMap("shared", new() { ["size"] = "m" }), V1Patch.PatchType.ApplyPatch), "shared", "team", fieldManager: "bob");

        var other = new V1Patch(ConfigMap("shared", new() { ["color"] = "red" }), V1Patch.PatchType.ApplyPatch);
        var status = await FailureStatus(() => _client.CoreV1.PatchNamespacedConfigMapAsync(other, "shared", "team", fieldManager: "bob"), HttpStatusCode.Conflict);
        Assert.Equal("Conflict", status["reason"]!.GetValue<string>());
        Assert.Equal("Apply failed with 1 conflict: conflict with \"alice\": .data.color", status["message"]!.GetValue<string>());
        var cause = status["details"]!["causes"]![0]!;
        Assert.Equal("FieldManagerConflict", cause["reason"]!.GetValue<string>());
        Assert.Equal(".data.color", cause["field"]!.GetValue<string>());

        var forced = await _client.CoreV1.PatchNamespacedConfigMapAsync(other, "shared", "team", fieldManager: "bob", force: true);
        Assert.Equal("red", forced.Data["color"]);
        // bob dropped size from his config; alice still owns it, so it stays.
        Assert.Equal("m", forced.Data["size"]);
        var bob = forced.Metadata.ManagedFields.Single(m => m.Manager == "bob");
        Assert.Contains("f:color", ((JsonElement)bob.FieldsV1).GetRawText());
        var alice = forced.Metadata.ManagedFields.Single(m => m.Manager == "alice");
        Assert.DoesNotContain("f:color", ((JsonElement)alice.FieldsV1).GetRawText());
    }

    [Fact]
    public async Task Apply_removes_fields_its_manager_dropped_and_a_no_op_apply_keeps_the_resourceVersion()
    {
        var labels = new Dictionary<string, string> { ["app.oam.dev/name"] = "my-app" };
        var v1 = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(ConfigMap("c", new() { ["a"] = "1", ["b"] = "2" }, labels), V1Patch.PatchType.ApplyPatch), "c", "team", fieldManager: "gitopsvela");
        var again = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(ConfigMap("c", new() { ["a"] = "1", ["b"] = "2" }, labels), V1Patch.PatchType.ApplyPatch), "c", "team", fieldManager: "gitopsvela");
        Assert.Equal(v1.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
        var v2 = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(ConfigMap("c", new() { ["a"] = "1" }, labels), V1Patch.PatchType.ApplyPatch), "c", "team", fieldManager: "gitopsvela");
        Assert.False(v2.Data.ContainsKey("b"));
        Assert.Equal("my-app", v2.Metadata.Labels["app.oam.dev/name"]);
        Assert.NotEqual(v1.Metadata.ResourceVersion, v2.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Empty_maps_of_built_in_kinds_read_back_absent_as_the_real_server_drops_them()
    {
        var body = JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"empty","namespace":"team","labels":{},"annotations":{}},"data":{}}""")!;
        var applied = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(body.ToJsonString(), V1Patch.PatchType.ApplyPatch), "empty", "team", fieldManager: "gitopsvela");
        Assert.Null(applied.Data);
        Assert.Null(applied.Metadata.Labels);
        Assert.Null(applied.Metadata.Annotations);
        var read = await _client.CoreV1.ReadNamespacedConfigMapAsync("empty", "team");
        Assert.Null(read.Data);
    }

    [Fact]
    public async Task Apply_after_an_update_by_another_manager_conflicts_on_the_changed_field()
    {
        await _client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Deployment("web", 2, "nginx:1"), V1Patch.PatchType.ApplyPatch), "web", "team", fieldManager: "gitopsvela");
        await _client.AppsV1.PatchNamespacedDeploymentScaleAsyncOrMerge(_client, "web", 5);
        var status = await FailureStatus(() => _client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Deployment("web", 2, "nginx:1"), V1Patch.PatchType.ApplyPatch), "web", "team", fieldManager: "gitopsvela"), HttpStatusCode.Conflict);
        Assert.Contains("conflict with \"kubectl-scale\" using apps/v1: .spec.replicas", status["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Merge_patch_and_JSON_patch_change_the_object()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("p", new() { ["a"] = "1", ["b"] = "2" }), "team");
        var merged = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":\"9\",\"b\":null}}", V1Patch.PatchType.MergePatch), "p", "team");
        Assert.Equal("9", merged.Data["a"]);
        Assert.False(merged.Data.ContainsKey("b"));
        var patched = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("[{\"op\":\"add\",\"path\":\"/data/c\",\"value\":\"3\"},{\"op\":\"replace\",\"path\":\"/data/a\",\"value\":\"1\"}]", V1Patch.PatchType.JsonPatch), "p", "team");
        Assert.Equal("3", patched.Data["c"]);
        Assert.Equal("1", patched.Data["a"]);
        await FailureStatus(() => _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("[{\"op\":\"remove\",\"path\":\"/data/zzz\"}]", V1Patch.PatchType.JsonPatch), "p", "team"), HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Lists_filter_by_label_selector_and_span_namespaces()
    {
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } });
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("one", new(), new() { ["app.oam.dev/name"] = "x", ["tier"] = "a" }), "team");
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("two", new(), new() { ["app.oam.dev/name"] = "y", ["tier"] = "b" }), "team");
        var three = ConfigMap("three", new(), new() { ["app.oam.dev/name"] = "x" });
        three.Metadata.NamespaceProperty = "other";
        await _client.CoreV1.CreateNamespacedConfigMapAsync(three, "other");
        Assert.Equal(["one"], (await _client.CoreV1.ListNamespacedConfigMapAsync("team", labelSelector: "app.oam.dev/name=x")).Items.Select(i => i.Metadata.Name));
        Assert.Equal(["one", "three"], (await _client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: "app.oam.dev/name in (x)")).Items.Select(i => i.Metadata.Name).Order());
        Assert.Equal(["two"], (await _client.CoreV1.ListNamespacedConfigMapAsync("team", labelSelector: "tier!=a,app.oam.dev/name")).Items.Select(i => i.Metadata.Name));
        Assert.Equal(["three"], (await _client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: "!tier")).Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task A_CRD_registers_its_resource_in_discovery_and_validates_custom_objects_by_schema()
    {
        var cr = new Dictionary<string, object>
        {
            ["apiVersion"] = "mysql.example.com/v1",
            ["kind"] = "MysqlCluster",
            ["metadata"] = new Dictionary<string, object> { ["name"] = "db", ["namespace"] = "team" },
            ["spec"] = new Dictionary<string, object> { ["replicas"] = 1 },
        };
        var before = await FailureStatus(() => _client.CustomObjects.CreateNamespacedCustomObjectAsync(cr, "mysql.example.com", "v1", "team", "mysqlclusters"), HttpStatusCode.NotFound);
        Assert.Equal("the server could not find the requested resource", before["message"]!.GetValue<string>());

        var crd = await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(MysqlCrd());
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        var groups = await _client.Apis.GetAPIVersionsAsync();
        Assert.Contains(groups.Groups, g => g.Name == "mysql.example.com");
        var resources = await _client.CustomObjects.GetAPIResourcesAsync("mysql.example.com", "v1");
        Assert.Contains(resources.Resources, r => r.Name == "mysqlclusters" && r.Kind == "MysqlCluster" && r.Namespaced);

        var created = (JsonElement)await _client.CustomObjects.CreateNamespacedCustomObjectAsync(cr, "mysql.example.com", "v1", "team", "mysqlclusters");
        Assert.Equal(1, created.GetProperty("metadata").GetProperty("generation").GetInt32());

        var bad = new Dictionary<string, object>(cr) { ["metadata"] = new Dictionary<string, object> { ["name"] = "bad", ["namespace"] = "team" }, ["spec"] = new Dictionary<string, object> { ["replicas"] = "three" } };
        var invalid = await FailureStatus(() => _client.CustomObjects.CreateNamespacedCustomObjectAsync(bad, "mysql.example.com", "v1", "team", "mysqlclusters"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Invalid", invalid["reason"]!.GetValue<string>());
        Assert.Equal("spec.replicas", invalid["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.StartsWith("MysqlCluster.mysql.example.com \"bad\" is invalid: spec.replicas", invalid["message"]!.GetValue<string>());

        await _client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("mysqlclusters.mysql.example.com");
        await FailureStatus(() => _client.CustomObjects.GetNamespacedCustomObjectAsync("mysql.example.com", "v1", "team", "mysqlclusters", "db"), HttpStatusCode.NotFound);
    }

    internal static V1CustomResourceDefinition MysqlCrd() => new()
    {
        Metadata = new V1ObjectMeta { Name = "mysqlclusters.mysql.example.com" },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = "mysql.example.com",
            Scope = "Namespaced",
            Names = new V1CustomResourceDefinitionNames { Plural = "mysqlclusters", Singular = "mysqlcluster", Kind = "MysqlCluster", ListKind = "MysqlClusterList" },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = "v1", Served = true, Storage = true,
                    Subresources = new V1CustomResourceSubresources { Status = new object() },
                    Schema = new V1CustomResourceValidation
                    {
                        OpenAPIV3Schema = new V1JSONSchemaProps
                        {
                            Type = "object",
                            Properties = new Dictionary<string, V1JSONSchemaProps>
                            {
                                ["spec"] = new() { Type = "object", Properties = new Dictionary<string, V1JSONSchemaProps> { ["replicas"] = new() { Type = "integer" } } },
                                ["status"] = new() { Type = "object", XKubernetesPreserveUnknownFields = true },
                            },
                        },
                    },
                },
            ],
        },
    };

    [Fact]
    public async Task Invalid_names_and_replicas_are_422_with_the_field_named()
    {
        var status = await FailureStatus(() => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("Bad_Name", new()), "team"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("metadata.name", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.StartsWith("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\"", status["message"]!.GetValue<string>());
        var replicas = await FailureStatus(() => _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", -1, "nginx"), "team"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", replicas["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Dry_run_returns_the_result_without_storing_it()
    {
        var dry = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(ConfigMap("dry", new() { ["a"] = "1" }), V1Patch.PatchType.ApplyPatch), "dry", "team", dryRun: "All", fieldManager: "gitopsvela");
        Assert.Equal("1", dry.Data["a"]);
        await FailureStatus(() => _client.CoreV1.ReadNamespacedConfigMapAsync("dry", "team"), HttpStatusCode.NotFound);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("dry", new() { ["a"] = "1" }), "team");
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("dry", "team", dryRun: "All");
        Assert.Equal("1", (await _client.CoreV1.ReadNamespacedConfigMapAsync("dry", "team")).Data["a"]);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_what_it_holds_and_cluster_scoped_objects_have_no_namespace()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("held", new()), "team");
        var ns = await _client.CoreV1.ReadNamespaceAsync("team");
        Assert.Null(ns.Metadata.NamespaceProperty);
        Assert.Equal("Active", ns.Status.Phase);
        var deleted = await _client.CoreV1.DeleteNamespacedConfigMapAsync("held", "team");
        Assert.Equal("Success", deleted.Status);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("held", new()), "team");
        await _client.CoreV1.DeleteNamespaceAsync("team");
        await FailureStatus(() => _client.CoreV1.ReadNamespacedConfigMapAsync("held", "team"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_request_log_counts_writes_lists_and_applies()
    {
        _server.ClearRequests();
        await _client.CoreV1.ListNamespacedConfigMapAsync("team");
        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(ConfigMap("log", new()), V1Patch.PatchType.ApplyPatch), "log", "team", fieldManager: "gitopsvela");
        await _client.CoreV1.ReadNamespacedConfigMapAsync("log", "team");
        Assert.Equal(1, _server.CountVerb("list"));
        Assert.Equal(1, _server.CountVerb("apply"));
        Assert.Equal(1, _server.CountVerb("get"));
        Assert.Equal(1, _server.CountWrites());
        var apply = _server.Requests.Single(r => r.Verb == "apply");
        Assert.Equal("PATCH", apply.Method);
        Assert.Equal("/api/v1/namespaces/team/configmaps/log", apply.Path);
        Assert.Equal("configmaps", apply.Resource);
        Assert.Equal(201, apply.StatusCode);
    }

    [Fact]
    public async Task Injected_faults_answer_401_and_403_as_Status()
    {
        _server.RequiredToken = "another-token";
        var unauthorized = await FailureStatus(() => _client.CoreV1.ListNamespacedConfigMapAsync("team"), HttpStatusCode.Unauthorized);
        Assert.Equal("Unauthorized", unauthorized["reason"]!.GetValue<string>());
        _server.RequiredToken = null;
        _server.Forbid = r => r.Verb == "create";
        var forbidden = await FailureStatus(() => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("f", new()), "team"), HttpStatusCode.Forbidden);
        Assert.Contains("cannot create resource \"configmaps\" in API group \"\" in the namespace \"team\"", forbidden["message"]!.GetValue<string>());
    }
}

internal static class ScaleExtensions
{
    /// <summary>What <c>kubectl scale</c> does: a merge patch of spec.replicas under its own field manager.</summary>
    public static Task<V1Deployment> PatchNamespacedDeploymentScaleAsyncOrMerge(this IAppsV1Operations apps, Kubernetes client, string name, int replicas) =>
        client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch($"{{\"spec\":{{\"replicas\":{replicas}}}}}", V1Patch.PatchType.MergePatch), name, "team", fieldManager: "kubectl-scale");
}
