#Requires -Version 7.4
# What the offline cmdlets write: the vela ls view readable at 80 and 120 columns with no global switch, and every
# output type surviving ConvertTo-Json, Export-Csv, Select-Object and Sort-Object. (Types that need a cluster, a git
# server or a registry are checked in Cluster.Tests.ps1 and Images.Tests.ps1.)

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $dir = New-TestFolder
    Set-Content -LiteralPath (Join-Path $dir 'long.yaml') -Value @(
        'apiVersion: core.oam.dev/v1beta1', 'kind: Application', 'metadata:', '  name: an-application-with-a-long-name', 'spec:', '  components:'
        foreach ($i in 1..3) { "    - name: a-component-with-a-long-name-$i", '      type: worker', '      traits:', '        - type: scaler', '          properties: {replicas: 2}', '        - type: labels', '          properties: {a: b}', '      properties:', '        image: busybox' })
}

AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

Describe 'The vela ls view of applications read from files' {
    It 'keeps APP, COMPONENT, TYPE, TRAITS, PHASE and HEALTHY, aligned and unwrapped, at 80 columns' {
        $lines = Get-ViewLines (Get-VelaApplication -Path $GitOpsRepo) 80
        $lines[0] | Should -Match '^APP\s+COMPONENT\s+TYPE\s+TRAITS\s+PHASE\s+HEALTHY\s*$'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        # Every row of data starts in the APP column and has its component in the COMPONENT column: nothing wrapped.
        $component = $lines[0].IndexOf('COMPONENT')
        foreach ($row in $lines | Select-Object -Skip 2) { $row.Substring($component) | Should -Match '^[a-z]' }
        @($lines | Select-Object -Skip 2).Count | Should -Be 5   # my-app, apps, infra, mysql + its second component
    }

    It 'shows every column at 120 columns, PHASE wide enough for workflowSuspending' {
        $lines = Get-ViewLines (Get-VelaApplication -Path $GitOpsRepo) 120
        $lines[0] | Should -Match '^APP\s+COMPONENT\s+TYPE\s+TRAITS\s+PHASE\s+HEALTHY\s+STATUS\s+CREATED-TIME\s*$'
        ($lines[0].IndexOf('HEALTHY') - $lines[0].IndexOf('PHASE')) | Should -BeGreaterOrEqual ('workflowSuspending'.Length + 1)
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
    }

    It 'cuts long names with an ellipsis inside their column so rows stay aligned (whole values: Format-List), with no global variable' {
        Get-Variable GitOpsVelaFullCells -Scope Global -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $app = Get-VelaApplication -Path $dir
        $lines = Get-ViewLines $app 80
        $lines.Count | Should -Be 5
        $lines[2] | Should -Match '^an-applica…\s+a-component-wit…\s+worker\s+scaler,la…'
        $lines[3] | Should -Match '^├─\s+a-component-wit…\s+worker'
        $lines[4] | Should -Match '^└─\s+a-component-wit…\s+worker'
        ($app | Format-List Name, ComponentNames | Out-String -Width 200) | Should -Match 'a-component-with-a-long-name-3'
    }
}

Describe 'Output types survive ConvertTo-Json, Export-Csv, Select-Object and Sort-Object' {
    It '<Type> does' -ForEach @(
        @{ Type = 'VelaApplication'; Script = { Get-VelaApplication -Path $GitOpsRepo } }
        @{ Type = 'VelaTestResult'; Script = { Test-VelaApplication -Path $GitOpsRepo } }
        @{ Type = 'VelaManifest'; Script = { ConvertTo-VelaManifest -Path $GitOpsRepo } }
    ) {
        $objects = @(& $Script)
        $objects.Count | Should -BeGreaterThan 1
        $objects[0].GetType().Name | Should -Be $Type
        Assert-OutputSurvives -Objects $objects -Folder $dir
    }

    It 'the same things have the same column names in every view' {
        $app = Get-ViewLines (Get-VelaApplication -Path $GitOpsRepo) 200
        $test = Get-ViewLines (Test-VelaApplication -Path $GitOpsRepo) 200
        $manifest = Get-ViewLines (ConvertTo-VelaManifest -Path $GitOpsRepo) 200
        foreach ($header in $app[0], $test[0], $manifest[0]) { $header | Should -Match '^APP\s' }
        $test[0] | Should -Match '\sFILE\s*$'
        $test[0] | Should -Not -Match 'PATH'
    }
}
