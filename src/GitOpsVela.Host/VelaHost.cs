using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace GitOpsVela.Host;

/// <summary>
/// The console host the runspace talks to: pipeline output formatted by Out-Default arrives here as lines,
/// errors, warnings and verbose text go to stderr, progress is not drawn. Non-interactive: prompts fail.
/// </summary>
internal sealed class VelaHost : PSHost
{
    private readonly VelaHostUserInterface _ui;

    public VelaHost(ConsoleText console) => _ui = new VelaHostUserInterface(console);

    /// <summary>The code an <c>exit N</c> at the top level asked for; null when none did.</summary>
    public int? ExitCode { get; private set; }

    public override string Name => "gitopsvela";
    public override Version Version { get; } = typeof(VelaHost).Assembly.GetName().Version ?? new Version(0, 1);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    public override void SetShouldExit(int exitCode) => ExitCode = exitCode;

    public override void EnterNestedPrompt() => throw new NotSupportedException("gitopsvela does not support nested prompts.");
    public override void ExitNestedPrompt() => throw new NotSupportedException("gitopsvela does not support nested prompts.");
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }
}

internal sealed class VelaHostUserInterface : PSHostUserInterface
{
    private readonly ConsoleText _console;
    private readonly VelaRawUserInterface _raw;

    public VelaHostUserInterface(ConsoleText console)
    {
        _console = console;
        _raw = new VelaRawUserInterface(console);
    }

    public override PSHostRawUserInterface RawUI => _raw;

    public override bool SupportsVirtualTerminal => !_console.Plain;

    public override void Write(string value) => _console.Out(value);
    public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => _console.Out(value);
    public override void WriteLine(string value) => _console.Out(value + "\n");
    public override void WriteErrorLine(string value) => _console.Error(value);
    public override void WriteWarningLine(string message) => _console.Error("warning: " + message);
    public override void WriteVerboseLine(string message) => _console.Error("verbose: " + message);
    public override void WriteDebugLine(string message) => _console.Error("debug: " + message);
    public override void WriteInformation(InformationRecord record) { }
    public override void WriteProgress(long sourceId, ProgressRecord record) { }

    public override string ReadLine() => throw NotInteractive();
    public override SecureString ReadLineAsSecureString() => throw NotInteractive();
    public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw NotInteractive();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw NotInteractive();
    public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw NotInteractive();
    public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => throw NotInteractive();

    private static PSInvalidOperationException NotInteractive() =>
        new("gitopsvela runs scripts non-interactively: pass the value as a parameter instead of being prompted (for -Confirm, use -Confirm:$false or -Force).");
}

/// <summary>Just enough of a raw console for the formatter: its width decides how tables are laid out.</summary>
internal sealed class VelaRawUserInterface : PSHostRawUserInterface
{
    private readonly ConsoleText _console;

    public VelaRawUserInterface(ConsoleText console) => _console = console;

    public override Size BufferSize
    {
        get => new(_console.Width, 9999);
        set { }
    }

    public override Size WindowSize
    {
        get => new(_console.Width, 50);
        set { }
    }

    public override Size MaxWindowSize => WindowSize;
    public override Size MaxPhysicalWindowSize => WindowSize;
    public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
    public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
    public override Coordinates CursorPosition { get; set; }
    public override Coordinates WindowPosition { get; set; }
    public override int CursorSize { get; set; } = 25;
    public override string WindowTitle { get; set; } = "gitopsvela";
    public override bool KeyAvailable => false;

    public override void FlushInputBuffer() { }
    public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
    public override KeyInfo ReadKey(ReadKeyOptions options) => throw new PSInvalidOperationException("gitopsvela runs scripts non-interactively.");
    public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
    public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
}
