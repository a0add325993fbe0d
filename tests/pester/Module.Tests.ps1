#Requires -Version 7.4
# Pester 5 tests of the cmdlet surface, in a real pwsh with the full set of standard cmdlets.
# Run by the README's test command (tests/GitOpsVela.Pester.Tests), or: dotnet pwsh -File tests/pester/run.ps1

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $manifest = $Manifest
    $examples = $GitOpsRepo
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
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'Load.PathNotFound,*'
    }

    It 'prints the vela ls table through the module view' {
        $text = Get-VelaApplication -Path (Join-Path $examples 'infrastructure') | Out-String -Width 300
        $lines = @($text -split "`r?`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^APP\s+COMPONENT\s+TYPE\s+TRAITS\s+PHASE\s+HEALTHY\s+STATUS\s+CREATED-TIME'
        $lines | Should -Contain ($lines | Where-Object { $_ -match '^mysql\s+mysql-controller\s+helm' })
        ($lines | Where-Object { $_ -match '^└─\s+mysql-cluster\s+raw' }) | Should -Not -BeNullOrEmpty
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
            $problems.FullyQualifiedErrorId | Should -Contain 'Render.ComponentTypeUnknown,GitOpsVela.Commands.Cmdlets.TestVelaApplicationCommand'
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


Describe 'Loading and unloading' {
    It 'imports, removes and imports again (and -Force re-imports) in one session, and the cmdlets work each time' {
        $r = Invoke-ChildPwsh -Command @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Manifest'
`$a = @(Get-VelaApplication -Path '$GitOpsRepo').Count
Remove-Module GitOpsVela
if (Get-Command Get-VelaApplication -ErrorAction SilentlyContinue) { throw 'still there after Remove-Module' }
Import-Module '$Manifest'
`$b = @(Get-VelaApplication -Path '$GitOpsRepo').Count
Import-Module '$Manifest' -Force
`$c = @(Test-VelaApplication -Path '$GitOpsRepo').Count
"counts:`$a,`$b,`$c"
"@
        $r.Error | Should -BeNullOrEmpty
        $r.Output | Should -Match 'counts:4,4,4'
        $r.ExitCode | Should -Be 0
    }

    It 'loads beside a module that already loaded another YamlDotNet, and both copies work' {
        $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' }
        $other = Join-Path $packages 'yamldotnet' '13.7.1' 'lib' 'net6.0' 'YamlDotNet.dll'
        Test-Path $other | Should -BeTrue -Because 'tests/GitOpsVela.Pester.Tests downloads YamlDotNet 13.7.1'
        # Plain block YAML is read without YamlDotNet; an anchor makes the module load and use its own copy.
        $anchored = Join-Path (New-TestFolder 'gitopsvela-yaml-') 'anchored.yaml'
        Set-Content -LiteralPath $anchored -Value "apiVersion: core.oam.dev/v1beta1`nkind: Application`nmetadata: &meta`n  name: anchored`nspec:`n  components:`n    - name: web`n      type: webservice`n      properties:`n        image: nginx`n"
        $r = Invoke-ChildPwsh -Command @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$other'
`$theirs = [YamlDotNet.Serialization.Deserializer]::new().Deserialize[object]('a: 1')
Import-Module '$Manifest'
`$ours = @(Get-VelaApplication -Path '$GitOpsRepo', '$anchored').Count
`$versions = @([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'YamlDotNet' } | ForEach-Object { `$_.GetName().Version.Major }) | Sort-Object -Unique
"theirs:`$(`$theirs['a']) ours:`$ours versions:`$(`$versions -join ',')"
"@
        Remove-Item -LiteralPath (Split-Path $anchored) -Recurse -Force
        $r.Error | Should -BeNullOrEmpty
        $r.Output | Should -Match 'theirs:1 ours:5 versions:13,\d+'
    }
}

Describe 'Installable the PowerShell way' {
    BeforeAll { $data = Import-PowerShellDataFile $Manifest }

    It 'has complete PSData: tags, license, project URI, release notes, and the LICENSE file the license URI names' {
        $psData = $data.PrivateData.PSData
        @($psData.Tags).Count | Should -BeGreaterThan 3
        $psData.Tags | Should -Contain 'PSEdition_Core'
        $psData.ProjectUri | Should -Match '^https://'
        $psData.LicenseUri | Should -Match '^https://.*/LICENSE$'
        Test-Path (Join-Path $RepoRoot 'LICENSE') | Should -BeTrue
        (Get-Content (Join-Path $RepoRoot 'LICENSE') -TotalCount 5) -join ' ' | Should -Match 'Apache License\s+Version 2\.0'
        $psData.ReleaseNotes | Should -Match 'Invoke-VelaReconcile'
    }

    It 'publishes to a local file repository, Install-PSResource installs it into a fresh user, and it imports and runs' {
        $home2 = New-TestFolder 'gitopsvela-install-'
        try {
            $repo = Join-Path $home2 'repo'
            New-Item -ItemType Directory $repo | Out-Null
            # A child pwsh with its own HOME and XDG folders: the user's modules and repositories are not touched.
            # (PSResourceGet installs under $HOME/.local/share whatever XDG_DATA_HOME says; pwsh looks there too when it is unset.)
            $environment = @{ HOME = $home2; XDG_DATA_HOME = ''; XDG_CONFIG_HOME = (Join-Path $home2 '.config'); XDG_CACHE_HOME = (Join-Path $home2 '.cache'); PSModulePath = '' }
            # .NET names a user folder only once it exists (GetFolderPath gives '' otherwise).
            foreach ($folder in '.local/share', '.config', '.cache') { New-Item -ItemType Directory (Join-Path $home2 $folder) -Force | Out-Null }
            $r = Invoke-ChildPwsh -Environment $environment -Command @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Register-PSResourceRepository -Name GitOpsVelaLocal -Uri '$repo' -Trusted
Publish-PSResource -Path '$ModuleFolder' -Repository GitOpsVelaLocal
Install-PSResource -Name GitOpsVela -Repository GitOpsVelaLocal -Scope CurrentUser -TrustRepository
`$installed = Get-InstalledPSResource -Name GitOpsVela
Import-Module GitOpsVela
"installed:`$(`$installed.Version) at:`$((Get-Module GitOpsVela).ModuleBase)"
"apps:`$(@(Get-VelaApplication -Path '$GitOpsRepo').Count)"
"package:`$((Get-ChildItem '$repo' -Filter *.nupkg).Name)"
"@
            $r.Error | Should -BeNullOrEmpty
            $r.Output | Should -Match "installed:$([regex]::Escape($data.ModuleVersion))"
            $r.Output | Should -Match ([regex]::Escape($home2))
            $r.Output | Should -Match 'apps:4'
            $r.Output | Should -Match 'package:GitOpsVela\.[0-9.]+\.nupkg'
        }
        finally { Remove-Item -LiteralPath $home2 -Recurse -Force -ErrorAction SilentlyContinue }
    }
}
