using System.Management.Automation;
using System.Management.Automation.Language;
using System.Xml.Linq;
using GitOpsVela.Commands.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests.Help;

/// <summary>
/// Help for every cmdlet and parameter, with examples that parse (issue 2: "Help for every cmdlet and parameter,
/// with examples that run; about_GitOpsVela"). Reads the laid-out module, as Get-Help does.
/// </summary>
public sealed class HelpTests : IClassFixture<HelpTests.Session>
{
    public sealed class Session : IDisposable
    {
        public PowerShellSession PowerShell { get; } = new();
        public void Dispose() => PowerShell.Dispose();
    }

    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    // Cmdlets outside the module that the examples may use (pwsh's standard modules).
    private static readonly HashSet<string> StandardCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "ForEach-Object", "Where-Object", "Get-ChildItem", "Group-Object", "Select-Object", "New-TimeSpan", "Get-Credential",
    };

    private readonly PowerShellSession _ps;

    public HelpTests(Session session) => _ps = session.PowerShell;

    private static string HelpFile => Path.Combine(ModuleLocation.ModuleFolder, "en-US", "GitOpsVela.Commands.dll-Help.xml");

    private static Dictionary<string, XElement> MamlCommands() =>
        XDocument.Load(HelpFile).Root!.Elements(Command + "command")
            .ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim(), StringComparer.OrdinalIgnoreCase);

    private static string Paragraphs(XElement? element) =>
        element is null ? "" : string.Join(" ", element.Elements(Maml + "para").Select(p => p.Value.Trim())).Trim();

    private List<string> ExportedCmdlets() =>
        _ps.Run("(Get-Module GitOpsVela).ExportedCmdlets.Keys").ThrowOnError().Output.Select(o => o.ToString()).ToList();

    [Fact]
    public void Module_layout_carries_the_help_files()
    {
        Assert.True(File.Exists(HelpFile), HelpFile);
        Assert.True(File.Exists(Path.Combine(ModuleLocation.ModuleFolder, "en-US", "about_GitOpsVela.help.txt")));
    }

    [Fact]
    public void Get_Help_Full_shows_synopsis_every_parameter_and_examples_of_Get_VelaApplication()
    {
        var help = Assert.Single(_ps.Run("Get-Help Get-VelaApplication -Full").ThrowOnError().Output);

        Assert.StartsWith("Gets KubeVela applications", help.Properties["Synopsis"].Value.ToString());
        var parameters = _ps.Run("(Get-Help Get-VelaApplication -Full).parameters.parameter | ForEach-Object { $_.name + '=' + ($_.description | ForEach-Object { $_.Text }) }")
            .ThrowOnError().Output.Select(o => o.ToString()).ToList();
        foreach (var name in new[] { "Path", "LiteralPath", "Name", "Namespace" })
            Assert.Contains(parameters, p => p.StartsWith(name + "=", StringComparison.Ordinal) && p.Length > name.Length + 20);
        var examples = _ps.Run("(Get-Help Get-VelaApplication -Examples).examples.example | ForEach-Object { $_.code }")
            .ThrowOnError().Output.Select(o => o.ToString()).ToList();
        Assert.Contains("Get-VelaApplication -Path ./examples/gitops-repo", examples);
    }

    [Fact]
    public void About_GitOpsVela_is_found_by_Get_Help()
    {
        var text = string.Join("\n", _ps.Run("Get-Help about_GitOpsVela | ForEach-Object { $_.ToString() }").ThrowOnError().Output.Select(o => o.ToString()));

        Assert.Contains("about_GitOpsVela", text);
        Assert.Contains("GITOPSVELA_TEST_KUBECONFIG", text);
        Assert.Contains("about_GitOpsVela_Troubleshooting", text);
    }

    [Fact]
    public void Every_exported_cmdlet_has_synopsis_description_and_an_example()
    {
        var maml = MamlCommands();
        var manifest = File.ReadAllText(ModuleLocation.Manifest);
        var declared = System.Text.RegularExpressions.Regex.Matches(manifest, @"'([A-Z][A-Za-z]+-Vela[A-Za-z]+)'").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(13, declared.Count);

        foreach (var name in declared.Concat(ExportedCmdlets()).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            Assert.True(maml.TryGetValue(name, out var command), $"no help for {name}");
            Assert.True(Paragraphs(command.Element(Command + "details")!.Element(Maml + "description")).Length > 20, $"{name}: synopsis");
            Assert.True(Paragraphs(command.Element(Maml + "description")).Length > 80, $"{name}: description");
            Assert.NotEmpty(command.Element(Command + "examples")!.Elements(Command + "example"));
        }
    }

    [Fact]
    public void Every_parameter_of_every_cmdlet_present_has_a_description()
    {
        var maml = MamlCommands();
        var common = new HashSet<string>(PSCmdlet.CommonParameters.Concat(PSCmdlet.OptionalCommonParameters), StringComparer.OrdinalIgnoreCase);
        var parameters = _ps.Run("Get-Command -Module GitOpsVela | ForEach-Object { $c = $_; $c.Parameters.Keys | ForEach-Object { $c.Name + '|' + $_ } }")
            .ThrowOnError().Output.Select(o => o.ToString().Split('|')).ToList();
        Assert.Contains(parameters, p => p[0] == "Get-VelaApplication" && p[1] == "LiteralPath");

        var missing = new List<string>();
        foreach (var (cmdlet, parameter) in parameters.Select(p => (p[0], p[1])).Where(p => !common.Contains(p.Item2)))
        {
            var documented = maml[cmdlet].Element(Command + "parameters")!.Elements(Command + "parameter")
                .FirstOrDefault(p => string.Equals(p.Element(Maml + "name")!.Value.Trim(), parameter, StringComparison.OrdinalIgnoreCase));
            if (documented is null || Paragraphs(documented.Element(Maml + "description")).Length < 10) missing.Add($"{cmdlet} -{parameter}");
        }
        Assert.True(missing.Count == 0, "parameters without help: " + string.Join(", ", missing));
    }

    [Fact]
    public void Help_of_a_cmdlet_present_documents_no_parameter_it_does_not_have()
    {
        var maml = MamlCommands();
        var common = new HashSet<string>(PSCmdlet.CommonParameters.Concat(PSCmdlet.OptionalCommonParameters), StringComparer.OrdinalIgnoreCase);
        var stale = new List<string>();
        foreach (var cmdlet in ExportedCmdlets())
        {
            var actual = _ps.Run("(Get-Command $name).Parameters.Keys", new Dictionary<string, object?> { ["name"] = cmdlet })
                .ThrowOnError().Output.Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var documented = maml[cmdlet].Element(Command + "parameters")!.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value.Trim());
            stale.AddRange(documented.Where(p => !actual.Contains(p) && !common.Contains(p)).Select(p => $"{cmdlet} -{p}"));
            // -WhatIf/-Confirm documented exactly when the cmdlet supports them.
            if (actual.Contains("WhatIf") != documented.Contains("WhatIf", StringComparer.OrdinalIgnoreCase)) stale.Add($"{cmdlet} -WhatIf");
        }
        Assert.True(stale.Count == 0, "help documents parameters the cmdlets do not have: " + string.Join(", ", stale));
    }

    [Fact]
    public void Every_example_parses_and_calls_only_module_or_standard_cmdlets()
    {
        var maml = MamlCommands();
        var known = new HashSet<string>(maml.Keys, StringComparer.OrdinalIgnoreCase);
        known.UnionWith(StandardCommands);
        var count = 0;
        foreach (var (name, command) in maml)
        {
            foreach (var example in command.Element(Command + "examples")!.Elements(Command + "example"))
            {
                var code = example.Element(Dev + "code")!.Value;
                var ast = Parser.ParseInput(code, out _, out var errors);
                Assert.True(errors.Length == 0, $"{name} example does not parse: {code}\n{string.Join("\n", errors.Select(e => e.Message))}");
                var calls = ast.FindAll(a => a is CommandAst, searchNestedScriptBlocks: true).Cast<CommandAst>().Select(c => c.GetCommandName()).ToList();
                Assert.Contains(calls, c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
                Assert.All(calls, c => Assert.True(c is not null && known.Contains(c), $"{name} example calls {c}"));
                count++;
            }
        }
        Assert.True(count >= 13);
    }
}
