#Requires -Version 7.4
# Stopping and failing as a scheduled task or a console user meets them, against the test Kubernetes API server (a
# process, with faults injected over its admin endpoint): Ctrl+C (a runspace's Stop(), which is what Ctrl+C calls) mid
# apply and mid health wait ends the cmdlet at once and the next pass completes; a pass skipped for a lease held by
# another runner is an error and a non-zero exit; a loop outlives a failed pass.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $kube = Start-TestKube
    $dir = New-TestFolder
    $cluster = @{ Kubeconfig = $kube.Kubeconfig; Context = $kube.Context }

    function Add-Fault([hashtable] $Rule) {
        Invoke-RestMethod -Method Post "$($kube.Url.TrimEnd('/'))/testkube/faults" -ContentType application/json -Body ($Rule | ConvertTo-Json) | Out-Null
    }
    function Clear-Fault { Invoke-RestMethod -Method Delete "$($kube.Url.TrimEnd('/'))/testkube/faults" | Out-Null }
    function Get-FaultHits { @(Invoke-RestMethod "$($kube.Url.TrimEnd('/'))/testkube/faults") | ForEach-Object { $_.hits } | Measure-Object -Sum | ForEach-Object Sum }

    # Starts a command in a runspace of its own (the module imported), as a console runs it; Stop() is what Ctrl+C calls.
    function Start-InRunspace([string] $Script, [hashtable] $Arguments) {
        $state = [initialsessionstate]::CreateDefault2()
        $state.ImportPSModule($Manifest)
        $ps = [powershell]::Create($state)
        $null = $ps.AddScript($Script)
        foreach ($k in $Arguments.Keys) { $null = $ps.AddParameter($k, $Arguments[$k]) }
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        [pscustomobject]@{ PowerShell = $ps; Output = $output; Handle = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output) }
    }
    # Waits (bounded) until the API server has held back a request matching the injected fault.
    function Wait-FaultHit([int] $Seconds = 60) {
        $until = [DateTime]::UtcNow.AddSeconds($Seconds)
        while ((Get-FaultHits) -lt 1) {
            if ([DateTime]::UtcNow -gt $until) { throw "no request reached the injected fault within $Seconds s" }
            Start-Sleep -Milliseconds 50
        }
    }
    function Stop-Timed($Run) {
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $Run.PowerShell.Stop()
        $clock.Stop()
        $Run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $Run.PowerShell.Dispose()
        Write-Host "stopped in $([math]::Round($clock.Elapsed.TotalMilliseconds)) ms"
        $clock.Elapsed
    }
}

AfterAll {
    Stop-TestKube $kube
    Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Ctrl+C' {
    BeforeEach { Clear-Fault }

    It 'stops Invoke-VelaWorkflow mid apply within a second, and the next run completes' {
        $ns = 'gv-stop-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        $file = Write-TestApplication (Join-Path $dir 'stop-apply.yaml') 'stop-apply' $ns
        # The API server holds every apply of a ConfigMap for a minute: the cmdlet is mid apply when stopped.
        Add-Fault @{ kind = 'Slow'; verb = 'apply'; resource = 'configmaps'; seconds = 60 }
        $run = Start-InRunspace 'param($Path, $Kubeconfig, $Context) Invoke-VelaWorkflow -Path $Path -Kubeconfig $Kubeconfig -Context $Context' (@{ Path = $file } + $cluster)
        Wait-FaultHit
        (Stop-Timed $run).TotalSeconds | Should -BeLessThan 1

        Clear-Fault
        $next = Invoke-VelaWorkflow -Path $file @cluster -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $next.Phase | Should -Be 'running'
        $next.Steps | ForEach-Object { $_.Phase | Should -Be 'succeeded' }
        (Get-VelaApplication @cluster -Namespace $ns -Name stop-apply).Phase | Should -Be 'running'
    }

    It 'stops Invoke-VelaWorkflow -Wait mid health wait within a second; the record says where it was, and the next run goes on' {
        $ns = 'gv-wait-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        $file = Write-TestApplication (Join-Path $dir 'stop-wait.yaml') 'stop-wait' $ns @"
    - name: web
      type: webservice
      properties:
        image: nginx:1.27
"@
        # Nothing makes the Deployment ready here (no kubelet): -Wait waits for its health until stopped.
        $run = Start-InRunspace 'param($Path, $Kubeconfig, $Context) Invoke-VelaWorkflow -Path $Path -Kubeconfig $Kubeconfig -Context $Context -Wait' (@{ Path = $file } + $cluster)
        $until = [DateTime]::UtcNow.AddSeconds(60)
        while (-not (Get-VelaApplication @cluster -Namespace $ns -Name stop-wait -ErrorAction SilentlyContinue)) {
            if ([DateTime]::UtcNow -gt $until) { throw 'the workflow never recorded its first pass' }
            Start-Sleep -Milliseconds 100
        }
        (Stop-Timed $run).TotalSeconds | Should -BeLessThan 1

        $status = Get-VelaApplication @cluster -Namespace $ns -Name stop-wait
        $status.Phase | Should -Be 'runningWorkflow'
        $next = Invoke-VelaWorkflow -Path $file @cluster
        $next.Phase | Should -Be 'runningWorkflow'
        @($next.Steps | Where-Object Phase -EQ 'failed').Count | Should -Be 0
    }
}

