# Azure Automation (PowerShell 7.4 runbook): one reconcile pass. Import GitOpsVela as a module of the Automation
# account; store the kubeconfig as an encrypted variable and the git token as a credential asset.
param([string] $Context)

Import-Module GitOpsVela
$kubeconfig = Join-Path $env:TEMP 'kubeconfig'
Set-Content -Path $kubeconfig -Value (Get-AutomationVariable -Name 'GitOpsVelaKubeconfig')
$git = Get-AutomationPSCredential -Name 'GitOpsVelaGit'

# Clone/fetch the config repo into the runbook's cache, then reconcile its root applications.
$source = Sync-VelaRepository -Url 'https://git.example.com/ops/config' -Branch main -Credential $git -CachePath (Join-Path $env:TEMP 'gitopsvela-cache')
$arguments = @{ Path = (Join-Path $source.LocalPath 'clusters'); Kubeconfig = $kubeconfig; Credential = $git }
if ($Context) { $arguments.Context = $Context }
Invoke-VelaReconcile @arguments | ForEach-Object { "{0} {1} {2}" -f $_.Name, $_.Phase, $_.Revision }
