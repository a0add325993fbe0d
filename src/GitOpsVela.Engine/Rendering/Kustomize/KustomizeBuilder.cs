using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Rendering.Patching;
using GitOpsVela.Engine.Semantics;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Rendering.Kustomize;

/// <summary>One object built from a source path, with the file it came from.</summary>
internal sealed record BuiltObject(JsonObject Object, string File);

/// <summary>Builds a path of a checkout into objects (kustomize, or every YAML file of a plain folder).</summary>
internal interface IManifestBuilder
{
    IReadOnlyList<BuiltObject> Build(string root, string path);
}

/// <summary>
/// Builds a path of a checkout the way Flux's kustomize-controller does, without any binary: a folder without a
/// kustomization is every <c>.yaml</c>/<c>.yml</c> below it (Flux generates a kustomization listing them); a folder with
/// one is built as <c>kustomize build</c> does for the fields GitOpsVela supports — <c>resources</c> (files, folders,
/// nested kustomizations), <c>namespace</c>, <c>namePrefix</c>/<c>nameSuffix</c> (with references from workloads to
/// renamed ConfigMaps and Secrets updated), <c>commonLabels</c>, <c>labels</c>, <c>commonAnnotations</c>, <c>images</c>,
/// <c>patches</c>/<c>patchesStrategicMerge</c>/<c>patchesJson6902</c> and <c>configMapGenerator</c>/<c>secretGenerator</c>
/// (with kustomize's hash suffix). Any other field is a clear error naming the file and field. Every path must stay
/// inside the checkout: <c>..</c> that leaves it, absolute paths and symlinks pointing outside are refused.
/// Output is in kustomize's legacy order (namespaces, CRDs, ... workloads), as <c>kubectl kustomize</c> prints it.
/// </summary>
internal sealed class KustomizeBuilder : IManifestBuilder
{
    private static readonly string[] KustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    private static readonly HashSet<string> Supported =
    [
        "apiVersion", "kind", "metadata", "resources", "bases", "namespace", "namePrefix", "nameSuffix", "commonLabels", "labels",
        "commonAnnotations", "images", "patches", "patchesStrategicMerge", "patchesJson6902", "configMapGenerator", "secretGenerator",
        "generatorOptions", "sortOptions",
    ];

    public IReadOnlyList<BuiltObject> Build(string root, string path)
    {
        var rootFull = RealPath(Path.GetFullPath(root));
        var target = Inside(rootFull, rootFull, path, "path", "the component");
        if (!Directory.Exists(target) && !File.Exists(target))
            throw Problem($"path '{path}' does not exist in the repository", rootFull, "path");
        var objects = Directory.Exists(target) ? BuildDirectory(rootFull, target, []) : ReadFile(rootFull, target);
        return LegacyOrder(objects);
    }

    private List<BuiltObject> BuildDirectory(string root, string dir, HashSet<string> visiting)
    {
        if (!visiting.Add(dir)) throw Problem($"kustomizations include each other in a cycle at {Relative(root, dir)}", dir, "resources");
        try
        {
            var kustomization = KustomizationNames.Select(n => Path.Combine(dir, n)).FirstOrDefault(File.Exists);
            return kustomization is null ? PlainDirectory(root, dir, visiting) : Kustomization(root, dir, kustomization, visiting);
        }
        finally
        {
            visiting.Remove(dir);
        }
    }

