using GitOpsVela.TestKube;

// usage: GitOpsVela.TestKube.Host <kubeconfig-path> [context] [--tls]
// Starts the test API server, writes a kubeconfig for it, prints "READY <url>", and runs until stdin closes.
// Faults are injected over HTTP at <url>testkube/faults and <url>testkube/outage (see tests/GitOpsVela.TestKube/README.md).
var tls = args.Contains("--tls");
var positional = args.Where(a => a != "--tls").ToArray();
if (positional.Length < 1)
{
    Console.Error.WriteLine("usage: GitOpsVela.TestKube.Host <kubeconfig-path> [context] [--tls]");
    return 2;
}
await using var server = await KubeApiServer.StartAsync(new KubeApiServerOptions { Tls = tls });
server.WriteKubeconfig(positional[0], positional.Length > 1 ? positional[1] : "testkube");
Console.WriteLine($"READY {server.BaseAddress}");
Console.Out.Flush();
await Console.In.ReadToEndAsync();
return 0;
