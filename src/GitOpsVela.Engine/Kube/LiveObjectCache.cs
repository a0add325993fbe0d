using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace GitOpsVela.Engine.Kube;

/// <summary>
/// Live objects read by LIST, one request per resource and namespace (never one GET per object), cached for one run:
/// share one cache across the applications of a reconcile so 200 applications in one namespace cost one list per kind.
/// Writes made through the <see cref="Applier"/> update it. Safe to share between applications applied in parallel.
/// </summary>
internal sealed class LiveObjectCache(KubeClient client)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<ConcurrentDictionary<string, JsonObject>>>> _lists = new(StringComparer.Ordinal);

    public KubeClient Client => client;

    private static string ListKey(ApiResource resource, string? ns) => $"{resource.ApiVersion}/{resource.Plural}/{(resource.Namespaced ? ns : null)}";

    public async Task<JsonObject?> FindAsync(ApiResource resource, string? ns, string name, CancellationToken cancellationToken)
    {
        var key = ListKey(resource, ns);
        var lazy = _lists.GetOrAdd(key, _ => new Lazy<Task<ConcurrentDictionary<string, JsonObject>>>(async () =>
        {
            var items = await client.ListAsync(resource, resource.Namespaced ? ns : null, null, cancellationToken).ConfigureAwait(false);
            return new ConcurrentDictionary<string, JsonObject>(
                items.Select(i => KeyValuePair.Create(i["metadata"]?["name"]?.GetValue<string>() ?? string.Empty, i)), StringComparer.Ordinal);
        }));
        try
        {
            var byName = await lazy.Value.ConfigureAwait(false);
            return byName.GetValueOrDefault(name);
        }
        catch
        {
            // A failed list is not cached: the next caller tries again.
            _lists.TryRemove(new KeyValuePair<string, Lazy<Task<ConcurrentDictionary<string, JsonObject>>>>(key, lazy));
            throw;
        }
    }

    /// <summary>Records what a write returned (only for lists already read; others are read when first needed).</summary>
    public void Update(ApiResource resource, JsonObject obj)
    {
        var key = ListKey(resource, obj["metadata"]?["namespace"]?.GetValue<string>());
        if (_lists.TryGetValue(key, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            lazy.Value.Result[obj["metadata"]?["name"]?.GetValue<string>() ?? string.Empty] = obj;
    }

    public void Forget(ApiResource resource)
    {
        foreach (var key in _lists.Keys.Where(k => k.StartsWith($"{resource.ApiVersion}/{resource.Plural}/", StringComparison.Ordinal)))
            _lists.TryRemove(key, out _);
    }
}
