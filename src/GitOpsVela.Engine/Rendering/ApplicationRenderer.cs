using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Rendering;

/// <summary>How to render: which definitions, which revision, where the objects go.</summary>
internal sealed record RenderOptions
{
    public static readonly RenderOptions Default = new();

    public DefinitionRegistry Registry { get; init; } = DefinitionRegistry.BuiltIn;

    /// <summary>The application revision number (<c>context.appRevision</c> is <c>&lt;app&gt;-v&lt;n&gt;</c>).</summary>
    public int Revision { get; init; } = 1;

    /// <summary>A topology policy's namespace; null keeps the application's own.</summary>
    public string? Namespace { get; init; }

    /// <summary>The cluster the objects are for (recorded in <c>app.oam.dev/cluster</c>); null for the local one.</summary>
    public string? Cluster { get; init; }

    /// <summary>Objects built from the synced sources of source-backed components (kustomize), by component name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<JsonObject>>? SourceObjects { get; init; }

    /// <summary>
    /// Which versions the target cluster serves of the kinds some types write in more than one version (Flux's), by
    /// discovery; <see cref="ServedApiVersions.Unknown"/> offline, when the newest GA versions are written.
    /// </summary>
    public ServedApiVersions ServedVersions { get; init; } = ServedApiVersions.Unknown;

    /// <summary>Components after override policies; null renders the application's components as written.</summary>
    public IReadOnlyList<EffectiveComponent>? Components { get; init; }
}

/// <summary>One component's objects: its workload (when the type has one) and the auxiliary objects of the type and its traits.</summary>
internal sealed record RenderedComponent(
    string Name,
    string Type,
    IReadOnlyList<string> Traits,
    RenderedManifest? Workload,
    IReadOnlyList<RenderedManifest> Manifests,
    IReadOnlyList<VelaProblem> Problems)
{
    public bool Succeeded => Problems.Count == 0;

    /// <summary>How a new pod template is released (canary, blue-green), from the component's strategy trait; null: applied as rendered.</summary>
    public DeliveryStrategy? Strategy { get; init; }
}

internal sealed record RenderResult(Application Application, IReadOnlyList<RenderedComponent> Components)
{
    /// <summary>Every object, component by component (workload first, then outputs in the order they were produced).</summary>
    public IReadOnlyList<RenderedManifest> Manifests { get; } = Components.SelectMany(c => c.Manifests).ToList();

    public IReadOnlyList<VelaProblem> Problems { get; } = Components.SelectMany(c => c.Problems).ToList();

    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Turns an <see cref="Application"/> into the Kubernetes objects KubeVela's controller would render: each component's
/// type renders its workload and outputs, its traits patch the workload and add outputs, then every object gets the
/// application's namespace (unless cluster-scoped or set by the template) and KubeVela's labels. A component that fails
/// renders nothing and reports why; the other components still render.
/// </summary>
internal static class ApplicationRenderer
{
    public static RenderResult Render(Application application, RenderOptions? options = null)
    {
        options ??= RenderOptions.Default;
        var components = options.Components ?? application.Components.Select(EffectiveComponent.From).ToList();
        return new RenderResult(application, components.Select(c => RenderComponent(application, c, options)).ToList());
    }

