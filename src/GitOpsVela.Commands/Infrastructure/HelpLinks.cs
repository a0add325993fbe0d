namespace GitOpsVela.Commands.Infrastructure;

/// <summary>Where each cmdlet's HelpUri points: its help source (src/GitOpsVela.Commands/Help/&lt;Cmdlet&gt;.md) on the project's site.</summary>
internal static class HelpLinks
{
    public const string Base = "https://github.com/gitopsvela/gitopsvela/blob/main/src/GitOpsVela.Commands/Help/";
}
