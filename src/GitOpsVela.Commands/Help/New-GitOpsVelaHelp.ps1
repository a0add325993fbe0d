#Requires -Version 7.4
<#
.SYNOPSIS
    Generates the module's MAML help (module/en-US/GitOpsVela.Commands.dll-Help.xml) from the compiled cmdlets.

.DESCRIPTION
    The help is the code: syntax, parameter sets, parameter types, mandatory and pipeline flags, positions, aliases,
    wildcard support, default values (read from a new instance of each cmdlet class), output types and the online
    link (HelpUri) come from the compiled cmdlets through Get-Command and reflection. Only the prose is written by
    hand, once, in this folder's <Cmdlet>.md files (synopsis, description, examples, one section per parameter,
    inputs, notes); these files are also the pages HelpUri points at.

    A parameter the code has and the .md file does not describe (or the other way round) is an error, so the two
    cannot drift apart. tests/pester/Help.Tests.ps1 regenerates the help and fails when the committed file differs.

        dotnet build src/GitOpsVela.Commands
        dotnet pwsh -NoProfile -File src/GitOpsVela.Commands/Help/New-GitOpsVelaHelp.ps1

.PARAMETER ModulePath
    The built module's manifest (default: out/GitOpsVela/GitOpsVela.psd1).

.PARAMETER OutFile
    Where to write the MAML (default: module/en-US/GitOpsVela.Commands.dll-Help.xml; the build copies it into the module).

.PARAMETER PassThru
    Return the MAML text instead of writing it.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '..' '..' '..' 'out' 'GitOpsVela' 'GitOpsVela.psd1'),
    [string] $OutFile = (Join-Path $PSScriptRoot '..' '..' '..' 'module' 'en-US' 'GitOpsVela.Commands.dll-Help.xml'),
    [switch] $PassThru
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

if (-not (Get-Module GitOpsVela)) { Import-Module $ModulePath -ErrorAction Stop }
$module = Get-Module GitOpsVela
$common = [System.Management.Automation.PSCmdlet]::CommonParameters
$shouldProcessText = @{
    WhatIf  = 'Shows what would change (objects, fields, file:line old -> new) without changing anything.'
    Confirm = 'Asks for confirmation before each change.'
}

function Read-HelpSource([string] $Path) {
    # ## SECTION, ### Item, ```powershell code``` blocks; everything else is paragraphs (blank-line separated).
    $doc = @{ Sections = [ordered]@{} }
    $section = $null; $item = $null; $inCode = $false; $code = $null
    foreach ($line in (Get-Content -LiteralPath $Path)) {
        if ($inCode) {
            if ($line -match '^```\s*$') { $inCode = $false; $item.Code = ($code -join "`n"); continue }
            $code.Add($line); continue
        }
        if ($line -match '^```') { $inCode = $true; $code = [System.Collections.Generic.List[string]]::new(); continue }
        if ($line -match '^## (.+)$') { $section = [ordered]@{}; $doc.Sections[$Matches[1].Trim()] = $section; $item = @{ Paras = [System.Collections.Generic.List[string]]::new(); Code = $null }; $section[''] = $item; continue }
        if ($line -match '^### (.+)$') { $item = @{ Paras = [System.Collections.Generic.List[string]]::new(); Code = $null }; $section[$Matches[1].Trim()] = $item; continue }
        if ($null -eq $item) { continue }
        if ($line.Trim() -eq '') { $item.Paras.Add(''); continue }
        if ($item.Paras.Count -gt 0 -and $item.Paras[$item.Paras.Count - 1] -ne '') { $item.Paras[$item.Paras.Count - 1] += ' ' + $line.Trim() }
        else { $item.Paras.Add($line.Trim()) }
    }
    foreach ($s in $doc.Sections.Values) { foreach ($i in $s.Values) { $i.Paras = @($i.Paras | Where-Object { $_ -ne '' }) } }
    $doc
}

function Get-Paras($Item) { if ($null -eq $Item) { @() } else { @($Item.Paras) } }

