using System.Text.Json.Nodes;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Rendering;

/// <summary>
/// The labels and annotations KubeVela puts on every object a component renders (kubevela/kubevela v1.10.9
/// pkg/appfile/appfile.go <c>SetOAMContract</c>), in KubeVela's order, so the same keys win:
/// <list type="number">
/// <item>render phase: <c>app.oam.dev/name|component|appRevision</c> and <c>workload.oam.dev/type</c> or
/// <c>trait.oam.dev/type|resource</c> over the object's own labels;</item>
/// <item><c>app.oam.dev/resourceType</c>;</item>
/// <item>the common labels: every Application label, overridden by <c>app.oam.dev/name|namespace|appRevision|component</c>,
/// less the keys the annotation <c>filter.oam.dev/label-keys</c> lists (comma-separated, trimmed) — so Application labels
/// win over the template's, a trait's and a k8s-objects object's own, and the filter can drop <c>app.oam.dev/namespace</c>;</item>
/// <item>annotations: every Application annotation over the object's own, then <c>app.oam.dev/inplace-upgrade</c>, the two
/// filter annotations, <c>kubectl.kubernetes.io/last-applied-configuration</c> and the keys
/// <c>filter.oam.dev/annotation-keys</c> lists (comma-separated, not trimmed, as KubeVela splits them) are removed.</item>
/// </list>
/// Pod template labels are not touched. GitOpsVela adds <c>app.oam.dev/cluster</c> for remote clusters and its
/// <c>app.kubernetes.io/managed-by</c>.
/// </summary>
internal sealed class OamContract
{
    public const string FilterLabelKeys = "filter.oam.dev/label-keys";
    public const string FilterAnnotationKeys = "filter.oam.dev/annotation-keys";

    /// <summary>Annotations never passed from the Application to its objects (apis/types <c>DefaultFilterAnnots</c>).</summary>
    private static readonly string[] DefaultFilteredAnnotations =
    [
        "app.oam.dev/inplace-upgrade", FilterLabelKeys, FilterAnnotationKeys, "kubectl.kubernetes.io/last-applied-configuration",
    ];

    private readonly string _appName;
    private readonly string _component;
    private readonly string _appRevision;
    private readonly string? _cluster;
    private readonly KeyValuePair<string, string>[] _commonLabels;
    private readonly bool _keepsNamespaceLabel;
    private readonly IReadOnlyDictionary<string, string> _annotations;
    private readonly string[] _removedAnnotations;

    public OamContract(Application app, string component, string appRevision, string? cluster)
    {
        _appName = app.Name;
        _component = component;
        _appRevision = appRevision;
        _cluster = cluster;

        var common = new Dictionary<string, string>(app.Labels, StringComparer.Ordinal)
        {
            [KubeVelaLabels.AppName] = app.Name,
            [KubeVelaLabels.AppNamespace] = app.Namespace,
            [KubeVelaLabels.AppRevision] = appRevision,
            [KubeVelaLabels.AppComponent] = component,
        };
        if (app.Annotations.TryGetValue(FilterLabelKeys, out var labelFilter))
            foreach (var key in labelFilter.Split(',')) common.Remove(key.Trim());
        _commonLabels = [.. common];
        _keepsNamespaceLabel = common.ContainsKey(KubeVelaLabels.AppNamespace);

        _annotations = app.Annotations;
        _removedAnnotations = app.Annotations.TryGetValue(FilterAnnotationKeys, out var annotationFilter)
            ? [.. DefaultFilteredAnnotations, .. annotationFilter.Split(',')]
            : DefaultFilteredAnnotations;
    }

    /// <summary>Labels and annotations of the component's workload (<paramref name="workloadType"/> set) or of an output.</summary>
    public void Apply(JsonObject metadata, string? workloadType, string? traitType, string? resource)
    {
        if (metadata["labels"] is not JsonObject labels)
        {
            labels = new JsonObject();
            metadata["labels"] = labels;
        }
        labels[KubeVelaLabels.AppName] = _appName;
        // Placed here for a tidy order only; its value comes with the common labels below (unless filtered out).
        if (_keepsNamespaceLabel) labels[KubeVelaLabels.AppNamespace] = "";
        labels[KubeVelaLabels.AppComponent] = _component;
        labels[KubeVelaLabels.AppRevision] = _appRevision;
        if (workloadType is not null)
        {
            labels[KubeVelaLabels.ResourceType] = KubeVelaLabels.ResourceTypeWorkload;
            labels[KubeVelaLabels.WorkloadType] = workloadType;
        }
        else
        {
            labels[KubeVelaLabels.ResourceType] = KubeVelaLabels.ResourceTypeTrait;
            labels[KubeVelaLabels.TraitType] = traitType;
            if (resource is not null) labels[KubeVelaLabels.TraitResource] = resource;
        }
        foreach (var (key, value) in _commonLabels) labels[key] = value;
        if (_cluster is not null) labels[KubeVelaLabels.AppCluster] = _cluster;
        labels[KubeVelaLabels.ManagedBy] = KubeVelaLabels.ManagedByValue;

        var annotations = metadata["annotations"] as JsonObject;
        if (_annotations.Count > 0)
        {
            if (annotations is null)
            {
                annotations = new JsonObject();
                metadata["annotations"] = annotations;
            }
            foreach (var (key, value) in _annotations) annotations[key] = value;
        }
        if (annotations is null) return;
        foreach (var key in _removedAnnotations) annotations.Remove(key);
        if (annotations.Count == 0 && _annotations.Count > 0) metadata.Remove("annotations");
    }
}
