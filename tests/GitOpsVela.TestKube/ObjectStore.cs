using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace GitOpsVela.TestKube;

internal sealed class StoredObject(JsonObject obj, FieldManagers managers)
{
    public JsonObject Object { get; set; } = obj;
    public FieldManagers Managers { get; set; } = managers;
    public string Namespace => Object["metadata"]?["namespace"]?.GetValue<string>() ?? string.Empty;
    public string Name => Object["metadata"]?["name"]?.GetValue<string>() ?? string.Empty;
}

/// <summary>What a write asks for, already routed: the resource, namespace, name and options.</summary>
internal sealed record WriteRequest(ResourceType Type, string? Namespace, string? Name, bool Status, bool DryRun, string Manager);

/// <summary>
/// The objects and resource types the server holds, with the real API's write rules: resourceVersion from one global
/// counter, uid, generation bumped when anything but metadata and status changes, status only through the status
/// subresource, server-side apply with field ownership and conflicts, CRDs that register their resources.
/// Callers hold <see cref="Lock"/>.
/// </summary>
internal sealed partial class ObjectStore
{
    public readonly object Lock = new();
    private readonly List<ResourceType> _types = [.. ResourceType.BuiltIn()];
    private readonly Dictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private long _resourceVersion = 1000;
    private int _serviceIp = 10;

    public long ResourceVersion => _resourceVersion;

    public IReadOnlyList<ResourceType> Types => _types;

    public ResourceType? FindType(string group, string version, string plural) =>
        _types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    private static string Key(ResourceType t, string? ns, string name) => $"{t.StorageKey}/{ns}/{name}";

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public JsonObject Render(ResourceType type, StoredObject stored, bool withTypeMeta = true)
    {
        var o = (JsonObject)stored.Object.DeepClone();
        if (withTypeMeta)
        {
            o.Remove("apiVersion");
            o.Remove("kind");
            var copy = new JsonObject { ["apiVersion"] = type.ApiVersion, ["kind"] = type.Kind };
            foreach (var (k, v) in o.ToList())
            {
                o.Remove(k);
                copy[k] = v;
            }
            o = copy;
        }
        else
        {
            o.Remove("apiVersion");
            o.Remove("kind");
        }
        if (stored.Managers.Entries.Count > 0) ((JsonObject)o["metadata"]!)["managedFields"] = stored.Managers.ToJson();
        return o;
    }

    public StoredObject? Get(ResourceType type, string? ns, string name) =>
        _objects.GetValueOrDefault(Key(type, type.Namespaced ? ns : null, name));

    public StoredObject GetOrThrow(ResourceType type, string? ns, string name) => Get(type, ns, name) ?? throw ApiError.NotFound(type, name);

