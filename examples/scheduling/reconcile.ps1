# One reconcile pass of the config repo's root applications (clusters/), for schedulers that start a script:
# a systemd timer, a Windows scheduled task, an Azure DevOps pipeline, an Azure Automation runbook.
# Exit code: 0 when every application reconciled, 1 after any error or a failed workflow (printed, and in Azure DevOps
# also marked on the run). With -LoopSeconds it runs pass after pass, logging each, until stopped (or -MaxPasses).
param(
    # The root applications: clusters/ of a checkout of the config repo (or any folder of Application files).
    [string] $Path = './clusters',
    # kubeconfig context to deliver to (default: the current context).
    [string] $Context,
    # kubeconfig file (default: $env:KUBECONFIG, then ~/.kube/config).
    [string] $Kubeconfig,
    # Run continuously, this many seconds apart, until stopped.
    [int] $LoopSeconds = 0,
    # With -LoopSeconds: stop after this many passes (0: never).
    [int] $MaxPasses = 0
)
$ErrorActionPreference = 'Continue'
if (-not (Get-Module GitOpsVela)) { Import-Module GitOpsVela -ErrorAction Stop }

$arguments = @{ Path = $Path }
if ($Context) { $arguments.Context = $Context }
if ($Kubeconfig) { $arguments.Kubeconfig = $Kubeconfig }

$failed = $false
for ($pass = 1; ; $pass++) {
    $started = Get-Date
    Write-Host ("pass {0} started {1:u}" -f $pass, $started)
    $problems = $null
    $runs = @(Invoke-VelaReconcile @arguments -ErrorVariable problems)
    foreach ($run in $runs) {
        Write-Host ('  {0,-16} {1,-10} {2,-20} {3}' -f $run.Name, $run.Parent, $run.Phase, $run.Revision)
    }
    $bad = @($runs | Where-Object Phase -eq 'workflowFailed')
    $passFailed = $problems.Count -gt 0 -or $bad.Count -gt 0
    Write-Host ("pass {0} finished in {1:n1}s: {2} applications, {3} errors, {4} failed workflows" -f $pass, ((Get-Date) - $started).TotalSeconds, $runs.Count, $problems.Count, $bad.Count)
    $failed = $failed -or $passFailed
    if ($LoopSeconds -le 0 -or ($MaxPasses -gt 0 -and $pass -ge $MaxPasses)) { break }
    Start-Sleep -Seconds $LoopSeconds
}
if ($failed) {
    # Azure DevOps reads this line from the log: the run is marked failed (errors were already logged as issues).
    if ($env:TF_BUILD) { Write-Host '##vso[task.complete result=Failed;]' }
    exit 1
}
exit 0
