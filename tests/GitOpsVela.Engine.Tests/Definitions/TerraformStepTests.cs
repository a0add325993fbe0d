using System.Text;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Steps;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using Xunit;

namespace GitOpsVela.Engine.Tests.Definitions;

/// <summary>apply-terraform-config and apply-terraform-provider: their forms, what they render, what validation refuses.</summary>
public sealed class TerraformStepTests
{
    private static Application App(string steps, string ns = "default") => ApplicationLoader.LoadText($"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata:
          name: cloud
          namespace: {ns}
        spec:
          components: []
          workflow:
            steps:
        {steps}
        """, "cloud.yaml").Applications.Single();

    [Fact]
    public void Apply_terraform_config_renders_the_template_s_Configuration_with_references_defaulting_to_the_application_namespace()
    {
        var app = App("""
                - name: bucket
                  type: apply-terraform-config
                  properties:
                    source:
                      hcl: |
                        resource "random_id" "x" {}
                    variable: {name: b}
                    providerRef: {name: aws}
                    writeConnectionSecretToRef: {name: bucket-conn, namespace: other}
            """, ns: "team");
        Assert.Empty(ReleasePlanner.Check(app).Problems);
        var spec = (ApplyTerraformConfigSpec)app.Workflow!.Steps.Single().Spec;
        var rendered = ApplyTerraformConfigStep.Render(app, "bucket", spec);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"apiVersion":"terraform.core.oam.dev/v1beta2","kind":"Configuration",
             "metadata":{"name":"cloud-bucket","namespace":"team","labels":{"app.oam.dev/name":"cloud","app.oam.dev/namespace":"team","app.kubernetes.io/managed-by":"gitopsvela"}},
             "spec":{"deleteResource":true,"variable":{"name":"b"},"forceDelete":false,"hcl":"resource \"random_id\" \"x\" {}\n",
                     "providerRef":{"name":"aws","namespace":"team"},"writeConnectionSecretToRef":{"name":"bucket-conn","namespace":"other"}}}
            """), rendered), rendered.ToJsonString());

        // An empty source is the second form, whose remote has a default.
        var remote = (ApplyTerraformConfigSpec)App("""
                - {name: m, type: apply-terraform-config, properties: {source: {}, deleteResource: false}}
            """).Workflow!.Steps.Single().Spec;
        Assert.Equal((ApplyTerraformConfigSpec.DefaultRemote, (string?)null, false), (remote.Remote, remote.Hcl, remote.DeleteResource));
    }

    [Theory]
    [InlineData("{source: {hcl: x, remote: y}}", "does not match any form")]
    [InlineData("{variable: {a: 1}}", "source")]
    [InlineData("{source: {hcl: x}, forceDelete: 'yes'}", "must be a boolean")]
    public void Apply_terraform_config_properties_in_no_form_KubeVela_accepts_are_refused(string properties, string message)
    {
        var problem = Assert.Single(ReleasePlanner.Check(App($"    - {{name: m, type: apply-terraform-config, properties: {properties}}}")).Problems);
        Assert.Equal(ErrorIds.Load.StepInvalid, problem.Id);
        Assert.Contains(message, problem.Message + problem.Property);
    }

    [Fact]
    public void Apply_terraform_provider_renders_the_config_templates_Secret_and_Provider()
    {
        var app = App("""
                - name: cloud
                  type: apply-terraform-provider
                  properties: {accessKey: ak, secretKey: sk, region: cn-hangzhou}
            """);
        Assert.Empty(ReleasePlanner.Check(app).Problems);
        var spec = (ApplyTerraformProviderSpec)app.Workflow!.Steps.Single().Spec;
        Assert.Equal(("alibaba", "alibaba-provider"), (spec.Type, spec.Name));
        var (secret, provider) = ApplyTerraformProviderStep.Render(app, "cloud", spec);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"apiVersion":"terraform.core.oam.dev/v1beta1","kind":"Provider",
             "metadata":{"name":"alibaba-provider","namespace":"default","labels":{"config.oam.dev/catalog":"velacore-config","config.oam.dev/type":"terraform-provider","config.oam.dev/provider":"terraform-alibaba"}},
             "spec":{"provider":"alibaba","region":"cn-hangzhou","credentials":{"source":"Secret","secretRef":{"namespace":"default","name":"cloud-cloud","key":"credentials"}}}}
            """), provider), provider.ToJsonString());
        // alibaba's template writes no labels on its Secret: only the config's own (type is the template's name).
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"config.oam.dev/catalog":"velacore-config","config.oam.dev/type":"terraform-alibaba","config.oam.dev/scope":"system"}"""),
            secret["metadata"]!["labels"]), secret["metadata"]!["labels"]!.ToJsonString());
        Assert.Equal("true", secret["metadata"]!["annotations"]!["config.oam.dev/sensitive"]!.GetValue<string>());
        string Data(string key) => Encoding.UTF8.GetString(Convert.FromBase64String(secret["data"]![key]!.GetValue<string>()));
        Assert.Equal("accessKeyID: ak\naccessKeySecret: sk", Data("credentials"));
        Assert.Equal("""{"ALICLOUD_ACCESS_KEY":"ak","ALICLOUD_REGION":"cn-hangzhou","ALICLOUD_SECRET_KEY":"sk","name":"alibaba-provider"}""", Data("input-properties"));
        Assert.Equal("""[{"kind":"Provider","namespace":"default","name":"alibaba-provider","apiVersion":"terraform.core.oam.dev/v1beta1"}]""", Data("objects-reference"));
    }

    [Fact]
    public void Apply_terraform_provider_refuses_what_KubeVela_cannot_finish()
    {
        var azure = Assert.Single(ReleasePlanner.Check(App("""
                - {name: p, type: apply-terraform-provider, properties: {subscriptionID: s, tenantID: t, clientID: c, clientSecret: x}}
            """)).Problems);
        Assert.Contains("#AzureProvider has no type field", azure.Message);

        var elsewhere = Assert.Single(ReleasePlanner.Check(App("""
                - {name: p, type: apply-terraform-provider, properties: {type: aws, accessKey: a, secretKey: s, region: r}}
            """, ns: "team")).Problems);
        Assert.Equal(ErrorIds.Load.StepInvalid, elsewhere.Id);
        Assert.Contains("would wait forever in namespace 'team'", elsewhere.Message);

        var wrong = Assert.Single(ReleasePlanner.Check(App("""
                - {name: p, type: apply-terraform-provider, properties: {type: aws, accessKey: a}}
            """)).Problems);
        Assert.Contains("does not match any form", wrong.Message);
    }
}
