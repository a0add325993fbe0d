namespace GitOpsVela.Engine.Diagnostics;

/// <summary>What kind of problem a <see cref="VelaProblem"/> is; cmdlets map it to an ErrorCategory.</summary>
public enum ProblemCategory
{
    InvalidData,
    SyntaxError,
    ObjectNotFound,
    InvalidOperation,
    AuthenticationError,
    PermissionDenied,
    ResourceExists,
    OperationTimeout,
    ConnectionError,
    NotImplemented,
    ResourceUnavailable,
}
