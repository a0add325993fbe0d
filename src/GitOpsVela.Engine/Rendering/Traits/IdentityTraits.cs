using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Schemas;

namespace GitOpsVela.Engine.Rendering.Traits;

// Traits that give the pods an identity: service-account.

/// <summary>
/// <c>service-account</c> (vela-templates/definitions/internal/trait/service-account.cue): sets <c>serviceAccountName</c>;
/// with <c>create</c> outputs the ServiceAccount, with <c>privileges</c> a Role/RoleBinding (namespace scope) and a
/// ClusterRole/ClusterRoleBinding named <c>&lt;namespace&gt;:&lt;name&gt;</c> (cluster scope).
/// </summary>
internal sealed class ServiceAccountTrait : ITraitType
{
    public string Name => "service-account";
    public IReadOnlyList<string> AppliesTo { get; } = ["*"];

    public Schema Schema { get; } = Schema.Object(new()
    {
        ["name"] = Schema.String(required: true),
        ["create"] = Schema.Bool(@default: false),
        ["privileges"] = Schema.Array(Schema.Object(new()
        {
            ["verbs"] = Schema.Array(Schema.String(), required: true),
            ["apiGroups"] = Schema.Array(Schema.String()),
            ["resources"] = Schema.Array(Schema.String()),
            ["resourceNames"] = Schema.Array(Schema.String()),
            ["nonResourceURLs"] = Schema.Array(Schema.String()),
            ["scope"] = Schema.String(@default: "namespace", @enum: ["namespace", "cluster"]),
        })),
    });

    public void Apply(TraitRender render)
    {
        var p = render.Properties;
        var name = p.Str("name")!;
        var ns = render.Component.Namespace;
        render.PodSpec()["serviceAccountName"] = name;
        if (p.Bool("create"))
            render.AddOutput("service-account", new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ServiceAccount", ["metadata"] = new JsonObject { ["name"] = name } });
        if (p["privileges"] is not JsonArray privileges) return;
        JsonArray Rules(IEnumerable<JsonObject> list) => new(list.Select(r =>
        {
            var rule = new JsonObject { ["verbs"] = r.Clone("verbs") };
            foreach (var key in new[] { "apiGroups", "resources", "resourceNames", "nonResourceURLs" }) if (r[key] is { } v) rule[key] = v.DeepClone();
            return (JsonNode)rule;
        }).ToArray());
        var cluster = privileges.OfType<JsonObject>().Where(r => (r.Str("scope") ?? "namespace") == "cluster").ToList();
        var namespaced = privileges.OfType<JsonObject>().Where(r => (r.Str("scope") ?? "namespace") == "namespace").ToList();
        const string Rbac = "rbac.authorization.k8s.io";
        if (cluster.Count > 0)
        {
            var clusterName = $"{ns}:{name}";
            render.AddOutput("cluster-role", new JsonObject { ["apiVersion"] = $"{Rbac}/v1", ["kind"] = "ClusterRole", ["metadata"] = new JsonObject { ["name"] = clusterName }, ["rules"] = Rules(cluster) });
            render.AddOutput("cluster-role-binding", new JsonObject
            {
                ["apiVersion"] = $"{Rbac}/v1",
                ["kind"] = "ClusterRoleBinding",
                ["metadata"] = new JsonObject { ["name"] = clusterName },
                ["roleRef"] = new JsonObject { ["apiGroup"] = Rbac, ["kind"] = "ClusterRole", ["name"] = clusterName },
                ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name, ["namespace"] = ns }),
            });
        }
        if (namespaced.Count > 0)
        {
            render.AddOutput("role", new JsonObject { ["apiVersion"] = $"{Rbac}/v1", ["kind"] = "Role", ["metadata"] = new JsonObject { ["name"] = name }, ["rules"] = Rules(namespaced) });
            render.AddOutput("role-binding", new JsonObject
            {
                ["apiVersion"] = $"{Rbac}/v1",
                ["kind"] = "RoleBinding",
                ["metadata"] = new JsonObject { ["name"] = name },
                ["roleRef"] = new JsonObject { ["apiGroup"] = Rbac, ["kind"] = "Role", ["name"] = name },
                ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = name }),
            });
        }
    }
}
