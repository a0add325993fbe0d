using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Tests.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Validation;

/// <summary>
/// Workflow step and policy properties in every form KubeVela has accepted since the GitOps guide's era (v1.1): each
/// earlier form validates and is read as the current one; a value that matches no form is refused with the forms that
/// are accepted, at its file:line.
/// </summary>
public sealed class EarlierFormsTests
{
    private static Application Load(string spec)
    {
        var text = "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: shop\nspec:\n" +
                   "  components:\n    - {name: web, type: box, properties: {image: x}}\n" + spec;
        var load = ApplicationLoader.LoadText(text, "shop.yaml");
        Assert.Empty(load.Problems);
        return load.Applications.Single();
    }

    private static IReadOnlyList<VelaProblem> Problems(Application app) => ReleasePlanner.Check(app, TestRegistry.Create()).Problems;

    private static string Step(string type, string properties) =>
        $"  workflow:\n    steps:\n      - name: s\n        type: {type}\n        properties:\n{Indent(properties, "          ")}\n";

    private static string Indent(string text, string prefix) => string.Join("\n", text.Trim('\n').Split('\n').Select(l => prefix + l));

    // ---- notification URLs ----

    public static TheoryData<string, string, string, string?, string?, string?> NotificationUrls => new()
    {
        // step type, channel, url as written, then what is read: value, secret name, secret key
        { "webhook-notification", "slack", "url: https://hooks.slack.com/T/B/x", "https://hooks.slack.com/T/B/x", null, null },          // v1.1.1–v1.1.5
        { "webhook-notification", "slack", "url: {address: https://hooks.slack.com/T/B/x}", "https://hooks.slack.com/T/B/x", null, null }, // v1.1.6–v1.1.13
        { "webhook-notification", "slack", "url: {fromSecret: {name: slack, key: url}}", null, "slack", "url" },
        { "webhook-notification", "dingding", "url: {address: https://oapi.dingtalk.com/x, fromSecret: {name: ding, key: url}}", "https://oapi.dingtalk.com/x", null, null },
        { "webhook-notification", "slack", "url: {name: slack, key: url}", null, "slack", "url" },                                         // v1.2–v1.5
        { "webhook-notification", "slack", "url: {value: https://hooks.slack.com/T/B/x}", "https://hooks.slack.com/T/B/x", null, null },
        { "notification", "slack", "url: {value: https://hooks.slack.com/T/B/x}", "https://hooks.slack.com/T/B/x", null, null },          // v1.2 on
        { "notification", "slack", "url: {secretRef: {name: slack, key: url}}", null, "slack", "url" },
        { "notification", "lark", "url: {value: https://open.feishu.cn/x, secretRef: {name: lark, key: url}}", "https://open.feishu.cn/x", null, null }, // open structs, v1.2–v1.5
        { "notification", "dingding", "url: {secretRef: {name: ding, key: url}}", null, "ding", "url" },
    };

    [Theory]
    [MemberData(nameof(NotificationUrls))]
    public void Every_earlier_notification_url_form_validates_and_reads_as_the_current_one(string type, string channel, string url, string? value, string? secretName, string? secretKey)
    {
        var message = channel switch
        {
            "slack" => "message: {text: deployed}",
            "lark" => "message: {msg_type: text, content: '{\"text\": \"deployed\"}'}",
            _ => "message: {msgtype: text, text: {content: deployed}}",
        };
        var app = Load(Step(type, $"{channel}:\n  {url}\n  {message}"));
        Assert.Empty(Problems(app));
        var spec = Assert.IsType<NotificationSpec>(app.Workflow!.Steps[0].Spec);
        var read = Assert.Single(spec.Channels);
        Assert.Equal(channel, read.Kind);
        Assert.Equal(new UrlSource(value, secretName, secretKey), read.Url);
    }

    [Theory]
    [InlineData("webhook-notification", "url: {fromSecret: {name: slack}}")]
    [InlineData("webhook-notification", "url: {}")]
    [InlineData("notification", "url: 42")]
    [InlineData("notification", "url: {address: https://x, secretRef: {name: s, key: k}}")]
    [InlineData("notification", "url: {valu: https://x}")]
    [InlineData("webhook", "url: [https://x]")]
    public void A_url_in_no_accepted_form_is_refused_with_the_forms_at_its_line(string type, string url)
    {
        var properties = type == "webhook" ? url : $"slack:\n  {url}\n  message: {{text: hi}}";
        var problems = Problems(Load(Step(type, properties)));
        var p = Assert.Single(problems);
        Assert.Equal("Load.StepInvalid", p.Id);
        Assert.EndsWith(".url", p.Property);
        Assert.Contains("does not match any form", p.Message);
        Assert.Contains(UrlSource.AcceptedForms, p.Message);
        Assert.Contains("{fromSecret: {name: <secret>, key: <key>}}", p.Message);
        Assert.Equal(("shop.yaml", type == "webhook" ? 13 : 14), (p.Location.File, p.Location.Line));
    }

