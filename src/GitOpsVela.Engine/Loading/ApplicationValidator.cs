using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Loading.Schemas;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Semantics;

namespace GitOpsVela.Engine.Loading;

/// <summary>
/// What KubeVela's admission webhook would reject in the application's own structure, checked without a cluster or definitions:
/// duplicate names, <c>dependsOn</c> that names nothing or goes round in a cycle,
/// policies, workflow steps (types, properties, the components and policies they name, <c>if</c>/<c>valueFrom</c>
/// expressions, timeouts, step dependencies). Component and trait properties are checked against their definitions by
/// the definitions (<c>DefinitionCheck</c>). Each problem names file:line:column, the application, the component and the property.
/// </summary>
internal static class ApplicationValidator
{
    /// <param name="cluster">Definitions read from the cluster being delivered to (the application's own come first).</param>
    public static IReadOnlyList<VelaProblem> Validate(Application app, DefinitionCatalogue? cluster = null)
    {
        var problems = new List<VelaProblem>();
        void Add(string message, SourceLocation location, string? component = null, string? property = null, string id = ErrorIds.Load.ApplicationInvalid) =>
            problems.Add(new VelaProblem(id, ProblemCategory.InvalidData, message, location, app.Name, component, property));

        CheckNames(app, Add);
        CheckComponents(app, Add);
        CheckPolicies(app, problems, Add);
        CheckWorkflow(app, app.Definitions.Then(cluster), Add);
        return problems;
    }

    private delegate void Reporter(string message, SourceLocation location, string? component = null, string? property = null, string id = ErrorIds.Load.ApplicationInvalid);

