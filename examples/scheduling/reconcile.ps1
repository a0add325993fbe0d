# One reconcile pass of the config repo's root applications (clusters/), for schedulers that start a script:
# a systemd timer, a Windows scheduled task, an Azure DevOps pipeline, an Azure Automation runbook.
# The exit code says whether everything reconciled: 0 all good, 1 problems (they are printed).
param(
    # The root applications: clusters/ of a checkout of the config repo (or any folder of Application files).
    [string] $Path = './clusters',
    # kubeconfig context to deliver to (default: the current context).
    [string] $Context,
    # Run continuously, this many seconds apart, until stopped.
    [int] $LoopSeconds = 0
)
$ErrorActionPreference = 'Continue'
Import-Module GitOpsVela -ErrorAction Stop

$arguments = @{ Path = $Path }
if ($Context) { $arguments.Context = $Context }
if ($LoopSeconds -gt 0) { $arguments.Loop = $true; $arguments.Interval = [TimeSpan]::FromSeconds($LoopSeconds) }

$errorsBefore = $Error.Count
$runs = @(Invoke-VelaReconcile @arguments)
foreach ($run in $runs) {
    '{0,-12} {1,-10} {2,-20} {3}' -f $run.Name, $run.Parent, $run.Phase, $run.Revision
}
if ($Error.Count -gt $errorsBefore) { exit 1 }
exit 0