    [Theory]
    [InlineData("url: {value: https://hooks.example.com/x}")]
    [InlineData("url: {secretRef: {name: hook, key: url}}")]
    public void Webhook_urls_of_every_release_validate(string url) =>
        Assert.Empty(Problems(Load(Step("webhook", url + "\ndata: {text: hi}"))));

    [Theory]
    [InlineData("password: {value: s3cret}", "s3cret", null)]
    [InlineData("password: {secretRef: {name: mail, key: password}}", null, "mail")]
    [InlineData("password: s3cret", "s3cret", null)]                      // webhook-notification v1.2–v1.5: value | secretRef
    [InlineData("password: {name: mail, key: password}", null, "mail")]
    public void Email_passwords_take_the_same_forms(string password, string? value, string? secret)
    {
        var app = Load(Step("notification", $$"""
            email:
              from: {address: ops@example.com, host: smtp.example.com, {{password}}}
              to: [team@example.com]
              content: {subject: deployed, body: done}
            """));
        Assert.Empty(Problems(app));
        var spec = Assert.IsType<NotificationSpec>(app.Workflow!.Steps[0].Spec);
        Assert.Equal(value, spec.EmailPassword?.Value);
        Assert.Equal(secret, spec.EmailPassword?.SecretName);
    }

    [Fact]
    public void An_email_password_in_no_form_and_missing_email_fields_are_refused()
    {
        var problems = Problems(Load(Step("notification", """
            email:
              from: {address: ops@example.com, host: smtp.example.com, password: {fromSecret: {key: password}}}
              to: [team@example.com]
            """)));
        Assert.Contains(problems, p => p.Property!.EndsWith("email.from.password") && p.Message.Contains(UrlSource.AcceptedForms) && p.Location.Line == 14);
        Assert.Contains(problems, p => p.Property!.EndsWith("email.content") && p.Message.Contains("is required"));
    }

    [Fact]
    public void A_message_field_an_input_sets_need_not_be_in_the_file_and_is_required_otherwise()
    {
        const string Steps = """
              workflow:
                steps:
                  - name: apply
                    type: apply-component
                    properties: {component: web}
                    outputs: [{name: image, valueFrom: output.spec.image}]
                  - name: notify
                    type: webhook-notification
                    inputs: [{from: image, parameterKey: slack.message.text}]
                    properties:
                      slack:
                        url: {fromSecret: {name: slack, key: url}}
                        message: {}
            """;
        Assert.Empty(Problems(Load(Steps)));
        var p = Assert.Single(Problems(Load(Steps.Replace("inputs: [{from: image, parameterKey: slack.message.text}]", "timeout: 1m"))));
        Assert.Equal("workflow.steps[notify].properties.slack.message.text", p.Property);
        Assert.Contains("is required", p.Message);
    }

    // ---- other steps' earlier forms ----

    [Fact]
    public void Apply_object_takes_the_object_itself_as_in_KubeVela_v1_1_4()
    {
        var app = Load(Step("apply-object", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags}\ndata: {beta: \"true\"}"));
        Assert.Empty(Problems(app));
        var spec = Assert.IsType<ApplyObjectSpec>(app.Workflow!.Steps[0].Spec);
        Assert.Equal("flags", (string?)spec.Value["metadata"]!["name"]);
        Assert.Null(spec.Cluster);

        var current = Assert.IsType<ApplyObjectSpec>(Load(Step("apply-object", "value: {apiVersion: v1, kind: ConfigMap, metadata: {name: flags}}\ncluster: east")).Workflow!.Steps[0].Spec);
        Assert.Equal(("flags", "east"), ((string?)current.Value["metadata"]!["name"], current.Cluster));
    }

    [Fact]
    public void Apply_object_in_neither_form_is_refused_with_both_forms()
    {
        var p = Assert.Single(Problems(Load(Step("apply-object", "cluster: east"))));
        Assert.Contains("does not match any form", p.Message);
        Assert.Contains("{value: <object>, cluster: <name>}", p.Message);
        Assert.Contains("the object itself", p.Message);
        Assert.Equal(13, p.Location.Line);
    }

