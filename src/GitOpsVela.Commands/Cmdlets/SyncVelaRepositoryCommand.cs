using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>
/// <para type="synopsis">Clones a git repository once into the cache and fetches it when due; outputs its checkout at the wanted revision.</para>
/// </summary>
[Cmdlet(VerbsData.Sync, "VelaRepository", DefaultParameterSetName = BranchSet, HelpUri = HelpLinks.Base + "Sync-VelaRepository.md")]
[OutputType(typeof(VelaSource))]
public sealed class SyncVelaRepositoryCommand : VelaCmdlet
{
    private const string BranchSet = "Branch";

    /// <summary>The repository URL (https or http).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Url { get; set; }

    [Parameter(ParameterSetName = BranchSet)]
    [ValidateNotNullOrEmpty]
    public string Branch { get; set; } = "main";

    [Parameter(ParameterSetName = "Tag", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Tag { get; set; }

    [Parameter(ParameterSetName = "Commit", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Commit { get; set; }

    /// <summary>The highest tag in a semver range (Masterminds syntax: <c>&gt;=1.0.0 &lt;2.0.0</c>, <c>~1.2</c>, <c>^1</c>, <c>1.x</c>).</summary>
    [Parameter(ParameterSetName = "SemVer", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? SemVer { get; set; }

    /// <summary>A full ref, e.g. <c>refs/heads/main</c>.</summary>
    [Parameter(ParameterSetName = "Ref", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Ref { get; set; }

    /// <summary>Username and password (or token) for the git server.</summary>
    [Parameter]
    [Credential]
    public PSCredential? GitCredential { get; set; }

    /// <summary>A SecretManagement secret (Get-Secret) holding the git token or credential.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? GitSecretName { get; set; }

    /// <summary>The SecretManagement vault of -GitSecretName (default: the default vault).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecretVault { get; set; }

    /// <summary>Name of an environment variable holding a git token.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string GitTokenVariable { get; set; } = GitCredentials.TokenVariable;

    /// <summary>Where clones are kept (default: the user's local application data, GitOpsVela/cache).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CachePath { get; set; }

    /// <summary>Fetch only when this long has passed since the last fetch.</summary>
    [Parameter]
    [DurationTransformation]
    public TimeSpan PullInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Fetch now, whatever the pull interval says.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessVelaRecord()
    {
        var cache = new GitSourceCache(CachePath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CachePath), output: Output);
        var credentials = GitCredentialsFrom.Resolve(this, GitCredential, GitSecretName, SecretVault, GitTokenVariable);
        var reference = new GitReference(ParameterSetName == BranchSet ? Branch : null, Tag, Commit, SemVer, Ref);
        try
        {
            var result = Run(ct => Task.Run(() => cache.Sync(new GitSyncRequest(Url!, reference, credentials, PullInterval, Force), ct), ct));
            WriteObject(new VelaSource(result));
        }
        catch (Engine.Diagnostics.VelaProblemException ex)
        {
            WriteProblem(ex.Problem, GitSourceCache.Scrub(Url!));
        }
    }
}
