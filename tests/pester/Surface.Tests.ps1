#Requires -Version 7.4
# One honest surface across the 13 cmdlets: -WhatIf/-Confirm wherever something changes, one name per concept,
# intervals as TimeSpans taking Go durations, -Force meaning "do not ask", -Quiet that never says $true after an error,
# and errors with stable ids that -ErrorAction and -ErrorVariable handle as PowerShell users expect.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $mutating = @($MutatingCmdlets | ForEach-Object { @{ Name = $_ } })
    $readOnly = @($Cmdlets | Where-Object { $_ -notin $MutatingCmdlets } | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $dir = New-TestFolder
    $good = Write-TestApplication (Join-Path $dir 'good.yaml') 'good'
    $empty = New-Item -ItemType Directory (Join-Path $dir 'empty') | ForEach-Object FullName
    # A kubeconfig whose server refuses connections: what an unreachable cluster looks like.
    $port = Get-FreePort
    $unreachable = Join-Path $dir 'unreachable.kubeconfig'
    @"
apiVersion: v1
kind: Config
clusters: [{name: gone, cluster: {server: 'http://127.0.0.1:$port'}}]
users: [{name: gone, user: {token: not-a-secret}}]
contexts: [{name: gone, context: {cluster: gone, user: gone}}]
current-context: gone
"@ | Set-Content -LiteralPath $unreachable
}

AfterAll { Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue }

Describe '<Name> changes something, so it supports -WhatIf and -Confirm through ShouldProcess' -ForEach $mutating {
    It 'has -WhatIf and -Confirm' {
        $command = Get-Command $Name
        $command.Parameters.Keys | Should -Contain 'WhatIf'
        $command.Parameters.Keys | Should -Contain 'Confirm'
    }
}

Describe '<Name> changes nothing, so it has no -WhatIf' -ForEach $readOnly {
    It 'has no -WhatIf' { (Get-Command $Name).Parameters.Keys | Should -Not -Contain 'WhatIf' }
}

Describe 'One name per concept' {
    It 'calls git credentials -GitCredential and registry credentials -RegistryCredential; no cmdlet has an ambiguous -Credential' {
        foreach ($name in $Cmdlets) { (Get-Command $name).Parameters.Keys | Should -Not -Contain 'Credential' -Because "$name says which credential" }
        foreach ($name in 'Sync-VelaRepository', 'Update-VelaImageTag', 'Invoke-VelaReconcile') { (Get-Command $name).Parameters.Keys | Should -Contain 'GitCredential' }
        foreach ($name in 'Get-VelaImageTag', 'Update-VelaImageTag') { (Get-Command $name).Parameters.Keys | Should -Contain 'RegistryCredential' }
    }

    It 'takes tokens from SecretManagement by name beside every credential parameter' {
        foreach ($name in $Cmdlets) {
            $keys = (Get-Command $name).Parameters.Keys
            if ($keys -contains 'GitCredential') { $keys | Should -Contain 'GitSecretName' }
            if ($keys -contains 'RegistryCredential') { $keys | Should -Contain 'RegistrySecretName' }
        }
    }

    It 'types every interval as TimeSpan (no seconds as numbers, no duration strings)' {
        foreach ($name in $Cmdlets) {
            foreach ($p in (Get-Command $name).Parameters.Values) {
                if ($p.Name -match 'Interval|Seconds|Timeout') { $p.ParameterType | Should -Be ([TimeSpan]) -Because "$name -$($p.Name) is an interval" }
            }
        }
    }

    It 'takes Go durations and TimeSpans for intervals, and refuses a number without a unit' {
        $command = Get-Command Sync-VelaRepository
        $attribute = $command.Parameters['PullInterval'].Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentTransformationAttribute] }
        $attribute.Transform($ExecutionContext, '1h30m') | Should -Be ([TimeSpan]::FromMinutes(90))
        $attribute.Transform($ExecutionContext, '5m') | Should -Be ([TimeSpan]::FromMinutes(5))
        $attribute.Transform($ExecutionContext, '00:00:30') | Should -Be ([TimeSpan]::FromSeconds(30))
        $attribute.Transform($ExecutionContext, [TimeSpan]::FromSeconds(7)) | Should -Be ([TimeSpan]::FromSeconds(7))
        { Sync-VelaRepository -Url http://127.0.0.1:1/x.git -PullInterval 60 } | Should -Throw -ExpectedMessage '*no unit*'
        # Unquoted, PowerShell reads 30s as the number [short]30 and 5us as [ushort]5: they still mean 30 s and 5 µs.
        function Get-Interval { param([GitOpsVela.Commands.Infrastructure.DurationTransformation()][TimeSpan] $Interval) $Interval }
        Get-Interval -Interval 30s | Should -Be ([TimeSpan]::FromSeconds(30))
        Get-Interval -Interval 5us | Should -Be ([TimeSpan]::FromTicks(50))
        Get-Interval -Interval 1h30m | Should -Be ([TimeSpan]::FromMinutes(90))
        { Get-Interval -Interval 2d } | Should -Throw -ExpectedMessage '*no unit*'
        { Invoke-VelaReconcile -Path $good -Interval 'soon' -WhatIf } | Should -Throw -ExpectedMessage '*not a duration*'
    }

    It 'uses -Force only as PowerShell means it, and names server-side-apply take-over -TakeOwnership' {
        (Get-Command Invoke-VelaWorkflow).Parameters.Keys | Should -Contain 'TakeOwnership'
        (Get-Command Invoke-VelaWorkflow).Parameters.Keys | Should -Not -Contain 'Force'
        (Get-Command Invoke-VelaWorkflow).Parameters['TakeOwnership'].Aliases | Should -Not -Contain 'Force'
        (Get-Command Remove-VelaApplication).Parameters.Keys | Should -Contain 'Force'
    }

    It 'names application, namespace and context parameters alike everywhere (Name, Namespace, Context, Kubeconfig)' {
        foreach ($name in $Cmdlets) {
            $keys = (Get-Command $name).Parameters.Keys
            $keys | Should -Not -Contain 'AppName'
            $keys | Should -Not -Contain 'KubeContext'
            if ($keys -contains 'Context') { $keys | Should -Contain 'Kubeconfig' -Because "$name reads a kubeconfig context" }
        }
    }
}

