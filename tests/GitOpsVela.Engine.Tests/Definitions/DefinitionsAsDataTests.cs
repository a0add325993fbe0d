using System.Text.Json.Nodes;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;
using GitOpsVela.Engine.Rendering.Definitions;
using Xunit;

namespace GitOpsVela.Engine.Tests.Definitions;

/// <summary>
/// Definitions read from the files an application is loaded with: which one renders a type (KubeVela's lookup order; a
/// built-in redefined), the clear refusal of a CUE-only type, validation against terraform variables and kube parameters
/// with file:line, and problems in the definitions themselves.
/// </summary>
public sealed class DefinitionsAsDataTests
{
    private const string Hcl = """
        variable "name" {
          type = string
        }
        variable "size" {
          type    = number
          default = 20
        }
        variable "tags" {
          type    = map(string)
          default = {}
        }
        output "DB_HOST" { value = "h" }
        """;

    private static string TerraformDefinition(string name, string? ns = null, string hcl = Hcl) => $$"""
        apiVersion: core.oam.dev/v1beta1
        kind: ComponentDefinition
        metadata:
          name: {{name}}
        {{(ns is null ? "" : $"  namespace: {ns}")}}
        spec:
          schematic:
            terraform:
              configuration: |
        {{string.Join("\n", hcl.Split('\n').Select(l => "          " + l))}}
        """;

    private static string CueDefinition(string kind, string name, string? ns = null) => $$"""
        apiVersion: core.oam.dev/v1beta1
        kind: {{kind}}
        metadata:
          name: {{name}}
        {{(ns is null ? "" : $"  namespace: {ns}")}}
        spec:
          schematic:
            cue:
              template: |
                output: {apiVersion: "v1", kind: "ConfigMap"}
                parameter: {}
        """;

    private static string KubeDefinition(string name, string? ns = null, string configMapName = "from-kube") => $$"""
        apiVersion: core.oam.dev/v1beta1
        kind: ComponentDefinition
        metadata:
          name: {{name}}
        {{(ns is null ? "" : $"  namespace: {ns}")}}
        spec:
          schematic:
            kube:
              template:
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: {{configMapName}}}
              parameters:
                - name: mode
                  type: string
                  required: true
                  fieldPaths: ["data.mode"]
                - name: replicas
                  type: number
                  fieldPaths: ["data.replicas"]
        """;

