using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

namespace GitOpsVela.Engine.Execution.Steps;

/// <summary>Applies rendered components and judges their health; shared by apply-component, deploy and the state keep.</summary>
internal static class ComponentDelivery
{
    /// <summary>
    /// Applies one rendered component to a cluster, then reads its health. Null outcome means healthy. A component with a
    /// delivery strategy goes through its release (<see cref="ReleaseDelivery"/>); <paramref name="step"/> is the step
    /// running it (Resume-VelaWorkflow resumes a release paused in it).
    /// </summary>
    public static async Task<StepOutcome?> ApplyAndCheckAsync(DeliveryRun run, RenderedComponent component, string cluster, CancellationToken ct, StepState? step = null)
    {
        if (!component.Succeeded) return StepOutcome.Failed(string.Join("; ", component.Problems.Select(p => p.ToString())), "Render");
        if (run.SourceFailures?.GetValueOrDefault(component.Name) is { } source)
            return StepOutcome.Failed($"component '{component.Name}': {source.Message}", "Source");
        if (ReleaseDelivery.Carries(run, component, cluster))
        {
            var released = await ReleaseDelivery.RunAsync(run, component, cluster, step, ct).ConfigureAwait(false);
            if (released is not null) return released;
        }
        else
        {
            var report = await ApplyAsync(run, component, cluster, ApplyStage.Dispatch, ct).ConfigureAwait(false);
            run.RecordApplied(cluster, report.Objects);
            if (report.Problems.Count > 0) return StepOutcome.From(report.Problems, "Apply");
            var waiting = report.Objects.FirstOrDefault(o => o.Action == ApplyAction.Waiting);
            if (waiting is not null) return StepOutcome.Waiting(waiting.Message ?? $"waiting for the definition of {waiting.Manifest.Kind}");
        }
        var health = await run.Gateway.HealthAsync(cluster, component.Manifests, ct).ConfigureAwait(false);
        run.RecordHealth(component, cluster, health);
        lock (run.Record)
        {
            // A release holding at a canary-deploy weight: status shows where it stands.
            if (run.Record.Components.FirstOrDefault(c => c.Name == component.Name && c.Cluster == cluster) is { Release: { Phase: ReleasePhase.Holding } held } record)
                record.Message = held.Message;
        }
        if (health.FirstOrDefault(h => h.Failed) is { } failed)
            return StepOutcome.Failed($"component '{component.Name}' failed: {DeliveryRun.Describe(failed)}", "Unhealthy");
        var unhealthy = health.FirstOrDefault(h => !h.Healthy);
        return unhealthy is null ? null : StepOutcome.Waiting($"component '{component.Name}' is not healthy yet: {DeliveryRun.Describe(unhealthy)}");
    }

    /// <summary>Of two outcomes of a step's components, the one the step shows: a failure, then work going on, then a wait for a person.</summary>
    public static StepOutcome? MoreUrgent(StepOutcome? current, StepOutcome? next)
    {
        static int Rank(StepOutcome? o) => o is null ? 0 : o.Phase switch { StepPhase.Failed => 3, StepPhase.Suspending => 1, _ => 2 };
        return Rank(next) > Rank(current) ? next : current;
    }

