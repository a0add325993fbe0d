# Shared by the Pester files (dot-sourced in BeforeAll): where things are, and the real parts the cluster, git and
# registry tests start on 127.0.0.1 — the test Kubernetes API server (tests/GitOpsVela.TestKube.Host, built by the
# solution), Debian's apache2 + git-http-backend, and Debian's docker-registry. Each part is stopped by its test file.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
$script:Configuration = if ($env:GITOPSVELA_CONFIGURATION) { $env:GITOPSVELA_CONFIGURATION } else { 'Debug' }
$script:ModuleFolder = Join-Path $RepoRoot 'out' 'GitOpsVela'
$script:Manifest = Join-Path $ModuleFolder 'GitOpsVela.psd1'
$script:Examples = Join-Path $RepoRoot 'examples'
$script:GitOpsRepo = Join-Path $Examples 'gitops-repo'
$script:Cmdlets = @(
    'Get-VelaApplication', 'Test-VelaApplication', 'ConvertTo-VelaManifest', 'Invoke-VelaWorkflow', 'Resume-VelaWorkflow',
    'Stop-VelaWorkflow', 'Restart-VelaWorkflow', 'Remove-VelaApplication', 'Compare-VelaApplication', 'Sync-VelaRepository',
    'Get-VelaImageTag', 'Update-VelaImageTag', 'Invoke-VelaReconcile')
# Every cmdlet that changes a cluster, a repository or a file.
$script:MutatingCmdlets = @(
    'Invoke-VelaWorkflow', 'Resume-VelaWorkflow', 'Stop-VelaWorkflow', 'Restart-VelaWorkflow', 'Remove-VelaApplication',
    'Update-VelaImageTag', 'Invoke-VelaReconcile')

if (-not (Test-Path $Manifest)) { throw "build the module first (dotnet build GitOpsVela.sln): $Manifest not found" }
Import-Module $Manifest -Force -ErrorAction Stop

