#Requires -Version 7.4
# Delivery strategies through the cmdlets, against the test Kubernetes API server (a process): a kruise-rollout canary
# starts on a new image, -WhatIf says what the next pass does, Get-VelaApplication -Context shows the release (step,
# weight, pods new and stable, what it waits for), Resume-VelaWorkflow approves a step and Stop-VelaWorkflow rolls it
# back. There is no ingress controller or kubelet: the test reads the canary Ingress and marks Deployments ready.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $kube = Start-TestKube
    $dir = New-TestFolder
    $ns = 'gv-pester-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $cluster = @{ Kubeconfig = $kube.Kubeconfig; Context = $kube.Context }
    function Write-ShopApp([string] $Image) {
        Write-TestApplication (Join-Path $dir 'shop.yaml') 'shop' $ns @"
    - name: web
      type: webservice
      properties:
        image: $Image
        ports:
          - port: 80
      traits:
        - type: scaler
          properties:
            replicas: 4
        - type: gateway
          properties:
            domain: shop.example.com
            http:
              "/": 80
        - type: kruise-rollout
          properties:
            canary:
              steps:
                - weight: 50
                - weight: 100
              trafficRoutings:
                - type: nginx

"@
    }
    function Invoke-Kubectl { & kubectl --kubeconfig $kube.Kubeconfig --context $kube.Context -n $ns @args }
    # The kubelet and the deployment controller: every replica of the Deployment ready.
    function Set-DeploymentReady([string] $Name) {
        $generation, $replicas = (Invoke-Kubectl get deployment $Name -o 'jsonpath={.metadata.generation} {.spec.replicas}') -split ' '
        $status = @{ status = @{ observedGeneration = [int]$generation; replicas = [int]$replicas; readyReplicas = [int]$replicas; updatedReplicas = [int]$replicas; availableReplicas = [int]$replicas } }
        $null = Invoke-Kubectl patch deployment $Name --subresource=status --type=merge -p ($status | ConvertTo-Json -Compress)
    }
    function Get-CanaryWeight { Invoke-Kubectl get ingress web-canary -o 'jsonpath={.metadata.annotations.nginx\.ingress\.kubernetes\.io/canary-weight}' 2>$null }

    $v1 = Write-ShopApp 'nginx:1.25'
    $null = Invoke-VelaWorkflow -Path $v1 @cluster
    Set-DeploymentReady 'web'
    $running = Invoke-VelaWorkflow -Path $v1 @cluster
}

