#Requires -Version 7.4
# Pester 5 tests of the cmdlet surface, in a real pwsh with the full set of standard cmdlets.
# Run by `./build.ps1 -Test` (after the build laid out out/GitOpsVela), or: Invoke-Pester ./tests/pester

BeforeAll {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
    $manifest = Join-Path $repoRoot 'out' 'GitOpsVela' 'GitOpsVela.psd1'
    if (-not (Test-Path $manifest)) { throw "build the module first (dotnet build or ./build.ps1): $manifest not found" }
    Import-Module $manifest -Force -ErrorAction Stop
    $examples = Join-Path $repoRoot 'examples' 'gitops-repo'
}

AfterAll {
    Remove-Module GitOpsVela -ErrorAction SilentlyContinue
}

Describe 'The module' {
    It 'exports exactly the cmdlets its manifest declares, with approved verbs' {
        $declared = (Import-PowerShellDataFile $manifest).CmdletsToExport
        $exported = (Get-Module GitOpsVela).ExportedCmdlets.Keys
        $declared.Count | Should -Be 13
        foreach ($name in $exported) {
            $declared | Should -Contain $name
            (Get-Verb -Verb ($name -split '-')[0]) | Should -Not -BeNullOrEmpty -Because "$name uses an approved verb"
        }
        $exported | Should -Contain 'Get-VelaApplication'
    }

    It 'is Core-only and asks for PowerShell 7.4' {
        $data = Import-PowerShellDataFile $manifest
        $data.CompatiblePSEditions | Should -Be @('Core')
        $data.PowerShellVersion | Should -Be '7.4'
    }

    It 'has help with a synopsis and an example for each exported cmdlet' {
        foreach ($name in (Get-Module GitOpsVela).ExportedCmdlets.Keys) {
            $help = Get-Help $name -Full
            $help.Synopsis | Should -Not -Match "^\s*$name" -Because "$name has a written synopsis, not the generated syntax"
            @($help.examples.example).Count | Should -BeGreaterThan 0 -Because "$name has examples"
        }
    }

    It 'has about_GitOpsVela' {
        (Get-Help about_GitOpsVela | Out-String) | Should -Match 'GITOPSVELA_TEST_KUBECONFIG'
    }
}

