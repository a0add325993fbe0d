using GitOpsVela.Engine.Diagnostics;
using k8s;
using k8s.KubeConfigModels;

namespace GitOpsVela.Engine.Kube;

/// <summary>One context of a kubeconfig, as <c>kubectl config get-contexts</c> lists it.</summary>
internal sealed record KubeContextInfo(string Name, string Cluster, string User, string? Namespace, bool IsCurrent);

/// <summary>
/// Finds and reads kubeconfig files the way kubectl does: an explicit path wins; otherwise every file named in
/// <c>KUBECONFIG</c> (path-separator list, missing files passed over, merged with the first file winning);
/// otherwise <c>~/.kube/config</c>. Listing contexts never contacts a cluster (argument completers use it).
/// </summary>
internal static class Kubeconfig
{
    public const string EnvironmentVariable = "KUBECONFIG";

    /// <summary>How long one API request may take unless the caller says otherwise (-TimeoutSec): then it fails as "timed out after 30 s calling VERB PATH".</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The files to read, in merge order. Empty when nothing exists.</summary>
    public static IReadOnlyList<string> ResolvePaths(string? explicitPath = null, string? kubeconfigVariable = null, string? homeDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return [Path.GetFullPath(explicitPath)];
        kubeconfigVariable ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(kubeconfigVariable))
        {
            var files = kubeconfigVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(Path.GetFullPath).Where(File.Exists).Distinct(StringComparer.Ordinal).ToList();
            if (files.Count > 0) return files;
        }
        homeDirectory ??= Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var home = Path.Combine(homeDirectory, ".kube", "config");
        return File.Exists(home) ? [home] : [];
    }

    /// <summary>Reads and merges the kubeconfig files (no cluster is contacted).</summary>
    public static K8SConfiguration Load(string? explicitPath = null)
    {
        var paths = ResolvePaths(explicitPath);
        if (paths.Count == 0)
        {
            var where = explicitPath is not null ? $"'{explicitPath}'" : $"${EnvironmentVariable} or ~/.kube/config";
            throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.KubeconfigNotFound, ProblemCategory.ObjectNotFound,
                $"no kubeconfig found at {where}; pass -Kubeconfig or set {EnvironmentVariable}", SourceLocation.None));
        }
        if (explicitPath is not null && !File.Exists(paths[0]))
            throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.KubeconfigNotFound, ProblemCategory.ObjectNotFound,
                $"kubeconfig '{explicitPath}' does not exist", SourceLocation.None));
        try
        {
            // First file wins for current-context and for entries of the same name (kubectl's merge rule).
            K8SConfiguration? merged = null;
            foreach (var path in paths)
            {
                var one = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(path), useRelativePaths: true);
                merged = merged is null ? one : Merge(merged, one);
            }
            return merged!;
        }
        catch (Exception e) when (e is not VelaProblemException)
        {
            throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.KubeconfigInvalid, ProblemCategory.InvalidData,
                $"cannot read kubeconfig {string.Join(Path.PathSeparator, paths)}: {OneLine(e.Message)}", new SourceLocation(paths[0], 0, 0)));
        }
    }

    private static K8SConfiguration Merge(K8SConfiguration first, K8SConfiguration second)
    {
        static List<T> Union<T>(IEnumerable<T>? a, IEnumerable<T>? b, Func<T, string> name) =>
            (a ?? []).Concat((b ?? []).Where(x => !(a ?? []).Any(y => name(y) == name(x)))).ToList();
        first.CurrentContext = string.IsNullOrEmpty(first.CurrentContext) ? second.CurrentContext : first.CurrentContext;
        first.Contexts = Union(first.Contexts, second.Contexts, c => c.Name);
        first.Clusters = Union(first.Clusters, second.Clusters, c => c.Name);
        first.Users = Union(first.Users, second.Users, u => u.Name);
        return first;
    }

    /// <summary>Every context of the kubeconfig; never contacts a cluster.</summary>
    public static IReadOnlyList<KubeContextInfo> ListContexts(string? explicitPath = null)
    {
        var config = Load(explicitPath);
        return (config.Contexts ?? []).Select(c => new KubeContextInfo(
            c.Name, c.ContextDetails?.Cluster ?? string.Empty, c.ContextDetails?.User ?? string.Empty,
            c.ContextDetails?.Namespace, c.Name == config.CurrentContext)).ToList();
    }

    /// <summary>A client for <paramref name="context"/> (the current context when null).</summary>
    public static KubeClient Connect(string? explicitPath = null, string? context = null, TimeSpan? timeout = null)
    {
        var config = Load(explicitPath);
        var name = string.IsNullOrEmpty(context) ? config.CurrentContext : context;
        if (string.IsNullOrEmpty(name))
            throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.ContextNotFound, ProblemCategory.ObjectNotFound,
                "the kubeconfig has no current-context; pass -Context", SourceLocation.None));
        var entry = (config.Contexts ?? []).FirstOrDefault(c => c.Name == name);
        if (entry is null)
        {
            var known = string.Join(", ", (config.Contexts ?? []).Select(c => c.Name));
            throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.ContextNotFound, ProblemCategory.ObjectNotFound,
                $"context '{name}' is not in the kubeconfig (contexts: {(known.Length == 0 ? "none" : known)})", SourceLocation.None));
        }
        KubernetesClientConfiguration clientConfig;
        try
        {
            clientConfig = KubernetesClientConfiguration.BuildConfigFromConfigObject(config, name);
        }
        catch (Exception e) when (e.Message.Contains("exec", StringComparison.OrdinalIgnoreCase))
        {
            // The user's credential plugin (exec) failed: an authentication problem, not a broken file.
            throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.CredentialsUnavailable, ProblemCategory.AuthenticationError,
                $"cannot get credentials for context '{name}': {OneLine(e.Message)}", SourceLocation.None));
        }
        catch (Exception e)
        {
            throw new VelaProblemException(new VelaProblem(ErrorIds.Cluster.KubeconfigInvalid, ProblemCategory.InvalidData,
                $"context '{name}' cannot be used: {OneLine(e.Message)}", SourceLocation.None));
        }
        return new KubeClient(clientConfig, name, entry.ContextDetails?.Namespace, timeout ?? DefaultTimeout);
    }

    private static string OneLine(string message) => message.Split('\n', 2)[0].Trim();
}
