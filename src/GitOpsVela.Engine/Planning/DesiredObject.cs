using System.Text.Json.Nodes;
using GitOpsVela.Engine.Kube;

namespace GitOpsVela.Engine.Planning;

/// <summary>An object as GitOpsVela applies it, so planning and applying compare the same thing with what is live.</summary>
internal static class DesiredObject
{
    /// <summary>
    /// The object as applied: namespace set for namespaced kinds (<paramref name="defaultNamespace"/> when missing),
    /// dropped for cluster-scoped ones, <c>status</c> removed, and the hash annotation added.
    /// </summary>
    public static JsonObject Normalize(JsonObject obj, ApiResource resource, string defaultNamespace)
    {
        var copy = (JsonObject)obj.DeepClone();
        var meta = copy["metadata"] as JsonObject ?? new JsonObject();
        copy["metadata"] = meta;
        if (resource.Namespaced) meta["namespace"] ??= defaultNamespace;
        else meta.Remove("namespace");
        copy.Remove("status");
        return ObjectComparison.WithHash(copy);
    }
}