function Get-ReflectedDefault($Command, [string] $Name) {
    $property = $Command.ImplementingType.GetProperty($Name)
    if (-not $property) { return $null }
    $instance = [Activator]::CreateInstance($Command.ImplementingType)
    $value = $property.GetValue($instance)
    if ($value -is [System.Management.Automation.SwitchParameter]) { return [string]$value.IsPresent }
    if ($null -eq $value) { return $null }
    if ($value -is [TimeSpan]) { return [System.Xml.XmlConvert]::ToString($value) -replace '^PT', '' | ForEach-Object { $_.ToLowerInvariant() } }
    if ($value -is [array]) { return ($value -join ', ') }
    [string]$value
}

function Get-PipelineText($Attribute) {
    $kinds = @()
    if ($Attribute.ValueFromPipeline) { $kinds += 'ByValue' }
    if ($Attribute.ValueFromPipelineByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

$xml = [System.Text.StringBuilder]::new()
function Add([string] $Text) { [void]$xml.AppendLine($Text) }
function Esc([string] $Text) { [System.Security.SecurityElement]::Escape($Text) }
function Add-Paras([string[]] $Paras, [string] $Indent) {
    Add "$Indent<maml:description>"
    foreach ($p in $Paras) { Add "$Indent  <maml:para>$(Esc $p)</maml:para>" }
    Add "$Indent</maml:description>"
}

function Add-Parameter($Command, $Parameter, $SetAttribute, $Help, [string] $Indent) {
    $name = $Parameter.Name
    $type = $Parameter.ParameterType
    $typeName = $type.Name
    $aliases = if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }
    $globbing = [bool]($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $position = if ($SetAttribute.Position -ge 0) { [string]$SetAttribute.Position } else { 'named' }
    $entry = $Help.Parameters[$name]
    $paras = if ($name -in $shouldProcessText.Keys) { @($shouldProcessText[$name]) } else { @(Get-Paras $entry | Where-Object { $_ -notmatch '^Default value: ' }) }
    $default = (Get-Paras $entry | Where-Object { $_ -match '^Default value: ' } | Select-Object -First 1) -replace '^Default value: ', ''
    if (-not $default) { $default = Get-ReflectedDefault $Command $name }
    if (-not $default) { $default = 'None' }
    Add "$Indent<command:parameter required=`"$($SetAttribute.Mandatory.ToString().ToLowerInvariant())`" variableLength=`"$($type.IsArray.ToString().ToLowerInvariant())`" globbing=`"$($globbing.ToString().ToLowerInvariant())`" pipelineInput=`"$(Get-PipelineText $SetAttribute)`" position=`"$position`" aliases=`"$(Esc $aliases)`">"
    Add "$Indent  <maml:name>$name</maml:name>"
    Add-Paras $paras "$Indent  "
    if ($type -ne [System.Management.Automation.SwitchParameter]) {
        Add "$Indent  <command:parameterValue required=`"true`" variableLength=`"$($type.IsArray.ToString().ToLowerInvariant())`">$(Esc $typeName)</command:parameterValue>"
    }
    $validSet = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
    if ($validSet) {
        Add "$Indent  <command:parameterValueGroup>"
        foreach ($v in $validSet.ValidValues) { Add "$Indent    <command:parameterValue required=`"false`" variableLength=`"false`">$(Esc $v)</command:parameterValue>" }
        Add "$Indent  </command:parameterValueGroup>"
    }
    Add "$Indent  <dev:type><maml:name>$(Esc $type.FullName)</maml:name><maml:uri /></dev:type>"
    Add "$Indent  <dev:defaultValue>$(Esc $default)</dev:defaultValue>"
    Add "$Indent</command:parameter>"
}

$problems = [System.Collections.Generic.List[string]]::new()
Add '<?xml version="1.0" encoding="utf-8"?>'
Add '<!-- Generated by src/GitOpsVela.Commands/Help/New-GitOpsVelaHelp.ps1 from the compiled cmdlets and src/GitOpsVela.Commands/Help/*.md. Do not edit. -->'
Add '<helpItems schema="maml" xmlns="http://msh">'
$names = @($module.ExportedCmdlets.Keys | Sort-Object { $_ -replace '^[^-]+-', '' }, { $_ })
$sources = @(Get-ChildItem -LiteralPath $PSScriptRoot -Filter '*-*.md' | ForEach-Object BaseName)
foreach ($extra in $sources | Where-Object { $_ -notin $names }) { $problems.Add("$extra.md describes a cmdlet the module does not export") }
foreach ($name in $names) {
    $command = Get-Command $name -Module GitOpsVela
    $file = Join-Path $PSScriptRoot "$name.md"
    if (-not (Test-Path $file)) { $problems.Add("$name has no help source ($file)"); continue }
    $doc = Read-HelpSource $file
    $section = { param($n) if ($doc.Sections.Contains($n)) { $doc.Sections[$n] } else { [ordered]@{} } }
    $help = @{ Parameters = @{} }
    foreach ($key in (& $section 'PARAMETERS').Keys) { if ($key) { $help.Parameters[$key.TrimStart('-')] = (& $section 'PARAMETERS')[$key] } }
    $parameters = @($command.Parameters.Values | Where-Object { $_.Name -notin $common } | Sort-Object { $_.Name -in 'WhatIf', 'Confirm' }, Name)
    foreach ($p in $parameters) {
        if ($p.Name -notin $shouldProcessText.Keys -and -not @(Get-Paras $help.Parameters[$p.Name] | Where-Object { $_ -notmatch '^Default value: ' })) {
            $problems.Add("$name -$($p.Name) is not described in $name.md")
        }
    }
    foreach ($described in $help.Parameters.Keys) { if ($described -notin $parameters.Name) { $problems.Add("$name.md describes -$described, which $name does not have") } }
    $synopsis = @(Get-Paras (& $section 'SYNOPSIS')[''])
    $description = @(Get-Paras (& $section 'DESCRIPTION')[''])
    if (-not $synopsis) { $problems.Add("$name.md has no SYNOPSIS") }
    if (-not $description) { $problems.Add("$name.md has no DESCRIPTION") }
    $verb, $noun = $name -split '-', 2
    Add '  <command:command xmlns:maml="http://schemas.microsoft.com/maml/2004/10" xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10" xmlns:MSHelp="http://msdn.microsoft.com/mshelp">'
    Add '    <command:details>'
    Add "      <command:name>$name</command:name>"
    Add "      <command:verb>$verb</command:verb>"
    Add "      <command:noun>$noun</command:noun>"
    Add-Paras $synopsis '      '
    Add '    </command:details>'
    Add-Paras $description '    '
    Add '    <command:syntax>'
    $sets = @($command.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)
    foreach ($set in $sets) {
        Add '      <command:syntaxItem>'
        Add "        <maml:name>$name</maml:name>"
        $inSet = @($set.Parameters | Where-Object { $_.Name -notin $common } | Sort-Object { if ($_.Position -ge 0) { $_.Position } else { 1000 } }, { -not $_.IsMandatory }, { $_.Name -in 'WhatIf', 'Confirm' }, Name)
        foreach ($sp in $inSet) {
            $p = $command.Parameters[$sp.Name]
            $attribute = [pscustomobject]@{ Mandatory = $sp.IsMandatory; Position = $sp.Position; ValueFromPipeline = $sp.ValueFromPipeline; ValueFromPipelineByPropertyName = $sp.ValueFromPipelineByPropertyName }
            Add-Parameter $command $p $attribute $help '        '
        }
        Add '      </command:syntaxItem>'
    }
    Add '    </command:syntax>'
    Add '    <command:parameters>'
    foreach ($p in $parameters) {
        # The parameter's flags as in its first set (help shows one entry per parameter).
        $first = $p.ParameterSets.GetEnumerator() | Sort-Object { $_.Key -ne '__AllParameterSets' }, Key | Select-Object -First 1
        $attribute = [pscustomobject]@{ Mandatory = $first.Value.IsMandatory; Position = $first.Value.Position; ValueFromPipeline = $first.Value.ValueFromPipeline; ValueFromPipelineByPropertyName = $first.Value.ValueFromPipelineByPropertyName }
        Add-Parameter $command $p $attribute $help '      '
    }
    Add '    </command:parameters>'
    Add '    <command:inputTypes>'
    $inputs = & $section 'INPUTS'
    foreach ($key in $inputs.Keys) {
        if (-not $key) { continue }
        Add '      <command:inputType>'
        Add "        <dev:type><maml:name>$(Esc $key)</maml:name><maml:uri /></dev:type>"
        Add-Paras @(Get-Paras $inputs[$key]) '        '
        Add '      </command:inputType>'
    }
    Add '    </command:inputTypes>'
    Add '    <command:returnValues>'
    $outputs = & $section 'OUTPUTS'
    foreach ($type in @($command.OutputType | ForEach-Object { $_.Name })) {
        $text = if ($outputs.Contains($type)) { @(Get-Paras $outputs[$type]) } else { $problems.Add("$name.md does not describe its output type $type"); @() }
        Add '      <command:returnValue>'
        Add "        <dev:type><maml:name>$(Esc $type)</maml:name><maml:uri /></dev:type>"
        Add-Paras $text '        '
        Add '      </command:returnValue>'
    }
    foreach ($key in $outputs.Keys) { if ($key -and $key -notin @($command.OutputType | ForEach-Object { $_.Name })) { $problems.Add("$name.md describes output $key, which is not in its [OutputType]") } }
    Add '    </command:returnValues>'
    $notes = & $section 'NOTES'
    if ($notes.Count) {
        Add '    <maml:alertSet>'
        Add '      <maml:alert>'
        foreach ($p in @(Get-Paras $notes[''])) { Add "        <maml:para>$(Esc $p)</maml:para>" }
        Add '      </maml:alert>'
        Add '    </maml:alertSet>'
    }
    Add '    <command:examples>'
    $i = 0
    foreach ($entry in (& $section 'EXAMPLES').GetEnumerator()) {
        if (-not $entry.Key) { continue }
        $i++
        if (-not $entry.Value.Code) { $problems.Add("$name.md example '$($entry.Key)' has no code block") }
        Add '      <command:example>'
        Add "        <maml:title>-------------------------- $(Esc $entry.Key) --------------------------</maml:title>"
        Add "        <dev:code>$(Esc $entry.Value.Code)</dev:code>"
        Add '        <dev:remarks>'
        foreach ($p in @(Get-Paras $entry.Value)) { Add "          <maml:para>$(Esc $p)</maml:para>" }
        Add '        </dev:remarks>'
        Add '      </command:example>'
    }
    if ($i -eq 0) { $problems.Add("$name.md has no example") }
    Add '    </command:examples>'
    Add '    <command:relatedLinks>'
    if ($command.HelpUri) {
        Add "      <maml:navigationLink><maml:linkText>Online Version:</maml:linkText><maml:uri>$(Esc $command.HelpUri)</maml:uri></maml:navigationLink>"
    }
    else { $problems.Add("$name has no HelpUri") }
    Add '      <maml:navigationLink><maml:linkText>about_GitOpsVela</maml:linkText><maml:uri /></maml:navigationLink>'
    Add '    </command:relatedLinks>'
    Add '  </command:command>'
}
Add '</helpItems>'

if ($problems.Count) { throw "help sources and cmdlets disagree:`n  $($problems -join "`n  ")" }
$text = $xml.ToString() -replace "`r`n", "`n"
if ($PassThru) { return $text }
[IO.File]::WriteAllText([IO.Path]::GetFullPath($OutFile), $text, [Text.UTF8Encoding]::new($false))
Write-Verbose "wrote $OutFile"
