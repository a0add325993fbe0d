using System.Management.Automation;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// Git credentials from cmdlet parameters, in one order everywhere: -GitCredential, else the SecretManagement secret
/// -GitSecretName, else a token in the environment variable -GitTokenVariable (default GITOPSVELA_GIT_TOKEN).
/// </summary>
internal static class GitCredentialsFrom
{
    public static GitCredentials? Credential(PSCredential? credential) =>
        credential is null ? null : new GitCredentials(credential.UserName, credential.GetNetworkCredential().Password);

    public static GitCredentials? Token(string? variable = null) =>
        Environment.GetEnvironmentVariable(variable ?? GitCredentials.TokenVariable) is { Length: > 0 } token
            ? new GitCredentials("git", token) : null;

    public static GitCredentials? Secret(VelaCmdlet cmdlet, string? secretName, string? vault)
    {
        if (secretName is null) return null;
        var (user, secret) = SecretStore.Read(cmdlet, secretName, vault);
        return new GitCredentials(user ?? "git", secret);
    }

    public static GitCredentials? Resolve(VelaCmdlet cmdlet, PSCredential? credential, string? secretName, string? vault, string? tokenVariable) =>
        Credential(credential) ?? Secret(cmdlet, secretName, vault) ?? Token(tokenVariable);
}
