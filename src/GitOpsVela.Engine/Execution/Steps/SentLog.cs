using System.Security.Cryptography;
using System.Text;

namespace GitOpsVela.Engine.Execution.Steps;

/// <summary>
/// Which notifications and webhooks were already sent for a run of a revision, kept outside the cluster: when the API
/// server goes away after a message was sent but before the record could say so, the next pass sees it here and does not
/// send it again. A new spec or a restart makes a new key, so they are sent again then.
/// </summary>
internal interface ISentLog
{
    bool WasSent(string key);

    void MarkSent(string key);
}

/// <summary>An <see cref="ISentLog"/> of small files under a folder (one per message; names are hashes, contents a timestamp).</summary>
internal sealed class FileSentLog(string root) : ISentLog
{
    public static string DefaultRoot => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "GitOpsVela", "sent");

    private string PathOf(string key) => Path.Combine(root, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32].ToLowerInvariant());

    public bool WasSent(string key) => File.Exists(PathOf(key));

    public void MarkSent(string key)
    {
        Directory.CreateDirectory(root);
        File.WriteAllText(PathOf(key), DateTimeOffset.UtcNow.ToString("O"));
    }
}

/// <summary>An <see cref="ISentLog"/> in memory (tests; runs that keep nothing between processes).</summary>
internal sealed class MemorySentLog : ISentLog
{
    private readonly HashSet<string> _sent = new(StringComparer.Ordinal);

    public bool WasSent(string key)
    {
        lock (_sent) return _sent.Contains(key);
    }

    public void MarkSent(string key)
    {
        lock (_sent) _sent.Add(key);
    }
}
