using System.Text;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Semantics;
using GitOpsVela.Engine.Sources;
using GitOpsVela.Engine.Yaml;
using LibGit2Sharp;

namespace GitOpsVela.Engine.Images;

/// <summary>An image policy: the marker key (<c>&lt;namespace&gt;:&lt;name&gt;</c>), the image to watch, how to rank its tags, where its markers are.</summary>
public sealed record ImagePolicySpec(string Key, string Image, TagPolicy Policy, string ScanPath, string? CommitMessage = null, string? SecretRef = null, string? Namespace = null)
{
    /// <summary>
    /// The <c>imageRepository</c> blocks of kustomize components (kubevela/catalog addons/fluxcd/definitions/kustomize.cue):
    /// the policy key is <c>&lt;application namespace&gt;:&lt;component name&gt;</c> (the spec's <c>default:apps</c>), its
    /// markers are under the component's <c>path</c> inside <paramref name="repoRoot"/>.
    /// </summary>
    public static (List<ImagePolicySpec> Policies, List<VelaProblem> Problems) FromApplications(IEnumerable<Application> apps, string repoRoot)
    {
        var policies = new List<ImagePolicySpec>();
        var problems = new List<VelaProblem>();
        foreach (var app in apps)
            foreach (var component in app.Components.Where(c => c.Type == "kustomize"))
            {
                var props = component.Properties;
                if (props["imageRepository"] is not JsonObject block) continue;
                try
                {
                    var image = block["image"]?.GetValue<string>() ?? throw new ArgumentException("imageRepository.image is required");
                    var path = props["path"]?.GetValue<string>() ?? ".";
                    var scan = Path.GetFullPath(Path.Combine(repoRoot, path));
                    if (!scan.StartsWith(Path.GetFullPath(repoRoot), StringComparison.Ordinal)) throw new ArgumentException($"path '{path}' leaves the repository");
                    policies.Add(new ImagePolicySpec($"{app.Namespace}:{component.Name}", image, TagPolicy.FromImageRepository(block), scan,
                        block["commitMessage"]?.GetValue<string>(), block["secretRef"]?.GetValue<string>(), app.Namespace));
                }
                catch (Exception ex) when (ex is ArgumentException or FormatException)
                {
                    problems.Add(new VelaProblem(ErrorIds.Image.PolicyInvalid, ProblemCategory.InvalidData, ex.Message,
                        component.PropertiesSource.ValueLocation("imageRepository"), app.Name, component.Name, "properties.imageRepository"));
                }
            }
        return (policies, problems);
    }
}

/// <summary>What an update would do (or did): the edits, the tags chosen, the commit message, and the problems met.</summary>
public sealed record ImageUpdatePlan(
    IReadOnlyList<ImageEdit> Edits,
    IReadOnlyList<(ImagePolicySpec Policy, TagSelection Selection)> Selections,
    IReadOnlyList<VelaProblem> Problems,
    string CommitMessage);

/// <summary>
/// Registry -> policy -> marker edits: lists each policy's tags, picks the newest (never going backwards from the tag the
/// first marker holds), and plans the edits of every marker of that policy under its path. Files are rewritten byte for
/// byte except for the marked values. KubeVela's commit message is "Update image automatically." plus the policy's
/// <c>commitMessage</c> rendered with <c>.Updated.Images</c>, <c>.Updated.Files</c>, <c>.Updated.Objects</c> and <c>.Changed</c>.
/// </summary>
public sealed class ImageUpdater(RegistryClient registry, IEngineOutput? output = null)
{
    public const string CommitPrefix = "Update image automatically.";

    private readonly IEngineOutput _output = output ?? NullEngineOutput.Instance;

