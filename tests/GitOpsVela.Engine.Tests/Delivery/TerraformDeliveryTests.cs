using System.Text;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Tests.Cluster;
using Xunit;
using k8s;
using k8s.Models;

namespace GitOpsVela.Engine.Tests.Delivery;

/// <summary>
/// The cluster with terraform-controller's CRDs (and KubeVela's definition CRD) installed once for the class; the
/// controllers are played by the tests. Against the in-tests API server, or the cluster GITOPSVELA_TEST_KUBECONFIG names.
/// </summary>
public sealed class TerraformCluster : IAsyncLifetime
{
    public ClusterTarget Target { get; } = new();

    public async Task InitializeAsync()
    {
        await Target.InitializeAsync();
        using var client = Target.Connect();
        var crds = (await client.ResolveAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", default))!;
        foreach (var (group, versions, plural, kind) in new[]
                 {
                     ("terraform.core.oam.dev", new[] { "v1beta2", "v1beta1" }, "configurations", "Configuration"),
                     ("terraform.core.oam.dev", new[] { "v1beta1" }, "providers", "Provider"),
                     ("core.oam.dev", new[] { "v1beta1" }, "componentdefinitions", "ComponentDefinition"),
                 })
        {
            await client.ApplyAsync(crds, Crd(group, versions, plural, kind), "test", force: true, dryRun: false, default);
            // KubeVela's ComponentDefinition CRD stays on a real cluster: the cmdlet tests, which may run at the same time,
            // install the same one (start.sh --clean removes it).
            if (group != "core.oam.dev") Target.TrackCrd($"{plural}.{group}");
        }
        // A real API server serves a new CRD's kinds shortly after accepting it: wait (bounded) until it does.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var (apiVersion, kind) in new[] { ("terraform.core.oam.dev/v1beta2", "Configuration"), ("terraform.core.oam.dev/v1beta1", "Provider"), ("core.oam.dev/v1beta1", "ComponentDefinition") })
        {
            while (true)
            {
                client.ForgetDiscovery(apiVersion);
                if (await client.ResolveAsync(apiVersion, kind, default) is not null) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{kind} is not served");
                await Task.Delay(200);
            }
        }
    }

    public Task DisposeAsync() => Target.DisposeAsync();

    /// <summary>A minimal CRD: the first version stored, spec and status kept as given, a status subresource.</summary>
    private static JsonObject Crd(string group, string[] versions, string plural, string kind) => new()
    {
        ["apiVersion"] = "apiextensions.k8s.io/v1",
        ["kind"] = "CustomResourceDefinition",
        ["metadata"] = new JsonObject { ["name"] = $"{plural}.{group}" },
        ["spec"] = new JsonObject
        {
            ["group"] = group,
            ["scope"] = "Namespaced",
            ["names"] = new JsonObject { ["plural"] = plural, ["singular"] = kind.ToLowerInvariant(), ["kind"] = kind, ["listKind"] = kind + "List" },
            ["versions"] = new JsonArray(versions.Select((v, i) => (JsonNode)new JsonObject
            {
                ["name"] = v,
                ["served"] = true,
                ["storage"] = i == 0,
                ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                ["schema"] = new JsonObject
                {
                    ["openAPIV3Schema"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["properties"] = new JsonObject
                        {
                            ["spec"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                            ["status"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                        },
                    },
                },
            }).ToArray()),
        },
    };
}

/// <summary>
/// Cloud resources through terraform-controller, the controller played by status patches: a Terraform component's
/// Configuration is applied, the workflow waits until the controller reports it Available, then the component that reads
/// its connection Secret is applied; a failed apply fails the step with the controller's message; apply-terraform-config
/// feeds workflow outputs; apply-terraform-provider makes the provider config; definitions come from the cluster too; a
/// type defined only in CUE stops its own application and no other.
/// </summary>
public sealed class TerraformDeliveryTests(TerraformCluster fixture) : IClassFixture<TerraformCluster>
{
    private readonly ClusterTarget _cluster = fixture.Target;

    private const string Definition = """
        apiVersion: core.oam.dev/v1beta1
        kind: ComponentDefinition
        metadata:
          name: cloud-mysql
          annotations:
            definition.oam.dev/description: A MySQL database in the cloud
        spec:
          schematic:
            terraform:
              configuration: |
                variable "instance_name" { type = string }
                variable "engine_version" {
                  type    = string
                  default = "8.0"
                }
                resource "alicloud_db_instance" "db" {
                  engine           = "MySQL"
                  engine_version   = var.engine_version
                  instance_name    = var.instance_name
                }
                output "DB_HOST" { value = alicloud_db_instance.db.connection_string }
                output "DB_PORT" { value = alicloud_db_instance.db.port }
              writeConnectionSecretToRef:
                name: db-conn
        """;

    private static Application Load(string text)
    {
        var load = ApplicationLoader.LoadText(text, "cloud.yaml");
        Assert.Empty(load.Problems);
        return load.Applications.Single();
    }

    private static Application ShopApp(string ns) => Load(Definition + $$"""

        ---
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata:
          name: shop
          namespace: {{ns}}
        spec:
          components:
            - name: orders-db
              type: cloud-mysql
              properties:
                instance_name: orders
                writeConnectionSecretToRef:
                  name: orders-db-conn
            - name: web
              type: webservice
              dependsOn: [orders-db]
              properties:
                image: nginx:1.25
                env:
                  - name: DB_HOST
                    valueFrom:
                      secretKeyRef: {name: orders-db-conn, key: DB_HOST}
        """);

    private Kubernetes Kube() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(_cluster.Kubeconfig, _cluster.Context));

    private async Task<JsonObject?> GetAsync(string apiVersion, string kind, string ns, string name)
    {
        using var client = _cluster.Connect();
        var resource = await client.ResolveAsync(apiVersion, kind, default);
        return resource is null ? null : await client.GetAsync(resource, ns, name, default);
    }

    /// <summary>terraform-controller's status update (process.go UpdateApplyStatus): state, message, the generation it saw.</summary>
    private async Task ReportAsync(string ns, string name, string state, string message, JsonObject? outputs = null)
    {
        var live = await GetAsync("terraform.core.oam.dev/v1beta2", "Configuration", ns, name) ?? throw new InvalidOperationException($"no Configuration {ns}/{name}");
        var apply = new JsonObject { ["state"] = state, ["message"] = message };
        if (outputs is not null) apply["outputs"] = outputs;
        var status = new JsonObject { ["status"] = new JsonObject { ["observedGeneration"] = live["metadata"]!["generation"]!.GetValue<long>(), ["apply"] = apply } };
        using var kube = Kube();
        await kube.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(status.ToJsonString(), V1Patch.PatchType.MergePatch),
            "terraform.core.oam.dev", "v1beta2", ns, "configurations", name);
    }

    /// <summary>The connection Secret terraform-controller writes from the outputs (process.go getTFOutputs): one key per output.</summary>
    private async Task WriteConnectionSecretAsync(string ns, string name, string configuration, params (string Key, string Value)[] outputs)
    {
        using var kube = Kube();
        await kube.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                Labels = new Dictionary<string, string>
                {
                    ["terraform.core.oam.dev/created-by"] = "terraform-controller",
                    ["terraform.core.oam.dev/owned-by"] = configuration,
                    ["terraform.core.oam.dev/owned-namespace"] = ns,
                },
            },
            Data = outputs.ToDictionary(o => o.Key, o => Encoding.UTF8.GetBytes(o.Value)),
        }, ns);
    }

    private static JsonObject Outputs(params (string Key, string Value)[] outputs)
    {
        var result = new JsonObject();
        foreach (var (k, v) in outputs) result[k] = new JsonObject { ["value"] = v };
        return result;
    }

    private static async Task<DeliveryResult> PassAsync(DeliveryTarget target, Application app, IEngineOutput? output = null)
    {
        target.Gateway.BeginPass();
        var result = await target.CreateDelivery(output ?? NullEngineOutput.Instance).DeliverAsync(app, new DeliveryOptions(), default);
        Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
        return result;
    }

    [Fact]
    public async Task The_Configuration_is_applied_the_workflow_waits_until_it_is_Available_then_the_component_reading_its_connection_Secret_is_applied()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var app = ShopApp(ns);
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);

        var first = await PassAsync(target, app);
        var db = first.Workflow!.Find("orders-db")!;
        Assert.Equal(StepPhase.Running, db.Phase);
        Assert.Contains("waiting for terraform-controller to report the Configuration's state", db.Message);
        Assert.Equal(StepPhase.Pending, first.Workflow.Find("web")!.Phase);
        var configuration = await GetAsync("terraform.core.oam.dev/v1beta2", "Configuration", ns, "orders-db");
        Assert.NotNull(configuration);
        Assert.Equal("A MySQL database in the cloud", configuration!["metadata"]!["annotations"]!["definition.oam.dev/description"]!.GetValue<string>());
        Assert.Equal("cloud-mysql", configuration["metadata"]!["labels"]!["workload.oam.dev/type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse($$"""{"name":"orders-db-conn","namespace":"{{ns}}"}"""), configuration["spec"]!["writeConnectionSecretToRef"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"instance_name":"orders"}"""), configuration["spec"]!["variable"]));
        Assert.Contains("variable \"instance_name\"", configuration["spec"]!["hcl"]!.GetValue<string>());
        Assert.Null(await GetAsync("apps/v1", "Deployment", ns, "web"));

        await ReportAsync(ns, "orders-db", "ProvisioningAndChecking", "Cloud resources are being provisioned and provisioning status is checking...");
        var second = await PassAsync(target, app);
        Assert.Equal(StepPhase.Running, second.Workflow!.Find("orders-db")!.Phase);
        Assert.Contains("ProvisioningAndChecking: Cloud resources are being provisioned", second.Workflow.Find("orders-db")!.Message);
        Assert.Null(await GetAsync("apps/v1", "Deployment", ns, "web"));

        await WriteConnectionSecretAsync(ns, "orders-db-conn", "orders-db", ("DB_HOST", "orders.mysql.example.internal"), ("DB_PORT", "3306"));
        await ReportAsync(ns, "orders-db", "Available", "Cloud resources are deployed and ready to use",
            Outputs(("DB_HOST", "orders.mysql.example.internal"), ("DB_PORT", "3306")));
        var third = await PassAsync(target, app);
        Assert.Equal(StepPhase.Succeeded, third.Workflow!.Find("orders-db")!.Phase);
        Assert.Equal(StepPhase.Running, third.Workflow.Find("web")!.Phase);
        var deployment = await GetAsync("apps/v1", "Deployment", ns, "web");
        Assert.NotNull(deployment);
        var env = deployment!["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]![0]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"name":"DB_HOST","valueFrom":{"secretKeyRef":{"name":"orders-db-conn","key":"DB_HOST"}}}"""), env), env.ToJsonString());

        await _cluster.MarkDeploymentReadyAsync(ns, "web");
        var fourth = await PassAsync(target, app);
        Assert.Equal(ApplicationPhase.Running, fourth.Record!.Phase);
        Assert.True(fourth.Record.Healthy);
        Assert.Equal("Cloud resources are deployed and ready to use", fourth.Record.Components.Single(c => c.Name == "orders-db").Message);
        Assert.Equal(["Configuration/orders-db", "Deployment/web"], fourth.Record.Inventory.Select(e => $"{e.Kind}/{e.Name}").Order());

        // Finished and unchanged: the next pass writes nothing.
        var writes = target.Gateway.LocalClient.CountWrites();
        var fifth = await PassAsync(target, app);
        Assert.False(fifth.RecordWritten);
        Assert.Equal(writes, target.Gateway.LocalClient.CountWrites());
    }

    [Fact]
    public async Task A_failed_Configuration_fails_the_step_with_the_controllers_message_and_nothing_after_it_is_applied()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var app = ShopApp(ns);
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        await PassAsync(target, app);

        const string controllerMessage = "Error: creating RDS DB Instance (orders): InvalidParameterCombination: Cannot find version 8.0 for mysql";
        await ReportAsync(ns, "orders-db", "ApplyFailed", controllerMessage);
        target.Gateway.BeginPass();
        var second = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(app, new DeliveryOptions(), default);

        // The pass reports it as its error (what a cmdlet writes as an ErrorRecord), naming the step and the controller's words.
        var failure = Assert.Single(second.Problems);
        Assert.Equal(ErrorIds.Workflow.Failed, failure.Id);
        Assert.Contains("at step 'orders-db' (Unhealthy)", failure.Message);
        Assert.Contains(controllerMessage, failure.Message);

        var db = second.Workflow!.Find("orders-db")!;
        Assert.Equal(StepPhase.Failed, db.Phase);
        Assert.Equal("Unhealthy", db.Reason);
        Assert.Contains($"ApplyFailed: {controllerMessage}", db.Message);
        Assert.Equal(ApplicationPhase.WorkflowFailed, second.Record!.Phase);
        Assert.Contains(controllerMessage, second.Record.Message);
        Assert.NotEqual(StepPhase.Succeeded, second.Workflow.Find("web")!.Phase);
        Assert.Null(await GetAsync("apps/v1", "Deployment", ns, "web"));
    }

    [Fact]
    public async Task Apply_terraform_config_applies_its_Configuration_waits_for_it_and_its_outputs_and_the_connection_Secret_feed_later_steps()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var app = Load($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: store
              namespace: {{ns}}
            spec:
              components:
                - name: web
                  type: webservice
                  properties:
                    image: nginx:1.25
                    env:
                      - name: DB_PORT
                        valueFrom:
                          secretKeyRef: {name: store-db-conn, key: DB_PORT}
              workflow:
                steps:
                  - name: db
                    type: apply-terraform-config
                    properties:
                      source:
                        remote: https://github.com/kubevela-contrib/terraform-modules.git
                        path: alibaba/rds
                      variable:
                        instance_name: store
                      providerRef:
                        name: alibaba
                      writeConnectionSecretToRef:
                        name: store-db-conn
                      region: cn-hangzhou
                    outputs:
                      - name: db-host
                        valueFrom: apply.value.status.apply.outputs.DB_HOST.value
                  - name: connection
                    type: read-object
                    properties:
                      apiVersion: v1
                      kind: Secret
                      name: store-db-conn
                    outputs:
                      - name: db-port
                        valueFrom: output.value.data.DB_PORT
                  - name: web
                    type: apply-component
                    inputs:
                      - from: db-host
                        parameterKey: properties.labels.db-host
                    properties:
                      component: web
            """);
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);

        var first = await PassAsync(target, app);
        Assert.Equal(StepPhase.Running, first.Workflow!.Find("db")!.Phase);
        var configuration = await GetAsync("terraform.core.oam.dev/v1beta2", "Configuration", ns, "store-db");
        Assert.NotNull(configuration);
        var expectedSpec = JsonNode.Parse("""
            {"deleteResource":true,"variable":{"instance_name":"store"},"forceDelete":false,"path":"alibaba/rds",
             "remote":"https://github.com/kubevela-contrib/terraform-modules.git","providerRef":{"name":"alibaba","namespace":"NS"},
             "writeConnectionSecretToRef":{"name":"store-db-conn","namespace":"NS"}}
            """.Replace("NS", ns));
        Assert.True(JsonNode.DeepEquals(expectedSpec, configuration!["spec"]), configuration["spec"]!.ToJsonString());
        Assert.Equal("store", configuration["metadata"]!["labels"]!["app.oam.dev/name"]!.GetValue<string>());

        await WriteConnectionSecretAsync(ns, "store-db-conn", "store-db", ("DB_HOST", "store.mysql.example.internal"), ("DB_PORT", "3306"));
        await ReportAsync(ns, "store-db", "Available", "Cloud resources are deployed and ready to use",
            Outputs(("DB_HOST", "store.mysql.example.internal"), ("DB_PORT", "3306")));
        var second = await PassAsync(target, app);
        Assert.Equal(StepPhase.Succeeded, second.Workflow!.Find("db")!.Phase);
        Assert.Equal(StepPhase.Succeeded, second.Workflow.Find("connection")!.Phase);
        // Both come from what holds secrets (the Configuration's status has every Terraform output, sensitive ones too):
        // the record keeps where they came from, the values stay in this process.
        Assert.Equal("store.mysql.example.internal", second.Workflow.SecretOutputs["db-host"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes("3306")), second.Workflow.SecretOutputs["db-port"]!.GetValue<string>());
        Assert.Equal("db", WorkflowState.SecretProducer(second.Workflow.Outputs["db-host"]));
        Assert.DoesNotContain("store.mysql.example.internal", second.Record!.ToJson());
        var deployment = await GetAsync("apps/v1", "Deployment", ns, "web");
        // The step's input set the webservice's labels, which go on its pods (webservice.cue).
        Assert.Equal("store.mysql.example.internal", deployment!["spec"]!["template"]!["metadata"]!["labels"]!["db-host"]?.GetValue<string>());
        Assert.Contains(second.Record!.Inventory, e => e is { Kind: "Configuration", Name: "store-db" });
    }

    [Fact]
    public async Task Apply_terraform_provider_writes_the_provider_config_waits_for_the_Provider_to_be_ready_and_records_no_credential()
    {
        // KubeVela's provider config templates put the Provider in default, where the step also looks for it only when the
        // application is there: this test delivers to default, with names of its own, and removes what it made.
        var id = Guid.NewGuid().ToString("N")[..6];
        var app = Load($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: tfp-{{id}}
            spec:
              components: []
              workflow:
                steps:
                  - name: aws
                    type: apply-terraform-provider
                    properties:
                      type: aws
                      name: aws-{{id}}
                      accessKey: AKIAEXAMPLE{{id}}
                      secretKey: s3cr3t-{{id}}
                      region: us-east-1
            """);
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
        try
        {
            var first = await PassAsync(target, app);
            var step = first.Workflow!.Find("aws")!;
            Assert.Equal(StepPhase.Running, step.Phase);
            Assert.Contains("Provider default/aws-" + id, step.Message);

            var provider = await GetAsync("terraform.core.oam.dev/v1beta1", "Provider", "default", $"aws-{id}");
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
                {"provider":"aws","region":"us-east-1","credentials":{"source":"Secret","secretRef":{"namespace":"default","name":"tfp-ID-aws","key":"credentials"}}}
                """.Replace("ID", id)), provider!["spec"]), provider["spec"]!.ToJsonString());
            Assert.Equal("terraform-aws", provider["metadata"]!["labels"]!["config.oam.dev/provider"]!.GetValue<string>());
            var secret = await GetAsync("v1", "Secret", "default", $"tfp-{id}-aws");
            Assert.Equal($"awsAccessKeyID: AKIAEXAMPLE{id}\nawsSecretAccessKey: s3cr3t-{id}\nawsSessionToken: ",
                Encoding.UTF8.GetString(Convert.FromBase64String(secret!["data"]!["credentials"]!.GetValue<string>())));
            Assert.Equal("terraform-aws", secret["metadata"]!["labels"]!["config.oam.dev/type"]!.GetValue<string>());

            using (var kube = Kube())
                await kube.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("""{"status":{"state":"ready","message":"Provider is ready"}}""", V1Patch.PatchType.MergePatch),
                    "terraform.core.oam.dev", "v1beta1", "default", "providers", $"aws-{id}");
            var second = await PassAsync(target, app);
            Assert.Equal(StepPhase.Succeeded, second.Workflow!.Find("aws")!.Phase);
            Assert.Equal(ApplicationPhase.Running, second.Record!.Phase);
            Assert.DoesNotContain($"s3cr3t-{id}", second.Record.ToJson());
            Assert.DoesNotContain(second.Record.Inventory, e => e.Kind is "Provider" or "Secret");
        }
        finally
        {
            using var kube = Kube();
            await kube.CoreV1.DeleteNamespacedSecretAsync($"tfp-{id}-aws", "default");
            await kube.CustomObjects.DeleteNamespacedCustomObjectAsync("terraform.core.oam.dev", "v1beta1", "default", "providers", $"aws-{id}");
            await target.RemoveAsync("default", $"tfp-{id}", null, whatIf: false, NullEngineOutput.Instance, default);
        }
    }

    [Fact]
    public async Task Definitions_installed_in_the_cluster_are_used_after_the_repositorys_and_a_CUE_one_is_refused_naming_the_cluster_object()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        using (var client = _cluster.Connect())
        {
            var definitions = (await client.ResolveAsync("core.oam.dev/v1beta1", "ComponentDefinition", default))!;
            foreach (var text in new[]
                     {
                         // In the application's namespace: a kube schematic (how a team installs its own type).
                         """
                         {"apiVersion":"core.oam.dev/v1beta1","kind":"ComponentDefinition","metadata":{"name":"team-config","namespace":"NS"},
                          "spec":{"schematic":{"kube":{"template":{"apiVersion":"v1","kind":"ConfigMap","data":{"mode":"cluster"}},
                            "parameters":[{"name":"mode","type":"string","fieldPaths":["data.mode"]}]}}}}
                         """,
                         // Also named like a repository definition, which wins.
                         """
                         {"apiVersion":"core.oam.dev/v1beta1","kind":"ComponentDefinition","metadata":{"name":"shadowed","namespace":"NS"},
                          "spec":{"schematic":{"kube":{"template":{"apiVersion":"v1","kind":"ConfigMap","data":{"from":"cluster"}}}}}}
                         """,
                         """
                         {"apiVersion":"core.oam.dev/v1beta1","kind":"ComponentDefinition","metadata":{"name":"cue-only","namespace":"NS"},
                          "spec":{"schematic":{"cue":{"template":"output: {}"}}}}
                         """,
                     })
                await client.ApplyAsync(definitions, JsonNode.Parse(text.Replace("NS", ns))!.AsObject(), "test", force: true, dryRun: false, default);
        }
        var app = Load($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: ComponentDefinition
            metadata: {name: shadowed, namespace: {{ns}}}
            spec:
              schematic:
                kube:
                  template:
                    apiVersion: v1
                    kind: ConfigMap
                    data: {from: repository}
            ---
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: teams, namespace: {{ns}}}
            spec:
              components:
                - name: settings
                  type: team-config
                  properties: {mode: delivered}
                - {name: other, type: shadowed}
            """);
        using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);

        // Test-VelaApplication / ConvertTo-VelaManifest with -Context.
        var check = await target.CheckAsync(app, null, default);
        Assert.Empty(check.Problems);
        Assert.Equal(["delivered", "repository"], check.Manifests.Select(m => m.Object["data"]!.AsObject().Single().Value!.GetValue<string>()));
        Assert.Contains(check.Notes, n => n.Contains("component type 'shadowed': ComponentDefinition") && n.Contains($"hides ComponentDefinition {ns}/shadowed (cluster '{_cluster.Context}' ComponentDefinition {ns}/shadowed)"));
        // Offline, without the cluster, the cluster's type is unknown.
        Assert.Contains(OfflineCheck.Check(app).Problems, p => p.Id == ErrorIds.Render.ComponentTypeUnknown);

        var delivered = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(app, new DeliveryOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(50) }, default);
        Assert.Empty(delivered.Problems);
        Assert.Equal(ApplicationPhase.Running, delivered.Record!.Phase);
        Assert.Equal("delivered", (await GetAsync("v1", "ConfigMap", ns, "settings"))!["data"]!["mode"]!.GetValue<string>());

        var cue = Load($$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: cue, namespace: {{ns}}}
            spec:
              components:
                - {name: x, type: cue-only}
            """);
        var refused = await target.CreateDelivery(NullEngineOutput.Instance).DeliverAsync(cue, new DeliveryOptions(), default);
        var problem = Assert.Single(refused.Problems);
        Assert.Equal(ErrorIds.Render.DefinitionUnsupported, problem.Id);
        Assert.Contains($"component type 'cue-only' is defined by ComponentDefinition {ns}/cue-only (cluster '{_cluster.Context}' ComponentDefinition {ns}/cue-only)", problem.Message);
        Assert.Contains("no CUE engine", problem.Message);
        Assert.Null(refused.Record);
    }

    [Fact]
    public async Task In_one_reconcile_pass_an_application_of_a_CUE_only_type_is_refused_clearly_and_the_others_still_reconcile()
    {
        var ns = await _cluster.CreateNamespaceAsync();
        var dir = Directory.CreateTempSubdirectory("gitopsvela-defs-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "definitions.yaml"), """
                apiVersion: core.oam.dev/v1beta1
                kind: ComponentDefinition
                metadata:
                  name: my-cue-type
                spec:
                  schematic:
                    cue:
                      template: |
                        output: {apiVersion: "v1", kind: "ConfigMap"}
                """);
            string App(string name, string type, string properties) => $$"""
                apiVersion: core.oam.dev/v1beta1
                kind: Application
                metadata: {name: {{name}}, namespace: {{ns}}}
                spec:
                  components:
                    - name: {{name}}
                      type: {{type}}
                      properties: {{properties}}
                """;
            File.WriteAllText(Path.Combine(dir, "a-custom.yaml"), App("custom", "my-cue-type", "{}"));
            File.WriteAllText(Path.Combine(dir, "b-plain.yaml"), App("plain", "k8s-objects",
                "{objects: [{apiVersion: v1, kind: ConfigMap, metadata: {name: plain}, data: {a: '1'}}]}"));
            var load = ApplicationLoader.Load([dir]);
            Assert.Empty(load.Problems);

            using var target = KubeDelivery.Open(_cluster.Kubeconfig, _cluster.Context, NullEngineOutput.Instance);
            var cache = new GitSourceCache(Path.Combine(dir, ".cache"), output: NullEngineOutput.Instance);
            var items = await target.ReconcileAsync(load.Applications, new ReconcileOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(50) },
                cache, null, null, NullEngineOutput.Instance, default);

            var custom = items.Single(i => i.Application.Name == "custom");
            var problem = Assert.Single(custom.Delivery!.Problems);
            Assert.Equal(ErrorIds.Render.DefinitionUnsupported, problem.Id);
            Assert.Equal(Path.Combine(dir, "a-custom.yaml"), problem.Location.File);
            Assert.Contains($"defined by ComponentDefinition vela-system/my-cue-type ({Path.Combine(dir, "definitions.yaml")}:1:1)", problem.Message);
            Assert.Contains("GitOpsVela has no CUE engine", problem.Message);

            var plain = items.Single(i => i.Application.Name == "plain");
            Assert.True(plain.Succeeded, string.Join("\n", plain.Delivery!.Problems));
            Assert.Equal(ApplicationPhase.Running, plain.Delivery.Record!.Phase);
            Assert.NotNull(await GetAsync("v1", "ConfigMap", ns, "plain"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
