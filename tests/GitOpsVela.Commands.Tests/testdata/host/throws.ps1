"first line"
function Get-Broken { throw "the config repo is unreachable" }
Get-Broken
"never printed"
