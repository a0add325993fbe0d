namespace GitOpsVela.Engine.Rendering;

/// <summary>Facts about built-in Kubernetes kinds that rendering and ordering need before any cluster is asked.</summary>
public static class KnownKinds
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
    /// Apply order weight: namespaces, then CRDs, then cluster-wide RBAC and storage, then configuration, then the rest
    /// (the order Helm and kustomize use for the same reason: things must exist before what refers to them).
    /// </summary>
    public static int ApplyOrder(string kind) => kind switch
    {
        "Namespace" => 0,
        "CustomResourceDefinition" => 1,
        "ResourceQuota" or "LimitRange" or "PriorityClass" or "StorageClass" => 2,
        "ServiceAccount" or "ClusterRole" or "ClusterRoleBinding" or "Role" or "RoleBinding" => 3,
        "Secret" or "ConfigMap" or "PersistentVolume" or "PersistentVolumeClaim" => 4,
        "Service" => 5,
        _ => 6,
    };
}