    private static string App(string name, string components, string ns = "default", string extra = "") => $"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata:
          name: {name}
          namespace: {ns}
        spec:
          components:
        {components}
        {extra}
        """;

    /// <summary>Writes the documents as files of a folder and loads it, as -Path does.</summary>
    private static LoadResult LoadFiles(params (string File, string Text)[] files)
    {
        var dir = Directory.CreateTempSubdirectory("gitopsvela-defs-").FullName;
        try
        {
            foreach (var (file, text) in files)
            {
                var path = Path.Combine(dir, file);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }
            var result = ApplicationLoader.Load([dir]);
            return result with { };
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static LoadResult Load(string text) => ApplicationLoader.LoadText(text, "repo.yaml");

    private static IReadOnlyList<VelaProblem> Check(Application app) => ReleasePlanner.Check(app).Problems;

    [Fact]
    public void A_definition_in_the_files_read_defines_a_type_every_application_of_the_load_can_use()
    {
        var load = LoadFiles(
            ("definitions/db.yaml", TerraformDefinition("cloud-db")),
            ("apps/a.yaml", App("a", "    - {name: db, type: cloud-db, properties: {name: a}}")),
            ("apps/b.yaml", App("b", "    - {name: db, type: cloud-db, properties: {name: b}}", ns: "team-b")));
        Assert.Empty(load.Problems);
        Assert.Equal(2, load.Applications.Count);
        foreach (var app in load.Applications)
        {
            var result = OfflineCheck.Check(app);
            Assert.Empty(result.Problems);
            var configuration = Assert.Single(result.Manifests);
            Assert.Equal("Configuration", configuration.Kind);
            Assert.Equal(app.Name, configuration.Object["spec"]!["variable"]!["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public void The_application_namespace_is_looked_up_before_vela_system_and_other_namespaces_are_not_visible()
    {
        var load = Load(string.Join("\n---\n",
            KubeDefinition("settings", ns: "vela-system", configMapName: "system"),
            KubeDefinition("settings", ns: "team-a", configMapName: "team-a"),
            KubeDefinition("only-b", ns: "team-b"),
            App("a", "    - {name: s, type: settings, properties: {mode: x}}", ns: "team-a"),
            App("c", "    - {name: s, type: settings, properties: {mode: x}}", ns: "team-c"),
            App("d", "    - {name: s, type: only-b, properties: {mode: x}}", ns: "team-a")));
        Assert.Empty(load.Problems);
        string Rendered(string app) => OfflineCheck.Check(load.Applications.Single(a => a.Name == app)).Manifests.Single().Name;
        Assert.Equal("team-a", Rendered("a"));
        Assert.Equal("system", Rendered("c"));
        var notVisible = Assert.Single(Check(load.Applications.Single(a => a.Name == "d")));
        Assert.Equal(ErrorIds.Render.ComponentTypeUnknown, notVisible.Id);

        var plan = ReleasePlanner.Check(load.Applications.Single(a => a.Name == "a"));
        var note = Assert.Single(plan.DefinitionNotes);
        Assert.Contains("ComponentDefinition team-a/settings (repo.yaml:", note.Message);
        Assert.Contains("hides ComponentDefinition vela-system/settings", note.Message);
    }

    [Fact]
    public void A_type_defined_only_in_CUE_gets_one_clear_problem_naming_the_type_its_file_and_why_and_other_applications_still_render()
    {
        var load = LoadFiles(
            ("definitions/custom.yaml", CueDefinition("ComponentDefinition", "my-cue-type")),
            ("apps/broken.yaml", App("broken", """
                    - name: thing
                      type: my-cue-type
                      properties: {a: 1}
                    - name: web
                      type: webservice
                      properties: {image: nginx}
                """)),
            ("apps/fine.yaml", App("fine", "    - {name: web, type: webservice, properties: {image: nginx}}")));
        Assert.Empty(load.Problems);

        var broken = OfflineCheck.Check(load.Applications.Single(a => a.Name == "broken"));
        var problem = Assert.Single(broken.Problems);
        Assert.Equal(ErrorIds.Render.DefinitionUnsupported, problem.Id);
        Assert.Equal("thing", problem.Component);
        Assert.EndsWith("broken.yaml", problem.Location.File);
        Assert.Equal(9, problem.Location.Line);
        Assert.Contains("component type 'my-cue-type' is defined by ComponentDefinition vela-system/my-cue-type (", problem.Message);
        Assert.Contains("custom.yaml:1:1)", problem.Message);
        Assert.Contains("no CUE engine", problem.Message);
        Assert.Empty(broken.Manifests);

        var fine = OfflineCheck.Check(load.Applications.Single(a => a.Name == "fine"));
        Assert.Empty(fine.Problems);
        Assert.Equal(["Deployment"], fine.Manifests.Select(m => m.Kind));
    }

    [Fact]
    public void A_built_in_redefined_in_CUE_stays_built_in_and_the_note_says_so()
    {
        var load = Load(CueDefinition("ComponentDefinition", "webservice") + "\n---\n" + CueDefinition("TraitDefinition", "scaler") + "\n---\n"
                        + App("web", "    - {name: web, type: webservice, properties: {image: nginx}, traits: [{type: scaler, properties: {replicas: 2}}]}"));
        var result = OfflineCheck.Check(load.Applications.Single());
        Assert.Empty(result.Problems);
        Assert.Equal(2, result.Manifests.Single().Object["spec"]!["replicas"]!.GetValue<long>());
        Assert.Empty(result.Warnings);
        Assert.Contains(result.Notes, n => n.Contains("component type 'webservice' is also defined by ComponentDefinition vela-system/webservice") && n.Contains("renders its built-in 'webservice'"));
        Assert.Contains(result.Notes, n => n.Contains("trait 'scaler' is also defined by TraitDefinition vela-system/scaler") && n.Contains("built-in 'scaler'"));
    }

    [Fact]
    public void The_kruise_rollout_addon_s_CUE_definitions_leave_the_built_in_delivery_strategies_in_use()
    {
        // A cluster with the addon installed holds its definitions in vela-system: traits kruise-rollout and rolling-release,
        // step canary-deploy, all CUE. GitOpsVela carries them out itself, and the notes say whose definition that is.
        var load = Load(CueDefinition("TraitDefinition", "kruise-rollout") + "\n---\n" + CueDefinition("TraitDefinition", "rolling-release") + "\n---\n"
                        + CueDefinition("WorkflowStepDefinition", "canary-deploy") + "\n---\n" + App("shop",
            "    - {name: web, type: webservice, properties: {image: nginx}}\n"
            + "    - {name: api, type: webservice, properties: {image: nginx}, traits: [{type: kruise-rollout, properties: {canary: {steps: [{weight: 50}, {weight: 100}]}}}]}",
            extra: """
              workflow:
                steps:
                  - {name: half, type: canary-deploy, properties: {weight: 50, components: [web]}}
                  - {name: all, type: canary-deploy, properties: {weight: 100, components: [web]}}
                  - {name: api, type: apply-component, properties: {component: api}}
            """));
        var app = load.Applications.Single();
        Assert.Empty(Check(app));
        var result = OfflineCheck.Check(app);
        Assert.Empty(result.Problems);
        Assert.Empty(result.Warnings);
        Assert.Contains(result.Notes, n => n.Contains("trait 'kruise-rollout' is also defined by TraitDefinition vela-system/kruise-rollout")
                                           && n.Contains("built-in 'kruise-rollout', the kruise-rollout addon's definition (kubevela/catalog, addon 1.5.2) carried out without OpenKruise"));
        Assert.Contains(result.Notes, n => n.Contains("workflow step type 'canary-deploy' is also defined by WorkflowStepDefinition vela-system/canary-deploy") && n.Contains("built-in 'canary-deploy'"));
    }

    [Fact]
    public void A_built_in_redefined_with_a_kube_schematic_is_replaced_with_a_warning()
    {
        var load = Load(KubeDefinition("webservice") + "\n---\n" + App("web", "    - {name: web, type: webservice, properties: {mode: replaced}}"));
        var result = OfflineCheck.Check(load.Applications.Single());
        Assert.Empty(result.Problems);
        var configMap = Assert.Single(result.Manifests);
        Assert.Equal("ConfigMap", configMap.Kind);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("component type 'webservice' is rendered from ComponentDefinition vela-system/webservice (repo.yaml:1:1) (kube schematic), which replaces the built-in 'webservice'", warning);
    }

    [Fact]
    public void A_custom_trait_or_step_in_CUE_is_refused_clearly_and_an_unknown_one_is_still_unknown()
    {
        var load = Load(CueDefinition("TraitDefinition", "my-trait") + "\n---\n" + CueDefinition("WorkflowStepDefinition", "my-step") + "\n---\n" + App("x",
            "    - {name: web, type: webservice, properties: {image: nginx}, traits: [{type: my-trait}, {type: nope}]}",
            extra: """
              workflow:
                steps:
                  - {name: one, type: my-step}
                  - {name: two, type: no-such-step}
            """));
        var problems = Check(load.Applications.Single());
        Assert.Contains(problems, p => p.Id == ErrorIds.Render.DefinitionUnsupported && p.Message.Contains("trait 'my-trait' is defined by TraitDefinition vela-system/my-trait (repo.yaml:1:1)") && p.Message.Contains("no CUE engine"));
        Assert.Contains(problems, p => p.Id == ErrorIds.Render.TraitTypeUnknown && p.Message.Contains("unknown trait type 'nope'"));
        Assert.Contains(problems, p => p.Id == ErrorIds.Render.DefinitionUnsupported && p.Message.Contains("workflow step type 'my-step' is defined by WorkflowStepDefinition vela-system/my-step") && p.Property == "workflow.steps[one].type");
        Assert.Contains(problems, p => p.Id == ErrorIds.Load.StepTypeUnknown && p.Message.Contains("'no-such-step'"));
    }

    [Fact]
    public void Terraform_properties_are_checked_against_the_variables_with_file_and_line()
    {
        var text = TerraformDefinition("cloud-db") + "\n---\n" + App("shop", """
                - name: db
                  type: cloud-db
                  properties:
                    size: "large"
                    tgas: {team: web}
                    writeConnectionSecretToRef: {namespace: x}
            """);
        var lines = text.Split('\n').ToList();
        int LineOf(string start) => lines.FindIndex(l => l.TrimStart().StartsWith(start, StringComparison.Ordinal)) + 1;
        var problems = Check(Load(text).Applications.Single());
        Assert.Collection(problems.OrderBy(p => p.Location.Line).ThenBy(p => p.Property),
            p => Assert.Equal(("properties.name", LineOf("properties:"), "is required by component type 'cloud-db'"), (p.Property, p.Location.Line, p.Message)),
            p => Assert.Equal(("properties.size", LineOf("size:")), (p.Property, p.Location.Line)),
            p =>
            {
                Assert.Equal(("properties.tgas", LineOf("tgas:")), (p.Property, p.Location.Line));
                Assert.Contains("is not a property of component type 'cloud-db'", p.Message);
                Assert.Contains("tags", p.Message);
            },
            p => Assert.Equal(("properties.writeConnectionSecretToRef.name", LineOf("writeConnectionSecretToRef:")), (p.Property, p.Location.Line)));
        Assert.All(problems, p => Assert.Equal(ErrorIds.Load.PropertyInvalid, p.Id));
        Assert.Contains("must be a number, not string \"large\"", problems.Single(p => p.Property == "properties.size").Message);
    }

    [Fact]
    public void Kube_properties_are_checked_against_the_parameters_and_KubeVela_s_messages_remain_at_render()
    {
        var load = Load(KubeDefinition("settings") + "\n---\n" + App("cfg", """
                - name: s
                  type: settings
                  properties:
                    replicas: "3"
                    colour: blue
            """));
        var problems = Check(load.Applications.Single());
        Assert.Equal(["properties.colour", "properties.mode", "properties.replicas"], problems.Select(p => p.Property).Order());
        Assert.All(problems, p => Assert.True(p.Location.Line >= 23, p.ToString()));

        // The renderer keeps KubeVela v1.8's own messages for what reaches it unchecked.
        var type = new KubeComponentType(load.Definitions.Definitions.Single(), (KubeSchematic)load.Definitions.Definitions.Single().Schematic);
        string Fails(string json)
        {
            var render = new ComponentRender
            {
                Application = load.Applications.Single(),
                Component = load.Applications.Single().Components.Single(),
                Properties = JsonNode.Parse(json)!.AsObject(),
                Namespace = "default",
                AppRevision = "cfg-v1",
            };
            return Assert.Throws<VelaProblemException>(() => type.Render(render)).Problem.Message;
        }
        Assert.Equal("cannot resolve parameter settings: unsupported parameter \"colour\"", Fails("""{"mode":"a","colour":"blue"}"""));
        Assert.Equal("cannot resolve parameter settings: require parameter \"mode\"", Fails("""{"replicas":3}"""));
        Assert.Equal("cannot set parameters value: require \"number\" type parameter value", Fails("""{"mode":"a","replicas":"3"}"""));
    }

    [Fact]
    public void A_remote_module_accepts_any_variable_but_still_checks_the_Configuration_fields()
    {
        var load = Load("""
            apiVersion: core.oam.dev/v1beta1
            kind: ComponentDefinition
            metadata: {name: rds}
            spec:
              schematic:
                terraform: {type: remote, configuration: "https://github.com/example/modules.git", path: rds}
            ---

