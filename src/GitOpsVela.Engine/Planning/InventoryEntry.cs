using System.Text.Json.Serialization;

namespace GitOpsVela.Engine.Planning;

/// <summary>One object GitOpsVela applied: enough to find it again for status, diff and garbage collection.</summary>
public sealed record InventoryEntry(
    string Cluster,
    string ApiVersion,
    string Kind,
    string? Namespace,
    string Name,
    string Component,
    string? Trait = null)
{
    /// <summary>cluster/group/Kind/namespace/name — identity regardless of the version it was applied at.</summary>
    [JsonIgnore]
    public string Key => $"{Cluster}/{Group}/{Kind}/{Namespace}/{Name}";

    [JsonIgnore]
    public string Group => ApiVersion.Contains('/') ? ApiVersion[..ApiVersion.IndexOf('/')] : string.Empty;

    public override string ToString() =>
        $"{Kind}/{(Namespace is null ? string.Empty : Namespace + "/")}{Name}" + (Cluster is "" or "local" ? string.Empty : $" @{Cluster}");
}
