using System.Management.Automation;
using GitOpsVela.Commands.Infrastructure;
using GitOpsVela.Commands.Output;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Images;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Semantics;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Commands.Cmdlets;

/// <summary>Policy parameters shared by Get-VelaImageTag and Update-VelaImageTag.</summary>
public abstract class ImagePolicyCmdlet : VelaCmdlet
{
    /// <summary>How to rank tags: Semver (with -Range), Numerical or Alphabetical (with -Order).</summary>
    [Parameter]
    [ValidateSet("Semver", "Numerical", "Alphabetical")]
    public string? Policy { get; set; }

    /// <summary>A Masterminds semver range (<c>&gt;=1.0.0 &lt;2.0.0</c>, <c>~1.2</c>, <c>^1</c>, <c>1.x</c>).</summary>
    [Parameter]
    public string? Range { get; set; }

    [Parameter]
    [ValidateSet("asc", "desc")]
    public string Order { get; set; } = "asc";

    /// <summary>filterTags.pattern: a Go regular expression the tag must match (<c>(?P&lt;ts&gt;…)</c> groups allowed).</summary>
    [Parameter]
    public string? Pattern { get; set; }

    /// <summary>filterTags.extract: what to rank by, from the pattern's groups (<c>$ts</c>, <c>${ts}</c>).</summary>
    [Parameter]
    public string? Extract { get; set; }

    /// <summary>Registry credentials (else the user's docker config).</summary>
    [Parameter]
    [Credential]
    public PSCredential? RegistryCredential { get; set; }

    /// <summary>A SecretManagement secret (Get-Secret) holding the registry credential or token.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RegistrySecretName { get; set; }

    /// <summary>The SecretManagement vault of the secrets named (default: the default vault).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecretVault { get; set; }

    internal TagPolicy? BuildPolicy()
    {
        if (Policy is null && Pattern is null) return null;
        var kind = Policy switch { "Semver" => PolicyKind.SemVer, "Alphabetical" => PolicyKind.Alphabetical, _ => PolicyKind.Numerical };
        if (Policy is null) kind = PolicyKind.Alphabetical;
        try
        {
            return new TagPolicy(kind, Range, Order, Pattern, Extract);
        }
        catch (ArgumentException ex)
        {
            throw new VelaErrorException(VelaErrors.Create(ErrorIds.Image.PolicyInvalid, ErrorCategory.InvalidArgument, ex.Message, Policy ?? Pattern));
        }
    }

    private RegistryCredentials? _fromSecret;

    /// <summary>-RegistryCredential, else -RegistrySecretName, else the user's docker config for that registry.</summary>
    internal RegistryCredentials? RegistryCredentials(string registry)
    {
        if (RegistryCredential is not null) return new RegistryCredentials(RegistryCredential.UserName, RegistryCredential.GetNetworkCredential().Password);
        if (RegistrySecretName is not null)
        {
            if (_fromSecret is null)
            {
                var (user, secret) = SecretStore.Read(this, RegistrySecretName, SecretVault);
                _fromSecret = new RegistryCredentials(user ?? "token", secret);
            }
            return _fromSecret;
        }
        return Engine.Images.RegistryCredentials.FromUserDockerConfig(registry);
    }

    internal bool HasExplicitRegistryCredentials => RegistryCredential is not null || RegistrySecretName is not null;

    /// <summary>Write-Progress while a registry's tag list is read page by page.</summary>
    internal Action<int, int> TagProgress(string image) =>
        (pages, tags) => Output.Progress($"Listing tags of {image}", $"{tags} tags ({pages} page{(pages == 1 ? "" : "s")})", -1);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    internal static RegistryClient Registry => new(Http);
}

/// <summary>
/// <para type="synopsis">Lists an image's tags from its registry and shows which one a policy picks (and why the others were not).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VelaImageTag", HelpUri = HelpLinks.Base + "Get-VelaImageTag.md")]
[OutputType(typeof(VelaImageTag))]
public sealed class GetVelaImageTagCommand : ImagePolicyCmdlet
{
    /// <summary>The image (<c>ghcr.io/org/app</c>, <c>nginx</c> for Docker Hub's library/nginx).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Image { get; set; }

    /// <summary>The tag in use: a candidate the policy ranks lower is never picked.</summary>
    [Parameter]
    public string? Current { get; set; }

    /// <summary>Also list the tags that did not pass, each with the reason.</summary>
    [Parameter]
    public SwitchParameter Explain { get; set; }

    protected override void ProcessVelaRecord()
    {
        ImageReference image;
        try
        {
            image = ImageReference.Parse(Image!);
        }
        catch (FormatException ex)
        {
            WriteVelaError(VelaErrors.Create(ErrorIds.Image.Invalid, ErrorCategory.InvalidArgument, ex.Message, Image));
            return;
        }
        IReadOnlyList<string> tags;
        try
        {
            var credentials = RegistryCredentials(image.Registry);
            tags = Run(ct => Registry.ListTagsAsync(image, credentials, ct, TagProgress(image.Name)));
            Output.Progress($"Listing tags of {image.Name}", $"{tags.Count} tags", 100);
        }
        catch (VelaProblemException ex)
        {
            WriteProblem(ex.Problem, Image);
            return;
        }
        var policy = BuildPolicy() ?? new TagPolicy(PolicyKind.Alphabetical);
        var selection = policy.Select(tags, Current);
        if (selection.Message is not null && (Policy is not null || Pattern is not null)) WriteVelaVerbose(selection.Message);
        foreach (var tag in selection.Tags)
            if (Explain || tag.Verdict == TagVerdict.Passed) WriteObject(new VelaImageTag(image.Name, tag));
    }
}

