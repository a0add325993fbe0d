using System.Text.Json.Nodes;

namespace GitOpsVela.TestKube;

/// <summary>An API failure answered as a <c>metav1.Status</c> body, shaped like the real server's.</summary>
internal sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = Message,
        ["reason"] = Reason,
        ["details"] = Details?.DeepClone() ?? new JsonObject(),
        ["code"] = Code,
    };

    private static JsonObject Named(ResourceType? type, string? name)
    {
        var d = new JsonObject();
        if (name is not null) d["name"] = name;
        if (type is not null)
        {
            if (type.Group.Length > 0) d["group"] = type.Group;
            d["kind"] = type.Plural;
        }
        return d;
    }

    public static ApiError NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.QualifiedResource} \"{name}\" not found", Named(type, name));

    public static ApiError NamespaceNotFound(string ns) =>
        new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    public static ApiError NoSuchResource() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    public static ApiError AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedResource} \"{name}\" already exists", Named(type, name));

    public static ApiError Modified(ResourceType type, string name) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", Named(type, name));

    public static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiError Invalid(ResourceType type, string name, IReadOnlyList<(string Field, string Message)> causes)
    {
        var d = Named(type, name);
        d["kind"] = type.Kind;
        d["causes"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject
        {
            ["reason"] = c.Message.StartsWith("Required value", StringComparison.Ordinal) ? "FieldValueRequired" : "FieldValueInvalid",
            ["message"] = c.Message,
            ["field"] = c.Field,
        }).ToArray());
        var text = causes.Count == 1
            ? $"{causes[0].Field}: {causes[0].Message}"
            : "[" + string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}")) + "]";
        return new(422, "Invalid", $"{type.QualifiedKind} \"{name}\" is invalid: {text}", d);
    }
}
