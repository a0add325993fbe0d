using System.Management.Automation;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Diagnostics;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// Opens the cluster connection once per cmdlet invocation. A failure (unreachable server, unknown context, bad
/// kubeconfig) is written once as a non-terminating error; later inputs of the same invocation stop quietly.
/// </summary>
internal sealed class ClusterConnection(VelaCmdlet cmdlet)
{
    private DeliveryTarget? _target;
    private bool _failed;

    public DeliveryTarget Open(string? kubeconfig, string? context)
    {
        if (_target is not null) return _target;
        if (_failed) throw new ReportedFailureException();
        var path = kubeconfig is null ? null : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(kubeconfig);
        try
        {
            _target = KubeDelivery.Open(path, context, cmdlet.Output);
        }
        catch (VelaProblemException ex)
        {
            _failed = true;
            cmdlet.WriteProblem(ex.Problem, context);
            throw new ReportedFailureException();
        }
        return _target;
    }

    public void Close()
    {
        _target?.Dispose();
        _target = null;
    }
}

/// <summary>
/// Base of the cmdlets that act on applications in a cluster by name (<c>Resume-VelaWorkflow</c>, <c>Remove-VelaApplication</c>, ...):
/// <c>-Name</c>, <c>-Namespace</c> and <c>-Context</c> bind by property name from Get-VelaApplication and Invoke-VelaWorkflow output.
/// </summary>
public abstract class ClusterCmdlet : VelaCmdlet
{
    private ClusterConnection? _connection;

    /// <summary>The application's name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ApplicationNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The application's namespace (default: default).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NamespaceCompleter))]
    [AllowNull]
    public string? Namespace { get; set; }

    /// <summary>The kubeconfig context to use (default: the current context).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    [AllowNull]
    public string? Context { get; set; }

    /// <summary>The kubeconfig file (default: KUBECONFIG, then ~/.kube/config).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    internal DeliveryTarget Target => (_connection ??= new ClusterConnection(this)).Open(Kubeconfig, Context);

    internal string EffectiveNamespace => Namespace ?? Engine.Loading.Model.Application.DefaultNamespace;

    protected override void EndVelaProcessing() => _connection?.Close();
}

/// <summary>Base of the cmdlets that deliver applications (from the pipeline or files) to a cluster.</summary>
public abstract class ClusterApplicationCmdlet : ApplicationInputCmdlet
{
    private ClusterConnection? _connection;

    /// <summary>The kubeconfig context to use (default: the current context).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Context { get; set; }

    /// <summary>The kubeconfig file (default: KUBECONFIG, then ~/.kube/config).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    internal DeliveryTarget Target => (_connection ??= new ClusterConnection(this)).Open(Kubeconfig, Context);

    protected override void EndVelaProcessing() => _connection?.Close();
}
