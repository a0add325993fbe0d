using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using GitOpsVela.Engine.Composition;
using GitOpsVela.Engine.Execution;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>Completes -Context with the kubeconfig's context names, without calling any cluster.</summary>
public sealed class KubeContextCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var kubeconfig = fakeBoundParameters["Kubeconfig"] as string;
        IReadOnlyList<string> contexts;
        try
        {
            contexts = KubeDelivery.ListContexts(kubeconfig);
        }
        catch (Exception)
        {
            yield break;
        }
        var pattern = WildcardPattern.Get((wordToComplete ?? string.Empty).Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        foreach (var context in contexts.Where(c => pattern.IsMatch(c)))
        {
            var text = context.Any(ch => char.IsWhiteSpace(ch) || ch is '\'' or '"' or '$' or '`') ? $"'{context.Replace("'", "''")}'" : context;
            yield return new CompletionResult(text, context, CompletionResultType.ParameterValue, context);
        }
    }
}

/// <summary>Opens the cluster connection once per cmdlet invocation and reports failure as a terminating error.</summary>
internal sealed class ClusterConnection(VelaCmdlet cmdlet)
{
    private DeliveryTarget? _target;

    public DeliveryTarget Open(string? kubeconfig, string? context)
    {
        if (_target is not null) return _target;
        var path = kubeconfig is null ? null : cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(kubeconfig);
        try
        {
            _target = KubeDelivery.Open(path, context, cmdlet.Output);
        }
        catch (Engine.Diagnostics.VelaProblemException ex)
        {
            cmdlet.ThrowTerminatingError(VelaErrors.FromProblem(ex.Problem, context));
        }
        return _target!;
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
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The application's namespace (default: default).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
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

    protected override void EndProcessing()
    {
        base.EndProcessing();
        _connection?.Close();
    }
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

    protected override void EndProcessing()
    {
        base.EndProcessing();
        _connection?.Close();
    }
}
