using System.Collections.Concurrent;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Loading;

/// <summary>Where definitions installed in a cluster come from (the application's namespace, then <c>vela-system</c>).</summary>
internal interface IClusterDefinitions
{
    /// <summary>The definitions an application in <paramref name="namespace"/> can see in the cluster.</summary>
    Task<DefinitionCatalogue> ReadAsync(string @namespace, CancellationToken cancellationToken);
}

/// <summary>
/// Reads ComponentDefinitions, TraitDefinitions and WorkflowStepDefinitions installed in a cluster, as KubeVela looks them up:
/// one LIST per kind in the application's namespace and one in <c>vela-system</c>, each namespace read once until
/// <see cref="Forget"/> (the next reconcile pass). A cluster without KubeVela's CRDs has no definitions; one where RBAC
/// refuses the LIST is warned about once and treated as having none. Definitions that cannot be read are warned about and
/// skipped, so one bad object does not stop delivery.
/// </summary>
internal sealed class ClusterDefinitionReader(KubeClient client, string context, IEngineOutput output) : IClusterDefinitions
{
    private const string ApiVersion = ApplicationParser.ApiGroup + "/v1beta1";

    private readonly ConcurrentDictionary<string, Lazy<Task<IReadOnlyList<Definition>>>> _byNamespace = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _warned = new(StringComparer.Ordinal);

    /// <summary>Reads afresh on the next call (definitions may have been installed or changed meanwhile).</summary>
    public void Forget() => _byNamespace.Clear();

    public async Task<DefinitionCatalogue> ReadAsync(string @namespace, CancellationToken cancellationToken)
    {
        var own = await InNamespaceAsync(@namespace, cancellationToken).ConfigureAwait(false);
        if (@namespace == Definition.SystemNamespace) return new DefinitionCatalogue(own);
        var system = await InNamespaceAsync(Definition.SystemNamespace, cancellationToken).ConfigureAwait(false);
        return new DefinitionCatalogue([.. own, .. system]);
    }

    private Task<IReadOnlyList<Definition>> InNamespaceAsync(string ns, CancellationToken ct) =>
        _byNamespace.GetOrAdd(ns, n => new Lazy<Task<IReadOnlyList<Definition>>>(() => ListAsync(n, ct))).Value;

    private async Task<IReadOnlyList<Definition>> ListAsync(string ns, CancellationToken ct)
    {
        var definitions = new List<Definition>();
        foreach (var kind in DefinitionParser.KindNames)
        {
            try
            {
                var resource = await client.ResolveAsync(ApiVersion, kind, ct).ConfigureAwait(false);
                if (resource is null) continue; // KubeVela's CRDs are not installed: nothing to read.
                foreach (var obj in await client.ListAsync(resource, ns, null, ct).ConfigureAwait(false))
                {
                    obj["apiVersion"] ??= ApiVersion;
                    obj["kind"] ??= kind;
                    var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
                    var parser = new DefinitionParser();
                    var definition = parser.Parse(obj, new SourceLocation($"cluster '{context}' {kind} {ns}/{name}", 0, 0));
                    foreach (var problem in parser.Problems) output.Warning($"{problem}; it is not used");
                    if (definition is not null) definitions.Add(definition);
                }
            }
            catch (KubeApiException e) when (e.StatusCode == 403)
            {
                if (_warned.TryAdd($"{ns}/{kind}", true))
                    output.Warning($"cluster '{context}': cannot list {kind}s in namespace {ns} ({KubeFaults.ToProblem(e, client).Message}); only the built-in types and the repository's definitions are used");
            }
            catch (KubeApiException e)
            {
                throw new VelaProblemException(KubeFaults.ToProblem(e, client));
            }
        }
        if (definitions.Count > 0) output.Verbose($"cluster '{context}': {definitions.Count} definitions in namespace {ns}");
        return definitions;
    }
}
