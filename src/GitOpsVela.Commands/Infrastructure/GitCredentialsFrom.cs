using System.Management.Automation;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>Git credentials from cmdlet parameters: a PSCredential, else a token in an environment variable (default GITOPSVELA_GIT_TOKEN).</summary>
internal static class GitCredentialsFrom
{
    public static GitCredentials? Credential(PSCredential? credential) =>
        credential is null ? null : new GitCredentials(credential.UserName, credential.GetNetworkCredential().Password);

    public static GitCredentials? Token(string? variable = null) =>
        Environment.GetEnvironmentVariable(variable ?? Engine.Sources.GitCredentials.TokenVariable) is { Length: > 0 } token
            ? new GitCredentials("git", token) : null;

    public static GitCredentials? CredentialOrToken(PSCredential? credential, string? variable = null) => Credential(credential) ?? Token(variable);
}
