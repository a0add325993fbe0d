using GitOpsVela.Commands.Tests.Infrastructure;
using Xunit;

namespace GitOpsVela.Commands.Tests;

/// <summary>
/// ConvertTo-VelaManifest streams: each application's objects are written as soon as it is rendered, in that
/// application's apply order (namespaces, CRDs, the rest as rendered), applications in the order they come in; -AsYaml
/// is one text in the same order.
/// </summary>
public sealed class ConvertToVelaManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gitopsvela-convert-").FullName;
    private readonly PowerShellSession _session = new();

    public ConvertToVelaManifestTests()
    {
        // a renders a ConfigMap, a CRD and its Namespace, in that order; b a ConfigMap and its Namespace.
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), """
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: a, namespace: team-a}
            spec:
              components:
                - name: objects
                  type: k8s-objects
                  properties:
                    objects:
                      - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: blue}}
                      - {apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: widgets.example.com}, spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced, versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}]}}
                      - {apiVersion: v1, kind: Namespace, metadata: {name: team-a}}
            """);
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), """
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata: {name: b, namespace: team-b}
            spec:
              components:
                - name: objects
                  type: k8s-objects
                  properties:
                    objects:
                      - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: green}}
                      - {apiVersion: v1, kind: Namespace, metadata: {name: team-b}}
            """);
    }

    public void Dispose()
    {
        _session.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static readonly string[] Expected =
        ["a/Namespace/team-a", "a/CustomResourceDefinition/widgets.example.com", "a/ConfigMap/settings", "b/Namespace/team-b", "b/ConfigMap/settings"];

    [Fact]
    public void Each_application_is_written_as_soon_as_it_is_rendered_namespaces_and_CRDs_first_within_it()
    {
        // How many applications Get-VelaApplication had written when each object came out: 1 for a's, 2 for b's.
        var result = _session.Run("""
            $script:read = 0
            Get-VelaApplication -Path $d | ForEach-Object { $script:read++; $_ } | ConvertTo-VelaManifest |
                ForEach-Object { "$($_.Application)/$($_.Kind)/$($_.Name) after $script:read" }
            """, new Dictionary<string, object?> { ["d"] = _dir }).ThrowOnError();

        Assert.Equal(Expected.Select(e => $"{e} after {(e.StartsWith('a') ? 1 : 2)}"), result.Output.Select(o => (string)o.BaseObject));
    }

    [Fact]
    public void AsYaml_is_one_text_in_the_same_order()
    {
        var result = _session.Run("ConvertTo-VelaManifest -Path $d -AsYaml", new Dictionary<string, object?> { ["d"] = _dir }).ThrowOnError();

        var text = (string)Assert.Single(result.Output).BaseObject;
        var documents = text.Split("---\n");
        string Line(string document, string prefix) => document.Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];
        Assert.Equal(Expected, documents.Select(d => $"{Line(d, "    app.oam.dev/name: ")}/{Line(d, "kind: ")}/{Line(d, "  name: ")}"));
    }
}