    /// <summary>Applies one rendered component (namespaces first), leaving out the fields apply-once rules leave to others.</summary>
    public static async Task<ApplyReport> ApplyAsync(DeliveryRun run, RenderedComponent component, string cluster, ApplyStage stage, CancellationToken ct)
    {
        if (stage == ApplyStage.StateKeep && ReleaseDelivery.Carries(run, component, cluster))
            return await ReleaseDelivery.MaintainAsync(run, component, cluster, ct).ConfigureAwait(false);
        return await ApplyManifestsAsync(run, component.Type, component.Manifests, cluster, stage, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies objects of a component (namespaces first), leaving out the fields apply-once rules leave to others; a
    /// Service or HTTPRoute a running release of another component routes through is applied as that release needs it.
    /// </summary>
    public static async Task<ApplyReport> ApplyManifestsAsync(DeliveryRun run, string componentType, IReadOnlyList<RenderedManifest> manifests, string cluster,
        ApplyStage stage, CancellationToken ct, bool overlay = true)
    {
        foreach (var ns in manifests.Select(m => m.Namespace).OfType<string>().Distinct())
            await run.Gateway.EnsureNamespaceAsync(cluster, ns, ct).ConfigureAwait(false);
        if (overlay)
        {
            List<Records.ReleaseState> releases;
            lock (run.Record) releases = run.Record.Components.Where(c => c.Cluster == cluster && c.Release is { Active: true }).Select(c => c.Release!).ToList();
            if (releases.Count > 0) manifests = manifests.Select(m => releases.Aggregate(m, (x, r) => Releases.ReleaseMachine.Overlay(r, x))).ToList();
        }
        if (ApplyOncePolicy.From(run.Application) is { HasRules: true } applyOnce)
        {
            var filtered = new List<RenderedManifest>();
            foreach (var m in manifests)
            {
                var exists = await run.Gateway.GetAsync(cluster, m.ApiVersion, m.Kind, m.Namespace, m.Name, ct).ConfigureAwait(false) is not null;
                filtered.Add(applyOnce.Filter(m, componentType, exists, stage));
            }
            manifests = filtered;
        }
        return await run.Gateway.ApplyAsync(cluster, manifests, run.Force, ct).ConfigureAwait(false);
    }
}

/// <summary>
/// <c>apply-component</c> (vela-templates/definitions/internal/workflowstep/apply-component.cue): renders one component,
/// applies it (optionally to <c>cluster</c>/<c>namespace</c>) and succeeds once it is healthy; the step's <c>output</c>
/// is the rendered workload, so <c>valueFrom: output.spec.template.spec.containers[0].image</c> works.
/// </summary>
internal sealed class ApplyComponentStep(DeliveryRun run) : IStepExecutor
{
    public string Type => "apply-component";

    public async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (ApplyComponentSpec)context.Spec;
        if (context.Application.FindComponent(spec.Component) is null) return StepOutcome.Failed($"component '{spec.Component}' is not a component of this application");
        var deployment = run.DeploymentsOf(context).Single();
        var rendered = deployment.Components.Single();
        var cluster = deployment.Placement.Cluster;
        var outcome = await ComponentDelivery.ApplyAndCheckAsync(run, rendered, cluster, cancellationToken, context.State).ConfigureAwait(false);
        if (outcome is not null) return outcome;
        var ready = run.Record.Components.FirstOrDefault(r => r.Name == rendered.Name && r.Cluster == cluster)?.Message;
        return StepOutcome.Succeeded(ready, rendered.Workload?.Object.DeepClone());
    }
}

/// <summary>
/// <c>deploy</c> (vela-templates/definitions/internal/workflowstep/deploy.cue): the components after the named
/// <c>override</c> policies, to every placement of the named <c>topology</c> policies (the local cluster when there is
/// none), at most <c>parallelism</c> placements at once; a component waits for the components it <c>dependsOn</c> to be
/// healthy in the same placement. Succeeds when everything is healthy everywhere.
/// </summary>
internal sealed class DeployStep(DeliveryRun run) : IStepExecutor
{
    public string Type => "deploy";

    public async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var app = context.Application;
        var spec = (DeploySpec)context.Spec;
        if (spec.Policies.FirstOrDefault(n => app.FindPolicy(n) is null) is { } missing)
            return StepOutcome.Failed($"policy '{missing}' is not a policy of this application");
        var deployments = run.DeploymentsOf(context);

        using var limit = new SemaphoreSlim(spec.Parallelism);
        var results = await Task.WhenAll(deployments.Select(async deployment =>
        {
            await limit.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await DeployToAsync(app, deployment, context.State, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                limit.Release();
            }
        })).ConfigureAwait(false);

