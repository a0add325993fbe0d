using System.Diagnostics;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Tests.Infrastructure;
using GitOpsVela.TestKube;

// Issue 5 figures, all on this machine in one run:
//  - a config repo of 5,000 files and 1,000 commits on the local apache git server: first sync vs `git clone`,
//    no-op sync (fetch, nothing new) vs `git fetch` (targets: first <= 2x clone, no-op <= 1.5x fetch);
//  - a no-op Invoke-VelaReconcile pass of 200 applications against the Kubernetes API test server (target < 2 s).
using var git = GitServer.Start("bench", "bench-pass");
var files = new Dictionary<string, string>();
for (var i = 0; i < 5_000; i++) files[$"apps/team-{i % 50}/app-{i}.yaml"] = $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: app-{i}}}\ndata: {{v: \"0\"}}\n";
var url = git.CreateRepository("big", files);
var work = git.CloneForEdits("big");
Console.Write("making 1,000 commits ... ");
var script = string.Join(" && ", Enumerable.Range(1, 999).Select(i => $"echo {i} > apps/team-{i % 50}/counter.txt && git add -A && git -c user.name=b -c user.email=b@x commit -qm c{i}"));
GitServer.Run("bash", "-c", $"cd '{work}' && {script} && git push -q origin HEAD:refs/heads/main");
Console.WriteLine("done");

double Time(Action action)
{
    var sw = Stopwatch.StartNew();
    action();
    return sw.Elapsed.TotalMilliseconds;
}

var authUrl = url.Replace("http://", "http://bench:bench-pass@");
var cloneDir = Path.Combine(Path.GetTempPath(), "gitopsvela-bench-clone-" + Guid.NewGuid().ToString("N")[..6]);
var gitClone = Time(() => GitServer.Run("git", "clone", "-q", "--no-checkout", authUrl, cloneDir));
var gitCheckout = Time(() => GitServer.Run("git", "-C", cloneDir, "checkout", "-q", "main"));
var gitFetch = Time(() => GitServer.Run("git", "-C", cloneDir, "fetch", "-q", "origin"));
Directory.Delete(cloneDir, true);

var cacheRoot = Path.Combine(Path.GetTempPath(), "gitopsvela-bench-cache-" + Guid.NewGuid().ToString("N")[..6]);
var cache = new GitSourceCache(cacheRoot);
var credentials = new GitCredentials("bench", "bench-pass");
var first = Time(() => cache.Sync(new GitSyncRequest(url, new GitReference("main"), credentials)));
var noop = Time(() => cache.Sync(new GitSyncRequest(url, new GitReference("main"), credentials, Force: true)));
var notDue = Time(() => cache.Sync(new GitSyncRequest(url, new GitReference("main"), credentials, TimeSpan.FromMinutes(10))));
Console.WriteLine($"first sync {first:0} ms vs git clone+checkout {gitClone + gitCheckout:0} ms: {first / (gitClone + gitCheckout):0.00}x (target <= 2x)");
Console.WriteLine($"no-op sync (fetch) {noop:0} ms vs git fetch {gitFetch:0} ms: {noop / gitFetch:0.00}x (target <= 1.5x); before pullInterval (no network) {notDue:0} ms");
Directory.Delete(cacheRoot, true);

// 200 applications in a folder, reconciled twice; the second pass is the no-op.
await using var server = await KubeApiServer.StartAsync();
var dir = Directory.CreateTempSubdirectory("gitopsvela-bench-apps-").FullName;
var kubeconfig = server.WriteKubeconfig(Path.Combine(dir, "kubeconfig"));
for (var i = 0; i < 200; i++)
    File.WriteAllText(Path.Combine(dir, $"app-{i}.yaml"), $"apiVersion: core.oam.dev/v1beta1\nkind: Application\nmetadata: {{name: app-{i}, namespace: bench}}\nspec:\n  components:\n    - name: settings-{i}\n      type: k8s-objects\n      properties:\n        objects:\n          - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: a-{i}}}, data: {{v: \"1\"}}}}\n          - {{apiVersion: v1, kind: ConfigMap, metadata: {{name: b-{i}}}, data: {{v: \"2\"}}}}\n          - {{apiVersion: v1, kind: Secret, metadata: {{name: c-{i}}}, stringData: {{v: \"3\"}}}}\n");
var apps = ApplicationLoader.Load([dir]).Applications;
using (var target = KubeDelivery.Open(kubeconfig, null, NullEngineOutput.Instance))
{
    var firstPass = Time(() => target.CreateReconciler(NullEngineOutput.Instance, new GitSourceCache(cacheRoot), null, null)
        .RunAsync(apps, new ReconcileOptions { Wait = true, PollInterval = TimeSpan.FromMilliseconds(10) }, default).GetAwaiter().GetResult());
    Console.WriteLine($"reconcile 200 applications (600 objects), first pass: {firstPass:0} ms");
}
server.ClearRequests();
using (var target = KubeDelivery.Open(kubeconfig, null, NullEngineOutput.Instance))
{
    var sw = Stopwatch.StartNew();
    var fresh = ApplicationLoader.Load([dir]).Applications;
    var items = await target.CreateReconciler(NullEngineOutput.Instance, new GitSourceCache(cacheRoot), null, null).RunAsync(fresh, new ReconcileOptions(), default);
    sw.Stop();
    var problems = items.Sum(i => i.Problems.Count + (i.Delivery?.Problems.Count ?? 0));
    Console.WriteLine($"no-op reconcile pass of 200 applications (load included): {sw.Elapsed.TotalMilliseconds:0} ms (target < 2000 ms); " +
                      $"{server.Requests.Count} requests, {server.CountWrites()} writes, {problems} problems");
}
Directory.Delete(dir, true);
