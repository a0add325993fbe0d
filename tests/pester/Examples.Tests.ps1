#Requires -Version 7.4
# examples/scheduling works where it claims to: the Azure DevOps pipeline's script steps, run as the agent runs them
# (TF_BUILD, a detached checkout, env: mappings, the module installed with Install-PSResource from a feed) against the
# real git server, a real registry and the test API server; reconcile.ps1's exit codes and loop logging; the runbook's
# clean-up; CI annotations for Azure DevOps and GitHub Actions.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $token = 'pester-token-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $git = Start-GitServer -User git -Password $token
    $registry = Start-Registry
    $kube = Start-TestKube
    Publish-TestImage $registry 'team/app' '1.0.0', '1.1.0', '0.9.0'
    $dir = New-TestFolder

    # The config repository the pipeline lives in: root application, app, and reconcile.ps1 at the path the YAML names.
    $seed = Join-Path $dir 'seed'
    New-Item -ItemType Directory (Join-Path $seed 'clusters'), (Join-Path $seed 'apps'), (Join-Path $seed 'examples' 'scheduling') | Out-Null
    Copy-Item (Join-Path $Examples 'scheduling' 'reconcile.ps1') (Join-Path $seed 'examples' 'scheduling')
    Copy-Item (Join-Path $Examples 'scheduling' 'azure-pipelines.yml') $seed
    $configUrl = "http://127.0.0.1:$($git.Port)/git/config.git"
    @"
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: apps
spec:
  components:
    - name: apps
      type: kustomize
      properties:
        repoType: git
        url: $configUrl
        pullInterval: 1m
        git:
          branch: main
        path: ./apps
        imageRepository:
          image: $($registry.Host)/team/app
          policy:
            semver:
              range: '>=1.0.0'
          commitMessage: "Update image automatically."
"@ | Set-Content (Join-Path $seed 'clusters' 'apps.yaml')
    @"
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: web
spec:
  components:
    - name: web-config
      type: k8s-objects
      properties:
        objects:
          - apiVersion: v1
            kind: ConfigMap
            metadata:
              name: web-image
            data:
              image: $($registry.Host)/team/app:1.0.0 # {"`$imagepolicy": "default:apps"}
"@ | Set-Content (Join-Path $seed 'apps' 'web.yaml')
    $null = New-GitRepository $git 'config' $seed

    # What the pipeline's steps are: the pwsh blocks of the YAML, with their env: and condition.
    function Get-PipelineSteps([string] $Yaml) {
        $steps = @(); $current = $null; $block = $null
        foreach ($line in (Get-Content -LiteralPath $Yaml)) {
            if ($line -match '^  - (\w+):(.*)$') {
                if ($current) { $steps += $current }
                $current = @{ Kind = $Matches[1]; Script = ''; Env = [ordered]@{}; DisplayName = ''; Condition = '' }
                $block = if ($Matches[1] -eq 'pwsh' -and $Matches[2].Trim() -eq '|') { 'script' } else { $null }
                continue
            }
            if (-not $current) { continue }
            if ($block -eq 'script' -and ($line -match '^      ' -or $line.Trim() -eq '')) { $current.Script += $line.TrimStart().PadLeft(0) + "`n"; continue }
            if ($line -match '^    env:\s*$') { $block = 'env'; continue }
            if ($block -eq 'env' -and $line -match '^      (\w+):\s*(.+)$') { $current.Env[$Matches[1]] = $Matches[2].Trim(); continue }
            if ($line -match '^    displayName:\s*(.+)$') { $current.DisplayName = $Matches[1].Trim(); $block = $null; continue }
            if ($line -match '^    condition:\s*(.+)$') { $current.Condition = $Matches[1].Trim(); $block = $null; continue }
            if ($line -match '^    \w') { $block = $null }
        }
        if ($current) { $steps += $current }
        $steps
    }

    # The agent: a detached checkout of the commit, TF_BUILD and Build.* variables, each step's env: with its macros.
    $agentHome = New-TestFolder 'gitopsvela-agent-'
    foreach ($folder in '.local/share', '.config', '.cache') { New-Item -ItemType Directory (Join-Path $agentHome $folder) -Force | Out-Null }
    $feed = Join-Path $agentHome 'feed'
    New-Item -ItemType Directory $feed | Out-Null
    $checkout = Join-Path $dir 'checkout'
    Invoke-Git clone --quiet (Get-GitAuthUrl $git 'config') $checkout | Out-Null
    Invoke-Git -C $checkout remote set-url origin $configUrl | Out-Null   # as the agent leaves it: no credentials in the URL
    Invoke-Git -C $checkout checkout --quiet --detach HEAD | Out-Null
    $macros = @{ '$(ModuleRepository)' = 'GitOpsVelaFeed'; '$(kubeconfig.secureFilePath)' = $kube.Kubeconfig; '$(GitToken)' = $token }
    $agentEnvironment = @{
        HOME = $agentHome; XDG_DATA_HOME = ''; XDG_CONFIG_HOME = (Join-Path $agentHome '.config'); XDG_CACHE_HOME = (Join-Path $agentHome '.cache'); PSModulePath = ''
        TF_BUILD = 'True'; BUILD_REASON = 'Schedule'; BUILD_SOURCEBRANCH = 'refs/heads/main'; BUILD_SOURCEBRANCHNAME = 'main'
        BUILD_SOURCESDIRECTORY = $checkout; BUILD_SOURCEVERSIONMESSAGE = 'initial'; GITOPSVELA_CACHE = (Join-Path $agentHome 'cache')
    }
    function Invoke-PipelineStep($Step, [hashtable] $Extra = @{}) {
        $environment = $agentEnvironment.Clone()
        foreach ($k in $Step.Env.Keys) {
            $value = $Step.Env[$k]
            foreach ($m in $macros.Keys) { $value = $value.Replace($m, $macros[$m]) }
            $environment[$k] = $value
        }
        foreach ($k in $Extra.Keys) { $environment[$k] = $Extra[$k] }
        Invoke-ChildPwsh -Command $Step.Script -Environment $environment -WorkingDirectory $checkout
    }
    $steps = Get-PipelineSteps (Join-Path $Examples 'scheduling' 'azure-pipelines.yml')
    # The feed the install step names (Azure Artifacts in real life): the module as the build publishes it.
    $null = Invoke-ChildPwsh -Environment $agentEnvironment -Command "Register-PSResourceRepository -Name GitOpsVelaFeed -Uri '$feed' -Trusted; Publish-PSResource -Path '$ModuleFolder' -Repository GitOpsVelaFeed"
}

