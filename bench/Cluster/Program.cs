// Cluster benchmark (issue 17): whole process against whole process, on a real API server when one is given.
//   dotnet build -c Release src/GitOpsVela.Host && dotnet run -c Release --project bench/Cluster -- \
//       --kubeconfig $KUBEREAL_DIR/kubeconfig [--context kubereal] [--apps 200,1000,5000] [--namespaces 50] [--pairs 5,3,1]
//       [--validate-max 200]   (kubectl with its default validation only up to this many applications: it is slow)
// For each size: N applications (3 objects each: ConfigMap, Service, ServiceAccount, healthy at once on any cluster)
// spread over the namespaces. Per pair, on fresh namespaces:
//   first apply:  `gitopsvela -Command Invoke-VelaReconcile` (the host process: start-up, load, render, records, apply)
//                 vs `kubectl apply --server-side --validate=false` and `kubectl apply --server-side` (default validation)
//                 of the same rendered objects (to namespaces of their own);
//   no-op pass:   the same commands again;
//   -Wait:        `Invoke-VelaReconcile -Wait` over the same, already healthy applications (one pass, no poll).
// Requests by verb come from the API server's /metrics (apiserver_request_total) before and after each process; peak
// memory from /usr/bin/time. Medians of the pairs, with the machine's load average, go to stdout as a markdown table.
// Without --kubeconfig it runs against the in-tests API server (in this process), which says nothing about a real one.
// It says first whether the host, PowerShell and the module the host loads are precompiled (ReadyToRun) or left to the JIT.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Yaml;
using GitOpsVela.TestKube;

