using System.Management.Automation;

namespace GitOpsVela.Commands.Output;

/// <summary>
/// A KubeVela application as PowerShell sees it: read from a file (Path/Line set) or from a cluster
/// (Context set, phases and health filled). Property names match the parameters of the next cmdlet
/// (<c>Name</c>, <c>Namespace</c>, <c>Context</c>, <c>Path</c>), so pipelines bind by property name.
/// </summary>
public sealed class VelaApplication
{
    internal VelaApplication(Engine.Model.Application model, VelaComponent[] components)
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

    public string Name { get; }
    public string Namespace { get; }
    public VelaComponent[] Components { get; }

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

    /// <summary>The engine's model of the application, for the cmdlets this object is piped into.</summary>
    internal Engine.Model.Application Model { get; }

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
    internal VelaComponent(string application, Engine.Model.Component model)
    {
        Application = application;
        Name = model.Name;
        Type = model.Type;
        Traits = model.Traits.Select(t => t.Type).ToArray();
        DependsOn = model.DependsOn.ToArray();
        Properties = PowerShellValues.ToPSObject(Engine.Yaml.YamlJson.ToJson(model.Properties));
        Line = model.Location.Line;
    }

    public string Application { get; }
    public string Name { get; }
    public string Type { get; }

    /// <summary>Trait types, in the order they are declared.</summary>
    public string[] Traits { get; }

    public string[] DependsOn { get; }

    /// <summary>The component's properties as PowerShell objects (<c>$c.Properties.image</c>).</summary>
    public PSObject Properties { get; }

    public int Line { get; }

    public bool? Healthy { get; internal set; }
    public string? Phase { get; internal set; }
    public string? Message { get; internal set; }

    public override string ToString() => Name;
}
