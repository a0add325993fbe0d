// A deliberately broken miniature of the stage line: StageRulesTests proves its checker reports the Rendering -> Execution use.
namespace GitOpsVela.Engine.Tests.Architecture.Sample.Execution
{
    internal sealed class SampleApplier
    {
        public int Applied { get; set; }
    }
}

namespace GitOpsVela.Engine.Tests.Architecture.Sample.Rendering
{
    internal sealed class SampleRenderer
    {
        public int Render(Execution.SampleApplier applier) => applier.Applied;
    }
}
