using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace GitOpsVela.Engine.Tests.Infrastructure;

/// <summary>
/// A real git server for tests: Debian's apache2 with git-http-backend (smart HTTP, push enabled), optionally behind
/// Basic auth (htpasswd), on 127.0.0.1 and a free port, with its own config, logs and repositories in a temp folder.
/// Started with <c>setsid</c> (a prefork apache signals its whole process group when it stops) and stopped with it.
/// </summary>
public sealed class GitServer : IDisposable
{
    private readonly string _dir;
    private readonly Process _process;

    private GitServer(string dir, int port, Process process, string? user, string? password)
    {
        _dir = dir;
        _process = process;
        Port = port;
        User = user;
        Password = password;
    }

    public int Port { get; }
    public string? User { get; }
    public string? Password { get; }
    public string Repositories => Path.Combine(_dir, "repos");

    /// <summary>The clone URL of a repository (no credentials in it).</summary>
    public string Url(string name) => $"http://127.0.0.1:{Port}/git/{name}.git";

    public static GitServer Start(string? user = null, string? password = null)
    {
        RequiredParts.Check("the real git server (apache2 + git-http-backend)", RequiredParts.GitServer);
        var dir = Directory.CreateTempSubdirectory("gitopsvela-git-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "repos"));
        // apache's workers run as www-data when started as root: they must reach and write the repositories.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(Path.Combine(dir, "repos"), (UnixFileMode)0b111_111_111);
        }
        var port = TestPorts.Free();
        var root = Environment.UserName == "root" || geteuid() == 0;
        var auth = user is null
            ? "    Require all granted"
            : $"""
                  AuthType Basic
                  AuthName "git"
                  AuthUserFile "{dir}/htpasswd"
                  Require valid-user
              """;
        if (user is not null) Run("htpasswd", "-cbB", Path.Combine(dir, "htpasswd"), user, password ?? "");
        var modules = "/usr/lib/apache2/modules";
        File.WriteAllText(Path.Combine(dir, "httpd.conf"), $"""
            ServerRoot "{dir}"
            ServerName 127.0.0.1
            Listen 127.0.0.1:{port}
            PidFile "{dir}/httpd.pid"
            ErrorLog "{dir}/error.log"
            LogLevel warn
            LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so
            LoadModule authz_core_module {modules}/mod_authz_core.so
            LoadModule authn_core_module {modules}/mod_authn_core.so
            LoadModule authn_file_module {modules}/mod_authn_file.so
            LoadModule auth_basic_module {modules}/mod_auth_basic.so
            LoadModule authz_user_module {modules}/mod_authz_user.so
            LoadModule alias_module {modules}/mod_alias.so
            LoadModule cgi_module {modules}/mod_cgi.so
            LoadModule env_module {modules}/mod_env.so
            {(root ? "User www-data\nGroup www-data" : "")}
            StartServers 2
            MinSpareServers 1
            MaxSpareServers 4
            MaxRequestWorkers 16
            SetEnv GIT_PROJECT_ROOT "{dir}/repos"
            SetEnv GIT_HTTP_EXPORT_ALL 1
            SetEnv GIT_CONFIG_COUNT 2
            SetEnv GIT_CONFIG_KEY_0 safe.directory
            SetEnv GIT_CONFIG_VALUE_0 *
            SetEnv GIT_CONFIG_KEY_1 http.receivepack
            SetEnv GIT_CONFIG_VALUE_1 true
            ScriptAlias /git/ /usr/lib/git-core/git-http-backend/
            <Location /git/>
            {auth}
            </Location>
            """);
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "/usr/sbin/apache2", "-f", Path.Combine(dir, "httpd.conf"), "-DFOREGROUND" }) start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        var server = new GitServer(dir, port, process, user, password);
        server.WaitUntilServing();
        return server;
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    /// <summary>Creates a bare repository and pushes <paramref name="files"/> to its main branch as the first commit.</summary>
    public string CreateRepository(string name, IReadOnlyDictionary<string, string> files, string message = "initial")
    {
        var bare = Path.Combine(Repositories, name + ".git");
        Run("git", "init", "--bare", "--initial-branch=main", bare);
        Run("chmod", "-R", "a+rwX", bare);
        var work = Directory.CreateTempSubdirectory("gitopsvela-seed-").FullName;
        try
        {
            Run("git", "-C", work, "init", "--initial-branch=main");
            foreach (var (path, text) in files)
            {
                var full = Path.Combine(work, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, text);
            }
            Git(work, "add", "-A");
            Git(work, "commit", "-m", message);
            Git(work, "push", AuthUrl(name), "main");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        return Url(name);
    }

    /// <summary>A working clone (over HTTP) for tests that push changes.</summary>
    public string CloneForEdits(string name)
    {
        var work = Directory.CreateTempSubdirectory("gitopsvela-edit-").FullName;
        Run("git", "clone", "--quiet", AuthUrl(name), work);
        return work;
    }

    /// <summary>Commits everything in a working clone and pushes it (to main unless told otherwise); returns the new commit.</summary>
    public string CommitAndPush(string work, string message, string branch = "main", string? tag = null)
    {
        Git(work, "add", "-A");
        Git(work, "commit", "-m", message);
        if (tag is not null) Git(work, "tag", tag);
        Git(work, "push", "--quiet", "origin", $"HEAD:refs/heads/{branch}");
        if (tag is not null) Git(work, "push", "--quiet", "origin", tag);
        return Run("git", "-C", work, "rev-parse", "HEAD").Trim();
    }

    private string AuthUrl(string name) =>
        User is null ? Url(name) : $"http://{Uri.EscapeDataString(User)}:{Uri.EscapeDataString(Password ?? "")}@127.0.0.1:{Port}/git/{name}.git";

    private static string Git(string work, params string[] args) =>
        Run("git", ["-C", work, "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", .. args]);

    public static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args.Select(a => a.Contains('@') ? "<url>" : a))} failed ({p.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }

    private void WaitUntilServing()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"apache2 exited ({_process.ExitCode}): {_process.StandardError.ReadToEnd()} {ErrorLog()}");
            try
            {
                using var response = http.GetAsync($"http://127.0.0.1:{Port}/git/").GetAwaiter().GetResult();
                return; // any HTTP answer means it serves
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet: ask again on the next connection attempt (each attempt is a real connect, not a sleep).
                using var probe = new TcpClient();
                try
                {
                    probe.ConnectAsync(IPAddress.Loopback, Port).Wait(TimeSpan.FromMilliseconds(200));
                }
                catch (AggregateException)
                {
                }
            }
        }
    }

    private string ErrorLog() => File.Exists(Path.Combine(_dir, "error.log")) ? File.ReadAllText(Path.Combine(_dir, "error.log")) : "";

    /// <summary>Stops apache (its whole process group) — after this the URL is unreachable.</summary>
    public void Stop()
    {
        if (_process.HasExited) return;
        // The whole tree (parent and prefork workers); setsid keeps apache's process-group signals away from the test host.
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Stop();
        _process.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
