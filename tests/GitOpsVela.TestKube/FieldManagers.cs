using System.Text.Json.Nodes;

namespace GitOpsVela.TestKube;

/// <summary>One managedFields entry: a manager, its operation (Apply or Update) and the leaf paths it owns.</summary>
internal sealed class ManagedEntry(string manager, string operation, string apiVersion, HashSet<FieldPath> fields, string time)
{
    public string Manager { get; } = manager;
    public string Operation { get; } = operation;
    public string ApiVersion { get; set; } = apiVersion;
    public HashSet<FieldPath> Fields { get; set; } = fields;
    public string Time { get; set; } = time;
    public string Key => Manager + "|" + Operation;

    public ManagedEntry Clone() => new(Manager, Operation, ApiVersion, [.. Fields], Time);

    public JsonObject ToJson()
    {
        var root = new JsonObject();
        foreach (var path in Fields.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var cur = root;
            foreach (var seg in path.Segments)
            {
                var key = FieldPath.FieldsV1Key(seg);
                if (cur[key] is not JsonObject next)
                {
                    next = FieldPath.IsElement(seg) ? new JsonObject { ["."] = new JsonObject() } : new JsonObject();
                    cur[key] = next;
                }
                cur = next;
            }
        }
        return new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
            ["apiVersion"] = ApiVersion,
            ["time"] = Time,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = root,
        };
    }
}

/// <summary>The field managers of one object, in the order they first wrote.</summary>
internal sealed class FieldManagers
{
    private readonly List<ManagedEntry> _entries = [];

    public IReadOnlyList<ManagedEntry> Entries => _entries;

    public FieldManagers Clone()
    {
        var c = new FieldManagers();
        c._entries.AddRange(_entries.Select(e => e.Clone()));
        return c;
    }

    public ManagedEntry? Find(string manager, string operation) =>
        _entries.FirstOrDefault(e => e.Manager == manager && e.Operation == operation);

    public bool SameOwnership(FieldManagers other) =>
        _entries.Count == other._entries.Count &&
        _entries.All(e => other.Find(e.Manager, e.Operation) is { } o && o.Fields.SetEquals(e.Fields) && o.ApiVersion == e.ApiVersion);

    /// <summary>A non-apply write: the fields it changed or added move to <paramref name="manager"/>; removed fields leave every manager.</summary>
    public void RecordUpdate(string manager, string apiVersion, JsonObject? before, JsonObject after, string time, bool associativeLists)
    {
        var old = before is null ? new Dictionary<FieldPath, JsonNode?>() : JsonPaths.OwnableLeaves(before, associativeLists: associativeLists);
        var now = JsonPaths.OwnableLeaves(after, associativeLists: associativeLists);
        var changed = now.Where(kv => !old.TryGetValue(kv.Key, out var o) || !JsonNode.DeepEquals(o, kv.Value)).Select(kv => kv.Key).ToHashSet();
        foreach (var e in _entries)
        {
            e.Fields.RemoveWhere(p => !now.ContainsKey(p));
            if (!(e.Manager == manager && e.Operation == "Update")) e.Fields.ExceptWith(changed);
        }
        if (changed.Count > 0)
        {
            var mine = Find(manager, "Update");
            if (mine is null)
            {
                mine = new ManagedEntry(manager, "Update", apiVersion, [], time);
                _entries.Add(mine);
            }
            mine.Fields.UnionWith(changed);
            mine.ApiVersion = apiVersion;
            mine.Time = time;
        }
        _entries.RemoveAll(e => e.Fields.Count == 0);
    }

    public void SetApply(string manager, string apiVersion, HashSet<FieldPath> fields, string time)
    {
        var mine = Find(manager, "Apply");
        if (mine is null)
        {
            mine = new ManagedEntry(manager, "Apply", apiVersion, fields, time);
            _entries.Add(mine);
        }
        else
        {
            if (!mine.Fields.SetEquals(fields) || mine.ApiVersion != apiVersion) mine.Time = time;
            mine.Fields = fields;
            mine.ApiVersion = apiVersion;
        }
        _entries.RemoveAll(e => e.Fields.Count == 0);
    }

    public void Release(string manager, string operation, FieldPath path) => Find(manager, operation)?.Fields.Remove(path);

    public void DropEmpty() => _entries.RemoveAll(e => e.Fields.Count == 0);

    public JsonArray ToJson() => new(_entries.Select(e => (JsonNode)e.ToJson()).ToArray());
}
