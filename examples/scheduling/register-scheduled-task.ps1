# Windows: register a scheduled task that runs a reconcile pass every 5 minutes as the current user.
param(
    [string] $ConfigPath = 'C:\gitopsvela\config',
    [string] $Context
)
$script = Join-Path $PSScriptRoot 'reconcile.ps1'
$arguments = "-NoProfile -File `"$script`" -Path `"$ConfigPath\clusters`""
if ($Context) { $arguments += " -Context $Context" }
$action = New-ScheduledTaskAction -Execute 'pwsh.exe' -Argument $arguments -WorkingDirectory $ConfigPath
$trigger = New-ScheduledTaskTrigger -Once -At (Get-Date) -RepetitionInterval (New-TimeSpan -Minutes 5)
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Minutes 30)
Register-ScheduledTask -TaskName 'GitOpsVela reconcile' -Action $action -Trigger $trigger -Settings $settings -Description 'KubeVela GitOps without a controller'
