using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Loading.Model;
using GitOpsVela.Engine.Yaml;

namespace GitOpsVela.Engine.Loading;

/// <summary>What loading a set of files produced: the applications, and every problem met on the way.</summary>
public sealed record LoadResult(IReadOnlyList<Application> Applications, IReadOnlyList<VelaProblem> Problems)
{
    /// <summary>The ComponentDefinitions, TraitDefinitions and WorkflowStepDefinitions found in the same files (every application carries them).</summary>
    internal DefinitionCatalogue Definitions { get; init; } = DefinitionCatalogue.Empty;
}

/// <summary>
/// Reads Application files: single files, folders (recursively, <c>.yaml</c>/<c>.yml</c>, in ordinal order),
/// multi-document streams. ComponentDefinition, TraitDefinition and WorkflowStepDefinition documents found among them
/// become the definitions every application of the same load can use (<see cref="LoadResult.Definitions"/>); other
/// documents are passed over (a synced folder holds plain Kubernetes objects too). A file that cannot be read or parsed
/// yields a problem; the others still load.
/// </summary>
public static class ApplicationLoader
{
    private static readonly string[] Extensions = [".yaml", ".yml"];

    public static LoadResult Load(IEnumerable<string> paths, IEngineOutput? output = null)
    {
        output ??= NullEngineOutput.Instance;
        var apps = new List<Application>();
        var problems = new List<VelaProblem>();
        var definitions = new List<Definition>();
        foreach (var file in ExpandFiles(paths, problems))
        {
            output.Verbose($"Reading {file}");
            Read(ReadAllText(file, problems), file, apps, definitions, problems);
        }
        return Result(apps, definitions, problems, output);
    }

    public static LoadResult LoadText(string? text, string file)
    {
        var apps = new List<Application>();
        var problems = new List<VelaProblem>();
        var definitions = new List<Definition>();
        Read(text, file, apps, definitions, problems);
        return Result(apps, definitions, problems, NullEngineOutput.Instance);
    }

    private static void Read(string? text, string file, List<Application> apps, List<Definition> definitions, List<VelaProblem> problems)
    {
        if (text is null) return;
        IReadOnlyList<YamlDocument> documents;
        try
        {
            documents = YamlReader.Read(text, file);
        }
        catch (VelaProblemException ex)
        {
            problems.Add(ex.Problem);
            return;
        }
        foreach (var doc in documents)
        {
            if (DefinitionParser.IsDefinition(doc.Root))
            {
                var definitionParser = new DefinitionParser();
                var definition = definitionParser.Parse(doc);
                problems.AddRange(definitionParser.Problems);
                if (definition is not null) definitions.Add(definition);
                continue;
            }
            if (!ApplicationParser.IsApplication(doc.Root)) continue;
            var parser = new ApplicationParser();
            var app = parser.Parse(doc);
            problems.AddRange(parser.Problems);
            if (app is not null) apps.Add(app);
        }
    }

    /// <summary>
    /// The load's definitions as one catalogue, given to every application read with them. The same definition (kind, name,
    /// namespace) twice is a problem at the second, which is ignored: the first one read (files in ordinal order) is used.
    /// </summary>
    private static LoadResult Result(List<Application> apps, List<Definition> definitions, List<VelaProblem> problems, IEngineOutput output)
    {
        var kept = new List<Definition>();
        foreach (var definition in definitions)
        {
            var first = kept.FirstOrDefault(d => d.Kind == definition.Kind && d.Name == definition.Name && d.EffectiveNamespace == definition.EffectiveNamespace);
            if (first is null)
            {
                kept.Add(definition);
                output.Verbose($"{definition.Describe()}: {definition.Schematic.Name} schematic");
                continue;
            }
            problems.Add(new VelaProblem(ErrorIds.Load.DefinitionInvalid, ProblemCategory.InvalidData,
                $"{definition.KindName} '{definition.Name}' in namespace {definition.EffectiveNamespace} is defined again here; the one at {first.Location} is used",
                definition.Location));
        }
        var catalogue = new DefinitionCatalogue(kept);
        foreach (var app in apps) app.Definitions = catalogue;
        return new LoadResult(apps, problems) { Definitions = catalogue };
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
            // File.ReadAllText's reader builds the text in a StringBuilder through 4 KB buffers; decoding the bytes at
            // once gives the same text (BOM honoured) for a third of the memory. UTF-16/32 files keep the reader.
            var bytes = File.ReadAllBytes(file);
            ReadOnlySpan<byte> text = bytes;
            if (text is [0xFE, 0xFF, ..] or [0xFF, 0xFE, ..] or [0x00, 0x00, 0xFE, 0xFF, ..]) return File.ReadAllText(file);
            if (text is [0xEF, 0xBB, 0xBF, ..]) text = text[3..];
            return System.Text.Encoding.UTF8.GetString(text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add(new VelaProblem(ErrorIds.Load.FileUnreadable, ProblemCategory.ResourceUnavailable,
                $"cannot read the file: {ex.Message}", new SourceLocation(file, 0, 0)));
            return null;
        }
    }
}
