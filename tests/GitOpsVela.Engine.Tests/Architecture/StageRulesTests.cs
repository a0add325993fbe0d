using ArchUnitNET.Domain;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using GitOpsVela.Engine.Rendering;
using Xunit;

namespace GitOpsVela.Engine.Tests.Architecture;

/// <summary>
/// The engine's folders form one line (docs/ARCHITECTURE.md): each stage uses only what earlier stages produce, Images
/// stands beside the line, the composition root is used by nothing in the engine, and no two namespaces use each other.
/// </summary>
public sealed class StageRulesTests
{
    private static readonly ArchUnitNET.Domain.Architecture Engine =
        new ArchLoader().LoadAssemblies(typeof(ApplicationRenderer).Assembly).Build();

    [Fact]
    public void No_stage_uses_a_later_stage()
    {
        var violations = StageRules.Violations(Engine, "GitOpsVela.Engine");
        Assert.True(violations.Count == 0, "stage rule broken:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void Every_engine_namespace_belongs_to_a_known_stage()
    {
        var unknown = Engine.Types.Select(t => t.Namespace.FullName)
            .Where(n => n.StartsWith("GitOpsVela.Engine.", StringComparison.Ordinal))
            .Select(n => n["GitOpsVela.Engine.".Length..].Split('.')[0])
            .Where(s => StageRules.Rank(s) is null).Distinct().ToList();
        Assert.True(unknown.Count == 0, "folders outside the stage line: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Namespaces_are_free_of_cycles() =>
        SliceRuleDefinition.Slices().Matching("GitOpsVela.Engine.(**)").Should().BeFreeOfCycles().Check(Engine);

    [Fact]
    public void The_rules_catch_a_stage_that_uses_a_later_one()
    {
        // Architecture/Sample (in this test assembly) has a Rendering type that uses an Execution type on purpose.
        var tests = new ArchLoader().LoadAssemblies(typeof(StageRulesTests).Assembly).Build();
        var violations = StageRules.Violations(tests, "GitOpsVela.Engine.Tests.Architecture.Sample");
        var violation = Assert.Single(violations);
        Assert.Contains("Rendering", violation);
        Assert.Contains("Execution", violation);
    }
}

/// <summary>The stage line as data: what each folder may use.</summary>
internal static class StageRules
{
    /// <summary>Foundation first, then the stages in the order data flows through them; Composition last.</summary>
    private static readonly string[] Line =
        ["Diagnostics", "Yaml", "Semantics", "Kube", "Sources", "Loading", "Rendering", "Planning", "Execution", "Status", "Composition"];

    /// <summary>Images stands beside the line: it may use these, and only Composition may use it.</summary>
    private static readonly string[] ImagesUses = ["Diagnostics", "Yaml", "Semantics", "Kube", "Sources", "Loading", "Images"];

    public static int? Rank(string stage) => stage == "Images" ? -1 : Array.IndexOf(Line, stage) is var i and >= 0 ? i : null;

    public static IReadOnlyList<string> Violations(ArchUnitNET.Domain.Architecture architecture, string root)
    {
        var prefix = root + ".";
        string? Stage(IType type) => type?.Namespace?.FullName is not null && type.Namespace.FullName.StartsWith(prefix, StringComparison.Ordinal)
            ? type.Namespace.FullName[prefix.Length..].Split('.')[0] : null;
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in architecture.Types)
        {
            var from = Stage(type);
            if (from is null || Rank(from) is null) continue;
            foreach (var dependency in type.Dependencies)
            {
                var to = Stage(dependency.Target);
                if (to is null || to == from || Rank(to) is null) continue;
                if (!Allowed(from, to)) found.Add($"{from} -> {to}: {type.FullName} uses {dependency.Target.FullName}");
            }
        }
        return found.ToList();
    }

    private static bool Allowed(string from, string to)
    {
        if (from == "Images") return ImagesUses.Contains(to);
        if (to == "Images") return from == "Composition";
        return Rank(to) < Rank(from);
    }
}

/// <summary>The problem id catalogue is one scheme, unique, and documented.</summary>
public sealed class ErrorIdCatalogueTests
{
    private static IReadOnlyList<(string Field, string Id)> Ids() =>
        typeof(Diagnostics.ErrorIds).GetNestedTypes()
            .SelectMany(area => area.GetFields().Where(f => f.IsLiteral).Select(f => ($"{area.Name}.{f.Name}", (string)f.GetRawConstantValue()!)))
            .ToList();

    [Fact]
    public void Every_id_is_Area_dot_Problem_matching_its_constant_and_unique()
    {
        var ids = Ids();
        Assert.True(ids.Count > 50);
        Assert.All(ids, i => Assert.Equal(i.Field, i.Id));
        Assert.Equal(ids.Count, ids.Select(i => i.Id).Distinct().Count());
    }

    [Fact]
    public void Every_id_is_documented_in_the_architecture_guide()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "GitOpsVela.sln"))) root = Path.GetDirectoryName(root)!;
        var doc = File.ReadAllText(Path.Combine(root, "docs", "ARCHITECTURE.md"));
        var missing = Ids().Where(i => !doc.Contains($"| `{i.Id}` |", StringComparison.Ordinal)).Select(i => i.Id).ToList();
        Assert.True(missing.Count == 0, "not in docs/ARCHITECTURE.md: " + string.Join(", ", missing));
    }
}
