#Requires -Version 7.4
# Nothing secret is stored or printed. Secret strings are planted where users keep them — a Secret read by read-object and
# passed to a webhook, notification URLs from secretRef and fromSecret (one on a host that does not resolve), the
# kubeconfig's token — and every stream, every output object, $Error and the in-cluster records are searched for them.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support.ps1')
    $kube = Start-TestKube
    $dir = New-TestFolder
    $ns = 'gv-secret-' + [guid]::NewGuid().ToString('N').Substring(0, 6)
    $cluster = @{ Kubeconfig = $kube.Kubeconfig; Context = $kube.Context }
    $port = Get-FreePort
    $received = Join-Path $dir 'received.txt'
    $listener = Start-ThreadJob -ArgumentList $port, $received {
        param($Port, $Received)
        $http = [System.Net.HttpListener]::new()
        $http.Prefixes.Add("http://127.0.0.1:$Port/")
        $http.Start()
        while ($true) {
            $ctx = $http.GetContext()
            $path = $ctx.Request.Url.AbsolutePath
            $body = [System.IO.StreamReader]::new($ctx.Request.InputStream).ReadToEnd()
            $ctx.Response.StatusCode = 200
            $ctx.Response.Close()
            if ($path -eq '/stop') { break }
            Add-Content -LiteralPath $Received -Value "$path $body"
        }
        $http.Stop()
    }
    $dbPassword = 'planted-db-password-7f3a'
    $hookToken = 'planted-hook-token-91c2'
    $badHost = 'planted-host-5d8e.invalid'
    $kubeconfigToken = (Get-Content $kube.Kubeconfig | Where-Object { $_ -match '^\s*token:\s*(\S+)' } | ForEach-Object { $Matches[1] } | Select-Object -First 1)

    $setup = Join-Path $dir 'setup.yaml'
    Set-Content -LiteralPath $setup -Value @"
apiVersion: v1
kind: Namespace
metadata: {name: $ns}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: $ns}
stringData: {password: $dbPassword}
---
apiVersion: v1
kind: Secret
metadata: {name: hooks, namespace: $ns}
stringData:
  good: http://127.0.0.1:$port/hooks/$hookToken
  bad: http://$badHost/hooks/$hookToken
"@
    & kubectl --kubeconfig $kube.Kubeconfig --context $kube.Context apply --server-side --validate=false -f $setup | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'kubectl could not create the Secrets' }

    $app = Join-Path $dir 'app.yaml'
    Set-Content -LiteralPath $app -Value @"
apiVersion: core.oam.dev/v1beta1
kind: Application
metadata: {name: secrets, namespace: $ns}
spec:
  components:
    - name: settings
      type: k8s-objects
      properties:
        objects:
          - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {mode: "on"}}
  workflow:
    steps:
      - {name: deploy, type: apply-component, properties: {component: settings}}
      - name: read
        type: read-object
        properties: {apiVersion: v1, kind: Secret, name: db}
        outputs: [{name: password, valueFrom: output.value.data.password}]
      - name: hook
        type: webhook
        inputs: [{from: password, parameterKey: data.password}]
        properties: {url: {secretRef: {name: hooks, key: good}}, data: {app: secrets}}
      - name: tell
        type: notification
        properties: {slack: {url: {secretRef: {name: hooks, key: good}}, message: {text: "password was sent"}}}
      - name: broken
        type: notification
        properties: {slack: {url: {fromSecret: {name: hooks, key: bad}}, message: {text: never}}}
"@
}

AfterAll {
    if ($listener) {
        try { $null = Invoke-WebRequest -Uri "http://127.0.0.1:$port/stop" -TimeoutSec 5 } catch { }
        $null = Wait-Job $listener -Timeout 10
        Remove-Job $listener -Force -ErrorAction SilentlyContinue
    }
    Stop-TestKube $kube
}

Describe 'Planted secrets' {
    It 'appear in no stream, output object, error or record' {
        $Error.Clear()
        $everything = & {
            $runs = Invoke-VelaWorkflow -Path $app @cluster -Verbose -Debug -InformationAction Continue
            $runs | ConvertTo-Json -Depth 12
            $runs | Format-List * | Out-String -Width 300
            Get-VelaApplication @cluster -Namespace $ns -Detailed | ConvertTo-Json -Depth 12
            Get-VelaApplication @cluster -Namespace $ns | Format-Table * | Out-String -Width 300
            Invoke-VelaWorkflow -Path $app @cluster -Verbose
            Compare-VelaApplication -Path $app @cluster | ConvertTo-Json -Depth 8
        } *>&1 | Out-String -Width 400
        $errors = $Error | ForEach-Object { ($_ | Format-List * -Force | Out-String -Width 400) + $_.Exception.ToString() }

        $records = & kubectl --kubeconfig $kube.Kubeconfig --context $kube.Context -n $ns get configmaps -l gitopsvela.io/record=true -o json | ConvertFrom-Json
        $recordText = foreach ($item in $records.items) {
            $item | ConvertTo-Json -Depth 8
            foreach ($value in $item.binaryData.PSObject.Properties.Value) {
                $gzip = [System.IO.Compression.GZipStream]::new([System.IO.MemoryStream]::new([Convert]::FromBase64String($value)), [System.IO.Compression.CompressionMode]::Decompress)
                [System.IO.StreamReader]::new($gzip).ReadToEnd()
            }
        }
        $text = ($everything, $errors, $recordText) -join "`n"

        # It ran: the webhook got the password as the Secret holds it (base64 data, what the user asked for), the
        # notification went out, the record exists.
        $got = Get-Content -LiteralPath $received -Raw
        $got | Should -Match ([regex]::Escape([Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($dbPassword))))
        $got | Should -Match 'password was sent'
        ($recordText -join "`n") | Should -Match '"read"'
        $text | Should -Match 'broken'

        $planted = @($dbPassword, [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($dbPassword)), $hookToken, $badHost, $kubeconfigToken) | Where-Object { $_ }
        foreach ($secret in $planted) {
            $at = $text.IndexOf($secret, [StringComparison]::Ordinal)
            $excerpt = if ($at -ge 0) { $text.Substring([Math]::Max(0, $at - 200), [Math]::Min(400, $text.Length - [Math]::Max(0, $at - 200))) } else { '' }
            $at | Should -Be -1 -Because "'$secret' must not appear (found near: $excerpt)"
        }
    }
}
