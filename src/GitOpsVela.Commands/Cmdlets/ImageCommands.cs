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
    public PSCredential? Credential { get; set; }

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
            ThrowTerminatingError(VelaErrors.Create(ErrorIds.Image.PolicyInvalid, ErrorCategory.InvalidArgument, ex.Message, Policy));
            return null;
        }
    }

    internal RegistryCredentials? RegistryCredentials(string registry) =>
        Credential is not null ? new RegistryCredentials(Credential.UserName, Credential.GetNetworkCredential().Password)
            : Engine.Images.RegistryCredentials.FromUserDockerConfig(registry);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    internal static RegistryClient Registry => new(Http);
}

/// <summary>
/// <para type="synopsis">Lists an image's tags from its registry and shows which one a policy picks (and why the others were not).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VelaImageTag")]
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

    protected override void ProcessRecord()
    {
        ImageReference image;
        try
        {
            image = ImageReference.Parse(Image!);
        }
        catch (FormatException ex)
        {
            WriteError(VelaErrors.Create(ErrorIds.Image.Invalid, ErrorCategory.InvalidArgument, ex.Message, Image));
            return;
        }
        IReadOnlyList<string> tags;
        try
        {
            tags = Run(ct => Registry.ListTagsAsync(image, RegistryCredentials(image.Registry), ct));
        }
        catch (VelaProblemException ex)
        {
            WriteProblem(ex.Problem, Image);
            return;
        }
        var policy = BuildPolicy() ?? new TagPolicy(PolicyKind.Alphabetical);
        var selection = policy.Select(tags, Current);
        if (selection.Message is not null && (Policy is not null || Pattern is not null)) WriteVerbose(selection.Message);
        foreach (var tag in selection.Tags)
            if (Explain || tag.Verdict == TagVerdict.Passed) WriteObject(new VelaImageTag(image.Name, tag));
    }
}

/// <summary>
/// <para type="synopsis">Moves marked image values in a config repo to the newest tag their policy picks, commits as kubevelabot and pushes.</para>
/// </summary>
[Cmdlet(VerbsData.Update, "VelaImageTag", SupportsShouldProcess = true, DefaultParameterSetName = "FromApplications")]
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

    /// <summary>Credentials for pushing to the git server (else the component's git secretRef read with -Context, else GITOPSVELA_GIT_TOKEN).</summary>
    [Parameter]
    [Credential]
    public PSCredential? GitCredential { get; set; }

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
    private string? _gitSecret;
    private string? _gitSecretNamespace;

    private Engine.Composition.DeliveryTarget? Cluster =>
        Context is null && Kubeconfig is null ? null : (_connection ??= new ClusterConnection(this)).Open(Kubeconfig, Context);

    protected override void EndProcessing()
    {
        base.EndProcessing();
        _connection?.Close();
    }

    private async Task<RegistryCredentials?> CredentialsFor(ImagePolicySpec policy, CancellationToken ct)
    {
        if (Credential is not null || policy.SecretRef is null || Cluster is not { } cluster) return RegistryCredentials(ImageReference.Parse(policy.Image).Registry);
        var config = await cluster.ReadSecretAsync(policy.Namespace ?? "default", policy.SecretRef, ".dockerconfigjson", ct).ConfigureAwait(false);
        return Engine.Images.RegistryCredentials.FromDockerConfig(config, ImageReference.Parse(policy.Image).Registry);
    }

    protected override void ProcessRecord()
    {
        var root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path!);
        if (!Directory.Exists(root))
        {
            WriteError(VelaErrors.Create(ErrorIds.Load.PathNotFound, ErrorCategory.ObjectNotFound, $"Cannot find path '{Path}' because it does not exist.", Path));
            return;
        }
        List<ImagePolicySpec> policies;
        if (ParameterSetName == "Explicit")
        {
            policies = [new ImagePolicySpec(Marker!, Image!, BuildPolicy() ?? new TagPolicy(PolicyKind.Alphabetical), root)];
        }
        else
        {
            var load = ApplicationLoader.Load([root], Output);
            foreach (var problem in load.Problems) WriteProblem(problem);
            var (found, problems) = ImagePolicySpec.FromApplications(load.Applications, root);
            // The git secretRef of the first kustomize component with an imageRepository pushes the commit (clusters/apps.yaml: my-secret).
            foreach (var app in load.Applications)
                foreach (var c in app.Components.Where(c => c.Type == "kustomize" && c.Properties.ContainsKey("imageRepository")))
                    if (_gitSecret is null && c.Properties["secretRef"]?.GetValue<string>() is { } secret) (_gitSecret, _gitSecretNamespace) = (secret, app.Namespace);
            foreach (var problem in problems) WriteProblem(problem);
            policies = found;
            if (policies.Count == 0) WriteWarning($"no application under {root} has a kustomize component with an imageRepository block; use -Image and -Marker");
        }
        var updater = new ImageUpdater(Registry, Output);
        ImageUpdatePlan Plan() => Run(ct => updater.PlanAsync(policies, CredentialsFor, ct));
        var plan = Plan();
        foreach (var problem in plan.Problems) WriteProblem(problem);
        if (plan.Edits.Count == 0)
        {
            WriteVerbose("every marked image is already at the newest tag its policy allows; nothing to commit");
            return;
        }
        var description = string.Join(Environment.NewLine, plan.Edits.Select(e => $"{e.File}:{e.Line} {e.Old} -> {e.New}"));
        if (!ShouldProcess(description + Environment.NewLine + "commit message:" + Environment.NewLine + plan.CommitMessage, "Update image tags"))
        {
            foreach (var edit in plan.Edits) WriteObject(new VelaImageUpdate(edit, null));
            return;
        }
        string? sha = null;
        try
        {
            if (Push || Commit)
            {
                var credentials = GitCredentialsFrom.Credential(GitCredential) ?? (_gitSecret is not null && Cluster is { } cluster
                        ? new GitCredentials(
                            Run(ct => cluster.ReadSecretAsync(_gitSecretNamespace!, _gitSecret, "username", ct)),
                            Run(ct => cluster.ReadSecretAsync(_gitSecretNamespace!, _gitSecret, "password", ct)))
                    : GitCredentialsFrom.Token());
                var first = true;
                sha = ImageCommitter.CommitAndPush(root, plan.CommitMessage, credentials, Push, () =>
                {
                    var current = first ? plan : Plan();
                    first = false;
                    ImageUpdater.Apply(current.Edits);
                    return current.Edits.Count > 0;
                });
            }
            else
            {
                ImageUpdater.Apply(plan.Edits);
            }
        }
        catch (VelaProblemException ex)
        {
            WriteProblem(ex.Problem, root);
            return;
        }
        foreach (var edit in plan.Edits) WriteObject(new VelaImageUpdate(edit, sha));
    }
}
