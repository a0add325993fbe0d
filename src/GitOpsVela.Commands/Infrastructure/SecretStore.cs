using System.Management.Automation;
using GitOpsVela.Engine.Diagnostics;
using System.Net;
using System.Security;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// Tokens and credentials from PowerShell SecretManagement: <c>Get-Secret -Name &lt;name&gt; [-Vault &lt;vault&gt;]</c>, where the
/// module is installed. A secret may be a PSCredential (user and password), or a SecureString / string (a token).
/// The value is never written anywhere.
/// </summary>
internal static class SecretStore
{
    /// <summary>(user, secret) for the named secret; user is null for a token.</summary>
    public static (string? User, string Secret) Read(VelaCmdlet cmdlet, string name, string? vault)
    {
        var getSecret = cmdlet.InvokeCommand.GetCommand("Get-Secret", CommandTypes.Cmdlet | CommandTypes.Function);
        if (getSecret is null)
        {
            throw new VelaErrorException(VelaErrors.Create(ErrorIds.Secret.ManagementMissing, ErrorCategory.NotInstalled,
                $"cannot read secret '{name}': SecretManagement's Get-Secret is not available (Install-PSResource Microsoft.PowerShell.SecretManagement, and register a vault).", name));
        }
        var script = vault is null ? "param($n) Get-Secret -Name $n -ErrorAction Stop" : "param($n, $v) Get-Secret -Name $n -Vault $v -ErrorAction Stop";
        object? value;
        try
        {
            var result = cmdlet.InvokeCommand.InvokeScript(cmdlet.SessionState, ScriptBlock.Create(script), vault is null ? [name] : [name, vault]);
            value = result.Count > 0 ? result[0]?.BaseObject : null;
        }
        catch (RuntimeException ex)
        {
            throw new VelaErrorException(VelaErrors.Create(ErrorIds.Secret.NotFound, ErrorCategory.ObjectNotFound,
                $"cannot read secret '{name}'{(vault is null ? "" : $" from vault '{vault}'")}: {ex.Message}", name));
        }
        return value switch
        {
            PSCredential c => (c.UserName, c.GetNetworkCredential().Password),
            SecureString s => (null, new NetworkCredential("", s).Password),
            string s => (null, s),
            _ => throw new VelaErrorException(VelaErrors.Create(ErrorIds.Secret.NotFound, ErrorCategory.InvalidType,
                $"secret '{name}' is {(value is null ? "empty" : "a " + value.GetType().Name)}; a PSCredential, SecureString or string is needed", name)),
        };
    }
}

/// <summary>A failure whose ErrorRecord is ready (a secret that cannot be read, an invalid policy); VelaCmdlet writes it as one non-terminating error.</summary>
internal sealed class VelaErrorException(ErrorRecord record) : Exception(record.Exception.Message)
{
    public ErrorRecord Record { get; } = record;
}
