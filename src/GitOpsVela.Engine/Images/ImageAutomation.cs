using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading;
using GitOpsVela.Engine.Semantics;
using GitOpsVela.Engine.Sources;

namespace GitOpsVela.Engine.Images;

/// <summary>The image policies of a config repository, and the git secretRef (kubernetes.io/basic-auth) that pushes its commits.</summary>
public sealed record ImagePolicies(IReadOnlyList<ImagePolicySpec> Specs, IReadOnlyList<VelaProblem> Problems, string? GitSecret, string? GitSecretNamespace);

/// <summary>
/// One image-automation run over a working copy (what Update-VelaImageTag does): find the policies (the imageRepository
/// blocks of the repository's kustomize components, or one given), plan the marker edits with each registry's credentials
/// (given, else the policy's secretRef read through <c>readSecret</c> from the cluster, else the user's docker config), and apply them — on disk,
/// or committed as kubevelabot and pushed, planning again on top of a concurrent push.
/// </summary>
public sealed class ImageAutomation(RegistryClient registry, IEngineOutput output,
    Func<string, string, string, CancellationToken, Task<string>>? readSecret = null)
{
    private readonly ImageUpdater _updater = new(registry, output);

    /// <summary>The policies of the applications under <paramref name="root"/>; the git secretRef of the first kustomize component with an imageRepository pushes.</summary>
    public ImagePolicies FindPolicies(string root)
    {
        var load = ApplicationLoader.Load([root], output);
        var (found, problems) = ImagePolicySpec.FromApplications(load.Applications, root);
        string? secret = null, secretNamespace = null;
        foreach (var app in load.Applications)
            foreach (var c in app.Components.Where(c => c.Type == "kustomize" && c.Properties.ContainsKey("imageRepository")))
                if (secret is null && c.Properties["secretRef"]?.GetValue<string>() is { } name) (secret, secretNamespace) = (name, app.Namespace);
        return new ImagePolicies(found, [.. load.Problems, .. problems], secret, secretNamespace);
    }

    /// <summary>The edits the policies call for. <paramref name="given"/> gives credentials for a registry host when the user named some.</summary>
    public Task<ImageUpdatePlan> PlanAsync(IReadOnlyList<ImagePolicySpec> policies, Func<string, RegistryCredentials?> given, bool credentialsGiven, CancellationToken ct) =>
        _updater.PlanAsync(policies, async (policy, token) =>
        {
            var host = ImageReference.Parse(policy.Image).Registry;
            if (credentialsGiven || policy.SecretRef is null || readSecret is null) return given(host);
            var config = await readSecret(policy.Namespace ?? "default", policy.SecretRef, ".dockerconfigjson", token).ConfigureAwait(false);
            return RegistryCredentials.FromDockerConfig(config, host);
        }, ct);

    /// <summary>The basic-auth Secret the policies' component names, read from the cluster; null without one.</summary>
    public async Task<GitCredentials?> GitCredentialsFromClusterAsync(ImagePolicies policies, CancellationToken ct)
    {
        if (policies.GitSecret is null || readSecret is null) return null;
        var ns = policies.GitSecretNamespace ?? "default";
        return new GitCredentials(
            await readSecret(ns, policies.GitSecret, "username", ct).ConfigureAwait(false),
            await readSecret(ns, policies.GitSecret, "password", ct).ConfigureAwait(false));
    }

    /// <summary>
    /// Applies <paramref name="plan"/>: only on disk, or committed (and with <paramref name="push"/> pushed to
    /// <paramref name="branch"/>, default the checked-out one); after a rejected push the edits are planned again on the new head.
    /// Returns the commit, or null when nothing was committed.
    /// </summary>
    public string? Apply(string root, ImageUpdatePlan plan, bool commit, bool push, string? branch, GitCredentials? credentials,
        IReadOnlyList<ImagePolicySpec> policies, Func<string, RegistryCredentials?> given, bool credentialsGiven, CancellationToken ct)
    {
        if (!commit && !push)
        {
            ImageUpdater.Apply(plan.Edits);
            return null;
        }
        var first = true;
        return ImageCommitter.CommitAndPush(root, plan.CommitMessage, credentials, push, () =>
        {
            var current = first ? plan : PlanAsync(policies, given, credentialsGiven, ct).GetAwaiter().GetResult();
            first = false;
            ImageUpdater.Apply(current.Edits);
            return current.Edits.Count > 0;
        }, branch: branch);
    }
}
