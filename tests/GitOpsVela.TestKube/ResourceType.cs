namespace GitOpsVela.TestKube;

/// <summary>One served resource: what discovery lists and what the REST paths resolve to.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced,
    bool HasStatus,
    bool TracksGeneration,
    string[] ShortNames,
    bool IsCustom = false)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The group-qualified resource, as messages name it: <c>configmaps</c>, <c>deployments.apps</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The group-qualified kind, as 422 messages name it: <c>ConfigMap</c>, <c>Deployment.apps</c>.</summary>
    public string QualifiedKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public string StorageKey => $"{Group}/{Plural}";

    /// <summary>A custom resource's openAPIV3Schema (types and required properties are enforced).</summary>
    internal System.Text.Json.Nodes.JsonObject? Schema { get; init; }

    internal static IEnumerable<ResourceType> BuiltIn()
    {
        // Kinds the engine renders or reads; flags follow the real API (status subresource, generation tracking).
        yield return new("", "v1", "namespaces", "namespace", "Namespace", false, true, false, ["ns"]);
        yield return new("", "v1", "configmaps", "configmap", "ConfigMap", true, false, false, ["cm"]);
        yield return new("", "v1", "secrets", "secret", "Secret", true, false, false, []);
        yield return new("", "v1", "services", "service", "Service", true, true, false, ["svc"]);
        yield return new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, false, false, ["sa"]);
        yield return new("", "v1", "pods", "pod", "Pod", true, true, false, ["po"]);
        yield return new("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, true, false, ["pvc"]);
        yield return new("apps", "v1", "deployments", "deployment", "Deployment", true, true, true, ["deploy"]);
        yield return new("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, true, true, ["sts"]);
        yield return new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, true, true, ["ds"]);
        yield return new("batch", "v1", "jobs", "job", "Job", true, true, true, []);
        yield return new("batch", "v1", "cronjobs", "cronjob", "CronJob", true, true, true, ["cj"]);
        yield return new("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, true, true, ["ing"]);
        yield return new("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true, true, true, ["hpa"]);
        yield return new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, true, true, ["crd", "crds"]);
        yield return new("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, false, false, []);
        yield return new("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, false, false, []);
        yield return new("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, false, false, []);
        yield return new("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, false, false, []);
        yield return new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, false, false, []);
    }
}

/// <summary>One request as the server saw it; <see cref="Verb"/> is the Kubernetes verb (get, list, create, update, patch, apply, delete, discovery).</summary>
public sealed record KubeRequest(string Method, string Path, string Query, string Verb, string? Resource, string? Namespace, int StatusCode)
{
    public bool IsWrite => Verb is "create" or "update" or "patch" or "apply" or "delete" or "deletecollection";
}
