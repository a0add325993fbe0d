using GitOpsVela.Engine.Loading.Model;

namespace GitOpsVela.Engine.Execution.Steps;

/// <summary><c>print-message-in-status</c>: puts <c>message</c> in the step's status and succeeds.</summary>
internal sealed class PrintMessageStep : IStepExecutor
{
    public string Type => "print-message-in-status";

    public Task<StepOutcome> ExecuteAsync(StepContext context, CancellationToken cancellationToken) =>
        Task.FromResult(context.Spec is PrintMessageSpec { Message.Length: > 0 } spec
            ? StepOutcome.Succeeded(spec.Message)
            : StepOutcome.Failed("property 'message' is required"));
}
