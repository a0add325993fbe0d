// Foundation benchmark (issue 2): load + validate + render 1,000 applications (3 components, 2 traits each)
// on one core after warm-up, peak memory, and Import-Module time of the built module; then (issue 17) the same
// applications through the cmdlets in a runspace of this process, `Get-VelaApplication -Path | ConvertTo-VelaManifest`,
// against the engine: applications per CPU-second each way, and the managed memory each path allocates and keeps.
//   dotnet build src/GitOpsVela.Commands && dotnet run -c Release --project bench/Foundation [-- --apps 10000] [--warmup 10]
//   [--profile N]: only N passes, for perf;  [--allocations N]: what N passes allocate, by type;
//   [--write DIR]: only write the applications into DIR
using System.Diagnostics;
using System.Management.Automation.Runspaces;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Planning;
using GitOpsVela.Engine.Rendering;

var Applications = Option("--apps") is { } appCount ? int.Parse(appCount, System.Globalization.CultureInfo.InvariantCulture) : 1000;
// Tiered compilation on one core settles after ~10 s of passes (tier 0, then instrumented, then tier 1 with PGO, compiled
// in the background on the same core); the rounds measure that steady state, the cold pass what a fresh process pays.
var WarmUp = TimeSpan.FromSeconds(Option("--warmup") is { } w ? double.Parse(w, System.Globalization.CultureInfo.InvariantCulture) : 10);
const int Rounds = 7;
Figures.Applications = Applications;

if (Option("--write") is { } target)
{
    // Only the applications, into a folder (CmdletsInPwsh.ps1 measures the same ones in pwsh).
    Directory.CreateDirectory(target);
    Generate(target, Applications);
    return;
}

if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
    Process.GetCurrentProcess().ProcessorAffinity = 1; // one core

