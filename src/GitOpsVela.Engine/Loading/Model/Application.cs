using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Engine.Loading.Model;

/// <summary>
/// A KubeVela <c>Application</c> (core.oam.dev/v1beta1) as read from a file: names, components with their properties as
/// plain JSON, policies and workflow steps typed (<see cref="PolicySpec"/>, <see cref="StepSpec"/>), and where each part
/// was written (<see cref="SourceMap"/>), so every problem can point at file:line:column. Later stages read this model,
/// never the YAML.
/// </summary>
public sealed class Application
{
    public const string DefaultNamespace = "default";

    public required string Name { get; init; }

    /// <summary>metadata.namespace, or <see cref="DefaultNamespace"/> when the file names none.</summary>
    public required string Namespace { get; init; }

    public required string ApiVersion { get; init; }

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<Component> Components { get; init; } = [];

    public IReadOnlyList<Policy> Policies { get; init; } = [];

    public Workflow? Workflow { get; init; }

    /// <summary>The file the application was read from (empty for text read from elsewhere).</summary>
    public string File => Location.File;

    /// <summary>Where the document starts.</summary>
    public required SourceLocation Location { get; init; }

    /// <summary>Index of the document within its file (0 for the first).</summary>
    public int DocumentIndex { get; init; }

    private readonly Lazy<JsonObject> _document = new(() => []);

    /// <summary>The whole document as plain JSON, unknown fields included (what <c>kubectl get -o json</c> would show of it); read on first use.</summary>
    public JsonObject Document => _document.Value;

    /// <summary>Makes <see cref="Document"/> (the loader passes the conversion, so files that are only rendered never pay for it).</summary>
    public required Func<JsonObject> DocumentReader { init => _document = new Lazy<JsonObject>(value); }

    /// <summary>Where the parts of the document were written.</summary>
    public required SourceMap Source { get; init; }

    /// <summary>
    /// The definitions read with the application (the other documents of the files it was loaded from, and those of the
    /// application whose source brought it in). Definitions from a cluster are added when it is delivered or checked there.
    /// </summary>
    internal DefinitionCatalogue Definitions { get; set; } = DefinitionCatalogue.Empty;

    public Component? FindComponent(string name)
    {
        foreach (var c in Components)
            if (c.Name == name) return c;
        return null;
    }

    public Policy? FindPolicy(string name)
    {
        foreach (var p in Policies)
            if (p.Name == name) return p;
        return null;
    }

    /// <summary>The policies of one kind (topology, override, ...), in the order written.</summary>
    public IEnumerable<T> PoliciesOf<T>() where T : PolicySpec => Policies.Select(p => p.Spec).OfType<T>();

    public override string ToString() => $"{Namespace}/{Name}";
}

public sealed class Component
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    /// <summary>spec.components[].properties as plain JSON (empty when absent); the component type's parameters.</summary>
    public required JsonObject Properties { get; init; }

    public IReadOnlyList<Trait> Traits { get; init; } = [];

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public IReadOnlyList<StepInput> Inputs { get; init; } = [];

    public IReadOnlyList<StepOutput> Outputs { get; init; } = [];

    public string? ExternalRevision { get; init; }

    /// <summary>Where the component (its keys: name, type, properties, dependsOn, ...) was written.</summary>
    public required SourceMap Source { get; init; }

    public SourceLocation Location => Source.Location;

    /// <summary>Where its properties were written.</summary>
    public SourceMap PropertiesSource => Source.Child("properties");
}

public sealed class Trait
{
    public required string Type { get; init; }

    public required JsonObject Properties { get; init; }

    public required SourceMap Source { get; init; }

    public SourceLocation Location => Source.Location;

    public SourceMap PropertiesSource => Source.Child("properties");
}

/// <summary>One entry of spec.policies: its name and type, its properties typed by <see cref="Spec"/>.</summary>
public sealed class Policy
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    /// <summary>The properties, typed; <see cref="CustomPolicySpec"/> for a type GitOpsVela does not know.</summary>
    public required PolicySpec Spec { get; init; }

    /// <summary>The properties as written (what validation checks); later stages read <see cref="Spec"/>.</summary>
    public required JsonObject Properties { get; init; }

    public required SourceMap Source { get; init; }

    public SourceLocation Location => Source.Location;

    public SourceMap PropertiesSource => Source.Child("properties");
}

/// <summary><c>inputs: - from: name, parameterKey: a.b</c>.</summary>
public sealed record StepInput(string From, string? ParameterKey, SourceLocation Location);

/// <summary><c>outputs: - name: x, valueFrom: expression</c>.</summary>
public sealed record StepOutput(string Name, string ValueFrom, SourceLocation Location);

public enum WorkflowMode { StepByStep, DAG }

public sealed class Workflow
{
    public IReadOnlyList<WorkflowStep> Steps { get; init; } = [];

    /// <summary>spec.workflow.mode.steps; null when not set (StepByStep for a declared workflow).</summary>
    public WorkflowMode? Mode { get; init; }

    /// <summary>spec.workflow.mode.subSteps; null when not set (DAG).</summary>
    public WorkflowMode? SubStepMode { get; init; }

    /// <summary>spec.workflow.ref — a named Workflow object instead of inline steps.</summary>
    public string? Ref { get; init; }

    public required SourceMap Source { get; init; }
}

public sealed class WorkflowStep
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    /// <summary>The properties as plain JSON (inputs are set into them when the step runs).</summary>
    public required JsonObject Properties { get; init; }

    /// <summary>The properties, typed; <see cref="CustomStepSpec"/> for a type GitOpsVela does not know.</summary>
    public required StepSpec Spec { get; init; }

    public IReadOnlyList<WorkflowStep> SubSteps { get; init; } = [];

    public string? If { get; init; }

    /// <summary>Go duration text as written (<c>30s</c>, <c>5m</c>).</summary>
    public string? Timeout { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public IReadOnlyList<StepInput> Inputs { get; init; } = [];

    public IReadOnlyList<StepOutput> Outputs { get; init; } = [];

    /// <summary>meta.alias.</summary>
    public string? Alias { get; init; }

    public required SourceMap Source { get; init; }

    public SourceLocation Location => Source.Location;

    public SourceMap PropertiesSource => Source.Child("properties");
}
