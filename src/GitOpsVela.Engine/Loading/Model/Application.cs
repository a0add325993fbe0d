using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Loading.Model;

/// <summary>
/// A KubeVela <c>Application</c> (core.oam.dev/v1beta1) as read from a file. Every part keeps its
/// YAML node, so fields this model does not name are kept, and every problem can point at file:line:column.
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

    /// <summary>The whole document as read, unknown fields included.</summary>
    public required YamlMapping Node { get; init; }

    public Component? FindComponent(string name) => Components.FirstOrDefault(c => c.Name == name);

    public override string ToString() => $"{Namespace}/{Name}";
}

public sealed class Component
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    /// <summary>spec.components[].properties (empty when absent).</summary>
    public required YamlMapping Properties { get; init; }

    public IReadOnlyList<Trait> Traits { get; init; } = [];

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public IReadOnlyList<StepInput> Inputs { get; init; } = [];

    public IReadOnlyList<StepOutput> Outputs { get; init; } = [];

    public string? ExternalRevision { get; init; }

    public required YamlMapping Node { get; init; }

    public SourceLocation Location => Node.Location;
}

public sealed class Trait
{
    public required string Type { get; init; }

    public required YamlMapping Properties { get; init; }

    public required YamlMapping Node { get; init; }

    public SourceLocation Location => Node.Location;
}

public sealed class Policy
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public required YamlMapping Properties { get; init; }

    public required YamlMapping Node { get; init; }

    public SourceLocation Location => Node.Location;
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

    public required YamlMapping Node { get; init; }
}

public sealed class WorkflowStep
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public required YamlMapping Properties { get; init; }

    public IReadOnlyList<WorkflowStep> SubSteps { get; init; } = [];

    public string? If { get; init; }

    /// <summary>Go duration text as written (<c>30s</c>, <c>5m</c>); parsed by the workflow engine.</summary>
    public string? Timeout { get; init; }

    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public IReadOnlyList<StepInput> Inputs { get; init; } = [];

    public IReadOnlyList<StepOutput> Outputs { get; init; } = [];

    /// <summary>meta.alias.</summary>
    public string? Alias { get; init; }

    public required YamlMapping Node { get; init; }

    public SourceLocation Location => Node.Location;
}
