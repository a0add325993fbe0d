using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace GitOpsVela.Host;

/// <summary><c>gitopsvela</c>: runs a script or command in the real PowerShell engine with the GitOpsVela module imported.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var console = new ConsoleText(Console.Out, Console.Error, Console.IsOutputRedirected, Console.IsErrorRedirected);
        try
        {
            HostArguments parsed;
            try
            {
                parsed = HostArguments.Parse(args);
            }
            catch (ArgumentException ex)
            {
                console.Error("error: " + ex.Message);
                console.Error(HostArguments.Usage);
                return 2;
            }
            if (parsed.ShowHelp)
            {
                console.Out(HostArguments.Usage + "\n");
                return 0;
            }
            var manifest = ModuleLocator.Find(AppContext.BaseDirectory);
            if (manifest is null)
            {
                console.Error("error: cannot find the GitOpsVela module (GitOpsVela/GitOpsVela.psd1 beside gitopsvela, or out/GitOpsVela above it); build it with `dotnet build` or set GITOPSVELA_MODULE_PATH.");
                return 1;
            }
            return new ScriptRunner(console, manifest).Run(parsed);
        }
        finally
        {
            console.Flush();
        }
    }
}
