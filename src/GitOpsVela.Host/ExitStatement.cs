using System.Management.Automation.Runspaces;
using System.Reflection;

namespace GitOpsVela.Host;

/// <summary>
/// Makes <c>exit N</c> inside the script file end the whole run with code N, as <c>pwsh -File</c> does.
/// By default the engine swallows an exit in a script file (it only sets $LASTEXITCODE, like a nested script);
/// pwsh's console host turns that off through the engine's ScriptCommandProcessorShouldRethrowExit switch,
/// which is not public, so it is set here by reflection (pinned System.Management.Automation version).
/// Should a later engine drop the switch, $LASTEXITCODE after the script is the fallback (see <see cref="ScriptRunner"/>).
/// </summary>
internal static class ExitStatement
{
    public static bool PropagateFromScripts(Runspace runspace)
    {
        const BindingFlags any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        var context = runspace.GetType().GetProperty("ExecutionContext", any)?.GetValue(runspace);
        var flag = context?.GetType().GetProperty("ScriptCommandProcessorShouldRethrowExit", any);
        if (flag is null || !flag.CanWrite) return false;
        flag.SetValue(context, true);
        return true;
    }
}