Describe 'Invoke-VelaReconcile and the lease' {
    BeforeAll {
        $ns = 'gv-lease-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        $root = Write-TestApplication (Join-Path $dir 'root.yaml') 'root' $ns
        $lease = @{ LeaseNamespace = $ns; LeaseDuration = '10s' }
    }
    BeforeEach { Clear-Fault }

    It 'a pass skipped because another runner holds the lease is one Reconcile.LeaseHeld error naming it, and a non-zero exit' {
        $null = Invoke-VelaReconcile -Path $root @cluster @lease -LeaseIdentity runner-a
        $out = Invoke-VelaReconcile -Path $root @cluster @lease -LeaseIdentity runner-b -ErrorVariable skipped -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $skipped.Count | Should -Be 1
        $skipped[0].FullyQualifiedErrorId | Should -BeLike 'Reconcile.LeaseHeld*'
        "$skipped" | Should -Match "runner 'runner-a' holds the lease $ns/gitopsvela-reconcile until .+ UTC"

        # The same runner started again takes its own lease back at once.
        $again = Invoke-VelaReconcile -Path $root @cluster @lease -LeaseIdentity runner-a -ErrorVariable failed
        $failed | Should -BeNullOrEmpty
        $again.Name | Should -Be 'root'

        $r = Invoke-ChildPwsh -Command "Import-Module '$Manifest'; Invoke-VelaReconcile -Path '$root' -Kubeconfig '$($kube.Kubeconfig)' -Context $($kube.Context) -LeaseNamespace $ns -LeaseIdentity runner-b; if (-not `$?) { exit 3 }"
        $r.ExitCode | Should -Be 3
        $r.Error | Should -Match 'holds the lease'
    }

    It '-Loop writes a failed pass as an error and goes on with the next' {
        # The first pass cannot read the records (503), the ones after it can.
        Add-Fault @{ kind = 'Status'; code = 503; resource = 'configmaps'; count = 1 }
        $run = Start-InRunspace 'param($Path, $Kubeconfig, $Context, $LeaseNamespace) Invoke-VelaReconcile -Path $Path -Kubeconfig $Kubeconfig -Context $Context -LeaseNamespace $LeaseNamespace -LeaseIdentity looper -Loop -Interval 1s' (@{ Path = $root; LeaseNamespace = $ns } + $cluster)
        $until = [DateTime]::UtcNow.AddSeconds(60)
        # Bounded wait for a failed pass and a later one that delivered the application.
        while ($run.PowerShell.Streams.Error.Count -lt 1 -or $run.Output.Count -lt 1) {
            if ($run.Handle.IsCompleted -or [DateTime]::UtcNow -gt $until) { break }
            Start-Sleep -Milliseconds 100
        }
        $run.Handle.IsCompleted | Should -BeFalse -Because 'the loop outlives the failed pass'
        # ReadAll: enumerating a PSDataCollection that is still open waits for it to close.
        $errors = $run.PowerShell.Streams.Error.ReadAll()
        $delivered = $run.Output.ReadAll()
        $null = Stop-Timed $run
        $errors.Count | Should -Be 1
        $delivered[0].Name | Should -Be 'root'
        "$($errors[0])" | Should -Match '503'
    }
}