            """ + App("shop", "    - {name: db, type: rds, properties: {anything: 1, deleteResource: maybe}}"));
        var problem = Assert.Single(Check(load.Applications.Single()));
        Assert.Equal("properties.deleteResource", problem.Property);
    }

    [Theory]
    [InlineData("metadata: {}\nspec: {}", "metadata.name is required", 3)]
    [InlineData("metadata: {name: x}\nspec: {schematic: {cue: {template: ''}, kube: {template: {}}}}", "has cue and kube; a definition has one schematic", 4)]
    [InlineData("metadata: {name: x}\nspec:\n  schematic:\n    terraform: {type: hcl}", "configuration is not set", 6)]
    [InlineData("metadata: {name: x}\nspec:\n  schematic:\n    terraform:\n      type: yaml\n      configuration: x", "type is 'yaml'; it must be hcl, json or remote", 7)]
    [InlineData("metadata: {name: x}\nspec:\n  schematic:\n    terraform:\n      configuration: |\n        variable \"a\" {\n          type = string", "not valid HCL: line 1, column 14 of the configuration: the variable \"a\" block is not closed", 7)]
    [InlineData("metadata: {name: x}\nspec:\n  schematic:\n    kube:\n      template: {apiVersion: v1, kind: ConfigMap}\n      parameters:\n        - {name: a, type: int, fieldPaths: [data.a]}", "kube parameter 'a' has type 'int'", 9)]
    [InlineData("metadata: {name: x}\nspec:\n  schematic:\n    kube:\n      template: {apiVersion: v1, kind: ConfigMap}\n      parameters:\n        - name: a\n          type: string\n          fieldPaths: [\"data..a\"]", "field path 'data..a': unexpected '.' at position 5", 11)]
    public void A_definition_that_cannot_be_read_is_a_problem_at_its_place_and_defines_nothing(string body, string message, int line)
    {
        var load = Load("apiVersion: core.oam.dev/v1beta1\nkind: ComponentDefinition\n" + body + "\n---\n" + App("a", "    - {name: c, type: x}"));
        var problem = Assert.Single(load.Problems);
        Assert.Equal(ErrorIds.Load.DefinitionInvalid, problem.Id);
        Assert.Contains(message, problem.Message);
        Assert.Equal(line, problem.Location.Line);
        Assert.True(load.Definitions.IsEmpty);
        Assert.Equal(ErrorIds.Render.ComponentTypeUnknown, Assert.Single(Check(load.Applications.Single())).Id);
    }

    [Fact]
    public void The_same_definition_twice_is_a_problem_at_the_second_and_the_first_is_used()
    {
        var load = LoadFiles(
            ("a.yaml", KubeDefinition("settings", configMapName: "first")),
            ("b.yaml", KubeDefinition("settings", ns: "vela-system", configMapName: "second")),
            ("c.yaml", App("x", "    - {name: s, type: settings, properties: {mode: m}}")));
        var problem = Assert.Single(load.Problems);
        Assert.Equal(ErrorIds.Load.DefinitionInvalid, problem.Id);
        Assert.EndsWith("b.yaml", problem.Location.File);
        Assert.Contains("a.yaml:1:1 is used", problem.Message);
        Assert.Equal("first", OfflineCheck.Check(load.Applications.Single()).Manifests.Single().Name);
    }

    [Theory]
    [InlineData("cue: {template: 'x: 1'}", "written in CUE")]
    [InlineData("helm: {release: {}, repository: {}}", "removed in KubeVela v1.9.0")]
    [InlineData("terraform: {type: json, configuration: '{}'}", "spec.HCL or spec.Remote should be set")]
    public void Schematics_GitOpsVela_cannot_render_say_why(string schematic, string why)
    {
        var load = Load($"apiVersion: core.oam.dev/v1beta1\nkind: ComponentDefinition\nmetadata: {{name: odd}}\nspec:\n  schematic: {{{schematic}}}\n---\n"
                        + App("a", "    - {name: c, type: odd}"));
        Assert.Empty(load.Problems);
        var problem = Assert.Single(Check(load.Applications.Single()));
        Assert.Equal(ErrorIds.Render.DefinitionUnsupported, problem.Id);
        Assert.Contains(why, problem.Message);
    }

    [Fact]
    public void A_Terraform_property_of_the_wrong_Go_type_fails_the_render_as_KubeVela_does()
    {
        var spec = Assert.Throws<VelaProblemException>(() => ConfigurationSpec.Read(JsonNode.Parse("""{"path": 5}""")!.AsObject()));
        Assert.Equal("failed to convert Terraform component properties: json: cannot unmarshal number into Go struct field ConfigurationSpec.path of type string", spec.Problem.Message);
        var read = ConfigurationSpec.Read(JsonNode.Parse("""{"HCL":"x","Backend":{"SecretSuffix":"s","other":1},"writeconnectionsecrettoref":{"NAME":"n"},"forceDelete":null,"inlineCredentials":false}""")!.AsObject());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"hcl":"x","backend":{"secretSuffix":"s"},"writeConnectionSecretToRef":{"name":"n"},"gitRef":{}}"""), read), read.ToJsonString());
    }

    [Fact]
    public void A_definition_used_by_an_application_changes_its_revision_when_its_content_changes()
    {
        string? Fingerprint(string hcl) => DefinitionRegistry.BuiltIn.For(Load(TerraformDefinition("cloud-db", hcl: hcl) + "\n---\n"
            + App("a", "    - {name: db, type: cloud-db, properties: {name: x}}")).Applications.Single()).Fingerprint;
        var first = Fingerprint(Hcl);
        Assert.NotNull(first);
        Assert.Equal(first, Fingerprint(Hcl));
        Assert.NotEqual(first, Fingerprint(Hcl + "\nvariable \"extra\" {\n  default = 1\n}"));
        Assert.Null(DefinitionRegistry.BuiltIn.For(Load(TerraformDefinition("unused") + "\n---\n" + App("a", "    - {name: w, type: webservice, properties: {image: x}}")).Applications.Single()).Fingerprint);
    }
}