    public async Task<ImageUpdatePlan> PlanAsync(IReadOnlyList<ImagePolicySpec> policies, Func<ImagePolicySpec, CancellationToken, Task<RegistryCredentials?>> credentials, CancellationToken ct)
    {
        var edits = new List<(ImageMarker Marker, ImageEdit Edit, string Image, ImagePolicySpec Policy)>();
        var selections = new List<(ImagePolicySpec, TagSelection)>();
        var problems = new List<VelaProblem>();
        var scans = new Dictionary<string, (List<ImageMarker> Markers, List<VelaProblem> Problems)>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            var markers = new List<ImageMarker>();
            if (Directory.Exists(policy.ScanPath))
                foreach (var file in ImageMarkers.YamlFiles(policy.ScanPath))
                {
                    if (!scans.TryGetValue(file, out var scan))
                    {
                        scan = ImageMarkers.Scan(file, ReadText(file).Text);
                        scans[file] = scan;
                        problems.AddRange(scan.Problems);
                    }
                    markers.AddRange(scan.Markers.Where(m => m.Policy == policy.Key));
                }
            if (markers.Count == 0)
            {
                _output.Warning($"image policy {policy.Key} ({policy.Image}): no marker # {{\"$imagepolicy\": \"{policy.Key}\"}} under {policy.ScanPath}");
                continue;
            }
            ImageReference image;
            IReadOnlyList<string> tags;
            RegistryCredentials? creds;
            try
            {
                image = ImageReference.Parse(policy.Image);
                creds = await credentials(policy, ct).ConfigureAwait(false);
                tags = await registry.ListTagsAsync(image, creds, ct).ConfigureAwait(false);
            }
            catch (VelaProblemException ex)
            {
                problems.Add(ex.Problem);
                continue;
            }
            catch (FormatException ex)
            {
                problems.Add(new VelaProblem(ErrorIds.Image.Invalid, ProblemCategory.InvalidData, ex.Message, SourceLocation.None));
                continue;
            }
            var current = CurrentTag(markers.FirstOrDefault(m => m.Field is MarkerField.Image or MarkerField.Tag) ?? markers[0]);
            var selection = policy.Policy.Select(tags, current);
            selections.Add((policy, selection));
            _output.Verbose($"{policy.Key}: {tags.Count} tags, current {current ?? "(none)"}, newest by policy {selection.Selected ?? "(none)"}");
            if (selection.Selected is null || selection.Selected == current && markers.All(m => m.Field != MarkerField.Digest)) continue;
            var chosen = image with { Tag = selection.Selected, Digest = null };
            if (markers.Any(m => m.Field == MarkerField.Digest))
            {
                try
                {
                    chosen = chosen with { Digest = await registry.GetDigestAsync(image, selection.Selected, creds, ct).ConfigureAwait(false) };
                }
                catch (VelaProblemException ex)
                {
                    problems.Add(ex.Problem);
                    continue;
                }
            }
            foreach (var marker in markers)
            {
                var value = ImageMarkers.NewValue(marker, chosen);
                if (value != marker.Value)
                    edits.Add((marker, new ImageEdit(marker.File, marker.Line, policy.Key, marker.Value, value), chosen.ToString(), policy));
            }
        }
        var message = CommitMessage(edits.Select(e => (e.Edit, e.Image, e.Policy)).ToList());
        return new ImageUpdatePlan(edits.Select(e => e.Edit).ToList(), selections, problems, message);
    }

    private static string? CurrentTag(ImageMarker marker) => marker.Field switch
    {
        MarkerField.Tag => marker.Value,
        MarkerField.Image => ImageReference.Parse(marker.Value).Tag,
        _ => null,
    };

    private static string CommitMessage(IReadOnlyList<(ImageEdit Edit, string Image, ImagePolicySpec Policy)> edits)
    {
        var template = edits.Select(e => e.Policy.CommitMessage).FirstOrDefault(m => !string.IsNullOrEmpty(m));
        if (template is null) return CommitPrefix + "\n";
        var objects = edits.Select(e => ObjectAt(e.Edit.File, e.Edit.Line)).Distinct().ToList();
        var data = new Dictionary<string, object?>
        {
            ["Updated"] = new Dictionary<string, object?>
            {
                ["Images"] = edits.Select(e => e.Image).Distinct().ToList(),
                ["Files"] = edits.Select(e => e.Edit.File).Distinct().ToList(),
                ["Objects"] = objects,
            },
            ["Changed"] = new Dictionary<string, object?>
            {
                ["Changes"] = edits.Select(e => (object?)new Dictionary<string, object?>
                {
                    ["OldValue"] = e.Edit.Old,
                    ["NewValue"] = e.Edit.New,
                    ["Setter"] = e.Edit.Policy,
                }).ToList(),
                ["FileChanges"] = edits.GroupBy(e => e.Edit.File).ToDictionary(g => g.Key, g => (object?)g.Select(e => e.Edit.New).ToList()),
            },
        };
        return CommitPrefix + "\n" + GoTemplate.Render(template, data);
    }

    /// <summary>"Kind name" of the document holding a line (for <c>.Updated.Objects</c>).</summary>
    private static string ObjectAt(string file, int line)
    {
        try
        {
            var docs = YamlReader.Read(ReadText(file).Text, file);
            var doc = docs.LastOrDefault(d => d.Location.Line <= line) ?? docs.FirstOrDefault();
            if (doc?.Root is YamlMapping map)
                return $"{map.GetString("kind")} {(map["metadata"] as YamlMapping)?.GetString("name")}".Trim();
        }
        catch (VelaProblemException)
        {
        }
        return Path.GetFileName(file);
    }

    /// <summary>Writes the edits: each file read as bytes, only the marked values changed, a BOM kept.</summary>
    public static IReadOnlyList<string> Apply(IReadOnlyList<ImageEdit> edits)
    {
        var changed = new List<string>();
        foreach (var group in edits.GroupBy(e => e.File))
        {
            var (bom, text) = ReadText(group.Key);
            var markers = ImageMarkers.Scan(group.Key, text).Markers;
            var pairs = group.Select(e => (Marker: markers.Single(m => m.Line == e.Line && m.Policy == e.Policy), e.New)).ToList();
            var updated = ImageMarkers.Apply(text, pairs);
            var bytes = Encoding.UTF8.GetBytes(updated);
            File.WriteAllBytes(group.Key, bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
            changed.Add(group.Key);
        }
        return changed;
    }

    private static (bool Bom, string Text) ReadText(string file)
    {
        var bytes = File.ReadAllBytes(file);
        var bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
        return (bom, new UTF8Encoding(false, true).GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0)));
    }
}

