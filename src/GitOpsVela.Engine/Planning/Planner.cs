using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Planning;

/// <summary>
/// Previews an apply: per object create / update / unchanged / prune. Updates are computed by a server-side dry-run apply
/// (so defaults, other managers' fields and removals show exactly as the server would store them) and listed field by
/// field against the live object. Prunes are previous-inventory objects that left the application and carry its labels.
/// Live objects are read by LIST per kind and namespace.
/// </summary>
internal sealed class Planner(KubeClient client, LiveObjectCache? cache = null)
{
    public async Task<IReadOnlyList<ObjectChange>> PlanAsync(IEnumerable<JsonObject> desired, string application, string applicationNamespace, string cluster,
        IEnumerable<InventoryEntry> previous, ApplyOptions options, CancellationToken cancellationToken)
    {
        var changes = new List<ObjectChange>();
        var live = cache ?? new LiveObjectCache(client);
        var planned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var obj in desired.Select((o, i) => (o, i)).OrderBy(x => KnownKinds.ApplyOrder(x.o)).ThenBy(x => x.i).Select(x => x.o))
        {
            var target = ObjectRef.Of(obj);
            try
            {
                var resource = await client.ResolveAsync(target.ApiVersion, target.Kind, cancellationToken).ConfigureAwait(false);
                if (resource is null)
                {
                    // A CRD in the same plan would make it served: then it is a create.
                    var crdPlanned = desired.Any(d => d["kind"]?.GetValue<string>() == "CustomResourceDefinition" && d["spec"]?["group"]?.GetValue<string>() == target.Group);
                    planned.Add(target.Key);
                    changes.Add(crdPlanned
                        ? Change(target, ChangeAction.Create, ObjectComparison.Diff(null, obj))
                        : Change(target, ChangeAction.Blocked, [], new VelaProblem(ErrorIds.Cluster.KindNotServed, ProblemCategory.ResourceUnavailable,
                            $"{target}: the cluster does not serve {target.ApiVersion} {target.Kind} (its CustomResourceDefinition is not installed)", SourceLocation.None, application)));
                    continue;
                }
                var want = DesiredObject.Normalize(obj, resource, client.DefaultNamespace);
                target = ObjectRef.Of(want);
                planned.Add(target.Key);
                var current = await live.FindAsync(resource, target.Namespace, target.Name, cancellationToken).ConfigureAwait(false);
                if (current is null)
                {
                    changes.Add(Change(target, ChangeAction.Create, ObjectComparison.Diff(null, want)));
                    continue;
                }
                if (ObjectComparison.IsUnchanged(want, current))
                {
                    changes.Add(Change(target, ChangeAction.Unchanged, []));
                    continue;
                }
                JsonObject after;
                try
                {
                    after = await client.ApplyAsync(resource, want, options.FieldManager, options.Force, dryRun: true, cancellationToken).ConfigureAwait(false);
                }
                catch (KubeApiException e) when (e.StatusCode is 400 or 405 or 415)
                {
                    // A server without dry-run apply: show the desired fields over the live ones.
                    after = Overlay(current, want);
                }
                var fields = ObjectComparison.Diff(current, after);
                changes.Add(Change(target, fields.Count == 0 ? ChangeAction.Unchanged : ChangeAction.Update, fields));
            }
            catch (KubeApiException e)
            {
                if (KubeFaults.IsClusterWide(e)) throw new VelaProblemException(KubeFaults.ToProblem(e, client, target, application));
                changes.Add(Change(target, ChangeAction.Blocked, [], KubeFaults.ToProblem(e, client, target, application)));
            }
        }

        foreach (var entry in previous.Where(e => e.Cluster == cluster))
        {
            var target = new ObjectRef(entry.ApiVersion, entry.Kind, entry.Namespace, entry.Name);
            if (planned.Contains(target.Key)) continue;
            try
            {
                var resource = await client.ResolveAsync(entry.ApiVersion, entry.Kind, cancellationToken).ConfigureAwait(false);
                if (resource is null) continue;
                var current = await live.FindAsync(resource, entry.Namespace, entry.Name, cancellationToken).ConfigureAwait(false);
                if (current?["metadata"]?["labels"]?[KubeVelaLabels.AppName]?.GetValue<string>() != application) continue;
                changes.Add(Change(target, ChangeAction.Prune, ObjectComparison.Diff(current, new JsonObject()).Select(c => c with { New = null }).ToList()));
            }
            catch (KubeApiException e)
            {
                if (KubeFaults.IsClusterWide(e)) throw new VelaProblemException(KubeFaults.ToProblem(e, client, target, application));
                changes.Add(Change(target, ChangeAction.Blocked, [], KubeFaults.ToProblem(e, client, target, application)));
            }
        }
        return changes.Select(Redact).ToList();

        ObjectChange Change(ObjectRef target, ChangeAction action, IReadOnlyList<FieldChange> fields, VelaProblem? problem = null) =>
            new(action, cluster, target.ApiVersion, target.Kind, target.Namespace, target.Name, application, null, fields, problem);
    }

    /// <summary>Secret values never appear in a plan: the path shows, the value does not.</summary>
    private static ObjectChange Redact(ObjectChange change)
    {
        if (change.Object.Kind != "Secret" || change.Object.Group.Length != 0) return change;
        static bool Sensitive(string path) => path.StartsWith("data.", StringComparison.Ordinal) || path.StartsWith("stringData.", StringComparison.Ordinal);
        return change with
        {
            Fields = change.Fields.Select(c => Sensitive(c.Path) ? c with { Old = c.Old is null ? null : SecretValue, New = c.New is null ? null : SecretValue } : c).ToList(),
        };
    }

    public const string SecretValue = "(secret value)";

    private static JsonObject Overlay(JsonObject live, JsonObject desired)
    {
        var result = (JsonObject)live.DeepClone();
        void Merge(JsonObject into, JsonObject from)
        {
            foreach (var (k, v) in from)
            {
                if (v is JsonObject fo && into[k] is JsonObject io) Merge(io, fo);
                else into[k] = v?.DeepClone();
            }
        }
        Merge(result, desired);
        return result;
    }
}
