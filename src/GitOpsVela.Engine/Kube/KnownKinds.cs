namespace GitOpsVela.Engine.Kube;

/// <summary>Facts about built-in Kubernetes kinds that rendering and ordering need before any cluster is asked.</summary>
internal static class KnownKinds
{
    private static readonly HashSet<string> ClusterScoped = new(StringComparer.Ordinal)
    {
        "Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
        "PriorityClass", "IngressClass", "RuntimeClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "APIService", "CSIDriver", "CSINode",
        "VolumeAttachment", "Node", "ComponentStatus", "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration",
    };

    /// <summary>True for the built-in kinds that have no namespace. Custom resources are looked up in discovery by the cluster layer.</summary>
    public static bool IsClusterScoped(string kind) => ClusterScoped.Contains(kind);

    /// <summary>
    /// The one apply order: namespaces first, then CustomResourceDefinitions, then everything else in the order given (a
    /// stable sort on this weight). Deletion runs it backwards.
    /// </summary>
    public static int ApplyOrder(string? apiVersion, string? kind) => (apiVersion, kind) switch
    {
        ("v1", "Namespace") => 0,
        (_, "CustomResourceDefinition") => 1,
        _ => 2,
    };

    /// <summary><see cref="ApplyOrder(string?, string?)"/> of an object.</summary>
    public static int ApplyOrder(System.Text.Json.Nodes.JsonObject obj) =>
        ApplyOrder(obj["apiVersion"]?.GetValue<string>(), obj["kind"]?.GetValue<string>());
}
