// Cluster benchmark (issue 3): 200 applications (600 objects) against the in-tests Kubernetes API server:
// first apply, then a no-op reconcile (target: zero writes, at most one list per kind and namespace), and the same
// no-op through `kubectl apply --server-side` of the same objects (target: GitOpsVela at most half of kubectl's time).
//   dotnet run -c Release --project bench/Cluster
using System.Diagnostics;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution.Apply;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Kube;
using GitOpsVela.TestKube;

const int Applications = 200;
const int Namespaces = 10;

await using var server = await KubeApiServer.StartAsync();
var dir = Directory.CreateTempSubdirectory("gitopsvela-bench-cluster-");
try
{
    var kubeconfig = server.WriteKubeconfig(Path.Combine(dir.FullName, "config"), "bench");
    var apps = Enumerable.Range(0, Applications).Select(i => Objects(i)).ToList();
    var namespaces = Enumerable.Range(0, Namespaces).Select(n => Obj($$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"bench-{{n}}"} }""")).ToList();

    var first = await Reconcile("first apply", kubeconfig, namespaces, apps);
    var noop = await Reconcile("no-op reconcile", kubeconfig, namespaces, apps);
    if (noop.Writes != 0) throw new InvalidOperationException($"the no-op reconcile wrote {noop.Writes} times");
    var kinds = 3; // ConfigMap, Deployment, Service per namespace, plus the namespaces' own list
    if (noop.Lists > kinds * Namespaces + 1) throw new InvalidOperationException($"the no-op reconcile listed {noop.Lists} times");

    // kubectl: the same rendered objects, server-side apply; the first run creates field ownership, the second is the no-op.
    var manifest = Path.Combine(dir.FullName, "all.yaml");
    File.WriteAllText(manifest, string.Join("\n---\n", namespaces.Concat(apps.SelectMany(a => a)).Select(o => o.ToJsonString())));
    var kubectlFirst = Kubectl(kubeconfig, manifest, "kubectl first");
    server.ClearRequests();
    var kubectlNoop = Kubectl(kubeconfig, manifest, "kubectl no-op");
    Console.WriteLine($"kubectl no-op: {server.Count(r => true)} requests ({server.CountWrites()} writes)");
    Console.WriteLine($"RESULT no-op: GitOpsVela {noop.Seconds * 1000:F0} ms vs kubectl {kubectlNoop * 1000:F0} ms = {noop.Seconds / kubectlNoop:P0} of kubectl's time (target <= 50%)");
}
finally
{
    dir.Delete(true);
}

async Task<(double Seconds, int Writes, int Lists)> Reconcile(string label, string kubeconfig, List<JsonObject> namespaces, List<JsonObject[]> apps)
{
    var sw = Stopwatch.StartNew();
    using var client = Kubeconfig.Connect(kubeconfig, "bench");
    var cache = new LiveObjectCache(client);
    var ns = await new Applier(client, NullEngineOutput.Instance, cache).ApplyAsync(namespaces, new ApplyOptions(), null, default);
    if (!ns.Succeeded) throw new InvalidOperationException(string.Join("\n", ns.Problems));
    foreach (var objects in apps)
    {
        var result = await new Applier(client, NullEngineOutput.Instance, cache).ApplyAsync(objects, new ApplyOptions(), objects[0]["metadata"]!["labels"]!["app.oam.dev/name"]!.GetValue<string>(), default);
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("\n", result.Problems));
    }
    sw.Stop();
    var writes = client.CountWrites();
    var lists = client.CountVerb("list");
    Console.WriteLine($"{label}: {Applications} applications, {apps.Sum(a => a.Length)} objects in {sw.Elapsed.TotalMilliseconds:F0} ms; {client.Requests.Count} requests ({writes} writes, {lists} lists, {client.CountVerb("discovery")} discovery, {client.CountVerb("get")} gets)");
    return (sw.Elapsed.TotalSeconds, writes, lists);
}

static double Kubectl(string kubeconfig, string manifest, string label)
{
    var psi = new ProcessStartInfo("kubectl", ["--kubeconfig", kubeconfig, "apply", "--server-side", "--field-manager", "kubectl-bench", "--validate=false", "-f", manifest])
    {
        RedirectStandardOutput = true, RedirectStandardError = true,
    };
    var sw = Stopwatch.StartNew();
    using var p = Process.Start(psi)!;
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEnd();
    p.WaitForExit();
    sw.Stop();
    if (p.ExitCode != 0) throw new InvalidOperationException($"kubectl failed ({p.ExitCode}): {stderr}");
    Console.WriteLine($"{label}: {stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} objects in {sw.Elapsed.TotalMilliseconds:F0} ms");
    return sw.Elapsed.TotalSeconds;
}

static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

static JsonObject[] Objects(int i)
{
    var ns = $"bench-{i % Namespaces}";
    var app = $"app-{i}";
    var labels = $$"""{"app.oam.dev/name":"{{app}}","app.oam.dev/component":"{{app}}","app.kubernetes.io/managed-by":"gitopsvela"}""";
    return
    [
        Obj($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{app}}-config","namespace":"{{ns}}","labels":{{labels}}},"data":{"index":"{{i}}","mode":"bench"} }"""),
        Obj($$$"""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"{{{app}}}","namespace":"{{{ns}}}","labels":{{{labels}}}},"spec":{"replicas":1,"selector":{"matchLabels":{"app.oam.dev/component":"{{{app}}}"}},"template":{"metadata":{"labels":{"app.oam.dev/component":"{{{app}}}"} },"spec":{"containers":[{"name":"{{{app}}}","image":"nginx:1.27","ports":[{"containerPort":80}]}]} } } }"""),
        Obj($$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{app}}","namespace":"{{ns}}","labels":{{labels}}},"spec":{"selector":{"app.oam.dev/component":"{{app}}"},"ports":[{"port":80,"targetPort":80} ] } }"""),
    ];
}