var options = Args.Parse(args);
KubeApiServer? testServer = null;
var work = Directory.CreateTempSubdirectory("gitopsvela-bench-cluster-").FullName;
try
{
    string kubeconfig, context;
    if (options.Kubeconfig is { } given)
    {
        kubeconfig = Path.GetFullPath(given);
        context = options.Context ?? Kubectl.CurrentContext(kubeconfig);
    }
    else
    {
        testServer = await KubeApiServer.StartAsync();
        kubeconfig = testServer.WriteKubeconfig(Path.Combine(work, "config"), "bench");
        context = "bench";
        Console.WriteLine("note: no --kubeconfig: the in-tests API server (metrics from its own request log)");
    }
    var host = Host.Find();
    Console.WriteLine($"host: {host}; kubectl: {Kubectl.Version()}; cores: {Environment.ProcessorCount}");
    Console.WriteLine(Host.Precompiled(host));
    var rows = new List<string>();
    foreach (var (n, index) in options.Apps.Select((n, i) => (n, i)))
    {
        var results = new Dictionary<string, List<Measure>>();
        var pairs = options.PairsFor(index);
        // kubectl with its default validation is slow (it reads the OpenAPI schema); --validate-max leaves it out above a size.
        var validate = n <= options.ValidateMax;
        for (var pair = 0; pair < pairs; pair++)
        {
            var tag = $"{n}-{pair}-{Guid.NewGuid().ToString("N")[..4]}";
            var dir = Path.Combine(work, tag);
            var ours = Fixture.Write(Path.Combine(dir, "apps"), n, options.Namespaces, $"bg{tag}");
            var quick = Fixture.Objects(Path.Combine(dir, "kubectl-novalidate.yaml"), n, options.Namespaces, $"bq{tag}");
            var valid = Fixture.Objects(Path.Combine(dir, "kubectl-validate.yaml"), n, options.Namespaces, $"bv{tag}");
            var metrics = new Metrics(kubeconfig, context, testServer);
            var reconcile = $"Invoke-VelaReconcile -Path '{ours}' -Kubeconfig '{kubeconfig}' -Context '{context}' -ErrorAction Stop | Out-Null";

            Add("gitopsvela first", Run.Measure(metrics, host, ["-Command", reconcile]));
            Add("kubectl --validate=false first", Run.Measure(metrics, "kubectl", Kubectl.Apply(kubeconfig, context, quick, validate: false)));
            if (validate) Add("kubectl first", Run.Measure(metrics, "kubectl", Kubectl.Apply(kubeconfig, context, valid, validate: true)));
            Add("gitopsvela no-op", Run.Measure(metrics, host, ["-Command", reconcile]));
            Add("kubectl --validate=false no-op", Run.Measure(metrics, "kubectl", Kubectl.Apply(kubeconfig, context, quick, validate: false)));
            if (validate) Add("kubectl no-op", Run.Measure(metrics, "kubectl", Kubectl.Apply(kubeconfig, context, valid, validate: true)));
            // -Wait over applications that are all healthy already: one pass, no poll.
            Add("gitopsvela -Wait (all healthy)", Run.Measure(metrics, host, ["-Command", reconcile.Replace("-ErrorAction Stop", "-Wait -ErrorAction Stop")]));
            Console.WriteLine($"pair {pair + 1}/{pairs} of {n} applications done (load {Load()})");

            void Add(string what, Measure m)
            {
                if (!results.TryGetValue(what, out var list)) results[what] = list = [];
                list.Add(m);
                Console.WriteLine($"  {what}: {m.Seconds:F2} s, {m.PeakMb} MB, requests {m.Requests.Values.Sum()} ({Verbs(m)})");
            }
        }
        double Median(string what) => Stats.Median(results[what].Select(m => m.Seconds));
        foreach (var (what, list) in results)
            rows.Add($"| {n} | {what} | {Stats.Median(list.Select(m => m.Seconds)):F2} s | {Stats.Median(list.Select(m => (double)m.PeakMb)):F0} MB | {Verbs(list[list.Count / 2])} |");
        string VsValidated(string what) => validate ? $"; / kubectl = {Median($"gitopsvela {what}") / Median($"kubectl {what}"):F2}" : "; kubectl with validation not run at this size";
        rows.Add($"| {n} | **ratio first** | gitopsvela / kubectl --validate=false = {Median("gitopsvela first") / Median("kubectl --validate=false first"):F2}{VsValidated("first")} | {pairs} pairs | load {Load()} |");
        rows.Add($"| {n} | **ratio no-op** | gitopsvela / kubectl --validate=false = {Median("gitopsvela no-op") / Median("kubectl --validate=false no-op"):F2}{VsValidated("no-op")} | | |");
    }
    Console.WriteLine();
    Console.WriteLine($"Load average at the end: {Load()}; {string.Join("/", options.Pairs)} pairs for {string.Join("/", options.Apps)} applications, medians; {options.Namespaces} namespaces.");
    Console.WriteLine("| apps | process | wall | peak memory | requests by verb (median run) |");
    Console.WriteLine("| --- | --- | --- | --- | --- |");
    foreach (var row in rows) Console.WriteLine(row);
}
finally
{
    if (testServer is not null) await testServer.DisposeAsync();
    Directory.Delete(work, recursive: true);
}

static string Verbs(Measure m) => string.Join(", ", m.Requests.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));

static string Load() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

