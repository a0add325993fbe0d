#Requires -Version 7.4
# Cmdlets against engine in one real pwsh process (issue 17): `Get-VelaApplication -Path | ConvertTo-VelaManifest | Out-Null`
# against the module's own engine called directly (ApplicationLoader.Load + ReleasePlanner.Check, the same assembly in the
# module's load context), both warmed up alike (tiered compilation settles after ~100 passes), in turns, CPU per pass.
#   dotnet build -c Release src/GitOpsVela.Commands && dotnet pwsh -NoProfile -File bench/Foundation/CmdletsInPwsh.ps1 [-Applications 1000]
# A Debug build of the module runs its engine unoptimized: build Release first (the script says which it loaded).
param([int] $Applications = 1000, [int] $WarmUp = 120, [int] $Rounds = 5, [int] $Passes = 10)
$ErrorActionPreference = 'Stop'
$repo = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
Import-Module (Join-Path $repo 'out' 'GitOpsVela' 'GitOpsVela.psd1')
$dir = Join-Path ([IO.Path]::GetTempPath()) ('gitopsvela-bench-pwsh-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
try {
    # The Foundation bench's own applications (3 components, traits, an image marker each).
    dotnet run -c Release --project (Join-Path $PSScriptRoot 'Foundation.Bench.csproj') -- --apps $Applications --write $dir | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "bench/Foundation could not write the applications (exit $LASTEXITCODE)" }
    $null = Get-VelaApplication -Path $dir
    $engine = [Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object Assemblies |
        Where-Object { $_.GetName().Name -eq 'GitOpsVela.Engine' } | Select-Object -First 1
    $debuggable = $engine.GetCustomAttributes([Diagnostics.DebuggableAttribute], $false) | Select-Object -First 1
    "engine: $($engine.Location) ($(if ($debuggable -and $debuggable.IsJITOptimizerDisabled) { 'Debug build: unoptimized, measure a Release build' } else { 'optimized' }))"
    Add-Type -TypeDefinition @'
using System.Collections;
using System.Reflection;
public static class GitOpsVelaEngineRun
{
    // The engine's own pipeline, as the Foundation bench runs it: load, then check (validate + render) each application.
    public static int Run(MethodInfo load, MethodInfo check, string dir)
    {
        var result = load.Invoke(null, new object[] { new[] { dir }, null });
        var objects = 0;
        foreach (var app in (IEnumerable)result.GetType().GetProperty("Applications").GetValue(result))
        {
            var plan = check.Invoke(null, new object[] { app, null, null });
            foreach (var list in ((IDictionary)plan.GetType().GetMethod("ManifestsByCluster").Invoke(plan, null)).Values)
                objects += ((ICollection)list).Count;
        }
        return objects;
    }
}
'@
    $load = $engine.GetType('GitOpsVela.Engine.Loading.ApplicationLoader').GetMethod('Load')
    $check = $engine.GetType('GitOpsVela.Engine.Planning.ReleasePlanner').GetMethod('Check')
    $paths = @{
        engine  = { $null = [GitOpsVelaEngineRun]::Run($load, $check, $dir) }
        cmdlets = { Get-VelaApplication -Path $dir | ConvertTo-VelaManifest | Out-Null }
    }
    $objects = [GitOpsVelaEngineRun]::Run($load, $check, $dir)
    $written = @(Get-VelaApplication -Path $dir | ConvertTo-VelaManifest).Count
    if ($objects -ne $written) { throw "the engine rendered $objects objects, the cmdlets wrote $written" }
    foreach ($i in 1..$WarmUp) { & $paths.engine; & $paths.cmdlets }
    $cpu = @{ engine = [Collections.Generic.List[double]]::new(); cmdlets = [Collections.Generic.List[double]]::new() }
    $process = [Diagnostics.Process]::GetCurrentProcess()
    foreach ($r in 1..$Rounds) {
        foreach ($name in 'engine', 'cmdlets') {
            $process.Refresh(); $before = $process.TotalProcessorTime
            foreach ($p in 1..$Passes) { & $paths[$name] }
            $process.Refresh(); $cpu[$name].Add(($process.TotalProcessorTime - $before).TotalSeconds / $Passes)
        }
    }
    $median = @{}
    foreach ($name in 'engine', 'cmdlets') { $median[$name] = ($cpu[$name] | Sort-Object)[[int][math]::Floor($Rounds / 2)] }
    "{0:N0} applications, {1:N0} objects; CPU per pass, median of {2} rounds of {3} passes after {4} warm-ups each" -f $Applications, $objects, $Rounds, $Passes, $WarmUp
    "engine:  {0,6:N0} applications per CPU-second" -f ($Applications / $median.engine)
    "cmdlets: {0,6:N0} applications per CPU-second" -f ($Applications / $median.cmdlets)
    "cmdlets / engine: {0:N2}x (target >= 0.8)" -f ($median.engine / $median.cmdlets)
}
finally {
    Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
}
