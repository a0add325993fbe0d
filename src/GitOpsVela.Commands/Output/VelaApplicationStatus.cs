using GitOpsVela.Engine.Execution.Records;

namespace GitOpsVela.Commands.Output;

/// <summary>
/// <c>vela status</c> for one application (Get-VelaApplication -Context -Detailed): phase and health, each component
/// with its health message, the workflow's steps, and every object the running revision applied.
/// </summary>
public sealed class VelaApplicationStatus
{
    internal VelaApplicationStatus(Engine.Execution.Records.ApplicationRecord record, string context)
    {
        Name = record.Name;
        Namespace = record.Namespace;
        Context = context;
        Revision = record.RevisionName;
        Phase = record.Phase.ToKubeVela();
        Healthy = record.Healthy;
        Message = record.Message;
        Components = record.Components.Select(c => new VelaComponent(record.Name, c, record.Namespace, context)).ToArray();
        Releases = VelaRelease.Of(record, context);
        Steps = record.Workflow?.Steps.Select(s => new VelaWorkflowStep(s)).ToArray() ?? [];
        Objects = record.Inventory.Select(e => e.ToString()).ToArray();
        Source = record.Source;
        Parent = record.Parent;
        CreatedTime = record.CreatedTime;
        UpdatedTime = record.UpdatedTime;
    }

    public string Name { get; }
    public string Namespace { get; }
    public string Context { get; }
    public string Revision { get; }
    public string Phase { get; }
    public bool? Healthy { get; }
    public string? Message { get; }
    public VelaComponent[] Components { get; }

    /// <summary>The releases (canary, blue-green) of its components: step, weight, pods old and new, what each waits for.</summary>
    public VelaRelease[] Releases { get; }

    public VelaWorkflowStep[] Steps { get; }

    /// <summary>Every object of the running revision, as Kind/namespace/name (@cluster when not the local one).</summary>
    public string[] Objects { get; }

    public string? Source { get; }
    public string? Parent { get; }
    public DateTimeOffset CreatedTime { get; }
    public DateTimeOffset UpdatedTime { get; }

    public override string ToString() => $"{Namespace}/{Name} {Phase}";
}
