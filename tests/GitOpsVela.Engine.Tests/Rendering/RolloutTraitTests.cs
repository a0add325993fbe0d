using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Rendering;

/// <summary>
/// The kruise-rollout and rolling-release traits and the canary-deploy step in KubeVela's syntax (every form the
/// kruise-rollout addon has had), refused with Kruise's rules at the file:line of what is wrong.
/// </summary>
public sealed class RolloutTraitTests
{
    private static ReleasePlan Plan(string traits, string workload = "webservice", string workflow = "")
    {
        var text = $$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: shop
            spec:
              components:
                - name: web
                  type: {{workload}}
                  properties:
                    image: nginx:1.25
                    ports:
                      - port: 80
                  traits:
            {{traits}}
            {{workflow}}
            """;
        var load = ApplicationLoader.LoadText(text, "shop.yaml");
        Assert.Empty(load.Problems);
        return ReleasePlanner.Check(load.Applications.Single());
    }

    private static DeliveryStrategy Strategy(ReleasePlan plan)
    {
        Assert.True(plan.Problems.Count == 0, string.Join("\n", plan.Problems));
        return plan.Deployments.SelectMany(d => d.Components).Single(c => c.Name == "web").Strategy!;
    }

    private static VelaProblem Problem(ReleasePlan plan)
    {
        Assert.True(plan.Problems.Count == 1, "expected one problem, got:\n" + string.Join("\n", plan.Problems));
        return plan.Problems[0];
    }

    [Fact]
    public void Kruise_rollout_gives_the_workload_a_canary_strategy_and_renders_no_Rollout_object()
    {
        var plan = Plan("""
                  - type: gateway
                    properties:
                      domain: web.example.com
                      http: {"/": 80}
                  - type: kruise-rollout
                    properties:
                      canary:
                        steps:
                          - weight: 20
                          - weight: 50
                            duration: 60
                          - replicas: 100%
                        trafficRoutings:
                          - type: nginx
                            ingress:
                              name: web
            """);
        var strategy = Strategy(plan);
        Assert.Equal(StrategyKind.Canary, strategy.Kind);
        Assert.Equal([PauseKind.Manual, PauseKind.Timed, PauseKind.Auto], strategy.Steps.Select(s => s.Pause));
        Assert.Equal(60, strategy.Steps[1].DurationSeconds);
        Assert.Equal(new TrafficRouting(RoutingKind.Ingress, "web", "web", 5), strategy.Routing);
        var manifests = plan.Deployments.SelectMany(d => d.Components).Single().Manifests;
        Assert.Equal(["Deployment", "Service", "Ingress"], manifests.Select(m => m.Kind));
        Assert.Equal(2, strategy.Steps[0].EffectiveReplicas(StrategyKind.Canary).Of(10)); // 20% of 10
        Assert.Equal(1, strategy.Steps[0].EffectiveReplicas(StrategyKind.Canary).Of(4)); // rounded up, as Kruise scales it
    }

    [Theory]
    [InlineData("type: ingress, ingressName: front", "Ingress", "front")]
    [InlineData("type: nginx, ingress: {name: web}", "Ingress", "web")]
    [InlineData("ingressName: front", "Ingress", "front")]
    [InlineData("type: gateway, gatewayHTTPRouteName: web-route", "Gateway", "web-route")]
    [InlineData("type: gateway", "Gateway", "web")]
    public void Every_traffic_routing_form_of_the_addon_is_read(string routing, string kind, string name)
    {
        var strategy = Strategy(Plan($$"""
                  - type: kruise-rollout
                    properties:
                      auto: true
                      canary:
                        steps: [{weight: 20}, {weight: 100}]
                        trafficRoutings:
                          - {service: web, {{routing}}}
            """));
        Assert.Equal(kind, strategy.Routing!.Kind.ToString());
        Assert.Equal(name, strategy.Routing.Name);
        Assert.All(strategy.Steps, s => Assert.Equal(PauseKind.Auto, s.Pause));
    }

    [Fact]
    public void Step_partition_makes_the_steps_before_it_go_on_by_themselves()
    {
        var strategy = Strategy(Plan("""
                  - type: kruise-rollout
                    properties:
                      stepPartition: 2
                      canary:
                        steps:
                          - weight: 10
                            duration: 30
                          - weight: 30
                          - weight: 60
                            duration: 30
            """));
        Assert.Equal([PauseKind.Auto, PauseKind.Auto, PauseKind.Manual], strategy.Steps.Select(s => s.Pause));
    }

    [Theory]
    [InlineData("[{weight: 50}, {weight: 20}]", 17, "weights must not decrease")]
    [InlineData("[{replicas: 150%}]", 17, "replicas is a count with 0 < replicas <= 100")]
    [InlineData("[{replicas: 0}]", 17, "replicas is a count")]
    [InlineData("[{duration: 30}]", 17, "a step needs weight or replicas")]
    public void Steps_Kruise_refuses_are_refused_at_their_line(string steps, int line, string words)
    {
        var problem = Problem(Plan($"""
                  - type: kruise-rollout
                    properties:
                      canary:
                        steps: {steps}
            """));
        Assert.Equal(ErrorIds.Load.PropertyInvalid, problem.Id);
        Assert.Equal(("shop.yaml", line), (problem.Location.File, problem.Location.Line));
        Assert.Contains(words, problem.Message);
    }

    [Fact]
    public void A_routing_GitOpsVela_cannot_drive_and_a_second_routing_are_refused_at_their_line()
    {
        var alb = Problem(Plan("""
                  - type: kruise-rollout
                    properties:
                      canary:
                        steps: [{weight: 20}]
                        trafficRoutings:
                          - type: aliyun-alb
            """));
        Assert.Equal(19, alb.Location.Line);
        Assert.Contains("'aliyun-alb' is not supported", alb.Message);

        var two = Problem(Plan("""
                  - type: kruise-rollout
                    properties:
                      canary:
                        steps: [{weight: 20}]
                        trafficRoutings:
                          - type: nginx
                          - type: gateway
            """));
        Assert.Equal(20, two.Location.Line);
        Assert.Contains("one traffic routing only", two.Message);
    }

    [Fact]
    public void Unknown_properties_and_wrong_types_are_refused_by_the_schema_at_their_line()
    {
        var plan = Plan("""
                  - type: kruise-rollout
                    properties:
                      canary:
                        steps:
                          - weight: "20"
                        strategy: fast
            """);
        Assert.Contains(plan.Problems, p => p.Location.Line == 18 && p.Message.Contains("must be an integer"));
        Assert.Contains(plan.Problems, p => p.Location.Line == 19 && p.Message.Contains("is not a property"));
    }

    [Fact]
    public void Only_Deployments_are_released()
    {
        var problem = Problem(Plan("""
                  - type: kruise-rollout
                    properties:
                      canary:
                        steps: [{weight: 20}]
            """, workload: "statefulset"));
        Assert.Equal(14, problem.Location.Line);
        Assert.Contains("releases apps/v1 Deployments", problem.Message);
    }

    [Fact]
    public void Blue_green_without_routing_switches_at_0_or_100_and_defaults_to_preview_then_switch()
    {
        var strategy = Strategy(Plan("""
                  - type: kruise-rollout
                    properties:
                      blueGreen: {}
            """));
        Assert.Equal(StrategyKind.BlueGreen, strategy.Kind);
        Assert.Equal([0, 100], strategy.Steps.Select(s => s.Weight));
        Assert.All(strategy.Steps, s => Assert.Equal(PauseKind.Manual, s.Pause));
        Assert.Equal("web", strategy.Service);

        var half = Problem(Plan("""
                  - type: kruise-rollout
                    properties:
                      blueGreen:
                        steps:
                          - weight: 50
            """));
        Assert.Equal(18, half.Location.Line);
        Assert.Contains("weight is 0 or 100", half.Message);
    }

    [Fact]
    public void Canary_deploy_adds_rolling_release_to_the_components_it_names()
    {
        var plan = Plan("""
                  - type: gateway
                    properties:
                      http: {"/": 80}
            """, workflow: """
              workflow:
                steps:
                  - name: first-batch
                    type: canary-deploy
                    properties:
                      weight: 20
                  - name: check
                    type: suspend
                  - name: rest
                    type: canary-deploy
                    properties:
                      weight: 100
            """);
        Assert.Empty(plan.Problems);
        var first = plan.DeploymentsOf("first-batch").Single().Components.Single().Strategy!;
        Assert.Equal("rolling-release", first.Trait);
        Assert.Equal(20, first.Steps.Single().Weight);
        Assert.Equal(PauseKind.Hold, first.Steps.Single().Pause);
        Assert.Equal(RoutingKind.Ingress, first.Routing!.Kind);
        var rest = plan.DeploymentsOf("rest").Single().Components.Single().Strategy!;
        Assert.Equal(PauseKind.Auto, rest.Steps.Single().Pause);
        Assert.NotEqual(first.PlanHash, rest.PlanHash);
    }

    [Fact]
    public void Canary_deploy_needs_a_weight_from_0_to_100()
    {
        var load = ApplicationLoader.LoadText("""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: shop
            spec:
              components:
                - name: web
                  type: webservice
                  properties:
                    image: nginx
              workflow:
                steps:
                  - name: first-batch
                    type: canary-deploy
                    properties:
                      weight: 120
                  - name: rest
                    type: canary-deploy
                    properties:
                      components: [web]
            """, "shop.yaml");
        var problems = ReleasePlanner.Check(load.Applications.Single()).Problems;
        Assert.Contains(problems, p => p.Location.Line == 16 && p.Message.Contains("must be at most 100"));
        Assert.Contains(problems, p => p.Property == "workflow.steps[rest].properties.weight" && p.Message.Contains("is required"));
    }
}
