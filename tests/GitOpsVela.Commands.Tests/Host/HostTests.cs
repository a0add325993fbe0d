using Xunit;

namespace GitOpsVela.Commands.Tests.Host;

/// <summary>The gitopsvela executable, run as a process the way CI and an admin's scheduled task run it.</summary>
public sealed class HostTests
{
    private static string Data => HostProcess.TestData;

    [Fact]
    public void Script_arguments_bind_like_pwsh_File_named_switch_positional_and_rest()
    {
        var run = HostProcess.Run(Data, "params.ps1", "-Name", "prod", "-Loud", "-Count:3", "extra one", "two");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Contains("Name=prod", run.StdoutLines);
        Assert.Contains("Loud=True", run.StdoutLines);
        Assert.Contains("Count=3", run.StdoutLines);
        Assert.Contains("Args=extra one|two", run.StdoutLines);
        Assert.Contains("ScriptRoot=" + Data.TrimEnd(Path.DirectorySeparatorChar), run.StdoutLines);
    }

    [Fact]
    public void A_value_that_looks_like_text_stays_a_positional_string()
    {
        var run = HostProcess.Run(Data, "params.ps1", "-5", "7", "it's");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Name=-5", run.StdoutLines);
        Assert.Contains("Loud=False", run.StdoutLines);
        Assert.Contains("Count=7", run.StdoutLines);
        Assert.Contains("Args=it's", run.StdoutLines);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)]
    [InlineData(42)]
    public void Exit_in_the_script_is_the_process_exit_code_and_earlier_output_is_printed(int code)
    {
        var run = HostProcess.Run(Data, "exit.ps1", "-Code", code.ToString());

        Assert.Equal(code, run.ExitCode);
        Assert.Contains("before exit", run.StdoutLines);
        Assert.Contains(run.StdoutLines, l => l.StartsWith("k1") && l.Contains("v1"));
        Assert.DoesNotContain("never printed", run.Stdout);
    }

    [Fact]
    public void Terminating_error_prints_one_concise_line_with_its_location_and_exits_1()
    {
        var run = HostProcess.Run(Data, "throws.ps1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("first line", run.StdoutLines);
        Assert.DoesNotContain("never printed", run.Stdout);
        Assert.Equal(
            ["error: the config repo is unreachable", "  at " + Path.Combine(Data, "throws.ps1") + ":2"],
            run.StderrLines);
        Assert.DoesNotContain("   at ", run.Stderr); // no .NET stack trace
    }

    [Fact]
    public void Non_terminating_error_is_printed_concisely_and_the_script_goes_on()
    {
        var run = HostProcess.Run(Data, "nonterminating.ps1");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("start", run.StdoutLines);
        Assert.Contains("still running", run.StdoutLines);
        var error = Assert.Single(run.StderrLines, l => l.StartsWith("error: "));
        Assert.Contains("does-not-exist.yaml", error);
        Assert.Contains(run.StderrLines, l => l == "  at " + Path.Combine(Data, "nonterminating.ps1") + ":2");
    }

    [Fact]
    public void Command_runs_text_with_the_module_imported_and_carries_its_exit_code()
    {
        var run = HostProcess.Run(Data, "-Command", "(Get-Command Get-VelaApplication).ModuleName; exit 7");

        Assert.Equal(7, run.ExitCode);
        Assert.Equal("GitOpsVela", run.StdoutLines[0]);
    }

    [Fact]
    public void Command_with_a_terminating_error_exits_1_with_the_message()
    {
        var run = HostProcess.Run(Data, "-Command", "throw 'no context named prod'");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: no context named prod", run.StderrLines[0]);
    }

    [Fact]
    public void Command_whose_last_command_failed_exits_1_like_pwsh_Command()
    {
        var failed = HostProcess.Run(Data, "-Command", "'first'; Get-VelaApplication -Path ./no-such-file.yaml");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("first", failed.StdoutLines);
        Assert.StartsWith("error: ", failed.StderrLines[0]);

        var recovered = HostProcess.Run(Data, "-Command", "Get-VelaApplication -Path ./no-such-file.yaml; 'then fine' # trailing comment");
        Assert.Equal(0, recovered.ExitCode);
        Assert.Contains("then fine", recovered.StdoutLines);
    }

    [Fact]
    public void Missing_script_and_unknown_option_are_reported_without_a_stack_trace()
    {
        var missing = HostProcess.Run(Data, "no-such-script.ps1");
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal("error: script not found: no-such-script.ps1", missing.StderrLines[0]);

        var unknown = HostProcess.Run(Data, "-Bogus");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("error: unknown option '-Bogus'", unknown.StderrLines[0]);
        Assert.DoesNotContain("Exception", unknown.Stderr);
    }

    [Fact]
    public void A_script_that_does_not_parse_runs_nothing_and_names_each_error_with_file_line_column()
    {
        var run = HostProcess.Run(Data, "parse-error.ps1");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout.Trim());
        Assert.Equal("error: Unexpected token '{' in expression or statement.", run.StderrLines[0]);
        Assert.Equal("  at " + Path.Combine(Data, "parse-error.ps1") + ":2:8", run.StderrLines[1]);
        Assert.DoesNotContain("char:", run.Stderr);

        var command = HostProcess.Run(Data, "-Command", "'x'; if ($x {");
        Assert.Equal(1, command.ExitCode);
        Assert.Equal("  at <command>:1:13", command.StderrLines[1]);
    }

    [Fact]
    public void A_file_that_is_not_a_script_is_refused()
    {
        var run = HostProcess.Run(Data, "apps.yaml");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(["error: not a PowerShell script (.ps1): apps.yaml"], run.StderrLines);
    }

    [Fact]
    public void Help_prints_the_usage_and_exits_0()
    {
        var run = HostProcess.Run(Data, "-Help");

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("usage: gitopsvela <script.ps1> [arguments...]", run.StdoutLines[0]);
        Assert.Contains(run.StdoutLines, l => l.Contains("gitopsvela -Command"));
    }

    [Fact]
    public void Output_has_no_ANSI_escapes_when_redirected_and_PSStyle_renders_plain_text()
    {
        var run = HostProcess.Run(Data, "ansi.ps1");

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain('\u001b', run.Stdout);
        Assert.Contains("red text", run.StdoutLines);
        Assert.Contains("rendering=PlainText", run.StdoutLines);
    }

    [Fact]
    public void Objects_without_a_view_come_out_as_a_table()
    {
        var run = HostProcess.Run(Data, "-Command", "[pscustomobject]@{ Name = 'a'; Replicas = 2 }; [pscustomobject]@{ Name = 'bb'; Replicas = 10 }");

        Assert.Equal(0, run.ExitCode);
        var lines = run.StdoutLines.Where(l => l.Trim().Length > 0).Select(l => l.TrimEnd()).ToList();
        Assert.Equal(["Name Replicas", "---- --------", "a           2", "bb         10"], lines);
    }
}
