namespace GitOpsVela.Host;

/// <summary>
/// Finds the laid-out module: $GITOPSVELA_MODULE_PATH, then a GitOpsVela/ folder beside the executable
/// (a published host), then out/GitOpsVela/ in the nearest folder above the executable (a build in the repository).
/// </summary>
internal static class ModuleLocator
{
    public const string ManifestName = "GitOpsVela.psd1";

    public static string? Find(string baseDirectory)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("GITOPSVELA_MODULE_PATH");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            var candidate = Directory.Exists(fromEnvironment) ? Path.Combine(fromEnvironment, ManifestName) : fromEnvironment;
            return File.Exists(candidate) ? Path.GetFullPath(candidate) : null;
        }
        var beside = Path.Combine(baseDirectory, "GitOpsVela", ManifestName);
        if (File.Exists(beside)) return beside;
        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
        {
            var laidOut = Path.Combine(dir.FullName, "out", "GitOpsVela", ManifestName);
            if (File.Exists(laidOut)) return laidOut;
        }
        return null;
    }
}
