using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.TestKube;
using Xunit;

namespace GitOpsVela.Engine.Tests.Cluster;

/// <summary>
/// The cluster a test talks to: the in-tests Kubernetes API server on 127.0.0.1, or — when
/// <c>GITOPSVELA_TEST_KUBECONFIG</c> names a kubeconfig — that kubeconfig's current context (a real cluster). Tests create
/// their own namespaces (random names) and the target deletes them afterwards.
/// </summary>
public sealed class ClusterTarget : IAsyncLifetime
{
    public const string Variable = "GITOPSVELA_TEST_KUBECONFIG";

    private readonly List<string> _namespaces = [];
    private readonly List<string> _crds = [];
    private string? _dir;

    /// <summary>The test server, or null against a real cluster.</summary>
    public KubeApiServer? Server { get; private set; }

    public string Kubeconfig { get; private set; } = string.Empty;

    public string Context { get; private set; } = string.Empty;

    public bool IsRealCluster => Server is null;

    public async Task InitializeAsync()
    {
        var real = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(real))
        {
            Kubeconfig = real;
            Context = GitOpsVela.Engine.Kube.Kubeconfig.ListContexts(real).Single(c => c.IsCurrent).Name;
            return;
        }
        Server = await KubeApiServer.StartAsync();
        _dir = Directory.CreateTempSubdirectory("gitopsvela-kube-").FullName;
        Context = "testkube";
        Kubeconfig = Server.WriteKubeconfig(Path.Combine(_dir, "config"), Context);
    }

    internal KubeClient Connect(TimeSpan? timeout = null) => GitOpsVela.Engine.Kube.Kubeconfig.Connect(Kubeconfig, Context, timeout);

    /// <summary>A fresh namespace name (not created): tests that apply a Namespace object create it themselves.</summary>
    public string NamespaceName()
    {
        var name = "gv-test-" + Guid.NewGuid().ToString("N")[..8];
        _namespaces.Add(name);
        return name;
    }

    public async Task<string> CreateNamespaceAsync()
    {
        var name = NamespaceName();
        using var client = Connect();
        var ns = await client.ResolveAsync("v1", "Namespace", default);
        await client.CreateAsync(ns!, new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } }, default);
        return name;
    }

    /// <summary>Remembers a CRD to delete afterwards (against a real cluster).</summary>
    public void TrackCrd(string name) => _crds.Add(name);

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
            if (_dir is not null) Directory.Delete(_dir, true);
            return;
        }
        using var client = Connect();
        var ns = await client.ResolveAsync("v1", "Namespace", default);
        foreach (var name in _namespaces) await client.DeleteAsync(ns!, null, name, false, default);
        var crd = await client.ResolveAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", default);
        foreach (var name in _crds) await client.DeleteAsync(crd!, null, name, false, default);
    }
}

internal static class Manifests
{
    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static JsonObject Namespace(string name) => Parse($$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}"}}""");

    public static JsonObject ConfigMap(string ns, string name, string app, params (string Key, string Value)[] data)
    {
        var obj = Parse($$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"app.oam.dev/name":"{{{app}}}","app.oam.dev/component":"{{{name}}}","app.kubernetes.io/managed-by":"gitopsvela"}},"data":{}}""");
        foreach (var (k, v) in data) obj["data"]![k] = v;
        return obj;
    }

    public static JsonObject Deployment(string ns, string name, string app, string image, int replicas = 1) => Parse($$$"""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"app.oam.dev/name":"{{{app}}}","app.oam.dev/component":"{{{name}}}"}},
         "spec":{"replicas":{{{replicas}}},"selector":{"matchLabels":{"app.oam.dev/component":"{{{name}}}"}},
           "template":{"metadata":{"labels":{"app.oam.dev/component":"{{{name}}}","app.oam.dev/name":"{{{app}}}"}},
             "spec":{"containers":[{"name":"{{{name}}}","image":"{{{image}}}","ports":[{"containerPort":80} ] } ] } } } }
        """);

    public static JsonObject Service(string ns, string name, string app) => Parse($$$"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"app.oam.dev/name":"{{{app}}}"}},
         "spec":{"selector":{"app.oam.dev/component":"{{{name}}}"},"ports":[{"port":80,"targetPort":80}]}}
        """);

    /// <summary>A CRD like an operator ships (the seed's mysql-cluster raw component waits for one).</summary>
    public static JsonObject Crd(string group, string plural, string kind) => Parse($$$"""
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"{{{plural}}}.{{{group}}}"},
         "spec":{"group":"{{{group}}}","scope":"Namespaced","names":{"plural":"{{{plural}}}","singular":"{{{kind.ToLowerInvariant()}}}","kind":"{{{kind}}}","listKind":"{{{kind}}}List"},
           "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
             "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{"replicas":{"type":"integer"} } },"status":{"type":"object","x-kubernetes-preserve-unknown-fields":true} } } } } ] } }
        """);

    public static JsonObject Custom(string group, string kind, string ns, string name, string app, int replicas) => Parse($$$"""
        {"apiVersion":"{{{group}}}/v1","kind":"{{{kind}}}","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"app.oam.dev/name":"{{{app}}}"}},"spec":{"replicas":{{{replicas}}}}}
        """);
}
