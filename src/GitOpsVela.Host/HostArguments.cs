using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace GitOpsVela.Host;

/// <summary>
/// The command line: <c>gitopsvela script.ps1 [args...]</c> or <c>gitopsvela -Command '...'</c>, like <c>pwsh -File</c>
/// and <c>pwsh -Command</c>.
/// </summary>
internal sealed record HostArguments(string? ScriptPath, string? Command, IReadOnlyList<string> ScriptArguments, bool ShowHelp)
{
    public const string Usage = """
        usage: gitopsvela <script.ps1> [arguments...]
               gitopsvela -Command '<PowerShell text>'
               gitopsvela -Help

        Runs a PowerShell script or command with the GitOpsVela module imported.
        Arguments after the script bind to its parameters like pwsh -File (-Name value, -Switch, positional).
        Exit code: the script's `exit N`; 1 when it stopped on an error; otherwise 0.
        """;

    public static HostArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) return new(null, null, [], true);
        var first = args[0];
        if (IsOption(first, "help", "h", "?")) return new(null, null, [], true);
        if (IsOption(first, "command", "c"))
        {
            if (args.Count < 2) throw new ArgumentException("-Command needs the PowerShell text to run.");
            // Like pwsh: everything after -Command is the command text.
            return new(null, string.Join(' ', args.Skip(1)), [], false);
        }
        if (IsOption(first, "file", "f"))
        {
            if (args.Count < 2) throw new ArgumentException("-File needs the path of a script.");
            return new(args[1], null, args.Skip(2).ToArray(), false);
        }
        if (first.StartsWith('-')) throw new ArgumentException($"unknown option '{first}'.");
        return new(first, null, args.Skip(1).ToArray(), false);
    }

    private static bool IsOption(string arg, params string[] names)
    {
        var trimmed = arg.TrimStart('-', '/');
        if (trimmed.Length == arg.Length || trimmed.Length == 0) return false;
        return names.Any(n => string.Equals(n, trimmed, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Adds the script as a command with its arguments bound as pwsh -File binds them: <c>-Name value</c> binds
    /// value to Name (unless Name is a switch of the script), <c>-Name:value</c> binds a parameter with its value,
    /// everything else is a positional string. <paramref name="script"/> gives the script's declared parameters.
    /// </summary>
    public static void AddScriptFile(PowerShell ps, ExternalScriptInfo script, IReadOnlyList<string> arguments)
    {
        ps.AddCommand(script.Path, useLocalScope: false);
        var parameters = ps.Commands.Commands[^1].Parameters;
        for (var i = 0; i < arguments.Count; i++)
        {
            var arg = arguments[i];
            if (!IsParameterName(arg, out var name, out var value))
            {
                parameters.Add(new CommandParameter(null, arg));
            }
            else if (value is not null)
            {
                parameters.Add(new CommandParameter(name, SwitchOrLiteral(value)));
            }
            else if (IsSwitch(script, name) || i + 1 == arguments.Count)
            {
                parameters.Add(new CommandParameter(name, true));
            }
            else
            {
                parameters.Add(new CommandParameter(name, arguments[++i]));
            }
        }
    }

    private static bool IsSwitch(ExternalScriptInfo script, string name)
    {
        IReadOnlyDictionary<string, ParameterMetadata> declared;
        try
        {
            declared = script.Parameters;
        }
        catch (RuntimeException)
        {
            return false; // a script that does not parse: running it reports the parse error
        }
        var exact = declared.Values.FirstOrDefault(p =>
            p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || p.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase));
        if (exact is not null) return exact.SwitchParameter;
        var byPrefix = declared.Values.Where(p => p.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase)).ToList();
        return byPrefix.Count == 1 && byPrefix[0].SwitchParameter;
    }

    private static bool IsParameterName(string arg, out string name, out string? value)
    {
        name = "";
        value = null;
        if (arg.Length < 2 || arg[0] != '-' || !(char.IsLetter(arg[1]) || arg[1] == '_')) return false;
        var colon = arg.IndexOf(':');
        var candidate = colon < 0 ? arg[1..] : arg[1..colon];
        if (!candidate.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '-')) return false;
        name = candidate;
        value = colon < 0 ? null : arg[(colon + 1)..];
        return true;
    }

    private static object SwitchOrLiteral(string value) =>
        value.Equals("$true", StringComparison.OrdinalIgnoreCase) ? true
        : value.Equals("$false", StringComparison.OrdinalIgnoreCase) ? false
        : value;

    /// <summary>A single-quoted PowerShell literal.</summary>
    public static string Quote(string value) =>
        "'" + System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";
}
