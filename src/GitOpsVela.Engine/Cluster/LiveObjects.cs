using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Cluster;

/// <summary>
/// Live objects read by LIST, one request per resource and namespace (never one GET per object), cached for one run:
/// share one cache across the applications of a reconcile so 200 applications in one namespace cost one list per kind.
/// Writes made through the <see cref="Applier"/> update it.
/// </summary>
public sealed class LiveObjectCache(KubeClient client)
{
    public KubeClient Client => client;

    private readonly Dictionary<string, Dictionary<string, JsonObject>> _lists = new(StringComparer.Ordinal);

    public async Task<JsonObject?> FindAsync(ApiResource resource, string? ns, string name, CancellationToken cancellationToken)
    {
        var key = $"{resource.ApiVersion}/{resource.Plural}/{(resource.Namespaced ? ns : null)}";
        if (!_lists.TryGetValue(key, out var byName))
        {
            var items = await client.ListAsync(resource, resource.Namespaced ? ns : null, null, cancellationToken).ConfigureAwait(false);
            byName = items.ToDictionary(i => i["metadata"]?["name"]?.GetValue<string>() ?? string.Empty, StringComparer.Ordinal);
            _lists[key] = byName;
        }
        return byName.GetValueOrDefault(name);
    }

    /// <summary>Records what a write returned (only for lists already read; others are read when first needed).</summary>
    public void Update(ApiResource resource, JsonObject obj)
    {
        var ns = obj["metadata"]?["namespace"]?.GetValue<string>();
        var key = $"{resource.ApiVersion}/{resource.Plural}/{(resource.Namespaced ? ns : null)}";
        if (_lists.TryGetValue(key, out var byName)) byName[obj["metadata"]?["name"]?.GetValue<string>() ?? string.Empty] = obj;
    }

    public void Forget(ApiResource resource) =>
        _lists.Keys.Where(k => k.StartsWith($"{resource.ApiVersion}/{resource.Plural}/", StringComparison.Ordinal)).ToList().ForEach(k => _lists.Remove(k));
}
