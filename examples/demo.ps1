# GitOps with Workflow, offline: load the example config repository (the spec's clusters/, apps/ and
# infrastructure/), validate it, show the `vela ls` table and the Kubernetes objects it stands for.
#
#   dotnet run --project src/GitOpsVela.Host -- examples/demo.ps1
#   pwsh -c 'Import-Module ./out/GitOpsVela/GitOpsVela.psd1; ./examples/demo.ps1'
param(
    # The config repository to load.
    [string] $Path = [System.IO.Path]::Combine($PSScriptRoot, 'gitops-repo')
)

"== Applications in $Path"
$apps = @(Get-VelaApplication -Path $Path)
$apps

"== Validation"
$results = @($apps | Test-VelaApplication)
foreach ($result in $results) {
    $verdict = if ($result.IsValid) { 'valid' } else { "$($result.Problems.Count) problem(s)" }
    '{0,-8} {1}:{2}  {3}' -f $result.Name, [System.IO.Path]::GetFileName($result.Path), $result.Line, $verdict
}

"== Rendered objects"
$rendered = @($apps | ConvertTo-VelaManifest)
foreach ($m in $rendered | Where-Object { $_ -is [GitOpsVela.Commands.Output.VelaManifest] }) {
    '{0,-8} {1,-18} {2,-16} {3}' -f $m.Application, $m.Component, $m.Kind, $m.Name
}

# A kustomize component's objects are what its repository path holds when synced (ConvertTo-VelaManifest -SyncSource
# renders them); a helm component's chart is installed by Flux from the HelmRelease above.
"== What the kustomize and helm components stand for"
foreach ($s in $rendered | Where-Object { $_ -is [GitOpsVela.Commands.Output.VelaComponentSource] }) {
    '{0,-8} {1,-18} {2,-10} {3} ({4}) path {5}' -f $s.Application, $s.Component, $s.Type, $s.Url, $s.Ref, $s.Path
}
foreach ($m in $rendered | Where-Object { $_ -is [GitOpsVela.Commands.Output.VelaManifest] -and $_.Source -and $_.Kind -eq 'HelmRelease' }) {
    '{0,-8} {1,-18} {2,-10} {3}' -f $m.Application, $m.Component, 'helm', $m.Source
}

"== YAML of my-app"
$apps | Where-Object { $_.Name -eq 'my-app' } | ConvertTo-VelaManifest -AsYaml
