using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Kube;

/// <summary>Which object: apiVersion, kind, namespace (null when cluster-scoped) and name.</summary>
public readonly record struct ObjectRef(string ApiVersion, string Kind, string? Namespace, string Name)
{
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : string.Empty;

    /// <summary>group/Kind/namespace/name — identity regardless of version (matches <c>InventoryEntry.Key</c> without the cluster).</summary>
    public string Key => $"{Group}/{Kind}/{Namespace}/{Name}";

    public static ObjectRef Of(JsonObject obj) => new(
        obj["apiVersion"]?.GetValue<string>() ?? string.Empty,
        obj["kind"]?.GetValue<string>() ?? string.Empty,
        obj["metadata"]?["namespace"]?.GetValue<string>(),
        obj["metadata"]?["name"]?.GetValue<string>() ?? string.Empty);

    public override string ToString() => $"{Kind} {(Namespace is null ? string.Empty : Namespace + "/")}{Name}";
}
