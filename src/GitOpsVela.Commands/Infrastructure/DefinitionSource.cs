using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// The offline check of Test-VelaApplication and ConvertTo-VelaManifest: the definitions read with the files, and with
/// -Context or -Kubeconfig also those installed in that cluster (opened once per invocation). Which definition renders a
/// type is said as a warning (it replaces a built-in) or verbose text.
/// </summary>
internal sealed class DefinitionSource(VelaCmdlet cmdlet)
{
    private ClusterConnection? _connection;

    public OfflineCheckResult Check(Application app, string? targetNamespace, string? context, string? kubeconfig)
    {
        OfflineCheckResult result;
        if (context is null && kubeconfig is null) result = OfflineCheck.Check(app, targetNamespace);
        else
        {
            var target = (_connection ??= new ClusterConnection(cmdlet)).Open(kubeconfig, context);
            result = cmdlet.Run(ct => target.CheckAsync(app, targetNamespace, ct));
        }
        foreach (var warning in result.Warnings) cmdlet.WriteVelaWarning(warning);
        foreach (var note in result.Notes) cmdlet.WriteVelaVerbose(note);
        return result;
    }

    public void Close() => _connection?.Close();
}
