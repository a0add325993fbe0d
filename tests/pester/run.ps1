#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester suite (tests/pester/*.Tests.ps1) against the laid-out module in out/GitOpsVela.

.DESCRIPTION
    The README's test command (`dotnet test GitOpsVela.sln`) runs this script in pwsh 7.6.9 (the repository's local
    .NET tool: `dotnet tool restore`, then `dotnet pwsh`) through tests/GitOpsVela.Pester.Tests, which reads the
    NUnit XML it writes. By hand, after a build:

        dotnet pwsh -NoProfile -File tests/pester/run.ps1 [-Path tests/pester/Help.Tests.ps1] [-FullName '*Quiet*']

    Pester 5.7.1 comes from NuGet (restored by tests/GitOpsVela.Pester.Tests into the NuGet package folder).
    The exit code is the number of failed tests (0 when all passed), 1 when the suite could not run at all.
#>
[CmdletBinding()]
param(
    [string] $PesterPath,
    [string[]] $Path = @(Join-Path $PSScriptRoot '*.Tests.ps1'),
    [string[]] $FullName,
    [string] $ResultPath,
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = $(if ($env:GITOPSVELA_CONFIGURATION) { $env:GITOPSVELA_CONFIGURATION } else { 'Debug' }),
    [ValidateSet('None', 'Normal', 'Detailed', 'Diagnostic')]
    [string] $Output = 'Normal'
)

$ErrorActionPreference = 'Stop'
$repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
$manifest = Join-Path $repoRoot 'out' 'GitOpsVela' 'GitOpsVela.psd1'
if (-not (Test-Path $manifest)) {
    Write-Host "error: the module is not built: $manifest is missing (dotnet build GitOpsVela.sln lays it out)"
    exit 1
}
if (-not $PesterPath) {
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' }
    $PesterPath = Join-Path $packages 'pester' '5.7.1' 'tools' 'Pester.psd1'
}
if (-not (Test-Path $PesterPath)) {
    Write-Host "error: Pester 5.7.1 is not restored ($PesterPath is missing): dotnet restore tests/GitOpsVela.Pester.Tests"
    exit 1
}

$env:GITOPSVELA_CONFIGURATION = $Configuration
Import-Module $PesterPath -Force
$config = New-PesterConfiguration
$config.Run.Path = $Path
$config.Run.PassThru = $true
$config.Output.Verbosity = $Output
if ($FullName) { $config.Filter.FullName = $FullName }
if ($ResultPath) {
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $config.TestResult.OutputPath = $ResultPath
}
$result = Invoke-Pester -Configuration $config
Write-Host "Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
if ($result.Result -ne 'Passed' -and $result.FailedCount -eq 0) { exit 1 }   # a container failed to run
exit $result.FailedCount