Describe 'Test-VelaApplication -Quiet' {
    It 'is $true for valid applications' { Test-VelaApplication -Path $good -Quiet | Should -BeTrue }

    It 'is $false for a missing path (a typo must not pass a CI gate), and writes the path error' {
        $result = Test-VelaApplication -Path (Join-Path $dir 'nope.yaml') -Quiet -ErrorVariable problems -ErrorAction SilentlyContinue
        $result | Should -BeFalse
        $problems.FullyQualifiedErrorId | Should -Be 'Load.PathNotFound,GitOpsVela.Commands.Cmdlets.TestVelaApplicationCommand'
    }

    It 'is $false for a folder without any application' {
        $result = Test-VelaApplication -Path $empty -Quiet -ErrorVariable problems -ErrorAction SilentlyContinue
        $result | Should -BeFalse
        $problems.FullyQualifiedErrorId | Should -Be 'Load.ApplicationNoneFound,GitOpsVela.Commands.Cmdlets.TestVelaApplicationCommand'
    }

    It 'is $false when one of several paths is missing' {
        Test-VelaApplication -Path $good, (Join-Path $dir 'nope.yaml') -Quiet -ErrorAction SilentlyContinue | Should -BeFalse
    }
}

Describe 'Errors' {
    It '-ErrorAction Stop makes a path error terminating, with its stable id' {
        { Get-VelaApplication -Path (Join-Path $dir 'nope.yaml') -ErrorAction Stop } | Should -Throw -ErrorId 'Load.PathNotFound,GitOpsVela.Commands.Cmdlets.GetVelaApplicationCommand'
    }

    It '-ErrorVariable collects every error and the good input still comes out' {
        $out = ConvertTo-VelaManifest -Path $good, (Join-Path $dir 'a.yaml'), (Join-Path $dir 'b.yaml') -ErrorVariable problems -ErrorAction SilentlyContinue
        $out.Name | Should -Be 'good-config'
        $problems.Count | Should -Be 2
        $problems | ForEach-Object { $_.CategoryInfo.Category | Should -Be 'ObjectNotFound' }
    }

    It 'sorts problems by file and line' {
        $bad = Join-Path $dir 'bad'
        New-Item -ItemType Directory $bad | Out-Null
        foreach ($f in 'b.yaml', 'a.yaml') {
            Set-Content -LiteralPath (Join-Path $bad $f) -Value "apiVersion: core.oam.dev/v1beta1`nkind: Application`nmetadata:`n  name: $($f -replace '\.yaml')`nspec:`n  components:`n    - name: x`n      type: no-such-type`n    - name: y`n      type: also-unknown"
        }
        $null = Test-VelaApplication -Path $bad -ErrorVariable problems -ErrorAction SilentlyContinue
        $places = @($problems | ForEach-Object { '{0}:{1:D4}' -f $_.Exception.File, $_.Exception.Line })
        $places.Count | Should -Be 4
        $places | Should -Be ($places | Sort-Object)
    }

    It 'an unreachable cluster is one clean non-terminating error in <Command>, never a raw exception' -ForEach @(
        @{ Command = 'Compare-VelaApplication'; Script = 'Compare-VelaApplication -Path $good -Kubeconfig $unreachable' }
        @{ Command = 'Invoke-VelaWorkflow -WhatIf'; Script = 'Invoke-VelaWorkflow -Path $good -Kubeconfig $unreachable -WhatIf' }
        @{ Command = 'Invoke-VelaWorkflow'; Script = 'Invoke-VelaWorkflow -Path $good -Kubeconfig $unreachable' }
        @{ Command = 'Invoke-VelaReconcile -WhatIf'; Script = 'Invoke-VelaReconcile -Path $good -Kubeconfig $unreachable -WhatIf' }
        @{ Command = 'Get-VelaApplication -Context'; Script = 'Get-VelaApplication -Context gone -Kubeconfig $unreachable' }
        @{ Command = 'Resume-VelaWorkflow'; Script = 'Resume-VelaWorkflow -Name good -Kubeconfig $unreachable' }
        @{ Command = 'Remove-VelaApplication'; Script = 'Remove-VelaApplication -Name good -Kubeconfig $unreachable -Force' }
    ) {
        $threw = $null
        try { $out = & ([scriptblock]::Create("$Script -ErrorVariable problems -ErrorAction SilentlyContinue; `$problems")) } catch { $threw = $_ }
        $problems = @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $out = @($out | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
        $threw | Should -BeNullOrEmpty -Because "$Command writes the failure as an error record"
        @($out).Where({ $null -ne $_ }).Count | Should -Be 0
        $problems.Count | Should -Be 1 -Because "$Command reports the cluster once"
        $problems[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $problems[0].Exception.GetType().Name | Should -Not -Be 'VelaProblemException'
        $problems[0].FullyQualifiedErrorId | Should -Match '^[A-Za-z.]+,GitOpsVela\.Commands\.Cmdlets\.'
    }

    It 'an unreachable cluster under -ErrorAction Stop is terminating with the same id' {
        { Compare-VelaApplication -Path $good -Kubeconfig $unreachable -ErrorAction Stop } | Should -Throw -ErrorId '*,GitOpsVela.Commands.Cmdlets.CompareVelaApplicationCommand'
    }
}

Describe 'SecretManagement' {
    BeforeAll {
        # A stand-in for Microsoft.PowerShell.SecretManagement's Get-Secret (the real module is not on this machine's feed).
        $stub = New-Module -Name SecretManagementStub -ScriptBlock {
            $script:secrets = @{}
            function Get-Secret([string] $Name, [string] $Vault) {
                if (-not $script:secrets.ContainsKey($Name)) { throw "Get-Secret: the secret $Name was not found." }
                $script:secrets[$Name]
            }
            function Set-TestSecret([string] $Name, $Value) { $script:secrets[$Name] = $Value }
            Export-ModuleMember -Function Get-Secret, Set-TestSecret
        } | Import-Module -PassThru
    }
    AfterAll { Remove-Module $stub -ErrorAction SilentlyContinue }

    It 'reads -GitSecretName through Get-Secret, and a missing secret is one Secret.NotFound error' {
        $null = Sync-VelaRepository -Url 'http://127.0.0.1:1/none.git' -GitSecretName 'no-such-secret' -CachePath (Join-Path $dir 'cache') -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'Secret.NotFound,*'
        "$($problems[0])" | Should -Match 'no-such-secret'
    }

    It 'says SecretManagement is missing when Get-Secret is not there' {
        Remove-Module $stub
        try {
            $null = Get-VelaImageTag -Image 127.0.0.1:1/none -RegistrySecretName 'x' -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'Secret.ManagementMissing,*'
            "$($problems[0])" | Should -Match 'Install-PSResource Microsoft.PowerShell.SecretManagement'
        }
        finally { $stub | Import-Module }
    }
}