    /// <summary>Flux's generated kustomization: every YAML file below the folder; sub-folders with a kustomization are built as one.</summary>
    private List<BuiltObject> PlainDirectory(string root, string dir, HashSet<string> visiting)
    {
        var result = new List<BuiltObject>();
        foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            if (!IsYaml(file)) continue;
            CheckLink(root, file);
            result.AddRange(ReadFile(root, file));
        }
        foreach (var sub in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(sub).StartsWith('.')) continue;
            CheckLink(root, sub);
            result.AddRange(BuildDirectory(root, sub, visiting));
        }
        return result;
    }

    private static bool IsYaml(string file) => Path.GetExtension(file) is ".yaml" or ".yml";

    private List<BuiltObject> ReadFile(string root, string file)
    {
        CheckLink(root, file);
        var text = File.ReadAllText(file);
        var result = new List<BuiltObject>();
        foreach (var doc in YamlReader.Read(text, file))
        {
            if (doc.Root is null || doc.Root is YamlScalar { Kind: ScalarKind.Null }) continue;
            if (YamlJson.ToJson(doc.Root) is not JsonObject obj || obj["kind"] is null || obj["apiVersion"] is null)
                throw Problem("the document is not a Kubernetes object (it needs apiVersion and kind)", file, "kind", doc.Location);
            if (obj["kind"]?.GetValue<string>() == "List" && obj["items"] is JsonArray items)
                result.AddRange(items.OfType<JsonObject>().Select(i => new BuiltObject((JsonObject)i.DeepClone(), file)));
            else result.Add(new BuiltObject(obj, file));
        }
        return result;
    }

    private List<BuiltObject> Kustomization(string root, string dir, string file, HashSet<string> visiting)
    {
        var doc = YamlReader.Read(File.ReadAllText(file), file).FirstOrDefault();
        if (doc?.Root is not YamlMapping map) throw Problem("the kustomization must be an object", file, "kind");
        foreach (var (key, _) in map.Entries)
            if (!Supported.Contains(key.Value))
                throw Problem($"field '{key.Value}' is not supported by GitOpsVela's kustomize builder (supported: {string.Join(", ", Supported.Order(StringComparer.Ordinal))})", file, key.Value, key.Location);
        var k = YamlJson.ToJson(map);

        var objects = new List<BuiltObject>();
        foreach (var entry in Strings(k, "resources").Concat(Strings(k, "bases")))
        {
            if (entry.Contains("://") || entry.StartsWith("git@", StringComparison.Ordinal))
                throw Problem($"remote resource '{entry}' is not supported; put it in the repository", file, "resources");
            var resolved = Inside(root, dir, entry, "resources", file);
            if (Directory.Exists(resolved)) objects.AddRange(BuildDirectory(root, resolved, visiting));
            else if (File.Exists(resolved)) objects.AddRange(ReadFile(root, resolved));
            else throw Problem($"resource '{entry}' does not exist", file, "resources");
        }

        var generated = new List<(BuiltObject Object, bool Hash)>();
        var options = k["generatorOptions"] as JsonObject;
        foreach (var g in (k["configMapGenerator"] as JsonArray ?? []).OfType<JsonObject>()) generated.Add(Generate(root, dir, file, g, options, secret: false));
        foreach (var g in (k["secretGenerator"] as JsonArray ?? []).OfType<JsonObject>()) generated.Add(Generate(root, dir, file, g, options, secret: true));
        objects.AddRange(generated.Select(g => g.Object));

        foreach (var patch in StrategicPatches(root, dir, file, k)) ApplyStrategic(objects, patch.Patch, patch.Target, file);
        foreach (var patch in JsonPatches(root, dir, file, k)) ApplyJson6902(objects, patch.Operations, patch.Target, file);

        var renames = new Dictionary<(string Kind, string Name), string>();
        var ns = k["namespace"]?.GetValue<string>();
        var prefix = k["namePrefix"]?.GetValue<string>() ?? "";
        var suffix = k["nameSuffix"]?.GetValue<string>() ?? "";
        foreach (var o in objects)
        {
            var kind = Kind(o.Object);
            var meta = Meta(o.Object);
            if (ns is not null && !Kube.KnownKinds.IsClusterScoped(kind)) meta["namespace"] = ns;
            if (prefix.Length + suffix.Length > 0 && kind is not ("Namespace" or "CustomResourceDefinition"))
            {
                var old = meta["name"]?.GetValue<string>() ?? "";
                meta["name"] = prefix + old + suffix;
                renames[(kind, old)] = prefix + old + suffix;
            }
        }
        Labels(objects, k);
        if (k["commonAnnotations"] is JsonObject annotations)
            foreach (var o in objects)
            {
                SetAll(Meta(o.Object), "annotations", annotations);
                foreach (var template in Templates(o.Object)) SetAll(Meta(template), "annotations", annotations);
            }
        foreach (var (g, hash) in generated)
        {
            if (!hash) continue;
            var meta = Meta(g.Object);
            var name = meta["name"]!.GetValue<string>();
            var hashed = name + "-" + Hash(g.Object);
            meta["name"] = hashed;
            var original = renames.FirstOrDefault(r => r.Key.Kind == Kind(g.Object) && r.Value == name).Key.Name ?? name;
            renames[(Kind(g.Object), original)] = hashed;
        }
        if (renames.Count > 0) foreach (var o in objects) UpdateReferences(o.Object, renames);
        if (k["images"] is JsonArray images) foreach (var o in objects) Images(o.Object, images);
        return objects;
    }

    // ---- generators ----

    private (BuiltObject, bool) Generate(string root, string dir, string file, JsonObject g, JsonObject? options, bool secret)
    {
        var name = g["name"]?.GetValue<string>() ?? throw Problem("a generator needs a name", file, secret ? "secretGenerator" : "configMapGenerator");
        if (g["behavior"]?.GetValue<string>() is { } behavior && behavior != "create")
            throw Problem($"generator behavior '{behavior}' is not supported", file, "behavior");
        var data = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var literal in Strings(g, "literals"))
        {
            var eq = literal.IndexOf('=');
            if (eq <= 0) throw Problem($"literal '{literal}' must be key=value", file, "literals");
            data[literal[..eq]] = Unquote(literal[(eq + 1)..]);
        }
        foreach (var entry in Strings(g, "files"))
        {
            var eq = entry.IndexOf('=');
            var (key, rel) = eq > 0 ? (entry[..eq], entry[(eq + 1)..]) : (Path.GetFileName(entry), entry);
            data[key] = File.ReadAllText(Inside(root, dir, rel, "files", file));
        }
        foreach (var env in Strings(g, "envs").Concat(g["env"] is JsonValue single ? [single.GetValue<string>()] : []))
        {
            foreach (var raw in File.ReadAllLines(Inside(root, dir, env, "envs", file)))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                var eq = line.IndexOf('=');
                if (eq <= 0) throw Problem($"env line '{line}' must be KEY=value", file, "envs");
                data[line[..eq]] = line[(eq + 1)..];
            }
        }
        var obj = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = secret ? "Secret" : "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name },
        };
        if (g["namespace"]?.GetValue<string>() is { } ns) Meta(obj)["namespace"] = ns;
        var labels = Merged(options?["labels"] as JsonObject, g["options"]?["labels"] as JsonObject);
        var annotations = Merged(options?["annotations"] as JsonObject, g["options"]?["annotations"] as JsonObject);
        if (labels.Count > 0) Meta(obj)["labels"] = labels;
        if (annotations.Count > 0) Meta(obj)["annotations"] = annotations;
        if (secret)
        {
            obj["type"] = g["type"]?.GetValue<string>() ?? "Opaque";
            obj["data"] = new JsonObject(data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)Convert.ToBase64String(Encoding.UTF8.GetBytes(d.Value)))));
        }
        else obj["data"] = new JsonObject(data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)d.Value)));
        var disable = (g["options"]?["disableNameSuffixHash"] ?? options?["disableNameSuffixHash"]) is JsonValue v && v.GetValue<bool>();
        return (new BuiltObject(obj, file), !disable);
    }

    private static JsonObject Merged(JsonObject? a, JsonObject? b)
    {
        var r = new JsonObject();
        foreach (var src in new[] { a, b }) if (src is not null) foreach (var (key, value) in src) r[key] = value?.DeepClone();
        return r;
    }

    private static string Unquote(string v) => v.Length >= 2 && (v[0] == '"' && v[^1] == '"' || v[0] == '\'' && v[^1] == '\'') ? v[1..^1] : v;

    /// <summary>
    /// kustomize's name hash (api/hasher): sha256 of <c>{"data":...,"kind":...,"name":""[,"type":...]}</c> encoded as Go's
    /// encoding/json does, the first 10 hex digits with 0, 1, 3, a, e replaced by g, h, k, m, t.
    /// </summary>
    public static string Hash(JsonObject obj)
    {
        var kind = Kind(obj);
        var json = new StringBuilder("{");
        void Pair(string key, string value, bool comma = true)
        {
            GoString(json, key);
            json.Append(':');
            GoString(json, value);
            if (comma) json.Append(',');
        }
        // Go's encoding/json of map[string]interface{}: keys sorted, no spaces.
        json.Append("\"data\":{");
        var data = (obj["data"] as JsonObject ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        for (var i = 0; i < data.Count; i++) Pair(data[i].Key, data[i].Value?.GetValue<string>() ?? "", i < data.Count - 1);
        json.Append("},");
        Pair("kind", kind);
        // kustomize 5 hashes the generated object before it is named: "name" is empty (kubectl kustomize v5.5 agrees).
        Pair("name", "", kind == "Secret");
        if (kind == "Secret") Pair("type", obj["type"]?.GetValue<string>() ?? "Opaque", comma: false);
        json.Append('}');
        var hex = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToString()))).ToLowerInvariant();
        return new string(hex[..10].Select(c => c switch { '0' => 'g', '1' => 'h', '3' => 'k', 'a' => 'm', 'e' => 't', _ => c }).ToArray());
    }

    /// <summary>A JSON string as Go's encoding/json writes it (HTML-safe escapes in lowercase hex).</summary>
    private static void GoString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '<' or '>' or '&' or '\u2028' or '\u2029' or < ' ':
                    sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }

    // ---- patches ----

    private sealed record Target(string? Group, string? Version, string? Kind, string? Name, string? Namespace, string? LabelSelector)
    {
        public bool Matches(JsonObject obj)
        {
            var api = obj["apiVersion"]?.GetValue<string>() ?? "";
            var (group, version) = api.Contains('/') ? (api[..api.IndexOf('/')], api[(api.IndexOf('/') + 1)..]) : ("", api);
            var meta = obj["metadata"] as JsonObject;
            bool Is(string? want, string? have) => want is null || System.Text.RegularExpressions.Regex.IsMatch(have ?? "", "^(" + want + ")$");
            if (!Is(Group, group) || !Is(Version, version) || !Is(Kind, obj["kind"]?.GetValue<string>()) || !Is(Name, meta?["name"]?.GetValue<string>())
                || !Is(Namespace, meta?["namespace"]?.GetValue<string>())) return false;
            if (LabelSelector is null) return true;
            var labels = meta?["labels"] as JsonObject;
            return LabelSelector.Split(',').All(term =>
            {
                var parts = term.Split('=', 2);
                return parts.Length == 2 ? labels?[parts[0].Trim()]?.GetValue<string>() == parts[1].Trim() : labels?.ContainsKey(term.Trim()) == true;
            });
        }
    }

    private static Target? ReadTarget(JsonObject? t) => t is null ? null : new Target(
        t["group"]?.GetValue<string>(), t["version"]?.GetValue<string>(), t["kind"]?.GetValue<string>(), t["name"]?.GetValue<string>(),
        t["namespace"]?.GetValue<string>(), t["labelSelector"]?.GetValue<string>());

    private IEnumerable<(JsonObject Patch, Target? Target)> StrategicPatches(string root, string dir, string file, JsonNode k)
    {
        foreach (var entry in (k["patchesStrategicMerge"] as JsonArray ?? []))
        {
            var text = entry!.GetValue<string>();
            var content = text.Contains('\n') ? text : File.ReadAllText(Inside(root, dir, text, "patchesStrategicMerge", file));
            foreach (var d in YamlReader.Read(content, file)) if (YamlJson.ToJson(d.Root) is JsonObject p) yield return (p, null);
        }
        foreach (var p in (k["patches"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var content = p["patch"]?.GetValue<string>() ?? (p["path"]?.GetValue<string>() is { } rel ? File.ReadAllText(Inside(root, dir, rel, "patches", file)) : null);
            if (content is null) throw Problem("a patch needs patch or path", file, "patches");
            var node = YamlJson.ToJson(YamlReader.Read(content, file).FirstOrDefault()?.Root);
            if (node is JsonObject smp) yield return (smp, ReadTarget(p["target"] as JsonObject));
        }
    }

    private IEnumerable<(JsonArray Operations, Target? Target)> JsonPatches(string root, string dir, string file, JsonNode k)
    {
        foreach (var p in (k["patches"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var content = p["patch"]?.GetValue<string>() ?? (p["path"]?.GetValue<string>() is { } rel ? File.ReadAllText(Inside(root, dir, rel, "patches", file)) : null);
            var node = content is null ? null : YamlJson.ToJson(YamlReader.Read(content, file).FirstOrDefault()?.Root);
            if (node is JsonArray ops)
            {
                if (p["target"] is not JsonObject t) throw Problem("a JSON 6902 patch needs a target", file, "patches");
                yield return (ops, ReadTarget(t));
            }
        }
        foreach (var p in (k["patchesJson6902"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var content = p["patch"]?.GetValue<string>() ?? File.ReadAllText(Inside(root, dir, p["path"]!.GetValue<string>(), "patchesJson6902", file));
            if (YamlJson.ToJson(YamlReader.Read(content, file).FirstOrDefault()?.Root) is JsonArray ops) yield return (ops, ReadTarget(p["target"] as JsonObject));
        }
    }

    private static void ApplyJson6902(List<BuiltObject> objects, JsonArray operations, Target? target, string file)
    {
        var matched = false;
        for (var i = 0; i < objects.Count; i++)
        {
            if (target is not null && !target.Matches(objects[i].Object)) continue;
            matched = true;
            try
            {
                objects[i] = objects[i] with { Object = (JsonObject)JsonPatching.JsonPatch(objects[i].Object, operations)! };
            }
            catch (PatchException ex)
            {
                throw Problem($"JSON patch on {Kind(objects[i].Object)}/{Meta(objects[i].Object)["name"]}: {ex.Message}", file, "patches");
            }
        }
        if (!matched) throw Problem("a JSON 6902 patch's target matches no resource", file, "patches");
    }

    private static void ApplyStrategic(List<BuiltObject> objects, JsonObject patch, Target? target, string file)
    {
        var name = patch["metadata"]?["name"]?.GetValue<string>();
        var kind = patch["kind"]?.GetValue<string>();
        var matched = false;
        foreach (var o in objects)
        {
            if (target is not null) { if (!target.Matches(o.Object)) continue; }
            else if (Kind(o.Object) != kind || Meta(o.Object)["name"]?.GetValue<string>() != name) continue;
            matched = true;
            var body = (JsonObject)patch.DeepClone();
            if (target is not null) { body.Remove("metadata"); body.Remove("kind"); body.Remove("apiVersion"); }
            StrategicMergePatch.Apply(o.Object, body);
        }
        if (!matched) throw Problem($"the strategic merge patch for {kind}/{name} matches no resource", file, "patches");
    }

    // ---- labels, images, references ----

    private static void Labels(List<BuiltObject> objects, JsonNode k)
    {
        if (k["commonLabels"] is JsonObject common)
            foreach (var o in objects) ApplyLabels(o.Object, common, selectors: true, templates: true);
        foreach (var entry in (k["labels"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (entry["pairs"] is not JsonObject pairs) continue;
            var selectors = entry["includeSelectors"] is JsonValue s && s.GetValue<bool>();
            var templates = selectors || entry["includeTemplates"] is JsonValue t && t.GetValue<bool>();
            foreach (var o in objects) ApplyLabels(o.Object, pairs, selectors, templates);
        }
    }

    private static void ApplyLabels(JsonObject obj, JsonObject labels, bool selectors, bool templates)
    {
        SetAll(Meta(obj), "labels", labels);
        var kind = Kind(obj);
        if (templates) foreach (var template in Templates(obj)) SetAll(Meta(template), "labels", labels);
        if (!selectors) return;
        if (kind is "Deployment" or "ReplicaSet" or "DaemonSet" or "StatefulSet" or "Job" && obj["spec"] is JsonObject spec)
        {
            if (kind == "Job" && spec["selector"] is null) return;
            SetAll(JsonPatching.Object(spec, "selector"), "matchLabels", labels);
        }
        if (kind == "Service" && obj["spec"] is JsonObject svc) SetAll(svc, "selector", labels);
    }

    private static IEnumerable<JsonObject> Templates(JsonObject obj)
    {
        if (obj["spec"]?["template"] is JsonObject t) yield return t;
        if (obj["spec"]?["jobTemplate"] is JsonObject jt)
        {
            yield return jt;
            if (jt["spec"]?["template"] is JsonObject jpt) yield return jpt;
        }
    }

    private static void SetAll(JsonObject owner, string field, JsonObject values)
    {
        var target = JsonPatching.Object(owner, field);
        foreach (var (key, value) in values) target[key] = value?.DeepClone();
    }

    private static IEnumerable<JsonObject> PodSpecs(JsonObject obj)
    {
        if (Kind(obj) == "Pod" && obj["spec"] is JsonObject pod) yield return pod;
        foreach (var t in Templates(obj)) if (t["spec"] is JsonObject spec && spec.ContainsKey("containers")) yield return spec;
    }

    private static void Images(JsonObject obj, JsonArray images)
    {
        foreach (var pod in PodSpecs(obj))
            foreach (var list in new[] { "containers", "initContainers" })
                foreach (var c in (pod[list] as JsonArray ?? []).OfType<JsonObject>())
                {
                    var image = c["image"]?.GetValue<string>();
                    if (image is null) continue;
                    var (name, tag, digest) = ImageReference.Split(image);
                    foreach (var rule in images.OfType<JsonObject>())
                    {
                        if (rule["name"]?.GetValue<string>() != name) continue;
                        var newName = rule["newName"]?.GetValue<string>() ?? name;
                        if (rule["digest"]?.GetValue<string>() is { } d) c["image"] = $"{newName}@{d}";
                        else if (rule["newTag"]?.GetValue<string>() is { } t) c["image"] = $"{newName}:{t}";
                        else c["image"] = newName + (digest is not null ? "@" + digest : tag is not null ? ":" + tag : "");
                        break;
                    }
                }
    }

    private static void UpdateReferences(JsonObject obj, Dictionary<(string Kind, string Name), string> renames)
    {
        void Rename(JsonObject? owner, string key, string kind)
        {
            if (owner?[key]?.GetValue<string>() is { } name && renames.TryGetValue((kind, name), out var renamed)) owner[key] = renamed;
        }
        foreach (var pod in PodSpecs(obj))
        {
            foreach (var list in new[] { "containers", "initContainers" })
                foreach (var c in (pod[list] as JsonArray ?? []).OfType<JsonObject>())
                {
                    foreach (var e in (c["env"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        Rename(e["valueFrom"]?["configMapKeyRef"] as JsonObject, "name", "ConfigMap");
                        Rename(e["valueFrom"]?["secretKeyRef"] as JsonObject, "name", "Secret");
                    }
                    foreach (var e in (c["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        Rename(e["configMapRef"] as JsonObject, "name", "ConfigMap");
                        Rename(e["secretRef"] as JsonObject, "name", "Secret");
                    }
                }
            foreach (var v in (pod["volumes"] as JsonArray ?? []).OfType<JsonObject>())
            {
                Rename(v["configMap"] as JsonObject, "name", "ConfigMap");
                Rename(v["secret"] as JsonObject, "secretName", "Secret");
                foreach (var s in (v["projected"]?["sources"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    Rename(s["configMap"] as JsonObject, "name", "ConfigMap");
                    Rename(s["secret"] as JsonObject, "name", "Secret");
                }
            }
            foreach (var s in (pod["imagePullSecrets"] as JsonArray ?? []).OfType<JsonObject>()) Rename(s, "name", "Secret");
        }
    }

    // ---- order ----

    private static readonly string[] First =
    [
        "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount", "PodSecurityPolicy", "Role",
        "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass",
        "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
    ];

    private static readonly string[] Last = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

    /// <summary>kustomize's legacy order (api/resource ordering): known kinds first in a fixed order, webhooks last, the rest by kind.</summary>
    private static IReadOnlyList<BuiltObject> LegacyOrder(List<BuiltObject> objects) => objects
        .Select((o, i) => (o, i))
        .OrderBy(x => Array.IndexOf(First, Kind(x.o.Object)) is var f and >= 0 ? f : Array.IndexOf(Last, Kind(x.o.Object)) is var l and >= 0 ? 10_000 + l : First.Length)
        .ThenBy(x => Array.IndexOf(First, Kind(x.o.Object)) >= 0 || Array.IndexOf(Last, Kind(x.o.Object)) >= 0 ? "" : Kind(x.o.Object), StringComparer.Ordinal)
        .ThenBy(x => x.o.Object["apiVersion"]?.GetValue<string>(), StringComparer.Ordinal)
        .ThenBy(x => Meta(x.o.Object)["namespace"]?.GetValue<string>() ?? "", StringComparer.Ordinal)
        .ThenBy(x => Meta(x.o.Object)["name"]?.GetValue<string>() ?? "", StringComparer.Ordinal)
        .Select(x => x.o)
        .ToList();

    // ---- paths ----

    /// <summary>Resolves <paramref name="relative"/> against <paramref name="baseDir"/>; it (and any link on the way) must stay inside <paramref name="root"/>.</summary>
    private static string Inside(string root, string baseDir, string relative, string field, string file)
    {
        if (Path.IsPathRooted(relative)) throw Problem($"{field} '{relative}' is an absolute path; paths must be relative to the repository", file, field);
        var full = Path.GetFullPath(Path.Combine(baseDir, relative));
        if (!IsUnder(root, full)) throw Problem($"{field} '{relative}' leaves the repository", file, field);
        var real = RealPath(full);
        if (!IsUnder(root, real)) throw Problem($"{field} '{relative}' is a link that leaves the repository", file, field);
        return real;
    }

    private static void CheckLink(string root, string path)
    {
        if (!IsUnder(root, RealPath(path))) throw Problem($"'{Relative(root, path)}' is a link that leaves the repository", path, "resources");
    }

    private static bool IsUnder(string root, string path) =>
        path == root || path.StartsWith(root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link along it resolved.</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = Path.GetPathRoot(full)!;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                next = RealPath(target.FullName);
            current = next;
        }
        return current;
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static string Kind(JsonObject obj) => obj["kind"]?.GetValue<string>() ?? "";

    private static JsonObject Meta(JsonObject obj) => JsonPatching.Object(obj, "metadata");

    private static IEnumerable<string> Strings(JsonNode? owner, string key) =>
        (owner?[key] as JsonArray ?? []).Select(n => n?.GetValue<string>()).OfType<string>();

    private static VelaProblemException Problem(string message, string file, string field, SourceLocation? location = null) =>
        new(new VelaProblem(ErrorIds.Render.KustomizeInvalid, ProblemCategory.InvalidData, message, location ?? new SourceLocation(file, 0, 0), Property: field));
}
