#Requires -Version 7.4
# The gitopsvela host (src/GitOpsVela.Host, Microsoft.PowerShell.SDK 7.6.9): the README's pipelines work in it as in
# pwsh, with the utility cmdlets; exit codes; Azure DevOps marks; start-up time.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $hostDll = Join-Path $RepoRoot 'src' 'GitOpsVela.Host' 'bin' $Configuration 'net10.0' 'gitopsvela.dll'
    if (-not (Test-Path $hostDll)) { throw "the gitopsvela host is not built: $hostDll" }
    $dir = New-TestFolder
    function Invoke-VelaHost([string[]] $Arguments, [hashtable] $Environment = @{}) {
        $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($a in @($hostDll) + $Arguments) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardOutput = $true; $start.RedirectStandardError = $true; $start.UseShellExecute = $false
        $start.WorkingDirectory = $RepoRoot
        foreach ($k in $Environment.Keys) { $start.Environment[$k] = $Environment[$k] }
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $p = [System.Diagnostics.Process]::Start($start)
        $stderr = $p.StandardError.ReadToEndAsync(); $stdout = $p.StandardOutput.ReadToEnd(); $p.WaitForExit()
        [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout; Error = $stderr.Result; Seconds = $watch.Elapsed.TotalSeconds }
    }
}

AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'gitopsvela, the host with the whole PowerShell engine' {
    It 'runs Get-ChildItem ... | Get-VelaApplication | Select-Object | Format-List' {
        $r = Invoke-VelaHost '-Command', 'Get-ChildItem ./examples/gitops-repo -Recurse -Filter *.yaml | Get-VelaApplication | Sort-Object Name | Select-Object Name, Namespace | Format-List'
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        ($r.Output -split "`n" | Where-Object { $_ -match '^Name\s+:' } | ForEach-Object { ($_ -split ':', 2)[1].Trim() }) | Should -Be @('apps', 'infra', 'my-app', 'mysql')
    }

    It 'writes the vela ls table to a file with Out-File' {
        $file = Join-Path $dir 'apps.txt'
        $r = Invoke-VelaHost '-Command', "Get-VelaApplication -Path ./examples/gitops-repo | Out-File -LiteralPath '$file' -Width 120"
        $r.ExitCode | Should -Be 0
        Get-Content -LiteralPath $file -Raw | Should -Match '(?m)^APP\s+COMPONENT\s+TYPE\s+TRAITS\s+PHASE\s+HEALTHY\s+STATUS\s+CREATED-TIME'
    }

    It 'exits 1 after an error, and under Azure DevOps logs the issue and marks the run failed' {
        $r = Invoke-VelaHost '-Command', 'Test-VelaApplication -Path ./nope.yaml' @{ TF_BUILD = 'True' }
        $r.ExitCode | Should -Be 1
        $r.Output | Should -Match '##vso\[task\.logissue type=error\]Cannot find path'
        $r.Output | Should -Match '##vso\[task\.complete result=Failed;\]'
    }

    It 'shows each warning, verbose, debug and Write-Host line once, as their preferences say, and quiet information not at all' {
        $r = Invoke-VelaHost '-Command', "Write-Warning 'w1'; Write-Host 'h1'; Write-Verbose 'v1' -Verbose; Write-Verbose 'v2'; Write-Debug 'd1' -Debug; Write-Information 'i1' -InformationAction Continue; Write-Information 'i2'; Write-Warning 'w2' -WarningAction SilentlyContinue"
        $r.ExitCode | Should -Be 0
        $lines = ($r.Output + $r.Error) -split "`r?`n" | Where-Object { $_ }
        foreach ($shown in 'warning: w1', 'h1', 'verbose: v1', 'debug: d1', 'i1') { @($lines | Where-Object { $_ -eq $shown }).Count | Should -Be 1 -Because "'$shown' is shown once" }
        foreach ($quiet in 'v2', 'i2', 'w2') { $lines | Where-Object { $_ -match "\b$quiet`$" } | Should -BeNullOrEmpty -Because "'$quiet' is not asked to be shown" }
    }

    It 'starts, imports the module and runs a command within 30 seconds even on a loaded machine (the time is printed)' {
        $r = Invoke-VelaHost '-Command', '(Get-Module GitOpsVela).Name'
        $r.Output.Trim() | Should -Be 'GitOpsVela'
        Write-Host "gitopsvela start-up (process start to exit, module imported): $([math]::Round($r.Seconds, 2)) s"
        $r.Seconds | Should -BeLessThan 30
    }
}