/// <summary>
/// Commits image edits as <c>kubevelabot &lt;kubevelabot@users.noreply.github.com&gt;</c> and pushes them. A push the server
/// rejects because someone pushed first is retried: fetch, reset to the new head, apply the edits again, commit, push —
/// a bounded number of times, never with force. Nothing to change means no commit.
/// </summary>
public static class ImageCommitter
{
    public static readonly (string Name, string Email) Author = ("kubevelabot", "kubevelabot@users.noreply.github.com");

    /// <summary>Commits what <paramref name="applyEdits"/> changes (called again on every retry); returns the pushed commit, or null when nothing changed.</summary>
    /// <remarks>
    /// <paramref name="branch"/> (a name or <c>refs/heads/name</c>, as CI systems give it) is where the commit goes; without it the
    /// checked-out branch. A detached checkout (what Azure DevOps and GitHub Actions make) needs it named.
    /// </remarks>
    public static string? CommitAndPush(string path, string message, GitCredentials? credentials, bool push, Func<bool> applyEdits, int attempts = 3, string? branch = null)
    {
        var root = Repository.Discover(path) ?? throw new VelaProblemException(new VelaProblem(ErrorIds.Source.RepositoryNotFound, ProblemCategory.ObjectNotFound,
            $"'{path}' is not inside a git repository", new SourceLocation(path, 0, 0)));
        using var repo = new Repository(root);
        if (branch is { Length: > 0 }) branch = branch.StartsWith("refs/heads/", StringComparison.Ordinal) ? branch["refs/heads/".Length..] : branch;
        else if (repo.Info.IsHeadDetached && push)
            throw new VelaProblemException(new VelaProblem("VelaBranchUnknown", ProblemCategory.InvalidOperation,
                "the working copy has a detached HEAD (as CI checkouts do): name the branch to push to (Update-VelaImageTag -Branch, e.g. $env:BUILD_SOURCEBRANCH)", new SourceLocation(path, 0, 0)));
        else branch = repo.Head.FriendlyName;
        LibGit2Sharp.Handlers.CredentialsHandler? handler = credentials is null ? null
            : (_, _, _) => new UsernamePasswordCredentials { Username = credentials.Username, Password = credentials.Password };
        for (var attempt = 1; ; attempt++)
        {
            if (!applyEdits()) return null;
            Commands.Stage(repo, "*");
            if (!repo.RetrieveStatus().IsDirty) return null;
            var signature = new Signature(Author.Name, Author.Email, DateTimeOffset.Now);
            var commit = repo.Commit(message, signature, signature);
            if (!push) return commit.Sha;
            // The local branch of that name points at the new commit (created for a detached checkout), and is what is pushed.
            if (repo.Head.FriendlyName != branch) repo.Refs.Add($"refs/heads/{branch}", commit.Id, allowOverwrite: true);
            string? rejected = null;
            try
            {
                repo.Network.Push(repo.Network.Remotes["origin"], $"refs/heads/{branch}:refs/heads/{branch}", new PushOptions
                {
                    CredentialsProvider = handler,
                    OnPushStatusError = e => rejected = e.Message,
                });
            }
            catch (NonFastForwardException ex)
            {
                rejected = ex.Message;
            }
            catch (LibGit2SharpException ex)
            {
                throw new VelaProblemException(new VelaProblem(ErrorIds.Source.PushFailed,
                    ex.Message.Contains("auth", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("401") ? ProblemCategory.AuthenticationError : ProblemCategory.ConnectionError,
                    $"cannot push to {GitSourceCache.Scrub(repo.Network.Remotes["origin"].Url)}: {GitSourceCache.Scrub(ex.Message)}", SourceLocation.None));
            }
            if (rejected is null) return commit.Sha;
            if (attempt >= attempts)
                throw new VelaProblemException(new VelaProblem(ErrorIds.Source.PushRejected, ProblemCategory.ResourceExists,
                    $"the push was rejected {attempts} times (others keep pushing to {branch}); the edits are committed locally, run again", SourceLocation.None));
            // Someone pushed first: take their head and apply the edits again on top of it.
            Commands.Fetch(repo, "origin", [$"+refs/heads/{branch}:refs/remotes/origin/{branch}"], new FetchOptions { CredentialsProvider = handler }, null);
            repo.Reset(ResetMode.Hard, repo.Branches[$"origin/{branch}"].Tip);
        }
    }
}
