using System.Diagnostics;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Rendering.Kustomize;
using GitOpsVela.Engine.Yaml;
using Xunit;

namespace GitOpsVela.Engine.Tests.Kustomize;

/// <summary>GitOpsVela's kustomize builder against the oracle: <c>kubectl kustomize</c> on the same folders gives the same objects, in the same order.</summary>
public sealed class KustomizeBuilderTests : IDisposable
{
    private readonly string _repo = Directory.CreateTempSubdirectory("gitopsvela-kustomize-").FullName;

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    private void Write(string path, string text)
    {
        var full = Path.Combine(_repo, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          labels: {app: web}
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx:1.25
                  envFrom:
                    - configMapRef: {name: settings}
                  env:
                    - name: PASSWORD
                      valueFrom: {secretKeyRef: {name: creds, key: password}}
                  ports:
                    - containerPort: 80
              volumes:
                - name: conf
                  configMap: {name: settings}
        """;

    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        """;

    private static List<JsonNode?> Kubectl(string dir)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(dir);
        using var p = Process.Start(start) ?? throw new InvalidOperationException("kubectl is not on PATH (.ci/run installs it)");
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "kubectl kustomize failed: " + error.Result);
        return YamlReader.Read(output.Result, "kubectl").Select(d => YamlJson.ToJson(d.Root)).ToList();
    }

    private void AssertSameAsKubectl(string path)
    {
        var ours = new KustomizeBuilder().Build(_repo, path).Select(o => (JsonNode?)o.Object).ToList();
        var theirs = Kubectl(Path.Combine(_repo, path));
        var same = ours.Count == theirs.Count && ours.Zip(theirs).All(p => JsonNode.DeepEquals(p.First, p.Second));
        Assert.True(same, $"--- kubectl kustomize ---\n{YamlWriter.Write(theirs)}\n--- GitOpsVela ---\n{YamlWriter.Write(ours)}");
    }

    [Fact]
    public void A_plain_folder_builds_like_the_kustomization_Flux_generates_for_it()
    {
        Write("apps/web/deployment.yaml", Deployment);
        Write("apps/web/service.yml", Service);
        Write("apps/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: \"1\"}\n");
        var ours = new KustomizeBuilder().Build(_repo, "./apps");

        // Flux's generated kustomization lists the files; kubectl kustomize builds that.
        var oracle = Path.Combine(_repo, "oracle");
        Directory.CreateDirectory(oracle);
        foreach (var f in Directory.EnumerateFiles(Path.Combine(_repo, "apps"), "*", SearchOption.AllDirectories))
            File.Copy(f, Path.Combine(oracle, Path.GetRelativePath(Path.Combine(_repo, "apps"), f).Replace('/', '_')));
        File.WriteAllText(Path.Combine(oracle, "kustomization.yaml"),
            "resources:\n" + string.Concat(Directory.EnumerateFiles(oracle).Select(f => $"  - {Path.GetFileName(f)}\n")));
        var theirs = Kubectl(oracle);
        Assert.Equal(theirs.Count, ours.Count);
        Assert.All(ours.Zip(theirs), p => Assert.True(JsonNode.DeepEquals(p.First.Object, p.Second), p.First.Object.ToJsonString()));
        Assert.EndsWith("deployment.yaml", ours.Single(o => (string?)o.Object["kind"] == "Deployment").File);
    }

    [Fact]
    public void Namespace_prefix_suffix_labels_annotations_and_images_match_kubectl()
    {
        Write("base/deployment.yaml", Deployment);
        Write("base/service.yaml", Service);
        Write("base/settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: blue}\n");
        Write("base/kustomization.yaml", """
            resources: [deployment.yaml, service.yaml, settings.yaml]
            """);
        Write("prod/kustomization.yaml", """
            resources: [../base]
            namespace: shop-prod
            namePrefix: prod-
            nameSuffix: -v2
            commonLabels: {env: prod}
            labels:
              - pairs: {team: blue}
                includeTemplates: true
            commonAnnotations: {owner: ops}
            images:
              - name: nginx
                newName: registry.example.com/nginx
                newTag: "1.27"
            """);
        AssertSameAsKubectl("prod");
    }

    [Fact]
    public void Strategic_merge_and_JSON_6902_patches_with_targets_match_kubectl()
    {
        Write("app/deployment.yaml", Deployment);
        Write("app/service.yaml", Service);
        Write("app/replicas.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: 3
              template:
                spec:
                  containers:
                    - name: web
                      env:
                        - {name: MODE, value: prod}
                    - name: sidecar
                      image: busybox
            """);
        Write("app/kustomization.yaml", """
            resources: [deployment.yaml, service.yaml]
            patches:
              - path: replicas.yaml
              - target: {kind: Service, name: web}
                patch: |-
                  - op: replace
                    path: /spec/ports/0/port
                    value: 8080
                  - op: add
                    path: /metadata/annotations
                    value: {patched: "yes"}
            """);
        AssertSameAsKubectl("app");
    }

    [Fact]
    public void Generated_ConfigMaps_and_Secrets_get_kustomizes_hash_and_references_follow_them()
    {
        Write("gen/deployment.yaml", Deployment);
        Write("gen/app.env", "LOG_LEVEL=debug\n# comment\nFEATURE=on\n");
        Write("gen/kustomization.yaml", """
            resources: [deployment.yaml]
            namePrefix: shop-
            configMapGenerator:
              - name: settings
                literals: [mode=blue, "greeting=hello <world> & more"]
                envs: [app.env]
            secretGenerator:
              - name: creds
                literals: [password=s3cret]
            generatorOptions:
              labels: {generated: "true"}
            """);
        AssertSameAsKubectl("gen");
    }

    [Fact]
    public void Paths_that_leave_the_repository_are_refused()
    {
        Write("app/kustomization.yaml", "resources: [../../outside.yaml]\n");
        var ex = Assert.Throws<VelaProblemException>(() => new KustomizeBuilder().Build(_repo, "app"));
        Assert.Contains("leaves the repository", ex.Problem.Message);
        Assert.Equal("resources", ex.Problem.Property);

        Assert.Throws<VelaProblemException>(() => new KustomizeBuilder().Build(_repo, "../"));
        Assert.Throws<VelaProblemException>(() => new KustomizeBuilder().Build(_repo, "/etc"));

        var outside = Directory.CreateTempSubdirectory("gitopsvela-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(outside, "secret.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\n");
            Directory.CreateDirectory(Path.Combine(_repo, "linked"));
            File.CreateSymbolicLink(Path.Combine(_repo, "linked", "evil.yaml"), Path.Combine(outside, "secret.yaml"));
            var link = Assert.Throws<VelaProblemException>(() => new KustomizeBuilder().Build(_repo, "linked"));
            Assert.Contains("link that leaves the repository", link.Problem.Message);
            Directory.CreateSymbolicLink(Path.Combine(_repo, "dirlink"), outside);
            Assert.Throws<VelaProblemException>(() => new KustomizeBuilder().Build(_repo, "dirlink"));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void An_unsupported_field_is_a_clear_error_naming_the_file_and_field()
    {
        Write("helm/kustomization.yaml", "helmCharts:\n  - name: x\n");
        var ex = Assert.Throws<VelaProblemException>(() => new KustomizeBuilder().Build(_repo, "helm"));
        Assert.Equal("helmCharts", ex.Problem.Property);
        Assert.EndsWith("kustomization.yaml", ex.Problem.Location.File);
        Assert.Equal(1, ex.Problem.Location.Line);
        Assert.Contains("not supported", ex.Problem.Message);
    }
}
