namespace GitOpsVela.Host;

/// <summary><c>gitopsvela</c>: runs a script or command in the real PowerShell engine with the GitOpsVela module imported.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // The vela ls tree rows (├─ └─) and YAML are UTF-8 whatever the console's code page (Windows).
        try
        {
            Console.OutputEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        }
        catch (IOException)
        {
        }
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
            var code = new ScriptRunner(console, manifest).Run(parsed);
            // Azure DevOps reads this from the log: a failed script marks the run failed (its errors are already logged as issues).
            if (code != 0 && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TF_BUILD"))) console.Out("##vso[task.complete result=Failed;]\n");
            return code;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Never a stack trace: the engine failed outside any script (opening the runspace, for example).
            console.Error("error: " + ex.Message);
            return 1;
        }
        finally
        {
            console.Flush();
        }
    }
}