/// <summary>
/// <para type="synopsis">Moves marked image values in a config repo to the newest tag their policy picks, commits as kubevelabot and pushes.</para>
/// </summary>
[Cmdlet(VerbsData.Update, "VelaImageTag", SupportsShouldProcess = true, DefaultParameterSetName = "FromApplications", HelpUri = HelpLinks.Base + "Update-VelaImageTag.md")]
[OutputType(typeof(VelaImageUpdate))]
public sealed class UpdateVelaImageTagCommand : ImagePolicyCmdlet
{
    /// <summary>The config repository's working copy (its Application files give the policies unless -Image is used).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("LocalPath")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Watch this image instead of the imageRepository blocks of the repository's applications.</summary>
    [Parameter(ParameterSetName = "Explicit", Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? Image { get; set; }

    /// <summary>With -Image: the marker key <c>&lt;namespace&gt;:&lt;name&gt;</c> whose values to set.</summary>
    [Parameter(ParameterSetName = "Explicit", Mandatory = true)]
    [ValidatePattern("^[^:]+:[^:]+$")]
    public string? Marker { get; set; }

    /// <summary>Commit the change (as kubevelabot) and push it to the working copy's origin.</summary>
    [Parameter]
    public SwitchParameter Push { get; set; }

    /// <summary>Commit without pushing.</summary>
    [Parameter]
    public SwitchParameter Commit { get; set; }

    /// <summary>The branch to commit to and push (a name or refs/heads/name, e.g. $env:BUILD_SOURCEBRANCH); default: the checked-out branch. A detached checkout needs it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Branch { get; set; }

    /// <summary>Credentials for pushing to the git server (else -GitSecretName, else the component's git secretRef read with -Context, else the token variable).</summary>
    [Parameter]
    [Credential]
    public PSCredential? GitCredential { get; set; }

    /// <summary>A SecretManagement secret (Get-Secret) holding the git token or credential.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? GitSecretName { get; set; }

    /// <summary>Name of an environment variable holding a git token.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string GitTokenVariable { get; set; } = GitCredentials.TokenVariable;

    /// <summary>Read the imageRepository's registry secretRef (kubernetes.io/dockerconfigjson) and the component's git secretRef (kubernetes.io/basic-auth) from this context's cluster.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>The kubeconfig file (default: KUBECONFIG, then ~/.kube/config).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    private ClusterConnection? _connection;

    protected override void EndVelaProcessing() => _connection?.Close();

    protected override void ProcessVelaRecord()
    {
        var root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path!);
        if (!Directory.Exists(root))
        {
            WriteVelaError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{Path}' because it does not exist."), ErrorIds.Load.PathNotFound, ErrorCategory.ObjectNotFound, Path));
            return;
        }
        // The cluster (for secretRefs) is opened here, on the pipeline thread, so a failure is written once like everywhere else.
        var cluster = Context is null && Kubeconfig is null ? null : (_connection ??= new ClusterConnection(this)).Open(Kubeconfig, Context);
        var automation = new ImageAutomation(Registry, Output, cluster is null ? null : cluster.ReadSecretAsync);
        ImagePolicies policies;
        if (ParameterSetName == "Explicit")
        {
            policies = new ImagePolicies([new ImagePolicySpec(Marker!, Image!, BuildPolicy() ?? new TagPolicy(PolicyKind.Alphabetical), root)], [], null, null);
        }
        else
        {
            policies = automation.FindPolicies(root);
            foreach (var problem in policies.Problems) WriteProblem(problem);
            if (policies.Specs.Count == 0) WriteVelaWarning($"no application under {root} has a kustomize component with an imageRepository block; use -Image and -Marker");
        }
        // Credentials the user gave are resolved here (SecretManagement runs in this session); the engine asks for them by registry host.
        var given = new Dictionary<string, RegistryCredentials?>(StringComparer.OrdinalIgnoreCase);
        foreach (var spec in policies.Specs)
        {
            var host = ImageReference.Parse(spec.Image).Registry;
            if (!given.ContainsKey(host)) given[host] = HasExplicitRegistryCredentials || cluster is null || spec.SecretRef is null ? RegistryCredentials(host) : null;
        }
        RegistryCredentials? Given(string host) => given.GetValueOrDefault(host);
        var plan = Run(ct => automation.PlanAsync(policies.Specs, Given, HasExplicitRegistryCredentials, ct));
        foreach (var problem in plan.Problems) WriteProblem(problem);
        if (plan.Edits.Count == 0)
        {
            WriteVelaVerbose("every marked image is already at the newest tag its policy allows; nothing to commit");
            return;
        }
        var details = plan.Edits.Select(e => $"{e.File}:{e.Line} {e.Old} -> {e.New}").ToList();
        if (Push || Commit)
            details.Add($"{(Push ? "commit and push" : "commit")} as {ImageCommitter.Author.Name}{(Branch is null ? "" : $" to {Branch}")}: {plan.CommitMessage.Trim().Replace("\n", " / ")}");
        if (!ShouldChange($"{plan.Edits.Count} marked value{(plan.Edits.Count == 1 ? "" : "s")} under {root}", "Update image tags", details)) return;
        GitCredentials? credentials = null;
        if (Push || Commit)
            credentials = GitCredentialsFrom.Credential(GitCredential) ?? GitCredentialsFrom.Secret(this, GitSecretName, SecretVault)
                ?? Run(ct => automation.GitCredentialsFromClusterAsync(policies, ct)) ?? GitCredentialsFrom.Token(GitTokenVariable);
        var sha = Run(ct => Task.Run(() => automation.Apply(root, plan, Commit, Push, Branch, credentials, policies.Specs, Given, HasExplicitRegistryCredentials, ct), ct));
        foreach (var edit in plan.Edits) WriteObject(new VelaImageUpdate(edit, sha));
    }
}
