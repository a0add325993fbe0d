#Requires -Version 7.4
# What a kustomize component stands for (issue 11, item 4) and the reconcile of roots kept on the cluster (item 6), in
# real pwsh: ConvertTo-VelaManifest shows the source and path of a kustomize component instead of nothing, renders the
# synced path with -SyncSource and refuses a path outside the repository naming URL, ref and path; Invoke-VelaReconcile
# without -Path binds to its own parameter set and reconciles the roots an Invoke-VelaWorkflow kept.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $dir = New-TestFolder
    $repo = Join-Path $dir 'repo'
    New-Item -ItemType Directory -Path (Join-Path $repo 'apps') | Out-Null
    Set-Content -LiteralPath (Join-Path $repo 'apps' 'settings.yaml') -Value "apiVersion: v1`nkind: ConfigMap`nmetadata: {name: settings}`ndata: {mode: blue}"
    Invoke-Git -C $repo init --quiet --initial-branch=main | Out-Null
    Invoke-Git -C $repo add -A | Out-Null
    Invoke-Git -C $repo commit --quiet -m seed | Out-Null
    $url = "file://$repo"
    function Write-Root([string] $Name, [string] $Path, [string] $Url) {
        $file = Join-Path $dir "$Name.yaml"
        Write-TestApplication $file $Name 'default' @"
    - name: apps
      type: kustomize
      properties:
        url: $Url
        git: {branch: main}
        path: $Path

"@ | Out-Null
        $file
    }
    $good = Write-Root 'apps' './apps' $url
    $bad = Write-Root 'escape' '../..' $url
    $cache = Join-Path $dir 'cache'
}

AfterAll {
    Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'ConvertTo-VelaManifest and kustomize components' {
    It 'shows the source, ref and path a kustomize component stands for' {
        $out = @(ConvertTo-VelaManifest -Path $good)
        $out.Count | Should -Be 1
        $out[0].GetType().Name | Should -Be 'VelaComponentSource'
        $out[0].Url | Should -Be $url
        $out[0].Ref | Should -Be 'branch main'
        $out[0].Path | Should -Be './apps'
        (Get-ViewLines $out 200)[0] | Should -Match '^APP\s+COMPONENT\s+TYPE\s+SOURCE\s+REF\s+PATH'
    }

    It 'renders what the synced path builds with -SyncSource' {
        $out = @(ConvertTo-VelaManifest -Path $good -SyncSource -CachePath $cache)
        $out.Kind | Should -Be @('ConfigMap')
        $out[0].Object.metadata.labels.'app.oam.dev/component' | Should -Be 'apps'
        $out[0].Source | Should -Be "$url (branch main) path './apps'"
    }

    It 'refuses a path outside the repository at the component''s line, naming URL, ref and path, not the cache' {
        $out = ConvertTo-VelaManifest -Path $bad -SyncSource -CachePath $cache -ErrorVariable problems -ErrorAction SilentlyContinue
        $out | Should -BeNullOrEmpty
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'Render.KustomizeInvalid,*'
        "$($problems[0])" | Should -Match ([regex]::Escape("${bad}:8:7: application 'escape', component 'apps', property 'path': source $url (branch main, commit "))
        "$($problems[0])" | Should -Match "path '\.\./\.\.' leaves the repository"
        "$($problems[0])" | Should -Not -Match ([regex]::Escape($cache))
    }
}

Describe 'Invoke-VelaReconcile without -Path' {
    It 'binds to the Recorded parameter set, which takes -Namespace and no files' {
        $command = Get-Command Invoke-VelaReconcile
        $command.DefaultParameterSet | Should -Be 'Recorded'
        $set = $command.ParameterSets | Where-Object Name -eq 'Recorded'
        $set.Parameters.Name | Should -Contain 'Namespace'
        $set.Parameters.Name | Should -Not -Contain 'Path'
        ($command.ParameterSets | Where-Object Name -eq 'Path').Parameters.Name | Should -Not -Contain 'Namespace'
    }
}
