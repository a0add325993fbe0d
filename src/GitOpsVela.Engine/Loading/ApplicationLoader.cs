using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Loading;

/// <summary>What loading a set of files produced: the applications, and every problem met on the way.</summary>
public sealed record LoadResult(IReadOnlyList<Application> Applications, IReadOnlyList<VelaProblem> Problems);

/// <summary>
/// Reads Application files: single files, folders (recursively, <c>.yaml</c>/<c>.yml</c>, in ordinal order),
/// multi-document streams. Documents that are not KubeVela Applications are passed over (a synced folder
/// holds plain Kubernetes objects too). A file that cannot be read or parsed yields a problem; the others still load.
/// </summary>
public static class ApplicationLoader
{
    private static readonly string[] Extensions = [".yaml", ".yml"];

    public static LoadResult Load(IEnumerable<string> paths, IEngineOutput? output = null)
    {
        output ??= NullEngineOutput.Instance;
        var apps = new List<Application>();
        var problems = new List<VelaProblem>();
        foreach (var file in ExpandFiles(paths, problems))
        {
            output.Verbose($"Reading {file}");
            var result = LoadText(ReadAllText(file, problems), file);
            apps.AddRange(result.Applications);
            problems.AddRange(result.Problems);
        }
        return new LoadResult(apps, problems);
    }

    public static LoadResult LoadText(string? text, string file)
    {
        var apps = new List<Application>();
        var problems = new List<VelaProblem>();
        if (text is null) return new LoadResult(apps, problems);
        IReadOnlyList<YamlDocument> documents;
        try
        {
            documents = YamlReader.Read(text, file);
        }
        catch (VelaProblemException ex)
        {
            problems.Add(ex.Problem);
            return new LoadResult(apps, problems);
        }
        foreach (var doc in documents)
        {
            if (!ApplicationParser.IsApplication(doc.Root)) continue;
            var parser = new ApplicationParser();
            var app = parser.Parse(doc);
            problems.AddRange(parser.Problems);
            if (app is not null) apps.Add(app);
        }
        return new LoadResult(apps, problems);
    }

    /// <summary>Files for the given paths: a file as is, a folder's YAML files recursively. Missing paths are problems.</summary>
    public static IReadOnlyList<string> ExpandFiles(IEnumerable<string> paths, List<VelaProblem> problems)
    {
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                if (seen.Add(Path.GetFullPath(path))) files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal);
                foreach (var f in found)
                    if (seen.Add(Path.GetFullPath(f))) files.Add(f);
            }
            else
            {
                problems.Add(new VelaProblem(ErrorIds.Load.PathNotFound, ProblemCategory.ObjectNotFound,
                    $"cannot find path '{path}' because it does not exist", new SourceLocation(path, 0, 0)));
            }
        }
        return files;
    }

    private static string? ReadAllText(string file, List<VelaProblem> problems)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(new VelaProblem(ErrorIds.Load.FileUnreadable, ProblemCategory.ResourceUnavailable,
                $"cannot read the file: {ex.Message}", new SourceLocation(file, 0, 0)));
            return null;
        }
    }
}
