using GitOpsVela.Engine.Execution.Health;
using GitOpsVela.Engine.Tests.Cluster;
using Xunit;

namespace GitOpsVela.Engine.Tests.Definitions;

/// <summary>KubeVela's health rule for Configurations (application/apply.go setStatus), and when GitOpsVela calls one failed.</summary>
public sealed class TerraformHealthTests
{
    private static HealthStatus Of(long generation, long? observed, string? state, string? message = null)
    {
        var live = Manifests.Parse("""{"apiVersion":"terraform.core.oam.dev/v1beta2","kind":"Configuration","metadata":{"name":"db"}}""");
        live["metadata"]!["generation"] = generation;
        if (observed is not null || state is not null)
        {
            var apply = new System.Text.Json.Nodes.JsonObject();
            if (state is not null) apply["state"] = state;
            if (message is not null) apply["message"] = message;
            var status = new System.Text.Json.Nodes.JsonObject { ["apply"] = apply };
            if (observed is not null) status["observedGeneration"] = observed;
            live["status"] = status;
        }
        return HealthCheck.Evaluate(live);
    }

    [Fact]
    public void Available_for_the_latest_generation_is_healthy_with_the_controllers_message()
    {
        Assert.Equal(new HealthStatus(true, "Cloud resources are deployed and ready to use"), Of(2, 2, "Available", "Cloud resources are deployed and ready to use"));
        Assert.True(Of(2, 0, "Available").Healthy);
    }

    [Fact]
    public void A_status_the_controller_wrote_for_an_older_spec_is_neither_healthy_nor_failed()
    {
        var stale = Of(3, 2, "Available");
        Assert.False(stale.Healthy);
        Assert.False(stale.Failed);
        Assert.False(Of(3, 2, "ApplyFailed", "boom").Failed);
    }

    [Fact]
    public void Provisioning_waits_and_a_failed_apply_of_the_latest_spec_fails_with_the_controllers_message()
    {
        var provisioning = Of(1, 1, "ProvisioningAndChecking", "Cloud resources are being provisioned and provisioning status is checking...");
        Assert.False(provisioning.Healthy);
        Assert.False(provisioning.Failed);
        Assert.False(Of(1, null, null).Failed);
        Assert.Contains("waiting for terraform-controller", Of(1, null, null).Message);
        var failed = Of(1, 1, "ApplyFailed", "Error: creating RDS instance: InvalidParameterValue");
        Assert.True(failed.Failed);
        Assert.Equal("ApplyFailed: Error: creating RDS instance: InvalidParameterValue", failed.Message);
        Assert.True(Of(1, 1, "ConfigurationSpecNotValid", "spec.HCL or spec.Remote should be set").Failed);
        Assert.False(Of(1, 1, "ProviderNotFound", "provider not found").Failed);
    }

    [Fact]
    public void A_Provider_is_healthy_when_ready()
    {
        Assert.True(HealthCheck.Evaluate(Manifests.Parse("""{"apiVersion":"terraform.core.oam.dev/v1beta1","kind":"Provider","metadata":{"name":"aws"},"status":{"state":"ready"}}""")).Healthy);
        Assert.False(HealthCheck.Evaluate(Manifests.Parse("""{"apiVersion":"terraform.core.oam.dev/v1beta1","kind":"Provider","metadata":{"name":"aws"},"status":{"state":"ProviderNotReady","message":"no credentials"}}""")).Healthy);
    }
}
