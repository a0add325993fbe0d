using System.Management.Automation;
using GitOpsVela.Engine.Execution.Records;

namespace GitOpsVela.Commands.Output;

/// <summary>
/// A KubeVela application as PowerShell sees it: read from a file (Path/Line set) or from a cluster
/// (Context set, phases and health filled). Property names match the parameters of the next cmdlet
/// (<c>Name</c>, <c>Namespace</c>, <c>Context</c>, <c>Path</c>), so pipelines bind by property name.
/// </summary>
public sealed class VelaApplication
{
    internal VelaApplication(Engine.Loading.Model.Application model, VelaComponent[] components)
    {
        Model = model;
        Name = model.Name;
        Namespace = model.Namespace;
        Components = components;
        Policies = model.Policies.Select(p => $"{p.Name} ({p.Type})").ToArray();
        WorkflowSteps = model.Workflow?.Steps.Select(s => s.Name).ToArray() ?? [];
        Path = string.IsNullOrEmpty(model.File) ? null : model.File;
        Line = model.Location.Line;
        Labels = ToHashtable(model.Labels);
        Annotations = ToHashtable(model.Annotations);
    }

    /// <summary>An application as its in-cluster record shows it (<c>Get-VelaApplication -Context</c>).</summary>
    internal VelaApplication(Engine.Execution.Records.ApplicationRecord record, string context)
    {
        Model = null;
        Name = record.Name;
        Namespace = record.Namespace;
        Components = record.Components.Select(c => new VelaComponent(record.Name, c, record.Namespace, context)).ToArray();
        Releases = VelaRelease.Of(record, context);
        Policies = [];
        WorkflowSteps = record.Workflow?.Steps.Select(s => s.Name).ToArray() ?? [];
        Path = null;
        Labels = new System.Collections.Hashtable(StringComparer.Ordinal);
        Annotations = new System.Collections.Hashtable(StringComparer.Ordinal);
        Context = context;
        Phase = Engine.Execution.Records.PhaseNames.ToKubeVela(record.Phase);
        Healthy = record.Healthy;
        Status = record.Message;
        CreatedTime = record.CreatedTime;
        Parent = record.Parent;
        Revision = record.RevisionName;
        Source = record.Source;
    }

    public string Name { get; }
    public string Namespace { get; }
    public VelaComponent[] Components { get; }

    /// <summary>The releases (canary, blue-green) of its components, as the in-cluster record holds them; empty offline.</summary>
    public VelaRelease[] Releases { get; } = [];

    /// <summary>KubeVela's revision name (<c>&lt;app&gt;-v&lt;n&gt;</c>) of what runs; null offline.</summary>
    public string? Revision { get; }

    /// <summary>Where the running revision came from (file, or repository URL@revision:path); null offline.</summary>
    public string? Source { get; }

    /// <summary>Policies as "name (type)".</summary>
    public string[] Policies { get; }

    /// <summary>Names of the declared workflow steps (empty when the application has no workflow).</summary>
    public string[] WorkflowSteps { get; }

    /// <summary>The file the application was read from; null when it was read from a cluster.</summary>
    public string? Path { get; }

    public int Line { get; }
    public System.Collections.Hashtable Labels { get; }
    public System.Collections.Hashtable Annotations { get; }

    /// <summary>The kubeconfig context the status was read from; null for an application read from a file.</summary>
    public string? Context { get; internal set; }

    /// <summary>KubeVela's application phase (running, runningWorkflow, workflowSuspending, ...); null offline.</summary>
    public string? Phase { get; internal set; }

    /// <summary>True when every component is healthy; null when not known (offline).</summary>
    public bool? Healthy { get; internal set; }

    public string? Status { get; internal set; }
    public DateTimeOffset? CreatedTime { get; internal set; }

    /// <summary>The parent application whose source brought this one in (nested GitOps), if any.</summary>
    public string? Parent { get; internal set; }

    /// <summary>The engine's model of the application, for the cmdlets this object is piped into; null when read from a cluster.</summary>
    internal Engine.Loading.Model.Application? Model { get; }

    public override string ToString() => $"{Namespace}/{Name}";

    private static System.Collections.Hashtable ToHashtable(IReadOnlyDictionary<string, string> map)
    {
        var table = new System.Collections.Hashtable(StringComparer.Ordinal);
        foreach (var (k, v) in map) table[k] = v;
        return table;
    }
}

/// <summary>One component of a <see cref="VelaApplication"/>.</summary>
public sealed class VelaComponent
{
    internal VelaComponent(string application, Engine.Loading.Model.Component model)
    {
        Application = application;
        Name = model.Name;
        Type = model.Type;
        Traits = model.Traits.Select(t => t.Type).ToArray();
        DependsOn = model.DependsOn.ToArray();
        _model = model;
        Line = model.Location.Line;
    }

    public string Application { get; }
    public string Name { get; }
    public string Type { get; }

    /// <summary>Trait types, in the order they are declared.</summary>
    public string[] Traits { get; }

    public string[] DependsOn { get; }

    private readonly Engine.Loading.Model.Component? _model;
    private PSObject? _properties;

    /// <summary>The component's properties as PowerShell objects (<c>$c.Properties.image</c>), made when first asked for.</summary>
    public PSObject Properties => _properties ??= _model is null ? new PSObject() : PowerShellValues.ToPSObject(_model.Properties);

    public int Line { get; }

    /// <summary>A component as its application's in-cluster record shows it.</summary>
    internal VelaComponent(string application, Engine.Execution.Records.ComponentRecord record, string? @namespace = null, string? context = null)
    {
        Release = record.Release is { } release ? new VelaRelease(application, @namespace ?? "", context, record, release) : null;
        Application = application;
        Name = record.Name;
        Type = record.Type;
        Traits = record.Traits.ToArray();
        DependsOn = [];
        Healthy = record.Healthy;
        Message = record.Message;
        Cluster = record.Cluster;
    }

    /// <summary>The cluster the component runs in (<c>local</c> for the context in use); null offline.</summary>
    public string? Cluster { get; }

    public bool? Healthy { get; internal set; }
    public string? Phase { get; internal set; }
    public string? Message { get; internal set; }

    /// <summary>The component's release (canary, blue-green) from the in-cluster record; null when it has had none, and offline.</summary>
    public VelaRelease? Release { get; }

    public override string ToString() => Name;
}