    private static void CheckComponents(Application app, Reporter add)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var component in app.Components)
        {
            if (!seen.Add(component.Name))
                add($"component name '{component.Name}' is used more than once", component.Source.ValueLocation("name"), component.Name, "name");
            if (!IsDnsLabel(component.Name))
                add($"component name '{component.Name}' must be a lowercase RFC 1123 name (a-z, 0-9, '-'; at most 63 characters)", component.Source.ValueLocation("name"), component.Name, "name");

            // The same trait type may be attached more than once (KubeVela renders each in order; its own usage example
            // application-with-startup-probe attaches startup-probe twice, once per container).

            foreach (var dep in component.DependsOn)
            {
                if (dep == component.Name) add("a component cannot depend on itself", component.Source.ValueLocation("dependsOn"), component.Name, "dependsOn");
                else if (app.FindComponent(dep) is null)
                    add($"dependsOn names '{dep}', which is not a component of this application", component.Source.ValueLocation("dependsOn"), component.Name, "dependsOn");
            }
        }

        var cycle = FindCycle(app.Components.Select(c => c.Name).Distinct(), name => app.FindComponent(name)?.DependsOn ?? []);
        if (cycle is not null)
        {
            var first = app.FindComponent(cycle[0])!;
            add($"components depend on each other in a cycle: {string.Join(" -> ", cycle)}", first.Source.ValueLocation("dependsOn"), first.Name, "dependsOn");
        }
    }

    private static void CheckPolicies(Application app, List<VelaProblem> problems, Reporter add)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var policy in app.Policies)
        {
            if (!seen.Add(policy.Name)) add($"policy name '{policy.Name}' is used more than once", policy.Source.ValueLocation("name"), property: $"policies[{policy.Name}]");
            if (!BuiltInSchemas.Policies.TryGetValue(policy.Type, out var schema))
            {
                add($"unknown policy type '{policy.Type}' (known: {string.Join(", ", BuiltInSchemas.Policies.Keys.Order(StringComparer.Ordinal))})",
                    policy.Source.ValueLocation("type"), property: $"policies[{policy.Name}].type", id: ErrorIds.Load.PolicyTypeUnknown);
                continue;
            }
            problems.AddRange(SchemaValidator.Validate(policy.Properties, policy.PropertiesSource, schema, $"policy type '{policy.Type}'", app.Name, null,
                $"policies[{policy.Name}].properties", policy.Source.KeyLocation("properties")));
            if (policy.Spec is OverrideSpec overrides)
            {
                foreach (var patch in overrides.Components)
                {
                    if (patch.Name is not { } name) continue;
                    var where = $"policies[{policy.Name}].properties.components";
                    if (ComponentPatch.NamePattern(name) is null)
                        add($"override policy '{policy.Name}': name '{name}' is not a regular expression ('*' stands for '.*')", patch.Source.ValueLocation("name"), property: where);
                    else if (!ComponentPatch.Selects(name, app.Components.Select(c => c.Name)).Any() && (patch.Type is null || !ComponentPatch.AddsComponent(name)))
                        add($"override policy '{policy.Name}' names component '{name}', which matches no component of this application; " +
                            "KubeVela adds such an entry as a new component, which needs a type and a lowercase name",
                            patch.Source.ValueLocation("name"), property: where);
                }
            }
            if (policy.Spec is TopologySpec { Clusters.Count: 0, ClusterLabelSelector: null, AllowEmpty: false })
                add($"topology policy '{policy.Name}' lists no clusters", policy.PropertiesSource.ValueLocation("clusters"), property: $"policies[{policy.Name}].properties.clusters");
        }
    }

    private static void CheckWorkflow(Application app, DefinitionCatalogue definitions, Reporter add)
    {
        if (app.Workflow is not { } workflow) return;
        var all = workflow.Steps.SelectMany(s => new[] { s }.Concat(s.SubSteps)).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in all)
            if (!names.Add(step.Name)) add($"workflow step name '{step.Name}' is used more than once", step.Source.ValueLocation("name"), property: $"workflow.steps[{step.Name}]");

        var outputs = new HashSet<string>(all.SelectMany(s => s.Outputs).Select(o => o.Name).Concat(app.Components.SelectMany(c => c.Outputs).Select(o => o.Name)), StringComparer.Ordinal);
        foreach (var step in workflow.Steps) CheckStep(app, step, parent: null, names, outputs, definitions, add);

        var cycle = FindCycle(workflow.Steps.Select(s => s.Name), n => workflow.Steps.FirstOrDefault(s => s.Name == n)?.DependsOn ?? []);
        if (cycle is not null)
            add($"workflow steps depend on each other in a cycle: {string.Join(" -> ", cycle)}", workflow.Source.Location, property: "workflow.steps");
        foreach (var group in workflow.Steps.Where(s => s.SubSteps.Count > 0))
        {
            var subCycle = FindCycle(group.SubSteps.Select(s => s.Name), n => group.SubSteps.FirstOrDefault(s => s.Name == n)?.DependsOn ?? []);
            if (subCycle is not null)
                add($"sub-steps of '{group.Name}' depend on each other in a cycle: {string.Join(" -> ", subCycle)}", group.Location, property: $"workflow.steps[{group.Name}].subSteps");
        }
    }

    private static void CheckStep(Application app, WorkflowStep step, WorkflowStep? parent, HashSet<string> names, HashSet<string> outputs,
        DefinitionCatalogue definitions, Reporter add)
    {
        var where = parent is null ? $"workflow.steps[{step.Name}]" : $"workflow.steps[{parent.Name}].subSteps[{step.Name}]";
        if (!BuiltInSchemas.Steps.TryGetValue(step.Type, out var schema))
        {
            var known = string.Join(", ", BuiltInSchemas.Steps.Keys.Order(StringComparer.Ordinal));
            if (definitions.Find(DefinitionKind.WorkflowStep, step.Type, app.Namespace).Found is { } defined)
                add($"workflow step type '{step.Type}' is defined by {defined.Describe()}, which GitOpsVela cannot run: it is written in CUE "
                    + $"(schematic {defined.Schematic.Name}) and GitOpsVela has no CUE engine; it runs KubeVela's built-in step types ({known})",
                    step.Source.ValueLocation("type"), property: $"{where}.type", id: ErrorIds.Render.DefinitionUnsupported);
            else
                add($"unknown workflow step type '{step.Type}' (known: {known})",
                    step.Source.ValueLocation("type"), property: $"{where}.type", id: ErrorIds.Load.StepTypeUnknown);
        }
        else
        {
            // What the step's inputs set (parameterKey) is there when it runs, as in KubeVela, which checks the parameter
            // after the inputs are filled in: a required property an input provides is not missing.
            var provided = step.Inputs.Where(i => !string.IsNullOrEmpty(i.ParameterKey)).Select(i => $"{where}.properties.{i.ParameterKey}").ToList();
            foreach (var p in SchemaValidator.Validate(step.Properties, step.PropertiesSource, schema, $"step type '{step.Type}'", app.Name, null, $"{where}.properties",
                step.Source.KeyLocation("properties")))
            {
                if (p.Message.StartsWith("is required by ", StringComparison.Ordinal) && p.Property is { } missing
                    && provided.Any(k => k == missing || k.StartsWith(missing + ".", StringComparison.Ordinal)))
                    continue;
                add(p.Message, p.Location, property: p.Property, id: ErrorIds.Load.StepInvalid);
            }
        }

        if (step.SubSteps.Count > 0 && step.Type != "step-group")
            add($"only step-group steps can have subSteps, not '{step.Type}'", step.Source.ValueLocation("subSteps"), property: $"{where}.subSteps");
        if (parent is not null && step.Type == "step-group")
            add("a step-group cannot be nested inside another step-group", step.Source.ValueLocation("type"), property: $"{where}.type");

        switch (step.Type)
        {
            case "apply-component" when step.Spec is ApplyComponentSpec { Component.Length: > 0 } apply && app.FindComponent(apply.Component) is null:
                add($"step '{step.Name}' applies component '{apply.Component}', which is not a component of this application",
                    step.PropertiesSource.ValueLocation("component"), property: $"{where}.properties.component");
                break;
            case "deploy" when step.Spec is DeploySpec deploy:
                for (var i = 0; i < deploy.Policies.Count; i++)
                {
                    var name = deploy.Policies[i];
                    var location = step.PropertiesSource.Child("policies").Item(i).Location;
                    var policy = app.FindPolicy(name);
                    if (policy is null)
                        add($"step '{step.Name}' names policy '{name}', which is not a policy of this application", location, property: $"{where}.properties.policies");
                    else if (policy.Spec is not (TopologySpec or OverrideSpec or ReplicationSpec))
                        add($"step '{step.Name}' names policy '{name}' of type '{policy.Type}'; deploy takes topology, override and replication policies", location, property: $"{where}.properties.policies");
                }
                break;
            case "apply-terraform-provider" when step.Spec is ApplyTerraformProviderSpec { Type: "azure" }:
                add("apply-terraform-provider cannot configure Azure: KubeVela's #AzureProvider has no type field, so the step cannot name its config template (terraform-<type>); KubeVela v1.10.9 fails the same way",
                    step.PropertiesSource.Location, property: $"{where}.properties", id: ErrorIds.Load.StepInvalid);
                break;
            case "apply-terraform-provider" when app.Namespace != Application.DefaultNamespace:
                add($"apply-terraform-provider would wait forever in namespace '{app.Namespace}': KubeVela's terraform provider config templates (kubevela/catalog addons/terraform-<cloud>) "
                    + "create the Provider in namespace default, and the step waits for it in the application's namespace; deliver this application in namespace default",
                    step.Source.ValueLocation("type"), property: $"{where}.type", id: ErrorIds.Load.StepInvalid);
                break;
            case "suspend" when step.Properties["duration"] is JsonValue d && d.TryGetValue<string>(out var duration) && !GoDuration.TryParse(duration, out _, out var durationError):
                add($"suspend duration '{duration}' is not a duration: {durationError}", step.PropertiesSource.ValueLocation("duration"), property: $"{where}.properties.duration");
                break;
        }

        if (step.Timeout is { } timeout && !GoDuration.TryParse(timeout, out _, out var timeoutError))
            add($"timeout '{timeout}' is not a duration: {timeoutError}", step.Source.ValueLocation("timeout"), property: $"{where}.timeout");

        if (step.If is { } condition && condition != "always")
        {
            if (!Expression.TryParse(condition, out var expr, out var error))
                add($"if '{condition}' cannot be parsed: {error}", step.Source.ValueLocation("if"), property: $"{where}.if");
            else
            {
                foreach (var root in expr!.Roots.Where(r => r is not ("status" or "inputs" or "context")))
                    add($"if '{condition}' refers to '{root}'; conditions may use status, inputs and context", step.Source.ValueLocation("if"), property: $"{where}.if");
                foreach (var path in expr.Paths.Where(p => p.Count > 1 && p[0] == "status" && !names.Contains(p[1])))
                    add($"if '{condition}' refers to step '{path[1]}', which is not a step of this workflow", step.Source.ValueLocation("if"), property: $"{where}.if");
            }
        }

        var siblings = parent is null ? app.Workflow!.Steps : parent.SubSteps;
        foreach (var dep in step.DependsOn)
            if (siblings.All(s => s.Name != dep))
                add($"dependsOn names '{dep}', which is not a step at the same level", step.Source.ValueLocation("dependsOn"), property: $"{where}.dependsOn");

        foreach (var input in step.Inputs)
            if (!outputs.Contains(input.From))
                add($"input from '{input.From}' names no output of any step or component", input.Location, property: $"{where}.inputs");
        foreach (var output in step.Outputs)
            if (!Expression.TryParse(output.ValueFrom, out _, out var error))
                add($"output '{output.Name}' valueFrom cannot be parsed: {error}", output.Location, property: $"{where}.outputs");

        foreach (var sub in step.SubSteps) CheckStep(app, sub, step, names, outputs, definitions, add);
    }

    /// <summary>The first cycle among the nodes (as a path that ends where it starts), or null.</summary>
    public static IReadOnlyList<string>? FindCycle(IEnumerable<string> nodes, Func<string, IReadOnlyList<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var stack = new List<string>();
        IReadOnlyList<string>? Visit(string node)
        {
            state[node] = 1;
            stack.Add(node);
            foreach (var next in edges(node))
            {
                if (!state.TryGetValue(next, out var s))
                {
                    if (Visit(next) is { } found) return found;
                }
                else if (s == 1)
                {
                    var start = stack.IndexOf(next);
                    return stack.Skip(start).Append(next).ToList();
                }
            }
            stack.RemoveAt(stack.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in nodes)
            if (!state.ContainsKey(node) && Visit(node) is { } cycle) return cycle;
        return null;
    }

    /// <summary>
    /// The application's name and namespace as Kubernetes checks them, before anything is applied: the name is a DNS-1123
    /// subdomain that also fits a label value (KubeVela labels every object with it, at most 63 characters); the namespace a
    /// DNS-1123 label.
    /// </summary>
    private static void CheckNames(Application app, Reporter add)
    {
        var metadata = app.Source.Child("metadata");
        if (!IsDnsSubdomain(app.Name) || app.Name.Length > 63)
            add($"application name '{Shorten(app.Name)}' is not a valid Kubernetes name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 63 characters (it becomes the app.oam.dev/name label)",
                metadata.ValueLocation("name"), property: "metadata.name");
        if (!IsDnsLabel(app.Namespace))
            add($"namespace '{Shorten(app.Namespace)}' is not a valid Kubernetes namespace: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
                metadata.ValueLocation("namespace"), property: "metadata.namespace");
    }

    private static string Shorten(string text) => text.Length <= 70 ? text : text[..67] + "...";

    private static bool IsDnsSubdomain(string name) =>
        name.Length is > 0 and <= 253 && name.Split('.').All(IsDnsLabel);

    private static bool IsDnsLabel(string name) =>
        name.Length is > 0 and <= 63 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') && name[0] != '-' && name[^1] != '-';

}
