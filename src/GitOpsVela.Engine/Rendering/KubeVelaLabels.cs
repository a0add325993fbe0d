namespace GitOpsVela.Engine.Rendering;

/// <summary>
/// The labels KubeVela's controller puts on every object it renders (kubevela/kubevela pkg/oam/labels.go),
/// plus GitOpsVela's managed-by label. Garbage collection and <c>vela ls</c> find objects by them.
/// </summary>
internal static class KubeVelaLabels
{
    public const string AppName = "app.oam.dev/name";
    public const string AppNamespace = "app.oam.dev/namespace";
    public const string AppComponent = "app.oam.dev/component";
    public const string AppRevision = "app.oam.dev/appRevision";
    public const string AppCluster = "app.oam.dev/cluster";
    public const string ResourceType = "app.oam.dev/resourceType";
    public const string WorkloadType = "workload.oam.dev/type";
    public const string TraitType = "trait.oam.dev/type";
    public const string TraitResource = "trait.oam.dev/resource";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "gitopsvela";

    /// <summary>Annotation that turns health checking off for one object.</summary>
    public const string DisableHealthCheck = "app.oam.dev/disable-health-check";

    public const string ResourceTypeWorkload = "WORKLOAD";
    public const string ResourceTypeTrait = "TRAIT";

    /// <summary>The trait type KubeVela records for a component definition's own auxiliary <c>outputs</c>.</summary>
    public const string AuxiliaryWorkload = "AuxiliaryWorkload";
}
