#Requires -Version 7.4
# Sources and image automation against the real git server and registry: Write-Progress on clone, fetch and tag
# listing; Update-VelaImageTag -WhatIf changes and outputs nothing, -Confirm asks; output types survive pipelines.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $git = Start-GitServer
    $registry = Start-Registry
    Publish-TestImage $registry 'org/app' 'main-aaaa-100', 'main-bbbb-300', 'main-cccc-200', 'dev-dddd-999'
    $image = "$($registry.Host)/org/app"
    $dir = New-TestFolder
    $seed = Join-Path $dir 'seed'
    New-Item -ItemType Directory $seed | Out-Null
    foreach ($i in 1..40) { Set-Content (Join-Path $seed "file-$i.yaml") "n: $i" }
    Set-Content (Join-Path $seed 'deploy.yaml') "kind: Deployment`nspec:`n  image: `"$image`:main-aaaa-100`" # {`"`$imagepolicy`": `"default:app`"}"
    $url = New-GitRepository $git 'images' $seed
    $policy = @{ Image = $image; Marker = 'default:app'; Policy = 'Numerical'; Pattern = '^main-[a-f]+-(?P<ts>[0-9]+)'; Extract = '$ts' }

    # Runs a command in a runspace of its own (same process, module imported) and keeps its progress records.
    function Invoke-WithProgress([string] $Script, [hashtable] $Variables = @{}) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$Manifest'").Invoke()
            $ps.Commands.Clear()
            foreach ($k in $Variables.Keys) { $ps.Runspace.SessionStateProxy.SetVariable($k, $Variables[$k]) }
            $output = $ps.AddScript($Script).Invoke()
            [pscustomobject]@{ Output = @($output); Progress = @($ps.Streams.Progress); Errors = @($ps.Streams.Error); Verbose = @($ps.Streams.Verbose) }
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    Stop-Registry $registry
    Stop-GitServer $git
    Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Sync-VelaRepository' {
    It 'reports Write-Progress while it clones and while it fetches, and each verbose line once' {
        $cache = Join-Path $dir 'cache'
        $clone = Invoke-WithProgress 'Sync-VelaRepository -Url $url -GitCredential $cred -CachePath $cache -Verbose' @{ url = $url; cred = $git.Credential; cache = $cache }
        $clone.Errors | Should -BeNullOrEmpty
        @($clone.Progress | Where-Object Activity -like 'Cloning*').Count | Should -BeGreaterThan 0
        ($clone.Progress | Where-Object Activity -like 'Cloning*' | Select-Object -Last 1).RecordType | Should -Be 'Completed'
        $verbose = @($clone.Verbose.Message)
        $verbose.Count | Should -Be @($verbose | Select-Object -Unique).Count
        $fetch = Invoke-WithProgress 'Sync-VelaRepository -Url $url -GitCredential $cred -CachePath $cache -Force' @{ url = $url; cred = $git.Credential; cache = $cache }
        @($fetch.Progress | Where-Object Activity -like 'Fetching*').Count | Should -BeGreaterThan 0
    }

    It 'writes a VelaSource that survives JSON, CSV, Select-Object and Sort-Object, and pipes into Get-VelaApplication by Path' {
        $cache = Join-Path $dir 'cache2'
        $sources = @(Sync-VelaRepository -Url $url -GitCredential $git.Credential -CachePath $cache; Sync-VelaRepository -Url $url -GitCredential $git.Credential -CachePath $cache)
        $sources[0].Fetched | Should -BeTrue
        $sources[1].Fetched | Should -BeFalse
        Assert-OutputSurvives -Objects $sources -Folder $dir
        (Get-ViewLines $sources 80)[0] | Should -Match '^URL\s+REF\s+REVISION'
    }

    It 'takes -PullInterval as a Go duration' {
        $source = Sync-VelaRepository -Url $url -GitCredential $git.Credential -CachePath (Join-Path $dir 'cache2') -PullInterval '1h30m'
        $source.Fetched | Should -BeFalse
    }
}

Describe 'Get-VelaImageTag' {
    It 'reports Write-Progress while it lists tags' {
        $r = Invoke-WithProgress 'Get-VelaImageTag -Image $image' @{ image = $image }
        $r.Errors | Should -BeNullOrEmpty
        @($r.Progress | Where-Object Activity -like 'Listing tags*').Count | Should -BeGreaterThan 0
        @($r.Output).Count | Should -Be 4
    }

    It 'picks by policy and explains; VelaImageTag survives pipelines and its view keeps TAG and VERDICT at 80 columns' {
        $tags = @(Get-VelaImageTag -Image $image -Policy Numerical -Pattern $policy.Pattern -Extract '$ts' -Explain)
        ($tags | Where-Object Selected).Tag | Should -Be 'main-bbbb-300'
        ($tags | Where-Object Tag -eq 'dev-dddd-999').Verdict | Should -Be 'FilteredOut'
        Assert-OutputSurvives -Objects $tags -Folder $dir
        (Get-ViewLines $tags 80)[0] | Should -Match '^TAG\s+VALUE\s+VERDICT\s+SELECTED'
    }

    It 'runs its help example''s form of policy (-Policy Semver -Range)' {
        Publish-TestImage $registry 'org/semver' '1.0.0', '1.4.0', '2.0.0'
        (Get-VelaImageTag -Image "$($registry.Host)/org/semver" -Policy Semver -Range '^1' | Where-Object Selected).Tag | Should -Be '1.4.0'
    }
}

Describe 'Update-VelaImageTag' {
    BeforeAll {
        $work = Join-Path $dir 'work'
        Invoke-Git clone --quiet (Get-GitAuthUrl $git 'images') $work | Out-Null
        $file = Join-Path $work 'deploy.yaml'
        $before = Get-Content -LiteralPath $file -Raw
    }

    It '-WhatIf writes file:line old -> new and the commit as What if lines, and changes, commits and outputs nothing' {
        $out = Update-VelaImageTag -Path $work @policy -Push -GitCredential $git.Credential -WhatIf -InformationVariable plan
        $out | Should -BeNullOrEmpty
        "$plan" | Should -Match ([regex]::Escape("deploy.yaml:3 $image`:main-aaaa-100 -> $image`:main-bbbb-300"))
        "$plan" | Should -Match 'commit and push as kubevelabot'
        Get-Content -LiteralPath $file -Raw | Should -BeExactly $before
        (Invoke-Git -C $work status --porcelain) | Should -BeNullOrEmpty
    }

    It '-Confirm asks first (a non-interactive session cannot answer, so nothing changes)' {
        $r = Invoke-ChildPwsh -Command "Import-Module '$Manifest'; try { Update-VelaImageTag -Path '$work' -Image '$image' -Marker default:app -Policy Numerical -Pattern '$($policy.Pattern)' -Extract '`$ts' -Confirm -ErrorAction Stop; 'NOT ASKED' } catch { 'ASKED: ' + `$_.Exception.Message }"
        $r.Output | Should -Match 'ASKED: '
        $r.Output | Should -Not -Match 'NOT ASKED'
        Get-Content -LiteralPath $file -Raw | Should -BeExactly $before
    }

    It 'commits and pushes as kubevelabot; VelaImageUpdate survives pipelines' {
        $updates = @(Update-VelaImageTag -Path $work @policy -Push -GitCredential $git.Credential)
        $updates.Count | Should -Be 1
        $updates[0].Commit | Should -Match '^[0-9a-f]{40}$'
        Assert-OutputSurvives -Objects @($updates[0], $updates[0]) -Folder $dir
        (Get-ViewLines $updates 80)[0] | Should -Match '^FILE\s+LINE\s+OLD\s+NEW'
        @(Update-VelaImageTag -Path $work @policy -Push -GitCredential $git.Credential).Count | Should -Be 0   # nothing more to do: no commit
    }
}
