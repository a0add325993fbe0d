#Requires -Version 7.4
# The cluster cmdlets against the test Kubernetes API server (a process: tests/GitOpsVela.TestKube.Host): -WhatIf says
# what would change and changes nothing (also under $WhatIfPreference), -Confirm asks on every mutating cmdlet, -Force
# does not ask, completers read the kubeconfig (relative to $PWD) and the records, and what the cmdlets write survives
# PowerShell's pipelines and views.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $kube = Start-TestKube
    $dir = New-TestFolder
    $ns = 'gv-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $cluster = @{ Kubeconfig = $kube.Kubeconfig; Context = $kube.Context }
    function Write-SettingsApp([string] $Color, [string] $Name = 'settings') {
        Write-TestApplication (Join-Path $dir "$Name.yaml") $Name $ns @"
    - name: config
      type: k8s-objects
      properties:
        objects:
          - apiVersion: v1
            kind: ConfigMap
            metadata:
              name: $Name-values
            data:
              color: $Color
  workflow:
    steps:
      - name: apply-config
        type: apply-component
        properties: {component: config}
      - name: approve
        type: suspend

"@
    }
    $file = Write-SettingsApp 'blue'
}

AfterAll {
    $WhatIfPreference = $false
    Stop-TestKube $kube
    Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Invoke-VelaWorkflow -WhatIf' {
    It 'writes the plan as capturable What if lines, outputs no object and delivers nothing' {
        $out = Invoke-VelaWorkflow -Path $file @cluster -WhatIf -InformationVariable plan
        $out | Should -BeNullOrEmpty
        $lines = @($plan | ForEach-Object { "$_" })
        $lines | Should -Contain "What if: Create ConfigMap/$ns/settings-values"
        $lines | ForEach-Object { $_.Length | Should -BeLessThan 300 }
        @(Get-VelaApplication @cluster -Namespace $ns).Count | Should -Be 0
    }

    It 'writes the same plan under $WhatIfPreference = $true, and 6>&1 captures it' {
        $WhatIfPreference = $true
        try { $captured = Invoke-VelaWorkflow -Path $file @cluster 6>&1 }
        finally { $WhatIfPreference = $false }
        @($captured | ForEach-Object { "$_" }) | Should -Contain "What if: Create ConfigMap/$ns/settings-values"
        @($captured | Where-Object { $_ -isnot [System.Management.Automation.InformationRecord] }).Count | Should -Be 0
        @(Get-VelaApplication @cluster -Namespace $ns).Count | Should -Be 0
    }
}

