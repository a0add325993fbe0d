#Requires -Version 7.4
# Help is the code: for every exported cmdlet, Get-Help agrees with Get-Command, describes everything, shows real
# defaults and an online link, and its examples run (those that need a cluster or a registry at least bind).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $cmdletCases = @($Cmdlets | ForEach-Object { @{ Name = $_ } })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $common = [System.Management.Automation.PSCmdlet]::CommonParameters

    function Get-SetSignatures([string] $Name) {
        @((Get-Command $Name).ParameterSets | ForEach-Object {
                (@($_.Parameters | Where-Object Name -notin $common | ForEach-Object {
                            '{0}:{1}:{2}:{3}:{4}' -f $_.Name, $_.ParameterType.Name, $_.IsMandatory.ToString().ToLowerInvariant(),
                            $(if ($_.Position -ge 0) { $_.Position } else { 'named' }),
                            $(if ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) { 'pipeline' } else { 'nopipeline' })
                        }) | Sort-Object) -join ' '
            }) | Sort-Object
    }

    function Get-HelpSignatures([string] $Name) {
        @(@((Get-Help $Name -Full).syntax.syntaxItem) | ForEach-Object {
                (@(@($_.parameter) | Where-Object { $_ } | ForEach-Object {
                            $type = if ($_.parameterValue) { [string]$_.parameterValue } else { 'SwitchParameter' }
                            '{0}:{1}:{2}:{3}:{4}' -f $_.name, $type, $_.required, $_.position,
                            $(if ($_.pipelineInput -like 'True*') { 'pipeline' } else { 'nopipeline' })
                        }) | Sort-Object) -join ' '
            }) | Sort-Object
    }
}

Describe 'Help of <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $command = Get-Command $Name
        $help = Get-Help $Name -Full
        $parameters = @($command.Parameters.Values | Where-Object Name -notin $common)
    }

    It 'has one syntax per parameter set, with the same parameters, types, mandatory, position and pipeline flags' {
        Get-HelpSignatures $Name | Should -Be (Get-SetSignatures $Name)
    }

    It 'describes the cmdlet: synopsis, description, an example, and an online link (HelpUri)' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name"
        ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $command.HelpUri | Should -Match '^https://'
        @($help.relatedLinks.navigationLink.uri) | Should -Contain $command.HelpUri
    }

    It 'describes every parameter, with its type, aliases, pipeline and wildcard flags as the code has them' {
        foreach ($p in $parameters) {
            $entry = @($help.parameters.parameter | Where-Object name -eq $p.Name)
            $entry.Count | Should -Be 1 -Because "-$($p.Name) of $Name is in the help"
            ($entry[0].description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name is described"
            $entry[0].type.name | Should -Be $p.ParameterType.FullName -Because "-$($p.Name) of $Name"
            $aliases = if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }
            $entry[0].aliases | Should -Be $aliases -Because "aliases of -$($p.Name) of $Name"
            $wildcards = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
            $entry[0].globbing | Should -Be $wildcards.ToString().ToLowerInvariant() -Because "wildcards of -$($p.Name) of $Name"
        }
        @($help.parameters.parameter).Count | Should -Be $parameters.Count
    }

    It 'shows the real default of every parameter that has one' {
        $instance = [Activator]::CreateInstance($command.ImplementingType)
        foreach ($p in $parameters) {
            $entry = $help.parameters.parameter | Where-Object name -eq $p.Name
            $property = $command.ImplementingType.GetProperty($p.Name)
            if (-not $property) { continue }   # -WhatIf, -Confirm
            $value = $property.GetValue($instance)
            if ($value -is [switch]) { $entry.defaultValue | Should -Be 'False'; continue }
            if ($null -eq $value) { continue }
            $shown = if ($value -is [TimeSpan]) { ([System.Xml.XmlConvert]::ToString($value) -replace '^PT', '').ToLowerInvariant() } else { [string]$value }
            $entry.defaultValue | Should -Be $shown -Because "-$($p.Name) of $Name defaults to $value"
        }
    }

    It 'lists the output types the cmdlet declares' {
        $declared = @($command.OutputType.Name) | Sort-Object
        @($help.returnValues.returnValue | ForEach-Object { $_.type.name }) | Sort-Object | Should -Be $declared
    }

    It 'has examples whose commands name only parameters the cmdlet has, with values its validation accepts' {
        foreach ($example in @($help.examples.example)) {
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseInput([string]$example.code, [ref]$null, [ref]$errors)
            $errors | Should -BeNullOrEmpty -Because "example '$($example.code)' parses"
            foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $target = Get-Command $call.GetCommandName() -Module GitOpsVela -ErrorAction SilentlyContinue
                if (-not $target) { continue }
                $elements = $call.CommandElements
                for ($i = 1; $i -lt $elements.Count; $i++) {
                    if ($elements[$i] -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
                    $parameterName = $elements[$i].ParameterName
                    $matched = @($target.Parameters.Values | Where-Object { $_.Name -like "$parameterName*" -or $_.Aliases -contains $parameterName })
                    $matched.Count | Should -BeGreaterThan 0 -Because "'-$parameterName' in '$($example.code)' is a parameter of $($target.Name)"
                    $set = $matched[0].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
                    $argument = if ($elements[$i].Argument) { $elements[$i].Argument } elseif ($i + 1 -lt $elements.Count) { $elements[$i + 1] }
                    if ($set -and $argument -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
                        $set.ValidValues | Should -Contain $argument.Value -Because "'$($argument.Value)' in '$($example.code)' is accepted by -$($matched[0].Name)"
                    }
                }
            }
        }
    }
}

