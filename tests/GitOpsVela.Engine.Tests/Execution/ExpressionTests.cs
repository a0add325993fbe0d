using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Semantics;
using Xunit;

namespace GitOpsVela.Engine.Tests.Execution;

public sealed class ExpressionTests
{
    private static readonly JsonNode Deployment = JsonNode.Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"my-server","labels":{"app.oam.dev/name":"my-app"}},
         "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"my-server","image":"ghcr.io/fogdong/test-fog:master-cba5605f-1632714412"}]}}}}
        """)!;

    private static Dictionary<string, JsonNode?> Scope(params (string, JsonNode?)[] roots) => roots.ToDictionary(r => r.Item1, r => r.Item2);

    [Fact]
    public void The_specs_output_expression_concatenates_an_indexed_path_and_a_literal()
    {
        var e = Expression.Parse("""output.spec.template.spec.containers[0].image + " image applied." """);
        var value = e.Evaluate(Scope(("output", Deployment)));
        Assert.Equal("ghcr.io/fogdong/test-fog:master-cba5605f-1632714412 image applied.", value!.GetValue<string>());
        Assert.Equal(["output"], e.Roots);
    }

    [Theory]
    [InlineData("status.deploy.phase == \"succeeded\"", true)]
    [InlineData("status.deploy.phase != \"succeeded\"", false)]
    [InlineData("status.deploy.failed", false)]
    [InlineData("!status.deploy.failed && inputs[\"env\"] == \"prod\"", true)]
    [InlineData("status.deploy.failed || (inputs[\"env\"] == \"dev\")", false)]
    [InlineData("status[\"deploy-operator\"].succeeded", true)]
    [InlineData("status.deploy-operator.succeeded", true)]
    [InlineData("inputs.replicas >= 2 && inputs.replicas < 3", true)]
    public void If_conditions_evaluate_over_step_status_and_inputs(string text, bool expected)
    {
        var step = JsonNode.Parse("""{"phase":"succeeded","failed":false,"succeeded":true,"timeout":false}""");
        var status = new JsonObject { ["deploy"] = step!.DeepClone(), ["deploy-operator"] = step.DeepClone() };
        var inputs = JsonNode.Parse("""{"env":"prod","replicas":2}""");
        Assert.Equal(expected, Expression.Parse(text).EvaluateBool(Scope(("status", status), ("inputs", inputs))));
    }

    [Theory]
    [InlineData("output.spec.", "expected a name")]
    [InlineData("output.spec[", "the expression ends too early")]
    [InlineData("strings.Join(a)", "unexpected '('")]
    [InlineData("\"open", "not closed")]
    [InlineData("a == ", "ends too early")]
    public void Expressions_outside_the_subset_fail_to_parse_with_the_position(string text, string fragment)
    {
        Assert.False(Expression.TryParse(text, out _, out var error));
        Assert.Contains(fragment, error);
        Assert.Contains("position", error);
    }

    [Fact]
    public void Missing_fields_and_bad_indexes_are_named_in_the_error()
    {
        var scope = Scope(("output", Deployment));
        var missing = Assert.Throws<ExpressionException>(() => Expression.Parse("output.spec.template.spec.volumes").Evaluate(scope));
        Assert.Contains("'output.spec.template.spec' has no field 'volumes'", missing.Message);
        var index = Assert.Throws<ExpressionException>(() => Expression.Parse("output.spec.template.spec.containers[3].image").Evaluate(scope));
        Assert.Contains("index 3 is out of range", index.Message);
        var unknown = Assert.Throws<ExpressionException>(() => Expression.Parse("context.name").Evaluate(scope));
        Assert.Contains("'context' is not known here", unknown.Message);
    }

    [Fact]
    public void Adding_a_string_to_a_number_is_refused_as_CUE_does()
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse("output.spec.replicas + \" replicas\"").Evaluate(Scope(("output", Deployment))));
        Assert.Contains("cannot add", ex.Message);
        Assert.Equal(3L, Expression.Parse("output.spec.replicas + 1").Evaluate(Scope(("output", Deployment)))!.GetValue<long>());
    }

    [Fact]
    public void Paths_are_listed_so_validation_can_check_step_names()
    {
        var e = Expression.Parse("status.deploy.phase == \"succeeded\" && status[\"notify-me\"].failed");
        Assert.Equal([["status", "deploy", "phase"], ["status", "notify-me", "failed"]], e.Paths.Select(p => p.ToArray()).ToArray());
    }
}
