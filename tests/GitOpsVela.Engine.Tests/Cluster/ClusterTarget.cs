using System.Globalization;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.TestKube;
using Xunit;
using k8s;
using k8s.KubeConfigModels;
using k8s.Models;

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
    private readonly List<TcpOutageProxy> _proxies = [];
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

    /// <summary>
    /// A TCP proxy in front of this cluster and a kubeconfig (a copy of this one, in a temp folder) whose current context
    /// reaches the cluster through it: cutting the proxy is an API server outage, for the test server and a real one alike.
    /// </summary>
    public async Task<(TcpOutageProxy Proxy, string Kubeconfig)> ProxyAsync()
    {
        TcpOutageProxy? proxy = null;
        var path = await WriteKubeconfigCopyAsync("proxied", (config, cluster) =>
        {
            var server = new Uri(cluster.ClusterEndpoint.Server);
            proxy = new TcpOutageProxy(server.Host, server.Port);
            cluster.ClusterEndpoint.Server = $"{server.Scheme}://{proxy.Address}";
            // The certificate names the real host: keep checking it against that name.
            if (server.HostNameType == UriHostNameType.Dns) cluster.ClusterEndpoint.TlsServerName ??= server.Host;
        });
        _proxies.Add(proxy!);
        return (proxy!, path);
    }

    /// <summary>Writes a copy of this kubeconfig, changed by <paramref name="edit"/> (given the current context's cluster), into the temp folder, readable by its owner only.</summary>
    private async Task<string> WriteKubeconfigCopyAsync(string name, Action<K8SConfiguration, k8s.KubeConfigModels.Cluster> edit)
    {
        var config = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(Kubeconfig), useRelativePaths: false);
        config.CurrentContext = Context;
        edit(config, config.Clusters.Single(c => c.Name == config.Contexts.Single(x => x.Name == Context).ContextDetails.Cluster));
        _dir ??= Directory.CreateTempSubdirectory("gitopsvela-kube-").FullName;
        var path = Path.Combine(_dir, $"{name}-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(path, KubernetesYaml.Serialize(config));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>
    /// A kubeconfig (in a temp folder) whose current context is a user RBAC limits to <paramref name="ns"/>: on a real
    /// cluster a ServiceAccount there with a Role granting everything in that namespace only, and a short-lived token from
    /// the TokenRequest API; on the test server a bearer token its Forbidden fault denies everything outside
    /// <paramref name="ns"/>. Returns the kubeconfig, its context and the user name RBAC denials name.
    /// </summary>
    public async Task<(string Kubeconfig, string Context, string User)> LimitedUserAsync(string ns)
    {
        const string account = "gitopsvela-limited";
        var user = $"system:serviceaccount:{ns}:{account}";
        string token;
        if (Server is not null)
        {
            token = "limited-" + Guid.NewGuid().ToString("N");
            Server.Faults.Add(new KubeFault { Kind = FaultKind.Forbidden, Token = token, OutsideNamespace = ns, User = user });
        }
        else
        {
            using var kube = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig, Context));
            await kube.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = account } }, ns);
            await kube.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
            {
                Metadata = new V1ObjectMeta { Name = account },
                Rules = [new V1PolicyRule { ApiGroups = ["*"], Resources = ["*"], Verbs = ["*"] }],
            }, ns);
            await kube.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
            {
                Metadata = new V1ObjectMeta { Name = account },
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = account },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = account, NamespaceProperty = ns }],
            }, ns);
            var request = await kube.CoreV1.CreateNamespacedServiceAccountTokenAsync(
                new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { ExpirationSeconds = 600 } }, account, ns);
            token = request.Status.Token;
        }
        var path = await WriteKubeconfigCopyAsync("limited", (config, cluster) =>
        {
            config.Clusters = [cluster];
            config.Users = [new User { Name = account, UserCredentials = new UserCredentials { Token = token } }];
            config.Contexts = [new Context { Name = account, ContextDetails = new ContextDetails { Cluster = cluster.Name, User = account, Namespace = ns } }];
            config.CurrentContext = account;
        });
        return (path, account, user);
    }

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

    /// <summary>
    /// Makes a Deployment report every replica ready, as a kubelet would. The test server has no controllers, so its status
    /// is written directly; a real cluster's deployment controller would overwrite that, so there the Deployment's pods (made
    /// by its ReplicaSet) are reported Running and Ready and the controller itself updates the Deployment. Returns once the
    /// Deployment's status says so (bounded by <paramref name="timeout"/>).
    /// </summary>
    public async Task MarkDeploymentReadyAsync(string ns, string name, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        using var client = Connect();
        var deployments = (await client.ResolveAsync("apps/v1", "Deployment", default))!;
        var deployment = await client.GetAsync(deployments, ns, name, default) ?? throw new InvalidOperationException($"deployment {ns}/{name} does not exist");
        var replicas = deployment["spec"]?["replicas"]?.GetValue<int>() ?? 1;
        using var kube = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig, Context));
        if (!IsRealCluster || !await OwnsReplicaSetAsync(client, deployment))
        {
            var generation = deployment["metadata"]?["generation"]?.GetValue<long>() ?? 1;
            var status = new JsonObject
            {
                ["status"] = new JsonObject
                {
                    ["observedGeneration"] = generation, ["replicas"] = replicas, ["readyReplicas"] = replicas,
                    ["updatedReplicas"] = replicas, ["availableReplicas"] = replicas,
                },
            };
            await kube.AppsV1.PatchNamespacedDeploymentStatusAsync(new V1Patch(status.ToJsonString(), V1Patch.PatchType.MergePatch), name, ns);
            return;
        }
        var selector = string.Join(",", (deployment["spec"]?["selector"]?["matchLabels"] as JsonObject ?? []).Select(kv => $"{kv.Key}={kv.Value}"));
        var pods = (await client.ResolveAsync("v1", "Pod", default))!;
        while (true)
        {
            var live = await client.GetAsync(deployments, ns, name, default);
            var st = live?["status"];
            if (st?["observedGeneration"]?.GetValue<long>() == live?["metadata"]?["generation"]?.GetValue<long>()
                && st?["readyReplicas"]?.GetValue<int>() == replicas && st?["updatedReplicas"]?.GetValue<int>() == replicas)
                return;
            var now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            JsonObject Condition(string type) => new() { ["type"] = type, ["status"] = "True", ["lastTransitionTime"] = now };
            var ready = new JsonObject { ["status"] = new JsonObject { ["phase"] = "Running", ["conditions"] = new JsonArray(Condition("Ready"), Condition("ContainersReady")) } };
            foreach (var pod in await client.ListAsync(pods, ns, selector, default))
                if (pod["status"]?["phase"]?.GetValue<string>() != "Running" && pod["metadata"]?["deletionTimestamp"] is null)
                {
                    try
                    {
                        await kube.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(ready.ToJsonString(), V1Patch.PatchType.MergePatch), pod["metadata"]!["name"]!.GetValue<string>(), ns);
                    }
                    catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                    {
                        // The ReplicaSet controller removed the pod between the list and the patch (a scale-down): the next round lists again.
                    }
                }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"deployment {ns}/{name} did not report {replicas} ready replica(s) in time: {st?.ToJsonString()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Whether a ReplicaSet owned by <paramref name="deployment"/> shows up within 5 s (a real cluster without a controller-manager, KUBEREAL_NO_KCM, makes none).</summary>
    private static async Task<bool> OwnsReplicaSetAsync(KubeClient client, JsonObject deployment)
    {
        var sets = (await client.ResolveAsync("apps/v1", "ReplicaSet", default))!;
        var ns = deployment["metadata"]?["namespace"]?.GetValue<string>();
        var uid = deployment["metadata"]?["uid"]?.GetValue<string>();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (true)
        {
            var owned = (await client.ListAsync(sets, ns, null, default))
                .Any(rs => (rs["metadata"]?["ownerReferences"] as JsonArray ?? []).Any(o => o?["uid"]?.GetValue<string>() == uid));
            if (owned || DateTime.UtcNow > until) return owned;
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Installs a CRD as an operator would (server-side apply as <paramref name="fieldManager"/>), remembers it for
    /// deletion, and returns once every served version is served (a real API server establishes a CRD and updates
    /// discovery asynchronously; what <c>kubectl wait --for condition=established</c> waits for). Bounded by 30 s.
    /// </summary>
    public async Task InstallCrdAsync(JsonObject crd, string fieldManager = "operator")
    {
        using var client = Connect();
        var crds = (await client.ResolveAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", default))!;
        await client.ApplyAsync(crds, crd, fieldManager, force: true, dryRun: false, default);
        TrackCrd(crd["metadata"]!["name"]!.GetValue<string>());
        var group = crd["spec"]!["group"]!.GetValue<string>();
        var kind = crd["spec"]!["names"]!["kind"]!.GetValue<string>();
        var versions = (crd["spec"]!["versions"] as JsonArray ?? []).Where(v => v?["served"]?.GetValue<bool>() != false).Select(v => $"{group}/{v!["name"]}").ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        foreach (var apiVersion in versions)
            while (true)
            {
                client.ForgetDiscovery(apiVersion);
                if (await client.ResolveAsync(apiVersion, kind, default) is not null) break;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"{apiVersion} {kind} was not served 30 s after its CRD was applied");
                await Task.Delay(100);
            }
    }

    /// <summary>Remembers a CRD to delete afterwards (against a real cluster).</summary>
    public void TrackCrd(string name) => _crds.Add(name);

    public async Task DisposeAsync()
    {
        foreach (var proxy in _proxies) await proxy.DisposeAsync();
        if (_dir is not null) Directory.Delete(_dir, true);
        if (Server is not null)
        {
            await Server.DisposeAsync();
            return;
        }
        using var client = Connect();
        var ns = await client.ResolveAsync("v1", "Namespace", default);
        foreach (var name in _namespaces) await client.DeleteAsync(ns!, null, name, false, default);
        var crd = await client.ResolveAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", default);
        foreach (var name in _crds) await client.DeleteAsync(crd!, null, name, false, default);
        // A CRD goes away asynchronously (its custom objects are cleaned up first): the next test that installs it
        // must find it gone. Bounded by 60 s.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        foreach (var name in _crds)
            while (await client.GetAsync(crd!, null, name, default) is not null && DateTime.UtcNow < deadline)
                await Task.Delay(100);
    }
}

/// <summary>
/// Test classes that install the same cluster-scoped CRDs (Flux's HelmRelease and HelmRepository, the mysql operator's
/// MysqlCluster): on a real cluster they share those CRDs, so they run one after the other, never at once.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedCrdsCollection
{
    public const string Name = "shared cluster-scoped CRDs";
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
