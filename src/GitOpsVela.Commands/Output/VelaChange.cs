using GitOpsVela.Engine.Planning;
namespace GitOpsVela.Commands.Output;

/// <summary>
/// One object in a preview (Compare-VelaApplication, Invoke-VelaWorkflow -WhatIf): <c>Action</c> is Create, Update,
/// Unchanged or Prune; for updates <c>Changes</c> lists "path: old -> new".
/// </summary>
public sealed class VelaChange
{
    internal VelaChange(Engine.Planning.ObjectChange change, string? context)
    {
        Action = change.Action.ToString();
        Application = change.Application;
        Component = change.Component;
        Context = context;
        Cluster = change.Cluster;
        ApiVersion = change.ApiVersion;
        Kind = change.Kind;
        Namespace = change.Namespace;
        Name = change.Name;
        Changes = change.Fields.Select(f => f.ToString()).ToArray();
    }

    public string Action { get; }
    public string Application { get; }
    public string? Component { get; }
    public string? Context { get; }
    public string Cluster { get; }
    public string ApiVersion { get; }
    public string Kind { get; }
    public string? Namespace { get; }
    public string Name { get; }

    /// <summary>For updates: each changed field as "path: old -> new".</summary>
    public string[] Changes { get; }

    public override string ToString() => Namespace is null ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";

    /// <summary>One line for -WhatIf: "Update Deployment/default/web (cluster local): spec.replicas: 1 -> 2; ...".</summary>
    internal string Describe()
    {
        var where = $"{Action} {this}{(Cluster is null or "local" ? "" : $" (cluster {Cluster})")}";
        // Only updates list fields (a create is the whole object); a long list is cut, the object has them all.
        if (Action != "Update" || Changes.Length == 0) return where;
        const int shown = 5;
        var fields = string.Join("; ", Changes.Take(shown));
        return $"{where}: {fields}{(Changes.Length > shown ? $"; and {Changes.Length - shown} more (Compare-VelaApplication lists them)" : "")}";
    }
}