Describe 'Help examples that need no cluster, registry or git server run' {
    It 'runs every example of <Name> from the repository root without an error' -ForEach @(
        @{ Name = 'Get-VelaApplication' }
        @{ Name = 'Test-VelaApplication' }
        @{ Name = 'ConvertTo-VelaManifest' }
    ) {
        $ran = 0
        Push-Location $RepoRoot
        try {
            foreach ($example in (Get-Help $Name -Examples).examples.example) {
                $code = [string]$example.code
                if ($code -match '-Context|Sync-VelaRepository|https?://') { continue }   # needs a cluster or a server: the cluster tests cover those
                $Error.Clear()
                $null = & ([scriptblock]::Create($code))
                $Error.Count | Should -Be 0 -Because "example '$code' runs cleanly"
                $ran++
            }
        }
        finally { Pop-Location }
        $ran | Should -BeGreaterThan 1
    }
}

Describe 'The committed help' {
    It 'is what the generator makes from the compiled cmdlets now (regenerate with src/GitOpsVela.Commands/Help/New-GitOpsVelaHelp.ps1)' {
        $generated = & (Join-Path $RepoRoot 'src' 'GitOpsVela.Commands' 'Help' 'New-GitOpsVelaHelp.ps1') -PassThru
        $committed = [IO.File]::ReadAllText((Join-Path $RepoRoot 'module' 'en-US' 'GitOpsVela.Commands.dll-Help.xml')) -replace "`r`n", "`n"
        $generated | Should -BeExactly $committed
    }

    It 'has the about_ topics for <Topic>' -ForEach @(
        @{ Topic = 'about_GitOpsVela'; Mentions = 'Get-VelaApplication' }
        @{ Topic = 'about_GitOpsVela_Records'; Mentions = 'gitopsvela\.<app>' }
        @{ Topic = 'about_GitOpsVela_Contexts'; Mentions = 'KUBECONFIG' }
        @{ Topic = 'about_GitOpsVela_ImageAutomation'; Mentions = 'imagepolicy' }
        @{ Topic = 'about_GitOpsVela_Scheduling'; Mentions = 'task\.logissue' }
        @{ Topic = 'about_GitOpsVela_Troubleshooting'; Mentions = 'FullyQualifiedErrorId' }
    ) {
        $text = Get-Help $Topic | Out-String
        $text | Should -Match $Mentions
        $text | Should -Not -Match 'Get-Help cannot find'
    }
}