        var failed = results.FirstOrDefault(r => r?.Phase == StepPhase.Failed);
        if (failed is not null) return failed;
        var waiting = results.Aggregate((StepOutcome?)null, ComponentDelivery.MoreUrgent);
        if (waiting is not null) return waiting;
        return StepOutcome.Succeeded($"deployed to {string.Join(", ", deployments.Select(d => d.Placement))}");
    }

    /// <summary>Applies the deployment's components in dependency order; a component waits until what it depends on is healthy there.</summary>
    private async Task<StepOutcome?> DeployToAsync(Application app, Deployment deployment, StepState step, CancellationToken ct)
    {
        var healthy = new HashSet<string>(StringComparer.Ordinal);
        StepOutcome? pending = null;
        var placement = deployment.Placement;
        foreach (var rendered in deployment.Components)
        {
            var dependsOn = app.FindComponent(rendered.Name)?.DependsOn ?? [];
            if (dependsOn.Any(d => !healthy.Contains(d)))
            {
                var absent = dependsOn.Where(d => deployment.Components.All(c => c.Name != d)).ToList();
                pending ??= StepOutcome.Waiting($"component '{rendered.Name}' waits for {string.Join(", ", dependsOn.Where(d => !healthy.Contains(d)))} in {placement}"
                    + (absent.Count == 0 ? "" : $"; this deploy step does not deploy {string.Join(", ", absent)} (Terraform components are left out while ignoreTerraformComponent is true, as in KubeVela)"));
                continue;
            }
            var outcome = await ComponentDelivery.ApplyAndCheckAsync(run, rendered, placement.Cluster, ct, step).ConfigureAwait(false);
            if (outcome is null) healthy.Add(rendered.Name);
            else if (outcome.Phase == StepPhase.Failed) return outcome;
            else pending = ComponentDelivery.MoreUrgent(pending, outcome);
        }
        return pending;
    }
}

/// <summary><c>apply-object</c>: applies <c>value</c> as is (labelled as the application's, so it is collected with it).</summary>
internal sealed class ApplyObjectStep(DeliveryRun run) : IStepExecutor
{
    public string Type => "apply-object";

    public async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (ApplyObjectSpec)context.Spec;
        if (spec.Value.Count == 0) return StepOutcome.Failed("value must be an object");
        var value = (JsonObject)spec.Value.DeepClone();
        var cluster = run.ClusterOf(spec.Cluster);
        var metadata = value["metadata"] as JsonObject ?? new JsonObject();
        value["metadata"] = metadata;
        if (metadata["name"] is null) return StepOutcome.Failed("value.metadata.name is required");
        if (metadata["namespace"] is null && !KnownKinds.IsClusterScoped(value["kind"]?.GetValue<string>() ?? "")) metadata["namespace"] = context.Application.Namespace;
        var labels = metadata["labels"] as JsonObject ?? new JsonObject();
        metadata["labels"] = labels;
        labels[KubeVelaLabels.AppName] = context.Application.Name;
        labels[KubeVelaLabels.AppNamespace] = context.Application.Namespace;
        labels[KubeVelaLabels.ManagedBy] = KubeVelaLabels.ManagedByValue;
        var manifest = new RenderedManifest(value, context.Application.Name, context.Step.Name, null, null);
        var report = await run.Gateway.ApplyAsync(cluster, [manifest], run.Force, cancellationToken).ConfigureAwait(false);
        run.RecordApplied(cluster, report.Objects);
        if (!report.Succeeded)
            return report.Objects.FirstOrDefault(o => o.Action == ApplyAction.Waiting) is { } w
                ? StepOutcome.Waiting(w.Message ?? "waiting for the object's definition")
                : StepOutcome.From(report.Problems, "Apply");
        return StepOutcome.Succeeded($"applied {manifest.Kind}/{manifest.Name}", new JsonObject { ["value"] = value.DeepClone() });
    }
}

