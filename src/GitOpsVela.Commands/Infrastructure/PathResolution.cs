using System.Management.Automation;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>Resolves -Path (wildcards) and -LiteralPath to file-system paths the engine reads, reporting what does not exist.</summary>
internal static class PathResolution
{
    public static List<string> Resolve(VelaCmdlet cmdlet, string[]? paths, bool literal)
    {
        var result = new List<string>();
        foreach (var path in paths ?? [])
        {
            try
            {
                if (literal)
                {
                    var resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                    if (File.Exists(resolved) || Directory.Exists(resolved)) result.Add(resolved);
                    else WriteNotFound(cmdlet, path);
                }
                else
                {
                    var resolved = cmdlet.GetResolvedProviderPathFromPSPath(path, out var provider);
                    if (provider.ImplementingType != typeof(Microsoft.PowerShell.Commands.FileSystemProvider))
                    {
                        cmdlet.WriteVelaError(VelaErrors.Create(ErrorIds.Load.PathNotFileSystem, ErrorCategory.InvalidArgument,
                            $"'{path}' is not a file-system path.", path));
                        continue;
                    }
                    if (resolved.Count == 0) WriteNotFound(cmdlet, path);
                    result.AddRange(resolved);
                }
            }
            catch (ItemNotFoundException)
            {
                WriteNotFound(cmdlet, path);
            }
        }
        return result;
    }

    private static void WriteNotFound(VelaCmdlet cmdlet, string path) =>
        cmdlet.WriteVelaError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{path}' because it does not exist."),
            ErrorIds.Load.PathNotFound, ErrorCategory.ObjectNotFound, path));
}