    public static RenderedComponent RenderComponent(Application application, EffectiveComponent component, RenderOptions? options = null)
    {
        options ??= RenderOptions.Default;
        var traitTypes = component.Traits.Select(t => t.Type).ToList();
        var problems = new List<VelaProblem>();

        VelaProblem Problem(string id, string message, SourceLocation location, string? property = null) =>
            new(id, ProblemCategory.InvalidData, message, location, application.Name, component.Name, property);

        RenderedComponent Failed() => new(component.Name, component.Type, traitTypes, null, [], problems);

        var registry = options.Registry.For(application);
        if (!registry.TryGetComponent(component.Type, out var type))
        {
            var (id, message) = registry.Unknown(DefinitionKind.Component, component.Type);
            problems.Add(Problem(id, message, component.Source.Source.ValueLocation("type"), "type"));
            return Failed();
        }

        var ns = options.Namespace ?? application.Namespace;
        var render = new ComponentRender
        {
            Application = application,
            Component = component.Source,
            Properties = (JsonObject)component.Properties.DeepClone(),
            Namespace = ns,
            AppRevision = $"{application.Name}-v{options.Revision}",
            Effective = component,
            ServedVersions = options.ServedVersions,
            SourceObjects = options.SourceObjects?.GetValueOrDefault(component.Name),
        };

        if (!Guard(() => type.Render(render), component.Source.Location, "properties")) return Failed();

        foreach (var trait in component.Traits)
        {
            var location = trait.Source?.Location ?? component.Source.Location;
            if (!registry.TryGetTrait(trait.Type, out var traitType))
            {
                var (id, message) = registry.Unknown(DefinitionKind.Trait, trait.Type);
                problems.Add(Problem(id, message, location, "traits"));
                continue;
            }
            // appliesToWorkloads is not checked: KubeVela v1.10.9 uses it only to list traits (CLI/UI), never when rendering.
            var traitRender = new TraitRender { Component = render, Trait = trait, Properties = (JsonObject)trait.Properties.DeepClone() };
            Guard(() => traitType.Apply(traitRender), location, $"traits[{trait.Type}]");
        }
        if (problems.Count > 0) return Failed();

        var contract = new OamContract(application, component.Name, render.AppRevision, options.Cluster);
        var manifests = new List<RenderedManifest>();
        RenderedManifest? workload = null;
        if (render.Workload is not null)
        {
            if (!HasName(render.Workload)) SetName(render.Workload, component.Name);
            Finish(render.Workload, contract, ns, workloadType: component.Type);
            workload = new RenderedManifest(render.Workload, application.Name, component.Name, null, null);
            manifests.Add(workload);
        }
        foreach (var output in render.Outputs)
        {
            if (!HasName(output.Object))
            {
                problems.Add(Problem(ErrorIds.Render.Failed, $"output '{output.Name}' of {output.Trait ?? "the component"} has no metadata.name", component.Source.Location));
                continue;
            }
            Finish(output.Object, contract, ns, traitType: output.Trait ?? KubeVelaLabels.AuxiliaryWorkload, resource: output.Name);
            manifests.Add(new RenderedManifest(output.Object, application.Name, component.Name, output.Trait, output.Name));
        }
        return problems.Count > 0 ? Failed() : new RenderedComponent(component.Name, component.Type, traitTypes, workload, manifests, problems) { Strategy = render.Strategy };

        bool Guard(Action action, SourceLocation location, string property)
        {
            try
            {
                action();
                return true;
            }
            catch (VelaProblemException ex)
            {
                var p = ex.Problem;
                problems.Add(p with
                {
                    Location = p.Location.IsKnown ? p.Location : location,
                    Application = p.Application ?? application.Name,
                    Component = p.Component ?? component.Name,
                    Property = p.Property ?? property,
                });
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException or KeyNotFoundException or Patching.PatchException)
            {
                // A value of the wrong type reached a template (validation reports it precisely); say so, don't crash.
                problems.Add(Problem(ErrorIds.Render.Failed, $"cannot render: {ex.Message}", location, property));
            }
            return false;
        }
    }

    private static bool HasName(JsonObject obj) => obj["metadata"]?["name"] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0;

    private static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject m) return m;
        var created = new JsonObject();
        obj["metadata"] = created;
        return created;
    }

    private static void SetName(JsonObject obj, string name) => Metadata(obj)["name"] = name;

    private static void Finish(JsonObject obj, OamContract contract, string ns, string? workloadType = null, string? traitType = null, string? resource = null)
    {
        var metadata = Metadata(obj);
        var kind = obj["kind"]?.GetValue<string>() ?? "";
        if (KnownKinds.IsClusterScoped(kind)) metadata.Remove("namespace");
        else if (metadata["namespace"] is null) metadata["namespace"] = ns;
        contract.Apply(metadata, workloadType, traitType, resource);
        ConventionalOrder(obj);
    }

    /// <summary>apiVersion, kind, metadata first (as kubectl and KubeVela write objects); the rest in the order rendered.</summary>
    private static void ConventionalOrder(JsonObject obj)
    {
        var entries = obj.ToList();
        if (entries.Count >= 3 && entries[0].Key == "apiVersion" && entries[1].Key == "kind" && entries[2].Key == "metadata") return;
        obj.Clear();
        foreach (var key in new[] { "apiVersion", "kind", "metadata" })
            if (entries.FirstOrDefault(e => e.Key == key) is { Key: not null } e) obj[key] = e.Value;
        foreach (var (key, value) in entries)
            if (key is not ("apiVersion" or "kind" or "metadata")) obj[key] = value;
    }
}

/// <summary>The order manifests are written and applied in: namespaces first, then CRDs, everything else as rendered.</summary>
internal static class ManifestOrder
{
    public static IReadOnlyList<RenderedManifest> Sort(IEnumerable<RenderedManifest> manifests) =>
        manifests.OrderBy(m => KnownKinds.ApplyOrder(m.ApiVersion, m.Kind)).ToList();
}