Describe 'Get-VelaApplication on the example config repository' {
    BeforeAll {
        $apps = @(Get-VelaApplication -Path $examples)
    }

    It 'reads the four applications of the spec (clusters/, apps/, infrastructure/)' {
        $apps.Name | Sort-Object | Should -Be @('apps', 'infra', 'my-app', 'mysql')
        $apps | ForEach-Object { $_ | Should -BeOfType ([GitOpsVela.Commands.Output.VelaApplication]) }
    }

    It 'keeps components, types, traits and the source file and line' {
        $myApp = $apps | Where-Object Name -eq 'my-app'
        $myApp.Namespace | Should -Be 'default'
        $myApp.Components.Name | Should -Be @('my-server')
        $myApp.Components[0].Type | Should -Be 'webservice'
        $myApp.Components[0].Traits | Should -Be @('ingress')
        $myApp.Components[0].Properties.port | Should -Be 8088
        $myApp.Path | Should -Be (Join-Path $examples 'apps' 'my-app.yaml')
        $myApp.Line | Should -BeGreaterThan 0

        $mysql = $apps | Where-Object Name -eq 'mysql'
        $mysql.Components.Name | Should -Be @('mysql-controller', 'mysql-cluster')
        $mysql.WorkflowSteps | Should -Be @('deploy-operator', 'deploy-mysql')
    }

    It 'binds Get-ChildItem output by FullName' {
        $fromFiles = Get-ChildItem (Join-Path $examples 'clusters') -Filter *.yaml | Get-VelaApplication
        $fromFiles.Name | Sort-Object | Should -Be @('apps', 'infra')
    }

    It 'filters by -Name and -Namespace with wildcards' {
        (Get-VelaApplication -Path $examples -Name 'my-*').Name | Should -Be @('my-app')
        (Get-VelaApplication -Path $examples -Name 'my*').Name | Sort-Object | Should -Be @('my-app', 'mysql')
        @(Get-VelaApplication -Path $examples -Namespace 'no-such-*').Count | Should -Be 0
    }

    It 'reads paths with wildcard characters literally with -LiteralPath' {
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("gitopsvela-[1]-" + [guid]::NewGuid())
        New-Item -ItemType Directory -Path $dir | Out-Null
        try {
            Copy-Item (Join-Path $examples 'apps' 'my-app.yaml') -Destination $dir
            (Get-VelaApplication -LiteralPath $dir).Name | Should -Be 'my-app'
        }
        finally {
            Remove-Item -LiteralPath $dir -Recurse -Force
        }
    }

    It 'reports a missing path as an error with a stable id and goes on' {
        $result = Get-VelaApplication -Path (Join-Path $examples 'apps'), (Join-Path $examples 'nope.yaml') -ErrorVariable problems -ErrorAction SilentlyContinue
        $result.Name | Should -Be @('my-app')
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'VelaPathNotFound,*'
    }

    It 'prints the vela ls table through the module view' {
        $text = Get-VelaApplication -Path (Join-Path $examples 'infrastructure') | Out-String -Width 300
        $lines = @($text -split "`r?`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^APP\s+COMPONENT\s+TYPE\s+TRAITS\s+PHASE\s+HEALTHY\s+STATUS\s+CREATED-TIME'
        $lines | Should -Contain ($lines | Where-Object { $_ -match '^mysql\s+mysql-controller\s+helm' })
        ($lines | Where-Object { $_ -match '^└─\s+mysql-cluster\s+raw' }) | Should -Not -BeNullOrEmpty
    }
}

Describe 'The vela ls view in pwsh' {
    BeforeAll {
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ("gitopsvela-view-" + [guid]::NewGuid())
        New-Item -ItemType Directory -Path $dir | Out-Null
        Set-Content -LiteralPath (Join-Path $dir 'long.yaml') -Value @(
            'apiVersion: core.oam.dev/v1beta1', 'kind: Application', 'metadata:', '  name: long', 'spec:', '  components:'
            foreach ($i in 1..3) { "    - name: a-component-with-a-long-name-$i", '      type: worker', '      properties:', '        image: busybox' })
    }

    AfterAll {
        Remove-Item -LiteralPath $dir -Recurse -Force
        Remove-Variable GitOpsVelaFullCells -Scope Global -ErrorAction SilentlyContinue
    }

    It 'keeps every column on a 120-column console and cuts long names with an ellipsis so rows stay aligned' {
        $lines = @((Get-VelaApplication -Path $dir | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match 'CREATED-TIME'
        $lines.Count | Should -Be 5
        $lines[2] | Should -Match '^long\s+a-component-with-…\s+worker'
        $lines[3] | Should -Match '^├─\s+a-component-with-…\s+worker'
        $lines[4] | Should -Match '^└─\s+a-component-with-…\s+worker'
    }

    It 'shows whole values when $GitOpsVelaFullCells is set' {
        $global:GitOpsVelaFullCells = $true
        $text = Get-VelaApplication -Path $dir | Out-String -Width 200
        $text | Should -Match 'long-name-3'   # wrapped inside its column, not cut
        $text | Should -Not -Match '…'
    }
}

Describe 'Validation and rendering pipelines' {
    It 'Test-VelaApplication -Quiet is true for the whole example repository' {
        Test-VelaApplication -Path $examples -Quiet | Should -BeTrue
    }

    It 'Test-VelaApplication reports an unknown component type with its error id and -Quiet says false' {
        $file = Join-Path ([System.IO.Path]::GetTempPath()) ("gitopsvela-bad-" + [guid]::NewGuid() + '.yaml')
        Set-Content -LiteralPath $file -Value @(
            'apiVersion: core.oam.dev/v1beta1', 'kind: Application', 'metadata:', '  name: bad', 'spec:', '  components:',
            '    - name: c', '      type: no-such-type')
        try {
            Test-VelaApplication -Path $file -Quiet | Should -BeFalse
            $null = Test-VelaApplication -Path $file -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems.FullyQualifiedErrorId | Should -Contain 'VelaComponentTypeUnknown,GitOpsVela.Commands.Cmdlets.TestVelaApplicationCommand'
            "$($problems[0])" | Should -Match ([regex]::Escape($file) + ':8:')
        }
        finally {
            Remove-Item -LiteralPath $file
        }
    }

    It 'ConvertTo-VelaManifest renders the mysql application with KubeVela labels, in a pipeline' {
        $objects = Get-VelaApplication -Path (Join-Path $examples 'infrastructure') | ConvertTo-VelaManifest
        $objects.Kind | Sort-Object | Should -Be @('HelmRelease', 'HelmRepository', 'MysqlCluster')
        foreach ($o in $objects) {
            $o.Object.metadata.labels.'app.oam.dev/name' | Should -Be 'mysql'
            $o.Object.metadata.labels.'app.kubernetes.io/managed-by' | Should -Be 'gitopsvela'
        }
        ConvertTo-VelaManifest -Path (Join-Path $examples 'infrastructure') -AsYaml | Should -Match 'kind: MysqlCluster'
    }

    It 'ConvertTo-VelaManifest renders my-app (webservice + ingress) to a Deployment, a Service and an Ingress' {
        $objects = Get-ChildItem (Join-Path $examples 'apps') -Filter *.yaml | Get-VelaApplication | ConvertTo-VelaManifest
        $objects.Kind | Sort-Object | Should -Be @('Deployment', 'Ingress', 'Service')
        ($objects | Where-Object Kind -eq 'Ingress').Object.spec.rules[0].host | Should -Be 'testsvc.example.com'
        $objects | ForEach-Object { $_.Object.metadata.labels.'app.oam.dev/component' | Should -Be 'my-server' }
    }
}

Describe 'Help examples of the offline cmdlets run' {
    It 'runs every example of <Name> from the repository root without an error' -ForEach @(
        @{ Name = 'Get-VelaApplication' }
        @{ Name = 'Test-VelaApplication' }
        @{ Name = 'ConvertTo-VelaManifest' }
    ) {
        $ran = 0
        Push-Location $repoRoot
        try {
            foreach ($example in (Get-Help $Name -Examples).examples.example) {
                $code = [string]$example.code
                if ($code -match '-Context') { continue }   # needs a cluster: covered by the cluster tests
                $Error.Clear()
                $null = & ([scriptblock]::Create($code))
                $Error.Count | Should -Be 0 -Because "example '$code' runs cleanly"
                $ran++
            }
        }
        finally {
            Pop-Location
        }
        $ran | Should -BeGreaterThan 1
    }
}