var dir = Directory.CreateTempSubdirectory("gitopsvela-bench-");
try
{
    Generate(dir.FullName, Applications);
    if (Option("--allocations") is { } passes)
    {
        // What is allocated, by type: the runtime's allocation samples (one about every 100 KB) over N passes.
        RunPipeline(dir.FullName);
        using var listener = new AllocationListener();
        for (var i = 0; i < int.Parse(passes, System.Globalization.CultureInfo.InvariantCulture); i++) RunPipeline(dir.FullName);
        foreach (var (type, kb) in listener.Top(30)) Console.WriteLine($"{kb,10:N0} KB  {type}");
        return;
    }
    if (Option("--profile") is { } profilePasses)
    {
        // Only the pipeline, over and over, for a sampling profiler (perf with DOTNET_PerfMapEnabled=1).
        for (var i = 0; i < int.Parse(profilePasses, System.Globalization.CultureInfo.InvariantCulture); i++) RunPipeline(dir.FullName);
        return;
    }
    // Warm-up: the first pass pays for JIT (tier 0), the next ones for tiering up in the background (tier 1 with PGO);
    // the rounds measure the steady state. The first pass is reported on its own: what a fresh process pays.
    var cold = Stopwatch.StartNew();
    RunPipeline(dir.FullName);
    Console.WriteLine($"cold (first pass in a fresh process, JIT included): {Applications / cold.Elapsed.TotalSeconds:F0} applications/s");
    for (var warm = Stopwatch.StartNew(); warm.Elapsed < WarmUp;) RunPipeline(dir.FullName);
    var times = new List<double>();
    var cpuTimes = new List<double>();
    for (var i = 0; i < Rounds; i++)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var (apps, objects, problems) = RunPipeline(dir.FullName);
        sw.Stop();
        cpuTimes.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        if (apps != Applications || problems != 0) throw new InvalidOperationException($"expected {Applications} clean applications, got {apps} with {problems} problems");
        times.Add(sw.Elapsed.TotalSeconds);
        Console.WriteLine($"round {i + 1}: {apps} applications, {objects} objects in {sw.Elapsed.TotalMilliseconds:F0} ms = {apps / sw.Elapsed.TotalSeconds:F0} applications/s");
    }
    // Where the time goes: load (read + parse + typed model) against validate + render, in CPU time.
    var loadCpu = new List<double>();
    var planCpu = new List<double>();
    long loadBytes = 0, planBytes = 0;
    for (var i = 0; i < Rounds; i++)
    {
        var a0 = GC.GetAllocatedBytesForCurrentThread();
        var t0 = Process.GetCurrentProcess().TotalProcessorTime;
        var loaded = ApplicationLoader.Load([dir.FullName]);
        var t1 = Process.GetCurrentProcess().TotalProcessorTime;
        var a1 = GC.GetAllocatedBytesForCurrentThread();
        foreach (var app in loaded.Applications) _ = ReleasePlanner.Check(app).ManifestsByCluster();
        var t2 = Process.GetCurrentProcess().TotalProcessorTime;
        loadBytes = a1 - a0;
        planBytes = GC.GetAllocatedBytesForCurrentThread() - a1;
        loadCpu.Add((t1 - t0).TotalMilliseconds);
        planCpu.Add((t2 - t1).TotalMilliseconds);
    }
    loadCpu.Sort();
    planCpu.Sort();
    Console.WriteLine($"CPU per {Applications:N0} applications: load {loadCpu[Rounds / 2]:F0} ms, validate + render {planCpu[Rounds / 2]:F0} ms; " +
                      $"allocated per application: load {loadBytes / 1024.0 / Applications:F0} KB, validate + render {planBytes / 1024.0 / Applications:F0} KB");
    times.Sort();
    var median = times[times.Count / 2];
    Console.WriteLine($"load+validate+render: median {Applications / median:F0} applications/s on one core (target >= 5000)");
    // CPU time spent by this process: what the work costs, whatever else the machine is doing (wall time is not, on a busy machine).
    cpuTimes.Sort();
    Console.WriteLine($"load+validate+render: median {Applications / cpuTimes[cpuTimes.Count / 2]:F0} applications per CPU-second");
    Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024.0 / 1024.0:F0} MB (target < 300)");

    // Engine vs cmdlets, same applications, same process: CPU-seconds (not wall: the machine is shared) and the managed
    // memory each path allocates per application and still holds when it is done (the caller keeps only a count).
    using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
    runspace.Open();
    using var shell = System.Management.Automation.PowerShell.Create();
    shell.Runspace = runspace;
    shell.AddScript($"Import-Module '{Path.Combine(FindRepoRoot(), "out", "GitOpsVela", "GitOpsVela.psd1")}' -ErrorAction Stop").Invoke();
    // Counted once (the caller keeping every object); measured with Out-Null (the caller keeping none).
    shell.Commands.Clear();
    var written = shell.AddScript($"@(Get-VelaApplication -Path '{dir.FullName}' | ConvertTo-VelaManifest).Count").Invoke();
    if (shell.HadErrors) throw new InvalidOperationException(string.Join("; ", shell.Streams.Error));
    var count = Convert.ToInt32(written.Single().BaseObject);
    int Cmdlets()
    {
        shell.Commands.Clear();
        shell.AddScript($"Get-VelaApplication -Path '{dir.FullName}' | ConvertTo-VelaManifest | Out-Null").Invoke();
        if (shell.HadErrors) throw new InvalidOperationException(string.Join("; ", shell.Streams.Error));
        return count;
    }
    // The two paths take turns, round by round, so a machine that gets busier or quieter meanwhile weighs on both alike.
    var (engine, cmdlets) = MeasureInTurns(() => RunPipeline(dir.FullName).Objects, Cmdlets);
    if (cmdlets.Objects != engine.Objects) throw new InvalidOperationException($"the cmdlets wrote {cmdlets.Objects} objects, the engine rendered {engine.Objects}");
    Console.WriteLine($"engine:  {Applications / engine.Cpu:F0} applications per CPU-second, {engine.AllocatedPerApp / 1024:F0} KB allocated per application, {engine.RetainedMb:F0} MB held after, peak heap {engine.PeakMb:F0} MB, {engine.Gen2:F0} gen-2 collections per run");
    Console.WriteLine($"cmdlets: {Applications / cmdlets.Cpu:F0} applications per CPU-second, {cmdlets.AllocatedPerApp / 1024:F0} KB allocated per application, {cmdlets.RetainedMb:F0} MB held after, peak heap {cmdlets.PeakMb:F0} MB, {cmdlets.Gen2:F0} gen-2 collections per run");
    Console.WriteLine($"cmdlets / engine: {engine.Cpu / cmdlets.Cpu:F2}x the speed (target >= 0.8)");

    (Figures Engine, Figures Cmdlets) MeasureInTurns(Func<int> engineRun, Func<int> cmdletsRun)
    {
        // Warm-up, both paths in turns for as long as the engine's own: the module loads its own copy of the engine (its
        // AssemblyLoadContext), which is compiled and tiered up again, as is PowerShell's pipeline code.
        for (var warm = Stopwatch.StartNew(); warm.Elapsed < WarmUp;)
        {
            engineRun();
            cmdletsRun();
        }
        var e = new List<Round>();
        var c = new List<Round>();
        for (var i = 0; i < Rounds; i++)
        {
            e.Add(MeasureRound(engineRun));
            c.Add(MeasureRound(cmdletsRun));
        }
        return (Figures.Of(e), Figures.Of(c));
    }

    // Peak: the largest managed heap seen while a round runs (sampled every 10 ms; the sampler allocates nothing), which is
    // what a path that holds its input until the end grows; gen-2 collections per round are what that costs. Held after:
    // what the heap still holds once the round is done (the caller keeping nothing), against what it held before.
    static Round MeasureRound(Func<int> run)
    {
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var before = GC.GetTotalAllocatedBytes(true);
        var collections = GC.CollectionCount(2);
        long peak = 0;
        int objects;
        double cpuSeconds;
        using (new Timer(_ => { var now = GC.GetTotalMemory(false); if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now); }, null, 0, 10))
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            objects = run();
            cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        }
        var allocated = GC.GetTotalAllocatedBytes(true) - before;
        var gen2 = GC.CollectionCount(2) - collections;
        var held = Math.Max(0, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        return new Round(cpuSeconds, objects, allocated, held, Interlocked.Read(ref peak), gen2);
    }
}
finally
{
    dir.Delete(recursive: true);
}

