namespace GitOpsVela.Engine.Tests.Infrastructure;

/// <summary>
/// The real parts the test harnesses start (apache2 + git-http-backend, docker-registry, git), checked up front: a missing
/// one fails the test with one line naming the Debian packages to install, never a Win32Exception from Process.Start.
/// </summary>
public static class RequiredParts
{
    /// <summary>A program the tests run and the Debian package that brings it.</summary>
    public sealed record Part(string Program, string Package);

    public static readonly Part[] GitServer =
    [
        new("/usr/sbin/apache2", "apache2"),
        new("htpasswd", "apache2-utils"),
        new("git", "git"),
        new("/usr/lib/git-core/git-http-backend", "git"),
        new("setsid", "util-linux"),
    ];

    public static readonly Part[] Registry =
    [
        new("docker-registry", "docker-registry"),
        new("htpasswd", "apache2-utils"),
    ];

    /// <summary>Throws <see cref="MissingPartException"/> when any program is missing, naming every package to install.</summary>
    public static void Check(string what, IEnumerable<Part> parts, string? searchPath = null)
    {
        var missing = parts.Where(p => Locate(p.Program, searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? "") is null).ToList();
        if (missing.Count == 0) return;
        var packages = string.Join(' ', missing.Select(p => p.Package).Distinct());
        throw new MissingPartException(
            $"{what} needs {string.Join(", ", missing.Select(p => p.Program))}: install the Debian package(s) with `apt-get install -y {packages}` (.ci/run does).");
    }

    /// <summary>The full path of a program (absolute, or found on the search path), or null.</summary>
    public static string? Locate(string program, string searchPath)
    {
        if (Path.IsPathRooted(program)) return File.Exists(program) ? program : null;
        foreach (var dir in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
            if (OperatingSystem.IsWindows() && File.Exists(candidate + ".exe")) return candidate + ".exe";
        }
        return null;
    }
}

/// <summary>A real part of the tests is not installed. One line; no stack trace, since nothing in the code under test failed.</summary>
public sealed class MissingPartException(string message) : Exception(message)
{
    public override string? StackTrace => null;
}