/// <summary><c>read-object</c>: reads an object; the step's output is <c>{value: object}</c>.</summary>
internal sealed class ReadObjectStep(DeliveryRun run) : IStepExecutor
{
    public string Type => "read-object";

    public async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (ReadObjectSpec)context.Spec;
        var (apiVersion, kind, name) = (spec.ApiVersion, spec.Kind, spec.Name);
        if (name.Length == 0) return StepOutcome.Failed("name is required");
        var ns = spec.Namespace ?? context.Application.Namespace;
        var cluster = run.ClusterOf(spec.Cluster);
        var obj = await run.Gateway.GetAsync(cluster, apiVersion, kind, KnownKinds.IsClusterScoped(kind) ? null : ns, name, cancellationToken).ConfigureAwait(false);
        if (obj is null) return StepOutcome.Failed($"{kind} {ns}/{name} was not found");
        var read = StepOutcome.Succeeded($"read {kind}/{name}", new JsonObject { ["value"] = obj });
        // A Secret's content may flow to later steps, but the record keeps only where it came from.
        return kind == "Secret" && apiVersion == "v1" ? read with { SecretSource = $"Secret {ns}/{name}" } : read;
    }
}

/// <summary>
/// <c>depends-on-app</c> (vela-templates/definitions/internal/workflowstep/depends-on-app.cue): waits until another
/// application (its record in <c>namespace</c>) is running and healthy. When it does not exist, it is created as KubeVela
/// creates it: from the ConfigMap of the same name and namespace, whose data key <c>application</c> holds the Application
/// YAML. An application created so keeps its spec in its record (a root, reconciled again from the cluster), and this step
/// delivers it pass by pass until it runs, since no controller does. Without such a ConfigMap the step waits for the
/// application to be delivered by its own source.
/// </summary>
internal sealed class DependsOnAppStep(DeliveryRun run) : IStepExecutor
{
    /// <summary>The ConfigMap data key KubeVela reads the Application YAML from.</summary>
    public const string ApplicationKey = "application";

    /// <summary>How deep applications created by depends-on-app may create applications.</summary>
    private const int MaxDepth = 5;

    public string Type => "depends-on-app";

