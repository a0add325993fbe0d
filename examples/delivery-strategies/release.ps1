# Drives a release from a script or a scheduled task: one delivery pass, then where each release stands. Run it again
# (or on a timer) to move the release on; -Approve resumes a release step that waits for a person.
#
#   ./examples/delivery-strategies/release.ps1 -Path ./examples/delivery-strategies/shop-canary.yaml -Context prod
#   ./examples/delivery-strategies/release.ps1 -Path ./examples/delivery-strategies/shop-canary.yaml -Context prod -Approve
#   Stop-VelaWorkflow -Name shop -Context prod; ./examples/delivery-strategies/release.ps1 -Path ... -Context prod   # roll back
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $Context,
    [string] $Kubeconfig,
    # Resume the release steps that wait for a person before the pass.
    [switch] $Approve
)
$ErrorActionPreference = 'Stop'
$cluster = @{ Context = $Context }
if ($Kubeconfig) { $cluster.Kubeconfig = $Kubeconfig }

if ($Approve) {
    $apps = @(Get-VelaApplication -Path $Path)
    foreach ($app in $apps) {
        $running = @(Get-VelaApplication @cluster -Name $app.Name -Namespace $app.Namespace)
        if ($running | Where-Object Phase -eq 'workflowSuspending') {
            Resume-VelaWorkflow @cluster -Name $app.Name -Namespace $app.Namespace | Out-Null
        }
    }
}

# A rolled-back release fails its workflow (an error of the pass): show where every release stands, then exit non-zero.
$run = @(Invoke-VelaWorkflow -Path $Path @cluster -ErrorAction Continue -ErrorVariable failed)
foreach ($r in $run) {
    '{0}/{1}: {2}' -f $r.Namespace, $r.Name, $r.Phase
    $r.Releases | Format-Table | Out-String -Width 160
}
if ($failed) { exit 1 }