AfterAll {
    Stop-TestKube $kube
    Stop-Registry $registry
    Stop-GitServer $git
    foreach ($folder in $dir, $agentHome) { if ($folder) { Remove-Item -LiteralPath $folder -Recurse -Force -ErrorAction SilentlyContinue } }
}

Describe 'The Azure DevOps pipeline (examples/scheduling/azure-pipelines.yml)' {
    It 'passes secrets to scripts only through env:, never as $(...) inside a script' {
        $pwshSteps = @($steps | Where-Object Kind -eq 'pwsh')
        $pwshSteps.Count | Should -Be 3
        foreach ($step in $pwshSteps) { $step.Script | Should -Not -Match '\$\(' -Because "step '$($step.DisplayName)' gets secrets through env:" }
        @($pwshSteps | Where-Object { $_.Env.Values -contains '$(GitToken)' }).Count | Should -Be 2
    }

    It 'installs the module with Install-PSResource from the feed it names' {
        $step = $steps | Where-Object DisplayName -eq 'Install GitOpsVela'
        $step.Script | Should -Match 'Install-PSResource'
        $step.Script | Should -Not -Match 'Install-Module'
        $r = Invoke-PipelineStep $step
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        (Invoke-ChildPwsh -Environment $agentEnvironment -Command '(Get-Module GitOpsVela -ListAvailable).ModuleBase').Output | Should -Match ([regex]::Escape($agentHome))
    }

    It 'reconciles from the detached checkout: the root application syncs the config repo and delivers web' {
        $r = Invoke-PipelineStep ($steps | Where-Object { $_.Kind -eq 'pwsh' -and $_.DisplayName -ceq 'Reconcile' })
        $r.Output | Should -Match 'pass 1 started'
        $r.Output | Should -Match '\bweb\s+apps\b'
        $r.Output | Should -Not -Match 'task\.complete result=Failed'
        $r.ExitCode | Should -Be 0
        "$($r.Output)$($r.Error)" | Should -Not -Match ([regex]::Escape($token))
    }

    It 'moves the image tag and pushes the bot''s commit to Build.SourceBranch from the detached checkout' {
        $step = $steps | Where-Object DisplayName -eq 'Move image tags'
        $r = Invoke-PipelineStep $step
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        "$($r.Output)" | Should -Not -Match ([regex]::Escape($token))
        $check = Join-Path $dir 'check'
        Invoke-Git clone --quiet (Get-GitAuthUrl $git 'config') $check | Out-Null
        (Invoke-Git -C $check log -1 '--format=%an|%s') | Should -Match '^kubevelabot\|Update image automatically\.'
        Get-Content (Join-Path $check 'apps' 'web.yaml') -Raw | Should -Match ([regex]::Escape("$($registry.Host)/team/app:1.1.0 # {`"`$imagepolicy`": `"default:apps`"}"))
    }

    It 'keeps the bot''s commits from running the image update again (condition on Build.SourceVersionMessage)' {
        $step = $steps | Where-Object DisplayName -eq 'Move image tags'
        $step.Condition | Should -Match ([regex]::Escape("not(startsWith(variables['Build.SourceVersionMessage'], 'Update image automatically'))"))
        $step.Condition | Should -Match ([regex]::Escape("eq(variables['Build.Reason'], 'Schedule')"))
    }

    It 'a failed reconcile logs ##vso[task.logissue] errors, marks the run failed and exits 1' {
        $broken = Join-Path $dir 'broken.kubeconfig'
        "apiVersion: v1`nkind: Config`nclusters: [{name: x, cluster: {server: 'http://127.0.0.1:$(Get-FreePort)'}}]`nusers: [{name: x, user: {token: not-a-secret}}]`ncontexts: [{name: x, context: {cluster: x, user: x}}]`ncurrent-context: x" | Set-Content $broken
        $r = Invoke-PipelineStep ($steps | Where-Object { $_.Kind -eq 'pwsh' -and $_.DisplayName -ceq 'Reconcile' }) @{ KUBECONFIG = $broken }
        $r.ExitCode | Should -Be 1
        $r.Output | Should -Match '##vso\[task\.logissue type=error\].*cannot reach the Kubernetes API server'
        $r.Output | Should -Match '##vso\[task\.complete result=Failed;\]'
    }
}

Describe 'reconcile.ps1' {
    BeforeAll {
        $script = Join-Path $Examples 'scheduling' 'reconcile.ps1'
        $apps = New-TestFolder
        $ns = 'gv-loop-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
        $null = Write-TestApplication (Join-Path $apps 'ok.yaml') 'ok' $ns
    }

    It 'with -LoopSeconds logs each pass' {
        $r = Invoke-ChildPwsh -Command "Import-Module '$Manifest'; & '$script' -Path '$apps' -Kubeconfig '$($kube.Kubeconfig)' -Context testkube -LoopSeconds 1 -MaxPasses 2; exit `$LASTEXITCODE"
        $r.ExitCode | Should -Be 0
        $r.Output | Should -Match 'pass 1 started'
        $r.Output | Should -Match 'pass 1 finished in [0-9.]+s: 1 applications, 0 errors, 0 failed workflows'
        $r.Output | Should -Match 'pass 2 finished'
    }

    It 'exits 1 when a workflow fails' {
        $bad = New-TestFolder
        $null = Write-TestApplication (Join-Path $bad 'fails.yaml') 'fails' $ns @"
    - name: c
      type: k8s-objects
      properties:
        objects:
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: fails-config}
  workflow:
    steps:
      - name: apply-missing
        type: apply-component
        properties: {component: not-there}

"@
        $r = Invoke-ChildPwsh -Command "Import-Module '$Manifest'; & '$script' -Path '$bad' -Kubeconfig '$($kube.Kubeconfig)' -Context testkube; exit `$LASTEXITCODE"
        $r.ExitCode | Should -Be 1
    }
}

Describe 'The Azure Automation runbook' {
    It 'removes the kubeconfig it writes, also when the run fails' {
        $runbook = Join-Path $Examples 'scheduling' 'azure-automation-runbook.ps1'
        $temp = New-TestFolder
        # Stand-ins for the Automation account's assets; the Sync fails (no such server), the clean-up must still run.
        $r = Invoke-ChildPwsh -Environment @{ TMPDIR = "$temp/" } -Command @"
Import-Module '$Manifest'
function Get-AutomationVariable([string] `$Name) { 'apiVersion: v1' }
function Get-AutomationPSCredential([string] `$Name) { [pscredential]::new('git', (ConvertTo-SecureString 'x' -AsPlainText -Force)) }
try { & '$runbook' } catch { "failed: `$_" }
"@
        $r.Output + $r.Error | Should -Match 'git\.example\.com|failed'
        @(Get-ChildItem -LiteralPath $temp -Filter 'gitopsvela-kubeconfig-*').Count | Should -Be 0
        Remove-Item -LiteralPath $temp -Recurse -Force
    }
}

Describe 'CI annotations' {
    BeforeAll {
        $bad = Join-Path (New-TestFolder) 'bad.yaml'
        Set-Content -LiteralPath $bad -Value "apiVersion: core.oam.dev/v1beta1`nkind: Application`nmetadata:`n  name: bad`nspec:`n  components:`n    - name: c`n      type: no-such-type"
    }

    It 'under Azure DevOps (TF_BUILD) errors carry sourcepath, linenumber and columnnumber' {
        $r = Invoke-ChildPwsh -Environment @{ TF_BUILD = 'True' } -Command "Import-Module '$Manifest'; `$null = Test-VelaApplication -Path '$bad' 2>`$null"
        $r.Output | Should -Match ('##vso\[task\.logissue type=error;sourcepath=' + [regex]::Escape($bad) + ';linenumber=8;columnnumber=\d+\].*no-such-type')
    }

    It 'under GitHub Actions errors are ::error annotations with file and line' {
        $r = Invoke-ChildPwsh -Environment @{ GITHUB_ACTIONS = 'true'; TF_BUILD = '' } -Command "Import-Module '$Manifest'; `$null = Test-VelaApplication -Path '$bad' 2>`$null"
        $r.Output | Should -Match ('::error file=' + [regex]::Escape($bad) + ',line=8,col=\d+::.*no-such-type')
    }

    It 'elsewhere nothing is added' {
        $r = Invoke-ChildPwsh -Environment @{ GITHUB_ACTIONS = ''; TF_BUILD = '' } -Command "Import-Module '$Manifest'; `$null = Test-VelaApplication -Path '$bad' 2>`$null"
        $r.Output | Should -Not -Match '##vso|::error'
    }
}
