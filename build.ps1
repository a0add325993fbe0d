#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds GitOpsVela, lays the module out in out/GitOpsVela/, and optionally runs the tests.

.DESCRIPTION
    `dotnet build GitOpsVela.sln` builds every project; building GitOpsVela.Commands lays the module out in
    out/GitOpsVela/ (GitOpsVela.psd1, GitOpsVela.Commands.dll, the .ps1xml views, en-US/ help, and dependencies/
    with the engine, its packages and libgit2 for linux-x64, win-x64 and osx-arm64) — the same folder plain
    `dotnet build` produces on a machine without pwsh. This script then checks that layout is complete.

    -Test runs `dotnet test GitOpsVela.sln` and, where Pester 5 is installed, the Pester tests in tests/pester
    (in a child pwsh, so this session never loads the module's assemblies). Without Pester 5 it says so and
    runs the xunit tests only.

.PARAMETER Configuration
    Debug (default) or Release.

.PARAMETER Test
    Runs the xunit tests and the Pester tests after building.

.PARAMETER Clean
    Removes out/ and every project's bin/ and obj/ before building.

.PARAMETER NoBuild
    With -Test: runs the tests against what is already built.

.EXAMPLE
    ./build.ps1 -Configuration Release -Test

.EXAMPLE
    ./build.ps1 -Clean
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    [switch] $Test,
    [switch] $Clean,
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$solution = Join-Path $root 'GitOpsVela.sln'
$moduleOut = Join-Path $root 'out' 'GitOpsVela'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Dotnet {
    param([Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor Cyan
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE" }
}

function Test-ModuleLayout {
    $expected = @(
        'GitOpsVela.psd1'
        'GitOpsVela.Commands.dll'
        'GitOpsVela.Format.ps1xml'
        'GitOpsVela.Types.ps1xml'
        'en-US/GitOpsVela.Commands.dll-Help.xml'
        'en-US/about_GitOpsVela.help.txt'
        'dependencies/GitOpsVela.Engine.dll'
    )
    $missing = @($expected | Where-Object { -not (Test-Path (Join-Path $moduleOut $_)) })
    foreach ($rid in 'linux-x64', 'win-x64', 'osx-arm64') {
        $native = Join-Path $moduleOut 'dependencies' 'runtimes' $rid 'native'
        if (-not (Test-Path $native) -or -not (Get-ChildItem $native -File)) { $missing += "dependencies/runtimes/$rid/native/ (libgit2)" }
    }
    if ($missing.Count -gt 0) { throw "the module layout in $moduleOut is incomplete; missing: $($missing -join ', ')" }
    Write-Host "module laid out in $moduleOut" -ForegroundColor Green
}

function Invoke-PesterTests {
    $pester = Get-Module Pester -ListAvailable | Where-Object { $_.Version -ge [version]'5.0' } | Sort-Object Version -Descending | Select-Object -First 1
    if (-not $pester) {
        Write-Warning 'Pester 5 is not installed: tests/pester NOT run (Install-Module Pester -MinimumVersion 5.0 -Scope CurrentUser).'
        return
    }
    # The pwsh running this script (as a dotnet global tool the process is dotnet, so look it up by name).
    $pwsh = @(Join-Path $PSHOME ($IsWindows ? 'pwsh.exe' : 'pwsh')) + @(Get-Command pwsh -CommandType Application -ErrorAction SilentlyContinue | ForEach-Object Source) |
        Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $pwsh) { throw 'cannot find pwsh to run the Pester tests in' }
    $script = @'
param($PesterPath, $TestsPath)
Import-Module $PesterPath
$config = New-PesterConfiguration
$config.Run.Path = $TestsPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config
exit $(if ($result.Result -eq 'Passed') { 0 } else { 1 })
'@
    Write-Host "Pester $($pester.Version): tests/pester" -ForegroundColor Cyan
    $runner = Join-Path ([System.IO.Path]::GetTempPath()) "gitopsvela-pester-$PID.ps1"
    Set-Content -LiteralPath $runner -Value $script -Encoding utf8
    try {
        & $pwsh -NoProfile -NonInteractive -File $runner -PesterPath $pester.Path -TestsPath (Join-Path $root 'tests' 'pester')
        if ($LASTEXITCODE -ne 0) { throw 'Pester tests failed' }
    }
    finally {
        Remove-Item -LiteralPath $runner -ErrorAction SilentlyContinue
    }
}

Push-Location $root
try {
    if ($Clean) {
        Write-Host 'cleaning out/, bin/ and obj/' -ForegroundColor Cyan
        if (Test-Path (Join-Path $root 'out')) { Remove-Item (Join-Path $root 'out') -Recurse -Force }
        Get-ChildItem (Join-Path $root 'src'), (Join-Path $root 'tests'), (Join-Path $root 'bench') -Directory -Recurse -Include bin, obj -ErrorAction SilentlyContinue |
            Where-Object { Test-Path (Join-Path $_.Parent.FullName '*.csproj') } |
            Remove-Item -Recurse -Force
    }
    if (-not $NoBuild) {
        Invoke-Dotnet build $solution --configuration $Configuration
        Test-ModuleLayout
    }
    if ($Test) {
        # Run both suites, then fail if either failed.
        $failures = @()
        try { Invoke-Dotnet test $solution --configuration $Configuration --no-build } catch { $failures += $_.Exception.Message }
        try { Invoke-PesterTests } catch { $failures += $_.Exception.Message }
        if ($failures.Count -gt 0) { throw ($failures -join '; ') }
        Write-Host 'all tests passed' -ForegroundColor Green
    }
}
finally {
    Pop-Location
}
