using System.Diagnostics;
using GitOpsVela.Engine.Images;

// Issue 6 figures: selection among 10,000 tags (target < 20 ms); a scan of a 2,000-file config repo with 200 markers (target < 300 ms).
var random = new Random(42);
var tags = Enumerable.Range(0, 10_000)
    .Select(i => i % 10 == 0 ? $"dev-{random.Next():x8}-{1_600_000_000 + i}" : $"master-{random.Next():x8}-{1_600_000_000 + random.Next(0, 100_000_000)}")
    .ToList();
var semverTags = Enumerable.Range(0, 10_000).Select(i => $"{i / 1000}.{i / 10 % 100}.{i % 10}").ToList();
var numerical = new TagPolicy(PolicyKind.Numerical, pattern: "^master-[a-f0-9]+-(?P<ts>[0-9]+)", extract: "$ts");
var semver = new TagPolicy(PolicyKind.SemVer, ">=1.0.0 <9.0.0");

double Best(Action action, int runs = 20)
{
    action(); // warm up
    var best = double.MaxValue;
    for (var i = 0; i < runs; i++)
    {
        var sw = Stopwatch.StartNew();
        action();
        best = Math.Min(best, sw.Elapsed.TotalMilliseconds);
    }
    return best;
}

var numericalMs = Best(() => numerical.Select(tags, "master-00000000-1600000000"));
var semverMs = Best(() => semver.Select(semverTags, "1.0.0"));
Console.WriteLine($"select among 10,000 tags: numerical+filter {numericalMs:0.0} ms, semver range {semverMs:0.0} ms (target < 20 ms)");

var repo = Directory.CreateTempSubdirectory("gitopsvela-bench-images-").FullName;
try
{
    for (var i = 0; i < 2_000; i++)
    {
        var dir = Path.Combine(repo, $"apps/team-{i % 40}");
        Directory.CreateDirectory(dir);
        var marker = i % 10 == 0 ? $" # {{\"$imagepolicy\": \"default:app-{i % 20}\"}}" : "";
        File.WriteAllText(Path.Combine(dir, $"app-{i}.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-" + i + "\n  labels: {team: team-" + (i % 40) + "}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/org/app-" + (i % 20) + ":1.0." + i + marker + "\n          ports: [{containerPort: 8080}]\n");
    }
    var markers = 0;
    var scanMs = Best(() =>
    {
        markers = 0;
        foreach (var file in ImageMarkers.YamlFiles(repo)) markers += ImageMarkers.Scan(file, File.ReadAllText(file)).Markers.Count;
    }, runs: 5);
    Console.WriteLine($"scan 2,000 files with {markers} markers: {scanMs:0} ms (target < 300 ms)");
}
finally
{
    Directory.Delete(repo, recursive: true);
}