sealed record Args(string? Kubeconfig, string? Context, int[] Apps, int Namespaces, int[] Pairs, int ValidateMax)
{
    public static Args Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var apps = (Value("--apps") ?? "200").Split(',').Select(int.Parse).ToArray();
        var pairs = (Value("--pairs") ?? "5").Split(',').Select(int.Parse).ToArray();
        return new Args(Value("--kubeconfig"), Value("--context"), apps,
            int.Parse(Value("--namespaces") ?? "50"), apps.Select((_, i) => pairs[Math.Min(i, pairs.Length - 1)]).ToArray(),
            int.Parse(Value("--validate-max") ?? int.MaxValue.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>Pairs for the size at <paramref name="index"/> of --apps (--pairs 5,3,1 goes with --apps 200,1000,5000).</summary>
    public int PairsFor(int index) => Pairs[index];
}

sealed record Measure(double Seconds, long PeakMb, IReadOnlyDictionary<string, long> Requests);

static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>Requests the API server counted, by verb (and "LIST configmaps"-style detail for reads).</summary>
sealed class Metrics(string kubeconfig, string context, KubeApiServer? server)
{
    public Dictionary<string, long> Snapshot()
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        if (server is not null)
        {
            foreach (var r in server.Requests) Add(result, r.Verb.ToUpperInvariant(), 1);
            return result;
        }
        var text = Kubectl.Raw(kubeconfig, context, "/metrics");
        foreach (Match m in Regex.Matches(text, @"^apiserver_request_total\{([^}]*)\} (\d+(?:\.\d+)?(?:e\+\d+)?)$", RegexOptions.Multiline))
        {
            var labels = Regex.Matches(m.Groups[1].Value, "(\\w+)=\"([^\"]*)\"").ToDictionary(l => l.Groups[1].Value, l => l.Groups[2].Value);
            if (labels.GetValueOrDefault("component") != "apiserver" || labels.GetValueOrDefault("resource") is null or "") continue;
            var detail = Environment.GetEnvironmentVariable("BENCH_BY_RESOURCE") == "1" ? " " + labels["resource"] : "";
            Add(result, labels["verb"] + detail, (long)double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        return result;
    }

    private static void Add(Dictionary<string, long> into, string key, long n) => into[key] = into.GetValueOrDefault(key) + n;
}

static class Run
{
    /// <summary>Runs a whole process under /usr/bin/time; the requests it caused are the metrics' difference (less the scrape itself).</summary>
    public static Measure Measure(Metrics metrics, string program, IEnumerable<string> arguments)
    {
        var before = metrics.Snapshot();
        var timeFile = Path.GetTempFileName();
        var start = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", "%M", "-o", timeFile, program }.Concat(arguments)) start.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        clock.Stop();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {stderr.Result}{stdout.Result}".Trim());
        var after = metrics.Snapshot();
        var delta = after.ToDictionary(kv => kv.Key, kv => kv.Value - before.GetValueOrDefault(kv.Key)).Where(kv => kv.Value > 0)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        var kb = long.Parse(File.ReadAllLines(timeFile).Last(l => l.Trim().Length > 0).Trim(), CultureInfo.InvariantCulture);
        File.Delete(timeFile);
        return new Measure(clock.Elapsed.TotalSeconds, kb / 1024, delta);
    }
}

static class Kubectl
{
    public static string[] Apply(string kubeconfig, string context, string file, bool validate) =>
        ["--kubeconfig", kubeconfig, "--context", context, "apply", "--server-side", $"--validate={(validate ? "true" : "false")}", "-f", file];

    public static string Raw(string kubeconfig, string context, string path) => Output("--kubeconfig", kubeconfig, "--context", context, "get", "--raw", path);

    public static string Version() => Output("version", "--client", "-o", "json") is var json && JsonNode.Parse(json)?["clientVersion"]?["gitVersion"]?.GetValue<string>() is { } v ? v : "?";

    public static string CurrentContext(string kubeconfig) => Output("--kubeconfig", kubeconfig, "config", "current-context").Trim();

    private static string Output(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"kubectl {string.Join(' ', args)}: {error}");
        return output.Result;
    }
}

static class Host
{
    /// <summary>
    /// The gitopsvela host built in Release (it carries the module it was built beside), or the one GITOPSVELA_BENCH_HOST
    /// names (a published host, e.g. `dotnet publish src/GitOpsVela.Host -c Release -r linux-x64`, precompiled).
    /// </summary>
    public static string Find()
    {
        if (Environment.GetEnvironmentVariable("GITOPSVELA_BENCH_HOST") is { Length: > 0 } named)
            return File.Exists(named) ? Path.GetFullPath(named) : throw new InvalidOperationException($"GITOPSVELA_BENCH_HOST names no file: {named}");
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "GitOpsVela.sln"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        var host = Path.Combine(dir, "src", "GitOpsVela.Host", "bin", "Release", "net10.0", "gitopsvela");
        if (!File.Exists(host)) throw new InvalidOperationException($"build the host first: dotnet build -c Release src/GitOpsVela.Host ({host} is missing)");
        return host;
    }