function New-TestFolder([string] $Prefix = 'gitopsvela-pester-') {
    $dir = Join-Path ([IO.Path]::GetTempPath()) ($Prefix + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $dir -Force | Out-Null
    (Resolve-Path $dir).Path
}

function Write-TestApplication([string] $Path, [string] $Name, [string] $Namespace = 'default', [string] $Components) {
    if (-not $Components) { $Components = "    - name: $Name-config`n      type: k8s-objects`n      properties:`n        objects:`n          - apiVersion: v1`n            kind: ConfigMap`n            metadata:`n              name: $Name-config`n            data:`n              color: blue`n" }
    $text = "apiVersion: core.oam.dev/v1beta1`nkind: Application`nmetadata:`n  name: $Name`n  namespace: $Namespace`nspec:`n  components:`n$Components"
    Set-Content -LiteralPath $Path -Value $text -NoNewline
    $Path
}

# A child pwsh (the same pwsh 7.6.9 as this one) for what must happen in a fresh session.
function Invoke-ChildPwsh {
    param([Parameter(Mandatory)] [string] $Command, [hashtable] $Environment = @{}, [string] $WorkingDirectory = $RepoRoot)
    $start = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
    if ([IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Command) { $start.ArgumentList.Add($a) }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.UseShellExecute = $false
    $start.WorkingDirectory = $WorkingDirectory
    $start.Environment['NO_COLOR'] = '1'
    foreach ($k in $Environment.Keys) { $start.Environment[$k] = $Environment[$k] }
    $p = [System.Diagnostics.Process]::Start($start)
    $stderr = $p.StandardError.ReadToEndAsync()
    $stdout = $p.StandardOutput.ReadToEnd()
    $p.WaitForExit()
    [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout; Error = $stderr.Result }
}

# --- the test Kubernetes API server (a process; its kubeconfig has one context, 'testkube') ---
function Start-TestKube {
    $dll = Join-Path $RepoRoot 'tests' 'GitOpsVela.TestKube.Host' 'bin' $Configuration 'net10.0' 'GitOpsVela.TestKube.Host.dll'
    if (-not (Test-Path $dll)) { throw "the test API server host is not built: $dll (dotnet build GitOpsVela.sln)" }
    $dir = New-TestFolder 'gitopsvela-kube-'
    $kubeconfig = Join-Path $dir 'config'
    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in $dll, $kubeconfig, 'testkube') { $start.ArgumentList.Add($a) }
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLine()
    if ($line -notlike 'READY *') { throw "the test API server did not start: $line" }
    [pscustomobject]@{ Process = $process; Folder = $dir; Kubeconfig = $kubeconfig; Context = 'testkube'; Url = $line.Substring(6) }
}

function Stop-TestKube($Kube) {
    if (-not $Kube) { return }
    $Kube.Process.StandardInput.Close()
    if (-not $Kube.Process.WaitForExit(10000)) { $Kube.Process.Kill($true) }
    Remove-Item -LiteralPath $Kube.Folder -Recurse -Force -ErrorAction SilentlyContinue
}

function Get-FreePort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Assert-DebianPackages([hashtable] $Programs) {
    $missing = foreach ($program in $Programs.Keys) {
        $found = if ([IO.Path]::IsPathRooted($program)) { Test-Path $program } else { [bool](Get-Command $program -CommandType Application -ErrorAction SilentlyContinue) }
        if (-not $found) { $Programs[$program] }
    }
    if ($missing) { throw "missing Debian package(s): apt-get install -y $(@($missing | Sort-Object -Unique) -join ' ') (.ci/run does)" }
}

function Wait-Http([string] $Url, [System.Diagnostics.Process] $Process) {
    $deadline = [DateTime]::UtcNow.AddSeconds(30)
    while ($true) {
        if ($Process.HasExited) { throw "$($Process.StartInfo.FileName) exited ($($Process.ExitCode)) before serving $Url" }
        try { $null = Invoke-WebRequest -Uri $Url -SkipHttpErrorCheck -TimeoutSec 2; return }
        catch { if ([DateTime]::UtcNow -gt $deadline) { throw } }
    }
}

# --- a real git server: apache2 + git-http-backend with Basic auth ---
function Start-GitServer([string] $User = 'kubevela', [string] $Password = 'pester-pass') {
    Assert-DebianPackages @{ '/usr/sbin/apache2' = 'apache2'; 'htpasswd' = 'apache2-utils'; 'git' = 'git'; '/usr/lib/git-core/git-http-backend' = 'git' }
    $dir = New-TestFolder 'gitopsvela-git-'
    New-Item -ItemType Directory (Join-Path $dir 'repos') | Out-Null
    if (-not $IsWindows) { chmod 755 $dir; chmod 777 (Join-Path $dir 'repos') }
    $port = Get-FreePort
    $null = htpasswd -cbB (Join-Path $dir 'htpasswd') $User $Password 2>&1
    $modules = '/usr/lib/apache2/modules'
    $runAs = if ((id -u) -eq "0") { "User www-data`nGroup www-data" } else { "" }
    @"
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/httpd.pid"
ErrorLog "$dir/error.log"
LogLevel warn
LoadModule mpm_prefork_module $modules/mod_mpm_prefork.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule authn_core_module $modules/mod_authn_core.so
LoadModule authn_file_module $modules/mod_authn_file.so
LoadModule auth_basic_module $modules/mod_auth_basic.so
LoadModule authz_user_module $modules/mod_authz_user.so
LoadModule alias_module $modules/mod_alias.so
LoadModule cgi_module $modules/mod_cgi.so
LoadModule env_module $modules/mod_env.so
$runAs
StartServers 2
MinSpareServers 1
MaxSpareServers 4
MaxRequestWorkers 16
SetEnv GIT_PROJECT_ROOT "$dir/repos"
SetEnv GIT_HTTP_EXPORT_ALL 1
SetEnv GIT_CONFIG_COUNT 2
SetEnv GIT_CONFIG_KEY_0 safe.directory
SetEnv GIT_CONFIG_VALUE_0 *
SetEnv GIT_CONFIG_KEY_1 http.receivepack
SetEnv GIT_CONFIG_VALUE_1 true
ScriptAlias /git/ /usr/lib/git-core/git-http-backend/
<Location /git/>
  AuthType Basic
  AuthName "git"
  AuthUserFile "$dir/htpasswd"
  Require valid-user
</Location>
"@ | Set-Content -LiteralPath (Join-Path $dir 'httpd.conf')
    # setsid: a prefork apache signals its whole process group when it stops.
    $start = [System.Diagnostics.ProcessStartInfo]::new('setsid')
    foreach ($a in '/usr/sbin/apache2', '-f', (Join-Path $dir 'httpd.conf'), '-DFOREGROUND') { $start.ArgumentList.Add($a) }
    $start.UseShellExecute = $false
    $start.RedirectStandardError = $true
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    Wait-Http "http://127.0.0.1:$port/git/" $process
    [pscustomobject]@{ Process = $process; Folder = $dir; Port = $port; User = $User; Password = $Password
        Credential = [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force)) }
}

