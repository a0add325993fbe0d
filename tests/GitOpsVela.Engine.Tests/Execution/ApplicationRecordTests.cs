using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Semantics;
using Xunit;

namespace GitOpsVela.Engine.Tests.Execution;

public sealed class ApplicationRecordTests
{
    private static GitOpsVela.Engine.Loading.Model.Application Load(string text) => ApplicationLoader.LoadText(text, "a.yaml").Applications.Single();

    [Fact]
    public void The_spec_hash_ignores_formatting_and_comments_but_not_values()
    {
        var a = Load("apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: a}\nspec:\n  components: [{name: c, type: worker, properties: {image: busybox}}]\n");
        var reformatted = Load("apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata:\n  name: a\nspec:\n  # a comment\n  components:\n    - name: c\n      type: worker\n      properties:\n        image: busybox\n");
        var changed = Load("apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {name: a}\nspec:\n  components: [{name: c, type: worker, properties: {image: busybox:2}}]\n");
        Assert.Equal(ApplicationRecord.ComputeSpecHash(a), ApplicationRecord.ComputeSpecHash(reformatted));
        Assert.NotEqual(ApplicationRecord.ComputeSpecHash(a), ApplicationRecord.ComputeSpecHash(changed));
    }

    [Fact]
    public void A_record_round_trips_through_JSON_with_workflow_state_and_inventory()
    {
        var state = new WorkflowState { Phase = ApplicationPhase.WorkflowSuspending, Steps = [new StepState { Name = "s", Type = "suspend", Phase = StepPhase.Suspending }] };
        state.Outputs["image"] = System.Text.Json.Nodes.JsonValue.Create("nginx:1.27");
        var record = new ApplicationRecord
        {
            Name = "my-app",
            Namespace = "default",
            Revision = 2,
            SpecHash = "abc",
            Phase = ApplicationPhase.WorkflowSuspending,
            Inventory = [new InventoryEntry("prod", "apps/v1", "Deployment", "default", "my-server", "my-server")],
            Workflow = state,
        };
        var back = ApplicationRecord.FromJson(record.ToJson());
        Assert.Equal("my-app-v2", back.RevisionName);
        Assert.Equal(ApplicationPhase.WorkflowSuspending, back.Phase);
        Assert.Equal(StepPhase.Suspending, back.Workflow!.Steps[0].Phase);
        Assert.Equal("nginx:1.27", back.Workflow.Outputs["image"]!.GetValue<string>());
        Assert.Equal("prod/apps/Deployment/default/my-server", Assert.Single(back.Inventory).Key);
        Assert.Contains("\"phase\":\"WorkflowSuspending\"", record.ToJson());
    }
}