AfterAll {
    Stop-TestKube $kube
    Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A kruise-rollout canary through the cmdlets' {
    It 'runs v1 without a release' {
        $running.Phase | Should -Be 'running'
        @($running.Releases).Count | Should -Be 0
    }

    It 'Invoke-VelaWorkflow -WhatIf on a new image says the release starts and which objects it creates, and delivers nothing' {
        $v2 = Write-ShopApp 'nginx:1.26'
        $out = Invoke-VelaWorkflow -Path $v2 @cluster -WhatIf -InformationVariable plan
        $out | Should -BeNullOrEmpty
        $lines = @($plan | ForEach-Object { "$_" })
        $lines | Should -Contain "What if: Create Deployment/$ns/web-canary"
        $lines | Should -Contain "What if: Create Ingress/$ns/web-canary"
        $lines | Should -Contain "What if: Unchanged Deployment/$ns/web"
        ($lines -match "^What if: Release component 'web': canary release of Deployment/web starts").Count | Should -Be 1
        Invoke-Kubectl get deployment web-canary 2>$null | Should -BeNullOrEmpty
    }

    It 'starts the release on the next pass: the stable Deployment keeps v1, the canary runs v2 beside it' {
        $run = Invoke-VelaWorkflow -Path (Join-Path $dir 'shop.yaml') @cluster
        $run.Phase | Should -Be 'runningWorkflow'
        $run.Releases[0].Phase | Should -Be 'Progressing'
        $run.Releases[0].NewReplicas | Should -Be 2
        Invoke-Kubectl get deployment web -o 'jsonpath={.spec.template.spec.containers[0].image}' | Should -Be 'nginx:1.25'
        Invoke-Kubectl get deployment web-canary -o 'jsonpath={.spec.template.spec.containers[0].image}' | Should -Be 'nginx:1.26'
        Get-CanaryWeight | Should -Be '0'
    }

    It 'holds at a step without duration; Get-VelaApplication -Context shows the step, weight, pods and what it waits for' {
        Set-DeploymentReady 'web-canary'
        $run = Invoke-VelaWorkflow -Path (Join-Path $dir 'shop.yaml') @cluster
        $run.Phase | Should -Be 'workflowSuspending'
        Get-CanaryWeight | Should -Be '50'

        $app = Get-VelaApplication @cluster -Namespace $ns -Name shop
        $app.Components[0].Message | Should -BeLike 'canary step 1/2 at 50%: waiting for Resume-VelaWorkflow'
        $release = $app.Releases | Select-Object -First 1
        $release.Strategy | Should -Be 'canary'
        $release.Step | Should -Be 1
        $release.Weight | Should -Be 50
        '{0}/{1}' -f $release.NewReady, $release.NewReplicas | Should -Be '2/2'
        '{0}/{1}' -f $release.StableReady, $release.StableReplicas | Should -Be '4/4'
        $release.WaitingFor | Should -Match 'Resume-VelaWorkflow'
        $table = ($app.Releases | Format-Table | Out-String -Width 200) -split "`n"
        ($table -match '^\s*APP\s+COMPONENT\s+STRATEGY\s+STEP\s+WEIGHT\s+NEW\s+STABLE\s+PHASE\s+STATUS').Count | Should -Be 1
        ($table -match '^shop\s+web\s+canary\s+1/2\s+50%\s+2/2\s+4/4\s+Paused\s+canary step 1/2').Count | Should -Be 1
        (Get-VelaApplication @cluster -Namespace $ns -Name shop -Detailed).Releases[0].Phase | Should -Be 'Paused'
    }

    It 'Resume-VelaWorkflow approves the step: the next pass moves the canary to the next step' {
        $null = Resume-VelaWorkflow -Name shop -Namespace $ns @cluster
        $run = Invoke-VelaWorkflow -Path (Join-Path $dir 'shop.yaml') @cluster
        $run.Releases[0].Step | Should -Be 2
        $run.Releases[0].NewReplicas | Should -Be 4
        Get-CanaryWeight | Should -Be '50'
    }

    It 'Stop-VelaWorkflow, then a pass, rolls the release back: all traffic on v1, the canary removed' {
        $null = Stop-VelaWorkflow -Name shop -Namespace $ns @cluster -Confirm:$false
        $run = Invoke-VelaWorkflow -Path (Join-Path $dir 'shop.yaml') @cluster -WarningVariable warned -WarningAction SilentlyContinue
        $run.Phase | Should -Be 'workflowTerminated'
        $run.Releases[0].Phase | Should -Be 'RolledBack'
        $run.Releases[0].Reason | Should -Match 'Stop-VelaWorkflow'
        "$warned" | Should -Match 'rolled back'
        Invoke-Kubectl get ingress web-canary --ignore-not-found | Should -BeNullOrEmpty
        Invoke-Kubectl get deployment web-canary --ignore-not-found | Should -BeNullOrEmpty
        Invoke-Kubectl get deployment web -o 'jsonpath={.spec.template.spec.containers[0].image}' | Should -Be 'nginx:1.25'
    }

    It 'examples/delivery-strategies/release.ps1 runs a pass and shows where the release stands' {
        $out = & (Join-Path $Examples 'delivery-strategies' 'release.ps1') -Path (Join-Path $dir 'shop.yaml') @cluster
        $out | Should -Contain "$ns/shop: workflowTerminated"
        ("$out" -split "`n" -match '^shop\s+web\s+canary\s+.*RolledBack').Count | Should -Be 1
    }
}

Describe 'The delivery-strategies examples' {
    It 'are valid KubeVela applications: canary, blue-green and canary-deploy' {
        $results = @(Test-VelaApplication -Path (Join-Path $Examples 'delivery-strategies'))
        $results.Count | Should -Be 3
        $results | ForEach-Object { $_.IsValid | Should -BeTrue -Because "$($_.Name): $($_.Problems -join '; ')" }
    }
}
