# Azure Automation (PowerShell 7.4 runbook): one reconcile pass. Import GitOpsVela as a module of the Automation
# account; store the kubeconfig as an encrypted variable and the git token as a credential asset.
param([string] $Context)

Import-Module GitOpsVela
# The kubeconfig holds a cluster credential: write it only for this run, readable by this account, and always remove it.
$kubeconfig = Join-Path ([IO.Path]::GetTempPath()) ("gitopsvela-kubeconfig-" + [guid]::NewGuid().ToString('N'))
$cache = Join-Path ([IO.Path]::GetTempPath()) 'gitopsvela-cache'
try {
    New-Item -ItemType File -Path $kubeconfig -Force | Out-Null
    if (-not $IsWindows) { chmod 600 $kubeconfig }
    Set-Content -LiteralPath $kubeconfig -Value (Get-AutomationVariable -Name 'GitOpsVelaKubeconfig')
    $git = Get-AutomationPSCredential -Name 'GitOpsVelaGit'

    # Clone/fetch the config repo into the runbook's cache, then reconcile its root applications.
    $source = Sync-VelaRepository -Url 'https://git.example.com/ops/config' -Branch main -GitCredential $git -CachePath $cache
    $arguments = @{ Path = (Join-Path $source.LocalPath 'clusters'); Kubeconfig = $kubeconfig; GitCredential = $git; CachePath = $cache }
    if ($Context) { $arguments.Context = $Context }
    Invoke-VelaReconcile @arguments | ForEach-Object { "{0} {1} {2}" -f $_.Name, $_.Phase, $_.Revision }
}
finally {
    Remove-Item -LiteralPath $kubeconfig -Force -ErrorAction SilentlyContinue
}