    [Theory]
    [InlineData("apply-component", "component: web")]                                        // v1.1.0
    [InlineData("apply-component", "component: web\ncluster: local\nnamespace: prod")]        // v1.9.5
    [InlineData("deploy", "policies: []\nparallelism: 3")]                                     // v1.3.0
    [InlineData("deploy", "auto: false\nignoreTerraformComponent: false")]                     // v1.4.0
    [InlineData("suspend", "{}")]                                                            // v1.2.0
    [InlineData("suspend", "duration: 30s\nmessage: waiting for approval")]                   // v1.8.0
    [InlineData("read-object", "name: other")]                                               // v1.1.6
    [InlineData("read-object", "name: other\nnamespace: prod\ncluster: \"\"\napiVersion: v1\nkind: ConfigMap")]
    [InlineData("depends-on-app", "name: db\nnamespace: prod")]                                // v1.1.1
    public void Other_steps_accept_the_properties_of_every_release(string type, string properties) =>
        Assert.Empty(Problems(Load(Step(type, properties))));

    // ---- policies ----

    [Fact]
    public void Topology_accepts_the_v1_4_cluster_spelling_and_the_deprecated_clusterSelector()
    {
        var app = Load("""
              policies:
                - name: old
                  type: topology
                  properties: {cluster: [local]}
                - name: labelled
                  type: topology
                  properties: {clusterSelector: {env: prod}, namespace: prod}
            """);
        Assert.Empty(Problems(app));
        Assert.Equal(["local"], Assert.IsType<TopologySpec>(app.Policies[0].Spec).Clusters);
        Assert.Equal("prod", Assert.IsType<TopologySpec>(app.Policies[1].Spec).ClusterLabelSelector!["env"]);
    }

    [Fact]
    public void Topology_in_no_form_is_refused_at_its_line()
    {
        var problems = Problems(Load("""
              policies:
                - name: typo
                  type: topology
                  properties: {cluster: local, clustrs: [east]}
            """));
        Assert.Contains(problems, p => p.Property == "policies[typo].properties.cluster" && p.Message.Contains("must be a list") && p.Location.Line == 11);
        Assert.Contains(problems, p => p.Property == "policies[typo].properties.clustrs" && p.Message.Contains("clusterLabelSelector, clusterSelector, clusters"));
    }

    [Fact]
    public void Resource_update_is_a_known_policy_and_its_strategy_is_checked()
    {
        Assert.Empty(Problems(Load("""
              policies:
                - name: recreate
                  type: resource-update
                  properties:
                    rules:
                      - selector: {resourceTypes: [Job]}
                        strategy: {op: replace, recreateFields: [spec.template]}
            """)));
        var p = Assert.Single(Problems(Load("""
              policies:
                - name: recreate
                  type: resource-update
                  properties:
                    rules:
                      - strategy: {op: recreate}
            """)));
        Assert.Contains("\"patch\", \"replace\"", p.Message);
    }

    [Fact]
    public void A_container_trait_in_neither_of_its_forms_is_refused_with_both_at_its_line()
    {
        var load = ApplicationLoader.LoadText("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: shop}
            spec:
              components:
                - name: web
                  type: webservice
                  properties: {image: nginx}
                  traits:
                    - type: env
                      properties:
                        containerName: web
                        containers: [{containerName: web, env: {A: "1"}}]
            """, "shop.yaml");
        var p = Assert.Single(ReleasePlanner.Check(load.Applications.Single()).Problems);
        Assert.Contains("does not match any form trait 'env' accepts", p.Message);
        Assert.Contains("for one container", p.Message);
        Assert.Contains("{containers: [{containerName: <name>, ...}, ...]}", p.Message);
        Assert.Equal(12, p.Location.Line); // where the trait's properties start
    }

    [Fact]
    public void The_guides_notification_reads_its_url_from_the_secret_it_names()
    {
        // KubeVela's GitOps guide era (v1.1): webhook-notification with slack.url.fromSecret.
        var app = Load(Step("webhook-notification", """
            slack:
              url:
                fromSecret:
                  name: slack-webhook
                  key: url
              message:
                text: Hello KubeVela
            """));
        Assert.Empty(Problems(app));
        var channel = Assert.Single(Assert.IsType<NotificationSpec>(app.Workflow!.Steps[0].Spec).Channels);
        Assert.True(channel.Url.FromSecret);
        Assert.Equal("Hello KubeVela", (string?)channel.Message!["text"]);
        Assert.IsType<JsonObject>(channel.Message);
    }
}
