using System.Text.RegularExpressions;

namespace GitOpsVela.Host;

/// <summary>
/// Where text goes: stdout and stderr, with ANSI escape sequences removed when the stream is not a terminal
/// (or NO_COLOR is set), so logs and files stay plain.
/// </summary>
internal sealed partial class ConsoleText
{
    private readonly TextWriter _out;
    private readonly TextWriter _err;
    private readonly bool _plainErr;

    public ConsoleText(TextWriter stdout, TextWriter stderr, bool stdoutRedirected, bool stderrRedirected)
    {
        _out = stdout;
        _err = stderr;
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        Plain = stdoutRedirected || noColor;
        _plainErr = stderrRedirected || noColor;
        Width = stdoutRedirected ? 160 : SafeWindowWidth();
    }

    /// <summary>True when stdout gets no escape sequences.</summary>
    public bool Plain { get; }

    /// <summary>Columns tables are laid out for: the terminal's width, 160 when redirected.</summary>
    public int Width { get; }

    public void Out(string text) => _out.Write(Plain ? StripAnsi(text) : text);

    public void Error(string line) => _err.WriteLine(_plainErr ? StripAnsi(line) : line);

    public void Flush()
    {
        _out.Flush();
        _err.Flush();
    }

    public static string StripAnsi(string text) => text.Contains('\u001b') ? Ansi().Replace(text, "") : text;

    // CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or ESC \) and two-byte escapes.
    [GeneratedRegex(@"\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[@-Z\\-_]")]
    private static partial Regex Ansi();

    private static int SafeWindowWidth()
    {
        try
        {
            var width = Console.WindowWidth;
            return width > 20 ? width : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }
}