function Stop-GitServer($Server) {
    if (-not $Server) { return }
    if (-not $Server.Process.HasExited) { $Server.Process.Kill($true); $Server.Process.WaitForExit() }
    Remove-Item -LiteralPath $Server.Folder -Recurse -Force -ErrorAction SilentlyContinue
}

function Invoke-Git {
    $out = & git -c user.name=test -c user.email=test@example.com -c commit.gpgsign=false @args 2>&1
    if ($LASTEXITCODE -ne 0) { throw "git $($args -join ' ') failed: $out" }
    $out
}

# Creates a bare repository on the server and pushes the files of -From (a folder) to main; returns its clone URL.
function New-GitRepository($Server, [string] $Name, [string] $From) {
    $bare = Join-Path $Server.Folder 'repos' "$Name.git"
    Invoke-Git init --quiet --bare --initial-branch=main $bare | Out-Null
    chmod -R a+rwX $bare
    $work = New-TestFolder 'gitopsvela-seed-'
    Copy-Item -Path (Join-Path $From '*') -Destination $work -Recurse
    Invoke-Git -C $work init --quiet --initial-branch=main | Out-Null
    Invoke-Git -C $work add -A | Out-Null
    Invoke-Git -C $work commit --quiet -m initial | Out-Null
    Invoke-Git -C $work push --quiet (Get-GitAuthUrl $Server $Name) main | Out-Null
    Remove-Item -LiteralPath $work -Recurse -Force
    "http://127.0.0.1:$($Server.Port)/git/$Name.git"
}

function Get-GitAuthUrl($Server, [string] $Name) { "http://$($Server.User):$($Server.Password)@127.0.0.1:$($Server.Port)/git/$Name.git" }

# --- a real OCI registry: Debian's docker-registry ---
function Start-Registry {
    Assert-DebianPackages @{ 'docker-registry' = 'docker-registry' }
    $dir = New-TestFolder 'gitopsvela-registry-'
    $port = Get-FreePort
    @"
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: 127.0.0.1:$port
"@ | Set-Content -LiteralPath (Join-Path $dir 'config.yml')
    $start = [System.Diagnostics.ProcessStartInfo]::new('docker-registry')
    foreach ($a in 'serve', (Join-Path $dir 'config.yml')) { $start.ArgumentList.Add($a) }
    $start.UseShellExecute = $false
    $start.RedirectStandardError = $true
    $start.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($start)
    $null = $process.StandardError.ReadToEndAsync(); $null = $process.StandardOutput.ReadToEndAsync()
    Wait-Http "http://127.0.0.1:$port/v2/" $process
    [pscustomobject]@{ Process = $process; Folder = $dir; Host = "127.0.0.1:$port" }
}

