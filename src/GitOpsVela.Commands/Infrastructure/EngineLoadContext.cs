using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace GitOpsVela.Commands.Infrastructure;

/// <summary>
/// Loads GitOpsVela.Engine and everything it depends on (YamlDotNet, KubernetesClient, LibGit2Sharp, ...)
/// from the module's <c>dependencies/</c> folder into an AssemblyLoadContext of its own, so another module's
/// copy of those libraries in PowerShell's context never clashes with ours. libgit2's native library is found
/// under <c>dependencies/runtimes/&lt;rid&gt;/native/</c>. Only the engine assembly is handed to the default
/// context (through its Resolving event): this assembly binds to it, nothing else does.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private const string EngineAssemblyName = "GitOpsVela.Engine";
    private static int s_registered;

    /// <summary>dependencies/ beside GitOpsVela.Commands.dll.</summary>
    public static string DependencyFolder { get; } =
        Path.Combine(Path.GetDirectoryName(typeof(EngineLoadContext).Assembly.Location) ?? AppContext.BaseDirectory, "dependencies");

    private static readonly Lazy<EngineLoadContext> s_instance = new(() => new EngineLoadContext(DependencyFolder));

    private readonly string _folder;

    private EngineLoadContext(string folder) : base("GitOpsVela", isCollectible: false) => _folder = folder;

    public static EngineLoadContext Instance => s_instance.Value;

    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1) return;
        Default.Resolving += ResolveEngine;
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == EngineAssemblyName ? Instance.LoadFromAssemblyName(name) : null;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_folder, assemblyName.Name + ".dll");
        // Anything not shipped in dependencies/ (the framework) comes from the default context.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var candidate in NativeCandidates(unmanagedDllName))
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        }
        return IntPtr.Zero;
    }

    private IEnumerable<string> NativeCandidates(string name)
    {
        var folder = Path.Combine(_folder, "runtimes", RuntimeIdentifier, "native");
        var (prefix, suffix) = OperatingSystem.IsWindows() ? ("", ".dll") : OperatingSystem.IsMacOS() ? ("lib", ".dylib") : ("lib", ".so");
        yield return Path.Combine(folder, name);
        yield return Path.Combine(folder, name + suffix);
        yield return Path.Combine(folder, prefix + name + suffix);
    }

    /// <summary>linux-x64, win-x64, osx-arm64, ... for this process.</summary>
    public static string RuntimeIdentifier
    {
        get
        {
            var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
            var arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                Architecture.X86 => "x86",
                _ => "x64",
            };
            return $"{os}-{arch}";
        }
    }
}

/// <summary>Runs when PowerShell imports the module (and, through the C# module initializer, on first use of this assembly).</summary>
public sealed class GitOpsVelaModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => EngineLoadContext.Register();

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        // The engine stays loaded: objects already written to the pipeline still refer to it.
    }

    // A module initializer is how a binary module runs code before any of its types is used (PowerShell has no other hook).
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeAssembly() => EngineLoadContext.Register();
}
