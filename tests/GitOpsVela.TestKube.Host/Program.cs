using GitOpsVela.TestKube;

// usage: GitOpsVela.TestKube.Host <kubeconfig-path> [context]
// Starts the test API server, writes a kubeconfig for it, prints "READY <url>", and runs until stdin closes.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: GitOpsVela.TestKube.Host <kubeconfig-path> [context]");
    return 2;
}
await using var server = await KubeApiServer.StartAsync();
server.WriteKubeconfig(args[0], args.Length > 1 ? args[1] : "testkube");
Console.WriteLine($"READY {server.BaseAddress}");
Console.Out.Flush();
await Console.In.ReadToEndAsync();
return 0;
