namespace GitOpsVela.Engine.Kube;

/// <summary>Reads one key of a Secret in the application's cluster (for <c>url.secretRef</c> and the like). Values are never logged.</summary>
internal interface ISecretReader
{
    Task<string> ReadAsync(string @namespace, string name, string key, CancellationToken cancellationToken);
}