var manifest = Path.Combine(FindRepoRoot(), "out", "GitOpsVela", "GitOpsVela.psd1");
using (var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2()))
{
    runspace.Open();
    using var ps = System.Management.Automation.PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript("$null").Invoke(); // engine warm: measure the module, not PowerShell's own start-up
    ps.Commands.Clear();
    var sw = Stopwatch.StartNew();
    ps.AddScript($"Import-Module '{manifest}' -ErrorAction Stop; $null = Get-Command Get-VelaApplication").Invoke();
    sw.Stop();
    if (ps.HadErrors) throw new InvalidOperationException(string.Join("; ", ps.Streams.Error));
    Console.WriteLine($"Import-Module GitOpsVela: {sw.Elapsed.TotalMilliseconds:F0} ms (target < 500)");
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static (int Apps, int Objects, int Problems) RunPipeline(string dir)
{
    var load = ApplicationLoader.Load([dir]);
    var problems = load.Problems.Count;
    var objects = 0;
    foreach (var app in load.Applications)
    {
        // Validation and rendering in one plan: each component is rendered once.
        var plan = ReleasePlanner.Check(app);
        problems += plan.Problems.Count;
        objects += plan.ManifestsByCluster().Values.Sum(m => m.Count);
    }
    return (load.Applications.Count, objects, problems);
}

static void Generate(string dir, int count)
{
    for (var i = 0; i < count; i++)
    {
        File.WriteAllText(Path.Combine(dir, $"app-{i:D4}.yaml"), $$"""
            apiVersion: core.oam.dev/v1beta1
            kind: Application
            metadata:
              name: app-{{i}}
              namespace: team-{{i % 20}}
            spec:
              components:
                - name: frontend
                  type: webservice
                  properties:
                    image: registry.example.com/frontend:1.{{i}}.0 # {"$imagepolicy": "team-{{i % 20}}:app-{{i}}"}
                    ports:
                      - port: 8080
                        expose: true
                    cpu: "0.5"
                    memory: 256Mi
                    env:
                      - name: BACKEND
                        value: http://backend:9090
                  traits:
                    - type: scaler
                      properties:
                        replicas: 3
                    - type: ingress-1-20
                      properties:
                        domain: app-{{i}}.example.com
                        http:
                          /: 8080
                - name: backend
                  type: webservice
                  dependsOn: [cache]
                  properties:
                    image: registry.example.com/backend:2.{{i}}.0
                    port: 9090
                  traits:
                    - type: labels
                      properties:
                        tier: backend
                    - type: resource
                      properties:
                        cpu: 1
                        memory: 512Mi
                - name: cache
                  type: worker
                  properties:
                    image: redis:7
                  traits:
                    - type: annotations
                      properties:
                        owner: platform
                    - type: env
                      properties:
                        env:
                          MAXMEMORY: 100mb
            """);
    }
}

static string FindRepoRoot()
{
    for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        if (File.Exists(Path.Combine(d.FullName, "GitOpsVela.sln"))) return d.FullName;
    throw new InvalidOperationException("GitOpsVela.sln not found");
}

/// <summary>Sums the runtime's allocation samples (GCAllocationTick: the type that crossed each ~100 KB) by type.</summary>
sealed class AllocationListener : System.Diagnostics.Tracing.EventListener
{
    private readonly Dictionary<string, long> _bytes = [];

    protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x1);
    }

    protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
    {
        if (e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.Payload[e.PayloadNames!.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(e.Payload[e.PayloadNames!.IndexOf("AllocationAmount")], System.Globalization.CultureInfo.InvariantCulture);
        lock (_bytes) _bytes[type] = _bytes.GetValueOrDefault(type) + amount;
    }

    public IEnumerable<(string Type, long Kb)> Top(int n)
    {
        lock (_bytes) return _bytes.OrderByDescending(kv => kv.Value).Take(n).Select(kv => (kv.Key, kv.Value / 1024)).ToList();
    }
}

/// <summary>One measured round of one path.</summary>
internal sealed record Round(double Cpu, int Objects, long Allocated, long Held, long Peak, int Gen2);

/// <summary>Medians over the rounds of one path.</summary>
internal sealed record Figures(double Cpu, int Objects, double AllocatedPerApp, double RetainedMb, double PeakMb, double Gen2)
{
    public static int Applications { get; set; }

    public static Figures Of(IReadOnlyList<Round> rounds)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }
        return new Figures(Median(rounds.Select(r => r.Cpu)), rounds[^1].Objects, Median(rounds.Select(r => (double)r.Allocated)) / Applications,
            Median(rounds.Select(r => (double)r.Held)) / 1024 / 1024, Median(rounds.Select(r => (double)r.Peak)) / 1024 / 1024, Median(rounds.Select(r => (double)r.Gen2)));
    }
}
