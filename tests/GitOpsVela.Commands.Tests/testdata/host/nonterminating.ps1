"start"
Get-VelaApplication -Path ./does-not-exist.yaml
"still running"