    /// <summary>
    /// Whether the host and the module it loads (found as the host finds it: GITOPSVELA_MODULE_PATH, GitOpsVela/ beside it,
    /// out/GitOpsVela above it) are precompiled (ReadyToRun), which decides much of what a pass pays at start-up.
    /// </summary>
    public static string Precompiled(string host)
    {
        var dir = Path.GetDirectoryName(host)!;
        var module = Environment.GetEnvironmentVariable("GITOPSVELA_MODULE_PATH") is { Length: > 0 } named ? (Directory.Exists(named) ? named : Path.GetDirectoryName(named)!)
            : Directory.Exists(Path.Combine(dir, "GitOpsVela")) ? Path.Combine(dir, "GitOpsVela")
            : Ancestors(dir).Select(d => Path.Combine(d, "out", "GitOpsVela")).FirstOrDefault(Directory.Exists);
        string Of(string file) => !File.Exists(file) ? "missing" : IsReadyToRun(file) ? "ReadyToRun" : "IL only (JIT)";
        var text = $"precompiled: host {Of(Path.Combine(dir, "gitopsvela.dll"))}, PowerShell {Of(Path.Combine(dir, "System.Management.Automation.dll"))}";
        return module is null ? text + ", module not found"
            : text + $", module ({module}) GitOpsVela.Commands.dll {Of(Path.Combine(module, "GitOpsVela.Commands.dll"))}, GitOpsVela.Engine.dll {Of(Path.Combine(module, "dependencies", "GitOpsVela.Engine.dll"))}";

        static IEnumerable<string> Ancestors(string d)
        {
            for (var info = new DirectoryInfo(d); info is not null; info = info.Parent) yield return info.FullName;
        }
    }

    /// <summary>A ReadyToRun image carries a managed native header (the precompiled code's directory); an IL-only assembly has none.</summary>
    public static bool IsReadyToRun(string assembly)
    {
        using var reader = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(assembly));
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }
}

static class Fixture
{
    /// <summary>N applications over the namespaces, each three objects that are healthy as soon as they exist.</summary>
    public static string Write(string dir, int n, int namespaces, string prefix)
    {
        Directory.CreateDirectory(dir);
        for (var i = 0; i < n; i++)
            File.WriteAllText(Path.Combine(dir, $"app-{i:D5}.yaml"), App(i, $"{prefix}-{i % namespaces}"));
        return dir;
    }

    /// <summary>The same objects as the applications render to (labels included), with their namespaces, as one file for kubectl.</summary>
    public static string Objects(string file, int n, int namespaces, string prefix)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var objects = new List<JsonNode?>();
        for (var ns = 0; ns < Math.Min(n, namespaces); ns++)
            objects.Add(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = $"{prefix}-{ns}" } });
        for (var i = 0; i < n; i++)
        {
            var app = ApplicationLoader.LoadText(App(i, $"{prefix}-{i % namespaces}"), $"app-{i}.yaml").Applications.Single();
            var plan = ReleasePlanner.Check(app);
            if (!plan.Succeeded) throw new InvalidOperationException(string.Join("; ", plan.Problems));
            objects.AddRange(plan.ManifestsByCluster().Values.SelectMany(m => m).Select(m => (JsonNode?)m.Object));
        }
        File.WriteAllText(file, YamlWriter.Write(objects));
        return file;
    }

    private static string App(int i, string ns) => $$"""
        apiVersion: core.oam.dev/v1beta1
        kind: Application
        metadata:
          name: app-{{i}}
          namespace: {{ns}}
        spec:
          components:
            - name: settings
              type: k8s-objects
              properties:
                objects:
                  - apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: app-{{i}}-settings}
                    data: {color: blue, size: "{{i}}"}
                  - apiVersion: v1
                    kind: Service
                    metadata: {name: app-{{i}}}
                    spec:
                      ports: [{port: 80, targetPort: 8080}]
                      selector: {app: app-{{i}}}
                  - apiVersion: v1
                    kind: ServiceAccount
                    metadata: {name: app-{{i}}}
        """;
}
