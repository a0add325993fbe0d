namespace GitOpsVela.Commands.Tests.Infrastructure;

/// <summary>Where the built module is: out/GitOpsVela/ at the repository root (laid out by the Commands build).</summary>
public static class ModuleLocation
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ModuleFolder => Path.Combine(RepoRoot, "out", "GitOpsVela");

    public static string Manifest => Path.Combine(ModuleFolder, "GitOpsVela.psd1");

    public static string Examples => Path.Combine(RepoRoot, "examples");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GitOpsVela.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find GitOpsVela.sln above " + AppContext.BaseDirectory);
    }
}
