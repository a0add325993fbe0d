using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Tests.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Validation;

public sealed class ApplicationValidatorTests
{
    private static IReadOnlyList<VelaProblem> Validate(string spec)
    {
        var text = $"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: shop
            spec:
            {spec}
            """;
        var load = ApplicationLoader.LoadText(text, "shop.yaml");
        Assert.Empty(load.Problems);
        return ReleasePlanner.Check(load.Applications.Single(), TestRegistry.Create()).Problems;
    }

    private static VelaProblem Single(IReadOnlyList<VelaProblem> problems)
    {
        Assert.True(problems.Count == 1, "expected one problem, got:\n" + string.Join("\n", problems));
        return problems[0];
    }

    [Theory]
    [InlineData("name: Shop", "metadata.name", "not a valid Kubernetes name", 4)]
    [InlineData("name: shop_1", "metadata.name", "not a valid Kubernetes name", 4)]
    [InlineData("{name: shop, namespace: Not_A-Namespace}", "metadata.namespace", "not a valid Kubernetes namespace", 5)]
    public void Names_and_namespaces_Kubernetes_would_refuse_are_refused_before_anything_is_applied(string metadata, string property, string message, int line)
    {
        var text = "apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  " + metadata.Replace("{", "").Replace("}", "").Replace(", ", "\n  ") +
                   "\nspec:\n  components:\n    - {name: web, type: box, properties: {image: nginx}}\n";
        var app = ApplicationLoader.LoadText(text, "shop.yaml").Applications.Single();
        var problem = Single(ReleasePlanner.Check(app, TestRegistry.Create()).Problems);
        Assert.Equal(property, problem.Property);
        Assert.Contains(message, problem.Message);
        Assert.Equal(line, problem.Location.Line);
    }

    [Fact]
    public void A_name_longer_than_a_label_value_is_refused()
    {
        var name = new string('a', 300);
        var app = ApplicationLoader.LoadText($"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: {name}}}\nspec:\n  components: []\n", "long.yaml").Applications.Single();
        var problem = Single(ReleasePlanner.Check(app, TestRegistry.Create()).Problems);
        Assert.Contains("at most 63 characters", problem.Message);
        Assert.DoesNotContain(name, problem.Message);
    }

    [Fact]
    public void A_valid_application_has_no_problems()
    {
        Assert.Empty(Validate("""
              components:
                - name: web
                  type: box
                  properties:
                    image: nginx
                    replicas: 2
                    ports: [{port: 80, name: http}]
                  traits:
                    - type: tag
                      properties: {value: v1}
                - name: db
                  type: box
                  dependsOn: [web]
                  properties: {image: mysql}
            """));
    }

    [Fact]
    public void A_missing_required_property_names_file_line_component_and_property()
    {
        var p = Single(Validate("""
              components:
                - name: web
                  type: box
                  properties:
                    replicas: 2
            """));
        Assert.Equal("Load.PropertyInvalid", p.Id);
        Assert.Equal(("shop.yaml", 9), (p.Location.File, p.Location.Line));
        Assert.Equal(("shop", "web", "properties.image"), (p.Application, p.Component, p.Property));
        Assert.StartsWith("shop.yaml:9:", p.ToString());
        Assert.Contains("is required by component type 'box'", p.Message);
    }

    [Theory]
    [InlineData("image: nginx, replicas: two", "properties.replicas", "must be an integer, not string \"two\"")]
    [InlineData("image: 42", "properties.image", "must be a string, not integer 42 (quote it to make it a string)")]
    [InlineData("image: nginx, mode: c", "properties.mode", "must be one of \"a\", \"b\", not \"c\"")]
    [InlineData("image: nginx, ports: [{port: 70000}]", "properties.ports[0].port", "must be at most 65535")]
    [InlineData("image: nginx, colour: red", "properties.colour", "is not a property of component type 'box'")]
    [InlineData("image: nginx, labels: {a: [1]}", "properties.labels.a", "must be a string, not list")]
    public void Wrong_types_enums_ranges_and_unknown_properties_are_reported(string properties, string path, string message)
    {
        var p = Single(Validate($$"""
              components:
                - name: web
                  type: box
                  properties: {{{properties}}}
            """));
        Assert.Equal(path, p.Property);
        Assert.Contains(message, p.Message);
        Assert.Equal(9, p.Location.Line);
    }

    [Fact]
    public void Duplicate_names_dangling_dependsOn_and_cycles_are_reported()
    {
        var problems = Validate("""
              components:
                - {name: a, type: box, properties: {image: x}, dependsOn: [b]}
                - {name: b, type: box, properties: {image: x}, dependsOn: [a]}
                - {name: b, type: box, properties: {image: x}}
                - {name: c, type: box, properties: {image: x}, dependsOn: [ghost]}
            """);
        Assert.Contains(problems, p => p.Message.Contains("component name 'b' is used more than once") && p.Location.Line == 9);
        Assert.Contains(problems, p => p.Message.Contains("dependsOn names 'ghost'") && p.Component == "c" && p.Location.Line == 10);
        Assert.Contains(problems, p => p.Message.Contains("cycle: a -> b -> a"));
    }

    [Fact]
    public void Unknown_trait_and_trait_property_problems_are_reported()
    {
        var problems = Validate("""
              components:
                - name: web
                  type: box
                  properties: {image: x}
                  traits:
                    - type: tag
                      properties: {}
                    - type: ghost
            """);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Property == "traits[tag].properties.value" && p.Message.Contains("is required by trait 'tag'"));
        Assert.Contains(problems, p => p.Id == "Render.TraitTypeUnknown" && p.Location.Line == 13);
    }

    [Fact]
    public void Workflow_steps_naming_unknown_components_policies_and_types_are_reported()
    {
        var problems = Validate("""
              components:
                - {name: web, type: box, properties: {image: x}}
              policies:
                - {name: gc, type: garbage-collect}
              workflow:
                steps:
                  - name: one
                    type: apply-component
                    properties: {component: ghost}
                  - name: two
                    type: deploy
                    properties: {policies: [gc, nothere]}
                  - name: three
                    type: teleport
                  - name: four
                    type: suspend
                    timeout: 5 minutes
                    properties: {duration: soon}
                  - name: five
                    type: print-message-in-status
                    if: status.nope.phase == "succeeded"
                    properties: {message: hi}
                  - name: six
                    type: apply-component
                    dependsOn: [zero]
                    properties: {component: web}
                    inputs:
                      - from: nothing
            """);
        Assert.Contains(problems, p => p.Message.Contains("applies component 'ghost'") && p.Location.Line == 14);
        Assert.Contains(problems, p => p.Message.Contains("policy 'gc' of type 'garbage-collect'"));
        Assert.Contains(problems, p => p.Message.Contains("policy 'nothere'"));
        Assert.Contains(problems, p => p.Id == "Load.StepTypeUnknown" && p.Message.Contains("'teleport'"));
        Assert.Contains(problems, p => p.Message.Contains("timeout '5 minutes' is not a duration"));
        Assert.Contains(problems, p => p.Message.Contains("suspend duration 'soon'"));
        Assert.Contains(problems, p => p.Message.Contains("refers to step 'nope'"));
        Assert.Contains(problems, p => p.Message.Contains("dependsOn names 'zero'"));
        Assert.Contains(problems, p => p.Message.Contains("input from 'nothing'"));
        Assert.All(problems, p => Assert.Equal("shop", p.Application));
    }

    [Fact]
    public void An_unparseable_valueFrom_fails_validation_with_the_expression_problem()
    {
        var problems = Validate("""
              components:
                - {name: web, type: box, properties: {image: x}}
              workflow:
                steps:
                  - name: one
                    type: apply-component
                    properties: {component: web}
                    outputs:
                      - name: img
                        valueFrom: output.spec.template.spec.containers[0].image + " image applied."
                      - name: bad
                        valueFrom: strings.ToUpper(output.x)
            """);
        var p = Single(problems);
        Assert.Contains("output 'bad' valueFrom cannot be parsed", p.Message);
    }

    [Fact]
    public void Policies_are_checked_against_their_schemas()
    {
        var problems = Validate("""
              components:
                - {name: web, type: box, properties: {image: x}}
              policies:
                - name: gc
                  type: garbage-collect
                  properties:
                    rules:
                      - strategy: sometimes
                - name: patch
                  type: override
                  properties:
                    components:
                      - name: nothere
                - name: what
                  type: magic
            """);
        Assert.Contains(problems, p => p.Property == "policies[gc].properties.rules[0].strategy" && p.Message.Contains("onAppUpdate"));
        Assert.Contains(problems, p => p.Message.Contains("names component 'nothere'"));
        Assert.Contains(problems, p => p.Id == "Load.PolicyTypeUnknown");
    }
}