    public async Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var spec = (DependsOnAppSpec)context.Spec;
        var name = spec.Name;
        var ns = spec.Namespace.Length > 0 ? spec.Namespace : context.Application.Namespace;
        if (name.Length == 0) return StepOutcome.Failed("name is required");
        if (name == context.Application.Name && ns == context.Application.Namespace) return StepOutcome.Failed($"application {ns}/{name} cannot depend on itself");
        if (run.Records is null) return StepOutcome.Failed("no record store to read the application from");
        var record = await run.Records.LoadAsync(ns, name, cancellationToken).ConfigureAwait(false);
        var from = CreatedFrom(ns, name);
        if (record is null)
        {
            var configMap = await run.Gateway.GetAsync(run.Gateway.LocalCluster, "v1", "ConfigMap", ns, name, cancellationToken).ConfigureAwait(false);
            if (configMap is null)
                return StepOutcome.Waiting($"waiting for application {ns}/{name} to be delivered (no ConfigMap {ns}/{name} with its spec under data.{ApplicationKey} to create it from)");
            var (app, refused) = Read(configMap, ns, name);
            if (app is null) return StepOutcome.Failed(refused!);
            return await DeliverAsync(app, from, cancellationToken).ConfigureAwait(false);
        }
        if (record.Phase == ApplicationPhase.Running && record.Healthy == true) return StepOutcome.Succeeded($"application {ns}/{name} is running");
        // Created by this step from its ConfigMap: nothing else delivers it, so each pass of this step is a pass of it.
        if (record.Source == from && record.Root is not null && record.Workflow?.Finished != true)
        {
            var load = RecordedRoot.Load(record);
            if (load.Applications.Count == 1 && load.Problems.Count == 0) return await DeliverAsync(load.Applications[0], from, cancellationToken).ConfigureAwait(false);
        }
        return StepOutcome.Waiting($"waiting for application {ns}/{name}: {record.Phase.ToKubeVela()}{(record.Message is null ? "" : ", " + record.Message)}");
    }

    private static string CreatedFrom(string ns, string name) => $"ConfigMap {ns}/{name}";

    /// <summary>The one Application the ConfigMap's <c>data.application</c> holds, named as the step names it; or why not.</summary>
    private static (Application? App, string? Refused) Read(JsonObject configMap, string ns, string name)
    {
        var file = $"ConfigMap {ns}/{name} data.{ApplicationKey}";
        if (configMap["data"]?[ApplicationKey] is not JsonValue value || !value.TryGetValue<string>(out var text) || text.Trim().Length == 0)
        {
            var keys = (configMap["data"] as JsonObject)?.Select(kv => kv.Key).ToList() ?? [];
            return (null, $"ConfigMap {ns}/{name} has no data key '{ApplicationKey}' (it has {(keys.Count == 0 ? "no data keys" : string.Join(", ", keys.Select(k => $"'{k}'")))}); "
                + $"depends-on-app creates application {ns}/{name} from the Application YAML under data.{ApplicationKey}");
        }
        var load = ApplicationLoader.LoadText(text, file);
        if (load.Problems.Count > 0) return (null, string.Join("; ", load.Problems.Select(p => p.ToString())));
        if (load.Applications.Count != 1)
            return (null, $"{file}: holds {load.Applications.Count} KubeVela Applications; expected exactly one (apiVersion core.oam.dev/v1beta1, kind Application) named {name}");
        var app = load.Applications[0];
        var written = app.Document["metadata"]?["namespace"] is not null;
        if (app.Name != name || (written && app.Namespace != ns))
            return (null, $"{app.Location}: the application is {app.Namespace}/{app.Name}; the step depends on {ns}/{name}, so the ConfigMap must hold an application of that name{(written ? " and namespace" : "")}");
        if (written || ns == app.Namespace) return (app, null);
        // No namespace written: the application goes where the step looks for it (the ConfigMap's namespace).
        var document = (JsonObject)app.Document.DeepClone();
        ((JsonObject)document["metadata"]!)["namespace"] = ns;
        var again = ApplicationLoader.LoadText(Yaml.YamlWriter.Write(document), file);
        return again.Applications.Count == 1 && again.Problems.Count == 0 ? (again.Applications[0], null) : (null, string.Join("; ", again.Problems.Select(p => p.ToString())));
    }

    private async Task<StepOutcome> DeliverAsync(Application app, string from, CancellationToken ct)
    {
        if (run.DeliverApplication is not { } deliver) return StepOutcome.Failed($"application {app.Namespace}/{app.Name} cannot be created here (no delivery)");
        if (run.Depth >= MaxDepth) return StepOutcome.Failed($"depends-on-app creates applications more than {MaxDepth} levels deep; stopping at {app.Namespace}/{app.Name}");
        var root = RecordedRoot.Of(app, out var refused);
        if (refused is not null) run.Output.Warning($"{app}: {refused}");
        var (record, problems) = await deliver(app, from, root, run.Depth + 1, ct).ConfigureAwait(false);
        if (record is null)
            return StepOutcome.Failed($"application {app.Namespace}/{app.Name} from {from} cannot be delivered: {string.Join("; ", problems.Select(p => p.ToString()))}");
        if (record.Phase == ApplicationPhase.Running && record.Healthy == true) return StepOutcome.Succeeded($"application {app.Namespace}/{app.Name} (created from {from}) is running");
        if (record.Phase == ApplicationPhase.WorkflowFailed)
            return StepOutcome.Waiting($"application {app.Namespace}/{app.Name} (created from {from}): {record.Phase.ToKubeVela()}{(record.Message is null ? "" : ", " + record.Message)}");
        return StepOutcome.Waiting($"waiting for application {app.Namespace}/{app.Name} (created from {from}): {record.Phase.ToKubeVela()}{(record.Message is null ? "" : ", " + record.Message)}");
    }
}
