#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds GitOpsVela, lays the module out in out/GitOpsVela/, and optionally runs the tests.

.DESCRIPTION
    `dotnet build GitOpsVela.sln` builds every project; building GitOpsVela.Commands lays the module out in
    out/GitOpsVela/ (GitOpsVela.psd1, GitOpsVela.Commands.dll, the .ps1xml views, en-US/ help, and dependencies/
    with the engine, its packages and libgit2 for linux-x64, win-x64 and osx-arm64) — the same folder plain
    `dotnet build` produces on a machine without pwsh. This script then checks that layout is complete.

    -Test runs `dotnet test GitOpsVela.sln`: xunit and, through tests/GitOpsVela.Pester.Tests, the Pester suite in
    tests/pester in pwsh 7.6.9 (the repository's local .NET tool) with Pester 5.7.1 from NuGet.

    -UpdateHelp regenerates module/en-US/GitOpsVela.Commands.dll-Help.xml from the compiled cmdlets and
    src/GitOpsVela.Commands/Help/*.md (in a child pwsh, so this session never loads the module's assemblies).

    -Package publishes the laid-out module to out/packages/ as GitOpsVela.<version>.nupkg, the package
    Install-PSResource installs from a local or hosted repository.

.PARAMETER Configuration
    Debug (default) or Release.

.PARAMETER Test
    Runs the xunit tests and the Pester tests after building.

.PARAMETER Clean
    Removes out/ and every project's bin/ and obj/ before building.

.PARAMETER UpdateHelp
    Regenerates the MAML help from the compiled cmdlets.

.PARAMETER Package
    Writes out/packages/GitOpsVela.<version>.nupkg.

.PARAMETER NoBuild
    With -Test: runs the tests against what is already built.

.EXAMPLE
    ./build.ps1 -Configuration Release -Test

.EXAMPLE
    ./build.ps1 -UpdateHelp -Package

.EXAMPLE
    ./build.ps1 -Clean
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',
    [switch] $Test,
    [switch] $Clean,
    [switch] $UpdateHelp,
    [switch] $Package,
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
        'en-US/about_GitOpsVela_Troubleshooting.help.txt'
        'LICENSE'
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

# A child pwsh (the one running this script), so this session never loads the module's assemblies.
function Invoke-ChildPwsh([string] $Command) {
    $pwsh = [Environment]::ProcessPath
    [string[]] $arguments = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq "dotnet") { Join-Path $PSHOME "pwsh.dll" } else { @() }
    & $pwsh @arguments -NoProfile -NonInteractive -Command $Command
    if ($LASTEXITCODE -ne 0) { throw "pwsh -Command failed with exit code $LASTEXITCODE" }
}

function Update-Help {
    Invoke-ChildPwsh "& '$(Join-Path $root 'src' 'GitOpsVela.Commands' 'Help' 'New-GitOpsVelaHelp.ps1')' -ModulePath '$(Join-Path $moduleOut 'GitOpsVela.psd1')' -Verbose"
    Invoke-Dotnet build (Join-Path $root 'src' 'GitOpsVela.Commands') --configuration $Configuration --no-dependencies
}

function New-ModulePackage {
    $packages = Join-Path $root 'out' 'packages'
    New-Item -ItemType Directory -Path $packages -Force | Out-Null
    Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
`$name = 'GitOpsVelaBuild' + [guid]::NewGuid().ToString('N').Substring(0, 8)
Register-PSResourceRepository -Name `$name -Uri '$packages' -Trusted
try { Publish-PSResource -Path '$moduleOut' -Repository `$name }
finally { Unregister-PSResourceRepository -Name `$name }
"@
    Write-Host "package in $packages" -ForegroundColor Green
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
    if ($UpdateHelp) { Update-Help }
    if ($Package) { New-ModulePackage }
    if ($Test) {
        # The README's one test command: xunit and the Pester suite (tests/GitOpsVela.Pester.Tests runs it in pwsh 7.6.9).
        Invoke-Dotnet test $solution --configuration $Configuration --no-build
        Write-Host 'all tests passed' -ForegroundColor Green
    }
}
finally {
    Pop-Location
}
