# Prints how the host bound its arguments: named, switch, positional and the rest in $args.
param([string]$Name = 'unset', [switch]$Loud, [int]$Count = 0)
"Name=$Name"
"Loud=$Loud"
"Count=$Count"
"Args=$($args -join '|')"
"ScriptRoot=$PSScriptRoot"