    public IEnumerable<StoredObject> List(ResourceType type, string? ns)
    {
        var prefix = $"{type.StorageKey}/{(type.Namespaced ? ns : null)}/";
        var all = ns is null && type.Namespaced ? _objects.Where(kv => kv.Key.StartsWith(type.StorageKey + "/", StringComparison.Ordinal)) : _objects.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal));
        return all.Select(kv => kv.Value).OrderBy(o => o.Namespace, StringComparer.Ordinal).ThenBy(o => o.Name, StringComparer.Ordinal).ToList();
    }

    private void RequireNamespace(ResourceType type, string? ns)
    {
        if (!type.Namespaced) return;
        if (string.IsNullOrEmpty(ns)) throw ApiError.BadRequest("the namespace of the object is required");
        var nsType = FindType("", "v1", "namespaces")!;
        if (Get(nsType, null, ns) is null) throw ApiError.NamespaceNotFound(ns);
    }

    // ---- writes ----

    public JsonObject Create(WriteRequest req, JsonObject body)
    {
        var type = req.Type;
        var meta = body["metadata"] as JsonObject ?? throw ApiError.Invalid(type, "", [("metadata.name", "Required value: name or generateName is required")]);
        CheckTypeMeta(type, body);
        var bodyNs = meta["namespace"]?.GetValue<string>();
        if (type.Namespaced && !string.IsNullOrEmpty(bodyNs) && bodyNs != req.Namespace)
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        var name = meta["name"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) && meta["generateName"]?.GetValue<string>() is { Length: > 0 } gen)
            name = gen + Guid.NewGuid().ToString("N")[..5];
        if (string.IsNullOrEmpty(name)) throw ApiError.Invalid(type, "", [("metadata.name", "Required value: name or generateName is required")]);
        RequireNamespace(type, req.Namespace);
        if (Get(type, req.Namespace, name) is not null) throw ApiError.AlreadyExists(type, name);
        var obj = (JsonObject)body.DeepClone();
        obj["metadata"]!["name"] = name;
        var managers = new FieldManagers();
        managers.RecordUpdate(req.Manager, type.ApiVersion, null, Strip(obj), Now(), !type.IsCustom);
        return Commit(req with { Name = name }, null, obj, managers);
    }

    public JsonObject Update(WriteRequest req, JsonObject body)
    {
        var type = req.Type;
        var existing = GetOrThrow(type, req.Namespace, req.Name!);
        CheckTypeMeta(type, body);
        var bodyName = body["metadata"]?["name"]?.GetValue<string>();
        if (bodyName != req.Name) throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({req.Name})");
        var rv = body["metadata"]?["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(rv) && rv != existing.Object["metadata"]!["resourceVersion"]!.GetValue<string>())
            throw ApiError.Modified(type, req.Name!);
        return WriteUpdate(req, existing, (JsonObject)body.DeepClone());
    }

    public JsonObject MergePatch(WriteRequest req, JsonNode patch, bool strategic = false)
    {
        var existing = GetOrThrow(req.Type, req.Namespace, req.Name!);
        var merged = strategic ? JsonPaths.StrategicMerge(Strip(existing.Object), patch) : JsonPaths.MergePatch(Strip(existing.Object), patch);
        var patched = merged as JsonObject ?? throw ApiError.BadRequest("the patch must be a JSON object");
        return WriteUpdate(req, existing, patched);
    }

    /// <summary>The scale subresource of Deployments and StatefulSets (autoscaling/v1 Scale), as <c>kubectl scale</c> and HPAs use it.</summary>
    public JsonObject GetScale(ResourceType type, string? ns, string name) => Scale(type, GetOrThrow(type, ns, name).Object);

    public JsonObject SetScale(WriteRequest req, long replicas)
    {
        var existing = GetOrThrow(req.Type, req.Namespace, req.Name!);
        var candidate = Strip(existing.Object);
        var spec = candidate["spec"] as JsonObject ?? new JsonObject();
        candidate["spec"] = spec;
        spec["replicas"] = replicas;
        WriteUpdate(req with { Status = false }, existing, candidate);
        return req.DryRun ? Scale(req.Type, candidate) : GetScale(req.Type, req.Namespace, req.Name!);
    }

    private static JsonObject Scale(ResourceType type, JsonObject obj)
    {
        var meta = obj["metadata"]!;
        var labels = obj["spec"]?["selector"]?["matchLabels"] as JsonObject;
        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = meta["name"]?.DeepClone(),
                ["namespace"] = meta["namespace"]?.DeepClone(),
                ["uid"] = meta["uid"]?.DeepClone(),
                ["resourceVersion"] = meta["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = meta["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = obj["spec"]?["replicas"]?.DeepClone() ?? 1 },
            ["status"] = new JsonObject
            {
                ["replicas"] = obj["status"]?["replicas"]?.DeepClone() ?? 0,
                ["selector"] = labels is null ? string.Empty : string.Join(",", labels.Select(kv => $"{kv.Key}={kv.Value}")),
            },
        };
    }

    public JsonObject JsonPatch(WriteRequest req, JsonArray ops)
    {
        var existing = GetOrThrow(req.Type, req.Namespace, req.Name!);
        JsonNode patched;
        try { patched = JsonPaths.JsonPatch(Strip(existing.Object), ops); }
        catch (InvalidOperationException e) { throw new ApiError(422, "Invalid", $"the server rejected our request due to an error in our request: {e.Message}"); }
        return WriteUpdate(req, existing, patched as JsonObject ?? throw ApiError.BadRequest("the patched document must be an object"));
    }

    private JsonObject WriteUpdate(WriteRequest req, StoredObject existing, JsonObject candidate)
    {
        var rv = candidate["metadata"]?["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(rv) && rv != existing.Object["metadata"]!["resourceVersion"]!.GetValue<string>())
            throw ApiError.Modified(req.Type, req.Name!);
        var managers = existing.Managers.Clone();
        if (!req.Status)
        {
            var next = Strip(candidate);
            next.Remove("status");
            var before = Strip(existing.Object);
            before.Remove("status");
            managers.RecordUpdate(req.Manager, req.Type.ApiVersion, before, next, Now(), !req.Type.IsCustom);
        }
        return Commit(req, existing, candidate, managers);
    }

    /// <summary>Server-side apply: the applied config's leaves become the manager's set; conflicting owners with other values fail unless forced; fields the manager dropped are removed when nobody else owns them.</summary>
    public JsonObject Apply(WriteRequest req, JsonObject applied, bool force)
    {
        var type = req.Type;
        if (applied["apiVersion"]?.GetValue<string>() is not { Length: > 0 } || applied["kind"]?.GetValue<string>() is not { Length: > 0 })
            throw ApiError.BadRequest("apiVersion and kind must be set in an apply configuration");
        CheckTypeMeta(type, applied);
        var bodyName = applied["metadata"]?["name"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(bodyName) && bodyName != req.Name)
            throw ApiError.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({req.Name})");
        var bodyNs = applied["metadata"]?["namespace"]?.GetValue<string>();
        if (type.Namespaced && !string.IsNullOrEmpty(bodyNs) && bodyNs != req.Namespace)
            throw ApiError.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        var now = Now();
        var existing = Get(type, req.Namespace, req.Name!);

        if (req.Status)
        {
            if (existing is null) throw ApiError.NotFound(type, req.Name!);
            var withStatus = (JsonObject)existing.Object.DeepClone();
            foreach (var (path, value) in JsonPaths.OwnableLeaves(applied, statusOnly: true)) JsonPaths.Set(withStatus, path, value);
            return Commit(req, existing, withStatus, existing.Managers.Clone());
        }

        var leaves = JsonPaths.OwnableLeaves(applied, associativeLists: !type.IsCustom);
        if (existing is null)
        {
            RequireNamespace(type, req.Namespace);
            var obj = (JsonObject)applied.DeepClone();
            var meta = obj["metadata"] as JsonObject ?? new JsonObject();
            obj["metadata"] = meta;
            meta["name"] = req.Name;
            var created = new FieldManagers();
            created.SetApply(req.Manager, type.ApiVersion, [.. leaves.Keys], now);
            return Commit(req, null, obj, created);
        }

        var live = existing.Object;
        var managers = existing.Managers.Clone();
        var conflicts = new List<(ManagedEntry Owner, FieldPath Path)>();
        foreach (var (path, value) in leaves)
        {
            var liveValue = JsonPaths.Get(live, path);
            var same = JsonPaths.Has(live, path) && JsonNode.DeepEquals(liveValue, value);
            foreach (var owner in managers.Entries)
            {
                if (owner.Manager == req.Manager && owner.Operation == "Apply") continue;
                if (!owner.Fields.Contains(path) || same) continue;
                conflicts.Add((owner, path));
            }
        }
        if (conflicts.Count > 0 && !force) throw Conflict(conflicts);
        foreach (var (owner, path) in conflicts) owner.Fields.Remove(path);

        var result = (JsonObject)live.DeepClone();
        foreach (var (path, value) in leaves) JsonPaths.Set(result, path, value);
        var previous = managers.Find(req.Manager, "Apply")?.Fields ?? [];
        bool OwnedElsewhere(Func<FieldPath, bool> match) =>
            managers.Entries.Any(e => !(e.Manager == req.Manager && e.Operation == "Apply") && e.Fields.Any(match));
        foreach (var dropped in previous.Where(p => !leaves.ContainsKey(p)))
        {
            // A list element's key fields go with the element: only when nobody (this config included) owns anything in it.
            if (JsonPaths.KeyFieldElement(dropped) is { } element)
            {
                var prefix = element.Key + "\u001f";
                if (!leaves.Keys.Any(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)) && !OwnedElsewhere(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)))
                    JsonPaths.Remove(result, element);
                continue;
            }
            if (!OwnedElsewhere(p => p == dropped)) JsonPaths.Remove(result, dropped);
        }
        managers.SetApply(req.Manager, type.ApiVersion, [.. leaves.Keys], now);
        managers.DropEmpty();
        return Commit(req, existing, result, managers);
    }

    private static ApiError Conflict(List<(ManagedEntry Owner, FieldPath Path)> conflicts)
    {
        string Using(ManagedEntry e) => $"conflict with \"{e.Manager}\"" + (e.Operation == "Update" ? $" using {e.ApiVersion}" : string.Empty);
        var message = conflicts.Count == 1
            ? $"Apply failed with 1 conflict: {Using(conflicts[0].Owner)}: {conflicts[0].Path}"
            : $"Apply failed with {conflicts.Count} conflicts: " + string.Join("\n", conflicts.GroupBy(c => c.Owner.Key).Select(g =>
                  $"{Using(g.First().Owner).Replace("conflict with", "conflicts with")}:\n" + string.Join("\n", g.Select(c => $"- {c.Path}"))));
        var causes = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = "FieldManagerConflict",
            ["message"] = Using(c.Owner),
            ["field"] = c.Path.ToString(),
        }).ToArray());
        return new ApiError(409, "Conflict", message, new JsonObject { ["causes"] = causes });
    }

    public JsonObject Delete(WriteRequest req)
    {
        var type = req.Type;
        var existing = GetOrThrow(type, req.Namespace, req.Name!);
        var uid = existing.Object["metadata"]?["uid"]?.GetValue<string>();
        if (!req.DryRun)
        {
            _objects.Remove(Key(type, type.Namespaced ? req.Namespace : null, req.Name!));
            _resourceVersion++;
            if (type.Plural == "namespaces" && type.Group == "")
                foreach (var key in _objects.Where(kv => kv.Value.Namespace == req.Name && kv.Key.Contains($"/{req.Name}/", StringComparison.Ordinal)).Select(kv => kv.Key).ToList())
                    _objects.Remove(key);
            if (type.Plural == "customresourcedefinitions") UnregisterCrd(existing.Object);
        }
        var details = new JsonObject { ["name"] = req.Name, ["kind"] = type.Plural, ["uid"] = uid };
        if (type.Group.Length > 0) details["group"] = type.Group;
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    /// <summary>The object without server-set metadata (what clients send back).</summary>
    private static JsonObject Strip(JsonObject obj)
    {
        var o = (JsonObject)obj.DeepClone();
        if (o["metadata"] is JsonObject m) m.Remove("managedFields");
        return o;
    }

    private static void CheckTypeMeta(ResourceType type, JsonObject body)
    {
        var kind = body["kind"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
            throw ApiError.BadRequest($"the kind in the data ({kind}) does not match the expected kind ({type.Kind})");
        var apiVersion = body["apiVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
            throw ApiError.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
    }

    /// <summary>Fills server metadata, keeps status unless this is the status subresource, bumps generation and resourceVersion, validates, stores (unless dry-run).</summary>
    private JsonObject Commit(WriteRequest req, StoredObject? existing, JsonObject candidate, FieldManagers managers)
    {
        var type = req.Type;
        var obj = Strip(candidate);
        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        var meta = obj["metadata"] as JsonObject ?? new JsonObject();
        obj["metadata"] = meta;
        var name = req.Name!;
        meta["name"] = name;
        if (type.Namespaced) meta["namespace"] = req.Namespace;
        else meta.Remove("namespace");

        if (req.Status)
        {
            // Only status changes through the status subresource.
            var status = obj["status"]?.DeepClone();
            obj = (JsonObject)existing!.Object.DeepClone();
            if (status is null) obj.Remove("status");
            else obj["status"] = status;
            meta = (JsonObject)obj["metadata"]!;
        }
        else if (type.HasStatus)
        {
            // The main resource ignores status.
            obj.Remove("status");
            var status = existing?.Object["status"]?.DeepClone() ?? InitialStatus(type, obj);
            if (status is not null) obj["status"] = status;
        }

        Normalize(type, obj, existing);
        Validate(type, obj);
        if (type.Plural == "customresourcedefinitions" && type.Group == "apiextensions.k8s.io")
        {
            ValidateCrd(type, obj);
            obj["status"] = CrdStatus(obj);
        }

        if (existing is not null)
        {
            var old = existing.Object;
            meta["uid"] = old["metadata"]!["uid"]?.DeepClone();
            meta["creationTimestamp"] = old["metadata"]!["creationTimestamp"]?.DeepClone();
            meta["resourceVersion"] = old["metadata"]!["resourceVersion"]?.DeepClone();
            if (old["metadata"]!["generation"] is { } g) meta["generation"] = g.DeepClone();
            else meta.Remove("generation");
            if (JsonNode.DeepEquals(old, obj) && managers.SameOwnership(existing.Managers))
                return Render(type, existing);
            if (type.TracksGeneration && !JsonNode.DeepEquals(WithoutMetaAndStatus(old), WithoutMetaAndStatus(obj)))
                meta["generation"] = long.Parse(old["metadata"]!["generation"]?.ToJsonString() ?? "0", CultureInfo.InvariantCulture) + 1;
        }
        else
        {
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            if (type.TracksGeneration) meta["generation"] = 1;
        }

        if (req.DryRun)
        {
            if (existing is null) meta.Remove("resourceVersion");
            return Render(type, new StoredObject(obj, managers));
        }
        meta["resourceVersion"] = (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
        var stored = new StoredObject(obj, managers);
        _objects[Key(type, type.Namespaced ? req.Namespace : null, name)] = stored;
        if (type.Plural == "customresourcedefinitions" && type.Group == "apiextensions.k8s.io") RegisterCrd(obj);
        return Render(type, stored);
    }

    private static JsonObject WithoutMetaAndStatus(JsonObject o)
    {
        var c = (JsonObject)o.DeepClone();
        c.Remove("metadata");
        c.Remove("status");
        return c;
    }

    private static JsonNode? InitialStatus(ResourceType type, JsonObject obj) => (type.Group, type.Plural) switch
    {
        ("", "namespaces") => new JsonObject { ["phase"] = "Active" },
        ("", "pods") => new JsonObject { ["phase"] = "Pending" },
        ("", "persistentvolumeclaims") => new JsonObject { ["phase"] = "Pending" },
        ("", "services") => new JsonObject { ["loadBalancer"] = new JsonObject() },
        _ => null,
    };

    private void Normalize(ResourceType type, JsonObject obj, StoredObject? existing)
    {
        // Go's omitempty: an empty map of a built-in type is not stored (a ConfigMap applied with `data: {}` reads back without data).
        if (obj["metadata"] is JsonObject meta)
            foreach (var key in new[] { "labels", "annotations" })
                if (meta[key] is JsonObject { Count: 0 }) meta.Remove(key);
        if (type.Group != "") return;
        if (type.Plural is "configmaps" or "secrets")
            foreach (var key in new[] { "data", "binaryData", "stringData" })
                if (obj[key] is JsonObject { Count: 0 }) obj.Remove(key);
        if (type.Plural == "secrets" && obj["stringData"] is JsonObject stringData)
        {
            var data = obj["data"] as JsonObject ?? new JsonObject();
            foreach (var (k, v) in stringData)
                data[k] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? string.Empty));
            obj["data"] = data;
            obj.Remove("stringData");
        }
        if (type.Plural == "services")
        {
            var spec = obj["spec"] as JsonObject ?? new JsonObject();
            obj["spec"] = spec;
            if (spec["clusterIP"] is null)
                spec["clusterIP"] = existing?.Object["spec"]?["clusterIP"]?.DeepClone() ?? $"10.96.0.{_serviceIp++ % 250 + 2}";
            spec["type"] ??= "ClusterIP";
        }
    }

    // ---- validation (the subset a real API server rejects with 422 that clients meet) ----

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    private static void Validate(ResourceType type, JsonObject obj)
    {
        var causes = new List<(string, string)>();
        var meta = (JsonObject)obj["metadata"]!;
        var name = meta["name"]!.GetValue<string>();
        var dnsLabel = type.Group == "" && type.Plural is "namespaces" or "services";
        if (dnsLabel && (name.Length > 63 || !Label().IsMatch(name)))
            causes.Add(("metadata.name", $"Invalid value: \"{name}\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
        else if (!dnsLabel && (name.Length > 253 || !Subdomain().IsMatch(name)))
            causes.Add(("metadata.name", $"Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"));
        if (meta["labels"] is JsonObject labels)
            foreach (var (k, v) in labels)
            {
                var value = v?.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;
                if (value is null) causes.Add(($"metadata.labels", $"Invalid value: {v?.ToJsonString() ?? "null"}: label values must be strings"));
                else if (value.Length > 63 || !LabelValue().IsMatch(value))
                    causes.Add(($"metadata.labels", $"Invalid value: \"{value}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
                var keyName = k.Contains('/') ? k[(k.IndexOf('/') + 1)..] : k;
                if (keyName.Length is 0 or > 63 || !LabelValue().IsMatch(keyName))
                    causes.Add(("metadata.labels", $"Invalid value: \"{k}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"));
            }
        if (type.Group == "apps")
        {
            var spec = obj["spec"] as JsonObject;
            if (spec?["selector"] is null) causes.Add(("spec.selector", "Required value"));
            if (type.Plural is "deployments" or "statefulsets" && spec?["replicas"] is JsonValue r)
            {
                if (!r.TryGetValue<long>(out var n)) causes.Add(("spec.replicas", $"Invalid value: {r.ToJsonString()}: must be an integer"));
                else if (n < 0) causes.Add(("spec.replicas", $"Invalid value: {n}: must be greater than or equal to 0"));
            }
        }
        if (type.IsCustom && type.Schema is JsonObject schema)
            ValidateSchema(schema, obj, "", causes, root: true);
        if (causes.Count > 0) throw ApiError.Invalid(type, name, causes);
    }

    /// <summary>The structural-schema subset CRDs use most: types and required properties.</summary>
    private static void ValidateSchema(JsonObject schema, JsonNode? value, string path, List<(string, string)> causes, bool root = false)
    {
        if (value is null) return;
        var type = schema["type"]?.GetValue<string>();
        var kind = value.GetValueKind();
        var ok = type switch
        {
            "object" => kind == System.Text.Json.JsonValueKind.Object,
            "array" => kind == System.Text.Json.JsonValueKind.Array,
            "string" => kind == System.Text.Json.JsonValueKind.String,
            "boolean" => kind is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False,
            "integer" => kind == System.Text.Json.JsonValueKind.Number && value.AsValue().TryGetValue<long>(out _),
            "number" => kind == System.Text.Json.JsonValueKind.Number,
            _ => true,
        };
        if (!ok)
        {
            var shown = kind == System.Text.Json.JsonValueKind.String ? "\"string\"" : $"\"{kind.ToString().ToLowerInvariant()}\"";
            causes.Add((path, $"Invalid value: {shown}: {path} in body must be of type {type}: {shown}"));
            return;
        }
        if (value is JsonObject o)
        {
            if (schema["required"] is JsonArray required)
                foreach (var r in required)
                {
                    var n = r!.GetValue<string>();
                    if (!o.ContainsKey(n)) causes.Add((Join(path, n), "Required value"));
                }
            if (schema["properties"] is JsonObject props)
                foreach (var (k, v) in o)
                {
                    if (root && k is "apiVersion" or "kind" or "metadata") continue;
                    if (props[k] is JsonObject sub) ValidateSchema(sub, v, Join(path, k), causes);
                }
        }
        else if (value is JsonArray a && schema["items"] is JsonObject items)
        {
            for (var i = 0; i < a.Count; i++) ValidateSchema(items, a[i], $"{path}[{i}]", causes);
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    // ---- custom resource definitions ----

    private static void ValidateCrd(ResourceType type, JsonObject crd)
    {
        var name = crd["metadata"]!["name"]!.GetValue<string>();
        var causes = new List<(string, string)>();
        var group = crd["spec"]?["group"]?.GetValue<string>();
        var plural = crd["spec"]?["names"]?["plural"]?.GetValue<string>();
        if (string.IsNullOrEmpty(group)) causes.Add(("spec.group", "Required value"));
        if (string.IsNullOrEmpty(plural)) causes.Add(("spec.names.plural", "Required value"));
        if (string.IsNullOrEmpty(crd["spec"]?["names"]?["kind"]?.GetValue<string>())) causes.Add(("spec.names.kind", "Required value"));
        if (crd["spec"]?["versions"] is not JsonArray { Count: > 0 }) causes.Add(("spec.versions", "Invalid value: null: must have exactly one version marked as storage version"));
        if (causes.Count == 0 && name != $"{plural}.{group}")
            causes.Add(("metadata.name", $"Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"));
        if (causes.Count > 0) throw ApiError.Invalid(type, name, causes);
    }

    private static JsonObject CrdStatus(JsonObject crd)
    {
        var now = Now();
        var storage = (crd["spec"]!["versions"] as JsonArray)!.FirstOrDefault(v => v?["storage"]?.GetValue<bool>() == true)?["name"]?.GetValue<string>()
                      ?? crd["spec"]!["versions"]![0]!["name"]!.GetValue<string>();
        return new JsonObject
        {
            ["acceptedNames"] = crd["spec"]!["names"]!.DeepClone(),
            ["conditions"] = new JsonArray(
                new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["reason"] = "NoConflicts", ["message"] = "no conflicts found", ["lastTransitionTime"] = now },
                new JsonObject { ["type"] = "Established", ["status"] = "True", ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted", ["lastTransitionTime"] = now }),
            ["storedVersions"] = new JsonArray(storage),
        };
    }

    private void RegisterCrd(JsonObject crd)
    {
        UnregisterCrd(crd, keepObjects: true);
        var spec = crd["spec"]!;
        var names = spec["names"]!;
        var group = spec["group"]!.GetValue<string>();
        var namespaced = spec["scope"]?.GetValue<string>() != "Cluster";
        foreach (var v in (JsonArray)spec["versions"]!)
        {
            if (v?["served"]?.GetValue<bool>() == false) continue;
            _types.Add(new ResourceType(
                group, v!["name"]!.GetValue<string>(), names["plural"]!.GetValue<string>(),
                names["singular"]?.GetValue<string>() ?? names["kind"]!.GetValue<string>().ToLowerInvariant(),
                names["kind"]!.GetValue<string>(), namespaced, v["subresources"]?["status"] is not null, true,
                (names["shortNames"] as JsonArray)?.Select(s => s!.GetValue<string>()).ToArray() ?? [], IsCustom: true)
            {
                Schema = v["schema"]?["openAPIV3Schema"]?.DeepClone() as JsonObject,
            });
        }
    }

    private void UnregisterCrd(JsonObject crd, bool keepObjects = false)
    {
        var group = crd["spec"]?["group"]?.GetValue<string>();
        var plural = crd["spec"]?["names"]?["plural"]?.GetValue<string>();
        _types.RemoveAll(t => t.IsCustom && t.Group == group && t.Plural == plural);
        if (!keepObjects)
            foreach (var key in _objects.Keys.Where(k => k.StartsWith($"{group}/{plural}/", StringComparison.Ordinal)).ToList())
                _objects.Remove(key);
    }
}
