# Writes an object and a table before exiting with the code it is given.
param([int]$Code)
"before exit"
[pscustomobject]@{ Key = 'k1'; Value = 'v1' }
exit $Code
"never printed"