function Stop-Registry($Registry) {
    if (-not $Registry) { return }
    if (-not $Registry.Process.HasExited) { $Registry.Process.Kill($true); $Registry.Process.WaitForExit() }
    Remove-Item -LiteralPath $Registry.Folder -Recurse -Force -ErrorAction SilentlyContinue
}

# Pushes a tiny OCI image under each tag over the distribution API.
function Publish-TestImage($Registry, [string] $Repository, [string[]] $Tags) {
    $api = "http://$($Registry.Host)/v2/$Repository"
    function Send-Blob([byte[]] $Data) {
        $digest = 'sha256:' + [Convert]::ToHexString([System.Security.Cryptography.SHA256]::HashData($Data)).ToLowerInvariant()
        $start = Invoke-WebRequest -Method Post -Uri "$api/blobs/uploads/"
        $location = [string]$start.Headers.Location
        if ($location -notmatch '^https?://') { $location = "http://$($Registry.Host)$location" }
        $location += $(if ($location.Contains('?')) { '&' } else { '?' }) + 'digest=' + [uri]::EscapeDataString($digest)
        $null = Invoke-WebRequest -Method Put -Uri $location -Body $Data -ContentType 'application/octet-stream'
        @{ digest = $digest; size = $Data.Length }
    }
    $config = Send-Blob ([Text.Encoding]::UTF8.GetBytes('{"architecture":"amd64","os":"linux"}'))
    $layer = Send-Blob ([Text.Encoding]::UTF8.GetBytes("layer of $Repository"))
    foreach ($tag in $Tags) {
        $manifest = @{ schemaVersion = 2; mediaType = 'application/vnd.oci.image.manifest.v1+json'
            config = @{ mediaType = 'application/vnd.oci.image.config.v1+json'; digest = $config.digest; size = $config.size }
            layers = @(@{ mediaType = 'application/vnd.oci.image.layer.v1.tar+gzip'; digest = $layer.digest; size = $layer.size })
            annotations = @{ tag = $tag } } | ConvertTo-Json -Depth 5
        $null = Invoke-WebRequest -Method Put -Uri "$api/manifests/$tag" -Body $manifest -ContentType 'application/vnd.oci.image.manifest.v1+json'
    }
}

# Every output type must survive the pipelines people put it through.
function Assert-OutputSurvives {
    param([Parameter(Mandatory)] [object[]] $Objects, [Parameter(Mandatory)] [string] $Folder)
    $type = $Objects[0].GetType()
    $json = $Objects | ConvertTo-Json -Depth 5 -WarningAction SilentlyContinue   # deep manifests are cut at depth 5, as asked
    $back = @($json | ConvertFrom-Json)
    $back.Count | Should -Be $Objects.Count -Because "$($type.Name) converts to JSON and back"
    $names = @($type.GetProperties() | Where-Object { $_.GetMethod.IsPublic } | ForEach-Object Name)
    foreach ($name in $names) { $back[0].PSObject.Properties.Name | Should -Contain $name -Because "$($type.Name).$name is in the JSON" }
    $csv = Join-Path $Folder "$($type.Name)-$([guid]::NewGuid().ToString('N')).csv"
    $Objects | Export-Csv -LiteralPath $csv -NoTypeInformation
    $rows = @(Import-Csv -LiteralPath $csv)
    $rows.Count | Should -Be $Objects.Count -Because "$($type.Name) exports to CSV"
    foreach ($name in $names) { $rows[0].PSObject.Properties.Name | Should -Contain $name }
    $selected = @($Objects | Select-Object -Property $names[0], $names[-1])
    $selected.Count | Should -Be $Objects.Count
    $sorted = @($Objects | Sort-Object -Property $names[0] -Descending)
    $sorted.Count | Should -Be $Objects.Count
    ($Objects | Format-List * | Out-String) | Should -Match ([regex]::Escape($names[0]))
}

# The lines of an object's default view at a width, and the labels of its header.
function Get-ViewLines($Objects, [int] $Width) {
    @(($Objects | Out-String -Width $Width) -split "`r?`n" | Where-Object { $_.Trim() })
}