Describe 'Delivered applications' {
    BeforeAll {
        $run = Invoke-VelaWorkflow -Path $file @cluster
        $other = Write-SettingsApp 'red' 'other'
        $null = Invoke-VelaWorkflow -Path $other @cluster
    }

    It 'runs the workflow to its suspend step' {
        $run.Phase | Should -Be 'workflowSuspending'
        $run.Steps.Name | Should -Be @('apply-config', 'approve')
    }

    It 'Invoke-VelaWorkflow -WhatIf after a change shows the field that would change and changes nothing' {
        $changed = Write-SettingsApp 'green'
        $null = Invoke-VelaWorkflow -Path $changed @cluster -WhatIf -InformationVariable plan
        "$plan" | Should -Match ([regex]::Escape("Update ConfigMap/$ns/settings-values: data.color: `"blue`" -> `"green`""))
        (Compare-VelaApplication -Path $changed @cluster -ExcludeUnchanged).Action | Should -Be 'Update'
        $null = Write-SettingsApp 'blue'
    }

    It 'Resume-, Stop- and Restart-VelaWorkflow -WhatIf change nothing in the record' -ForEach @(
        @{ Command = 'Resume-VelaWorkflow' }, @{ Command = 'Stop-VelaWorkflow' }, @{ Command = 'Restart-VelaWorkflow' }
    ) {
        $out = & $Command -Name settings -Namespace $ns @cluster -WhatIf -InformationVariable plan 6>$null
        $out | Should -BeNullOrEmpty
        (Get-VelaApplication @cluster -Namespace $ns -Name settings).Phase | Should -Be 'workflowSuspending'
    }

    It 'Remove-VelaApplication -WhatIf lists what it would delete and deletes nothing' {
        $null = Remove-VelaApplication -Name other -Namespace $ns @cluster -WhatIf -InformationVariable plan
        "$plan" | Should -Match ([regex]::Escape("delete ConfigMap/$ns/other-values"))
        (Get-VelaApplication @cluster -Namespace $ns).Name | Should -Contain 'other'
    }

    It 'Invoke-VelaReconcile -WhatIf says what the pass would do and does nothing' {
        $out = Invoke-VelaReconcile -Path $file @cluster -WhatIf -InformationVariable plan
        $out | Should -BeNullOrEmpty
        "$plan" | Should -Match 'sync the sources'
        (Get-VelaApplication @cluster -Namespace $ns -Name settings).Phase | Should -Be 'workflowSuspending'
    }

    It '-Confirm asks before <Command> changes anything (a non-interactive session cannot answer, so nothing changes)' -ForEach @(
        @{ Command = 'Invoke-VelaWorkflow'; Arguments = '-Path $file' }
        @{ Command = 'Invoke-VelaReconcile'; Arguments = '-Path $file' }
        @{ Command = 'Resume-VelaWorkflow'; Arguments = '-Name settings -Namespace $ns' }
        @{ Command = 'Stop-VelaWorkflow'; Arguments = '-Name settings -Namespace $ns' }
        @{ Command = 'Restart-VelaWorkflow'; Arguments = '-Name settings -Namespace $ns' }
        @{ Command = 'Remove-VelaApplication'; Arguments = '-Name settings -Namespace $ns' }
    ) {
        $r = Invoke-ChildPwsh -Command @"
Import-Module '$Manifest'
`$file = '$file'; `$ns = '$ns'
try { $Command $Arguments -Kubeconfig '$($kube.Kubeconfig)' -Context testkube -Confirm -ErrorAction Stop; 'NOT ASKED' }
catch { 'ASKED: ' + `$_.Exception.Message }
"@
        $r.Output | Should -Match 'ASKED: .*(NonInteractive|prompt|interactive)'
        $r.Output | Should -Not -Match 'NOT ASKED'
        (Get-VelaApplication @cluster -Namespace $ns -Name settings).Phase | Should -Be 'workflowSuspending'
    }

    It 'Remove-VelaApplication asks by default (ConfirmImpact High) and -Force deletes without asking' {
        $r = Invoke-ChildPwsh -Command "Import-Module '$Manifest'; try { Remove-VelaApplication -Name other -Namespace $ns -Kubeconfig '$($kube.Kubeconfig)' -Context testkube -ErrorAction Stop; 'NOT ASKED' } catch { 'ASKED' }"
        $r.Output | Should -Match 'ASKED'
        $r.Output | Should -Not -Match 'NOT ASKED'
        (Get-VelaApplication @cluster -Namespace $ns).Name | Should -Contain 'other'
        $deleted = Remove-VelaApplication -Name other -Namespace $ns @cluster -Force -PassThru
        $deleted | Should -Contain "ConfigMap/$ns/other-values"
        (Get-VelaApplication @cluster -Namespace $ns).Name | Should -Not -Contain 'other'
    }

    It 'a missing application is one Record.ApplicationNotFound error' {
        $null = Resume-VelaWorkflow -Name nothere -Namespace $ns @cluster -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'Record.ApplicationNotFound,GitOpsVela.Commands.Cmdlets.ResumeVelaWorkflowCommand'
    }

    It 'what the cluster cmdlets write survives JSON, CSV, Select-Object and Sort-Object: <Type>' -ForEach @(
        @{ Type = 'VelaWorkflowRun'; Script = { Invoke-VelaWorkflow -Path $file @cluster; Resume-VelaWorkflow -Name settings -Namespace $ns @cluster -WhatIf 6>$null; Get-VelaApplication @cluster -Namespace $ns | ForEach-Object { Invoke-VelaWorkflow -Path $file @cluster } } }
        @{ Type = 'VelaApplication'; Script = { Get-VelaApplication @cluster -Namespace $ns; Get-VelaApplication @cluster -AllNamespaces } }
        @{ Type = 'VelaApplicationStatus'; Script = { Get-VelaApplication @cluster -Namespace $ns -Detailed; Get-VelaApplication @cluster -AllNamespaces -Detailed } }
        @{ Type = 'VelaChange'; Script = { Compare-VelaApplication -Path $file @cluster; Compare-VelaApplication -Path $file @cluster } }
    ) {
        $objects = @(& $Script | Where-Object { $_ })
        $objects.Count | Should -BeGreaterThan 1
        $objects[0].GetType().Name | Should -Be $Type
        Assert-OutputSurvives -Objects $objects -Folder $dir
    }

    It 'the vela ls view of a cluster keeps PHASE and HEALTHY whole at 80 columns and STATUS at 120' {
        $apps = Get-VelaApplication @cluster -Namespace $ns
        $narrow = Get-ViewLines $apps 80
        $narrow[0] | Should -Match '^APP\s+COMPONENT\s+TYPE\s+TRAITS\s+PHASE\s+HEALTHY\s*$'
        ($narrow | Where-Object { $_ -match '^settings\s' }) | Should -Match '\sworkflowSuspending\s'
        $wide = Get-ViewLines $apps 120
        $wide[0] | Should -Match '\sSTATUS\s+CREATED-TIME\s*$'
        $wide | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
    }

    It 'workflow runs and changes keep their key columns at 80 columns' {
        $runs = Get-ViewLines (Invoke-VelaWorkflow -Path $file @cluster) 80
        $runs[0] | Should -Match '^APP\s+NAMESPACE\s+REVISION\s+PHASE'
        $changes = Get-ViewLines (Compare-VelaApplication -Path $file @cluster) 80
        $changes[0] | Should -Match '^APP\s+ACTION\s+KIND\s+NAMESPACE\s+NAME'
    }
}

Describe 'Completion through TabExpansion2' {
    BeforeAll {
        function Complete([string] $Line) { @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText) }
    }

    It 'completes -Context from a kubeconfig given relative to $PWD (not the process folder)' {
        Push-Location $kube.Folder
        try { Complete 'Get-VelaApplication -Kubeconfig ./config -Context ' | Should -Be @('testkube') }
        finally { Pop-Location }
        [Environment]::CurrentDirectory | Should -Not -Be $kube.Folder
    }

    It 'completes -Name of Resume-VelaWorkflow with the applications in the cluster' {
        Complete "Resume-VelaWorkflow -Kubeconfig '$($kube.Kubeconfig)' -Context testkube -Namespace $ns -Name sett" | Should -Be @('settings')
    }

    It 'completes -Namespace with the namespaces that have applications' {
        Complete "Stop-VelaWorkflow -Kubeconfig '$($kube.Kubeconfig)' -Context testkube -Namespace gv-pester" | Should -Contain $ns
    }

    It 'completes -Step with the steps of the application''s workflow' {
        Complete "Restart-VelaWorkflow -Kubeconfig '$($kube.Kubeconfig)' -Context testkube -Namespace $ns -Name settings -Step " | Should -Be @('apply-config', 'approve')
    }

    It 'completes -Name of Get-VelaApplication -Path from the files, relative to $PWD' {
        Push-Location $GitOpsRepo
        try { Complete 'Get-VelaApplication -Path ./infrastructure -Name my' | Should -Be @('mysql') }
        finally { Pop-Location }
    }

    It 'completes -Path with Application files and folders' {
        Push-Location $GitOpsRepo
        try { Complete 'Test-VelaApplication -Path ./clusters/a' | Should -Be @('./clusters/apps.yaml') }
        finally { Pop-Location }
    }
}
