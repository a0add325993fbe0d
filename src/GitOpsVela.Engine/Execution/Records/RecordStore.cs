using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GitOpsVela.Engine.Diagnostics;
using GitOpsVela.Engine.Kube;

namespace GitOpsVela.Engine.Execution.Records;

/// <summary>A record as stored, with the resourceVersion it was read at (the precondition for the next write).</summary>
/// <remarks><see cref="Record"/> is the first reader's to change; <see cref="StoredJson"/> is what the cluster holds.</remarks>
internal sealed record StoredRecord(ApplicationRecord Record, string ResourceVersion, string StoredJson)
{
    public StoredRecord(ApplicationRecord record, string resourceVersion) : this(record, resourceVersion, record.ToJson())
    {
    }
}

/// <summary>
/// Keeps each application's <see cref="ApplicationRecord"/> in one ConfigMap in the application's namespace
/// (<c>gitopsvela.&lt;app&gt;</c>, as Helm keeps releases), written with the resourceVersion it was read at so two
/// writers never silently overwrite each other. Unchanged records are not written again. The record's JSON is stored
/// gzip-compressed in <c>binaryData</c> (<see cref="CompressedKey"/>), as Helm compresses releases, so a
/// 1,000-component application stays far below the 1 MiB object limit; records of the first format (plain JSON in
/// <c>data</c>, <see cref="DataKey"/>) are still read, and the next write stores them compressed.
/// </summary>
internal sealed class RecordStore(KubeClient client)
{
    /// <summary>The first format: the record's JSON as text in <c>data</c>.</summary>
    public const string DataKey = "record.json";

    /// <summary>The record's JSON, gzip-compressed, in <c>binaryData</c> (base64 on the wire):
    /// <c>kubectl get cm gitopsvela.APP -o jsonpath='{.binaryData.record\.json\.gz}' | base64 -d | gunzip</c>.</summary>
    public const string CompressedKey = "record.json.gz";
    public const string RecordLabel = "gitopsvela.io/record";
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";

    public static string ConfigMapName(string application) => $"gitopsvela.{application}";

    private static readonly ApiResource ConfigMaps = new("", "v1", "ConfigMap", "configmaps", true);

    public async Task<StoredRecord?> ReadAsync(string ns, string application, CancellationToken cancellationToken)
    {
        var cm = await Call(() => client.GetAsync(ConfigMaps, ns, ConfigMapName(application), cancellationToken), application).ConfigureAwait(false);
        return cm is null ? null : Parse(cm);
    }

    /// <summary>The record ConfigMaps of <paramref name="ns"/> as listed (one request; parse each with <see cref="Parse"/>).</summary>
    public Task<IReadOnlyList<JsonObject>> ListRawAsync(string ns, CancellationToken cancellationToken) =>
        Call(() => client.ListAsync(ConfigMaps, ns, $"{RecordLabel}=true", cancellationToken), null);

    /// <summary>Every record in <paramref name="ns"/> (all namespaces when null).</summary>
    public async Task<IReadOnlyList<StoredRecord>> ListAsync(string? ns, CancellationToken cancellationToken)
    {
        var items = await Call(() => client.ListAsync(ConfigMaps, ns, $"{RecordLabel}=true", cancellationToken), null).ConfigureAwait(false);
        return items.Select(Parse).Where(r => r is not null).Select(r => r!).ToList();
    }

    /// <summary>
    /// Creates the record (when <paramref name="resourceVersion"/> is null) or replaces it on condition that it is still at
    /// <paramref name="resourceVersion"/>. A record equal to the stored one is not written.
    /// </summary>
    public async Task<StoredRecord> WriteAsync(ApplicationRecord record, string? resourceVersion, CancellationToken cancellationToken, StoredRecord? current = null)
    {
        var json = record.ToJson();
        if (current is not null && current.StoredJson == json && current.ResourceVersion == resourceVersion) return current;
        var cm = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = ConfigMapName(record.Name),
                ["namespace"] = record.Namespace,
                ["labels"] = new JsonObject
                {
                    [RecordLabel] = "true",
                    [ManagedByLabel] = "gitopsvela",
                    ["app.oam.dev/name"] = record.Name,
                },
            },
            ["binaryData"] = new JsonObject { [CompressedKey] = Convert.ToBase64String(Compress(json)) },
        };
        if (resourceVersion is not null) cm["metadata"]!["resourceVersion"] = resourceVersion;
        try
        {
            var written = resourceVersion is null
                ? await client.CreateAsync(ConfigMaps, cm, cancellationToken).ConfigureAwait(false)
                : await client.ReplaceAsync(ConfigMaps, cm, cancellationToken).ConfigureAwait(false);
            // What was written is what was sent: no need to unpack it again.
            return new StoredRecord(record, written["metadata"]?["resourceVersion"]?.GetValue<string>() ?? string.Empty, json);
        }
        catch (KubeApiException e) when (e.StatusCode == 409)
        {
            throw new VelaProblemException(new VelaProblem(ErrorIds.Record.Changed, ProblemCategory.ResourceExists,
                $"the record of application '{record.Name}' in namespace '{record.Namespace}' was changed by someone else since it was read (another reconcile running?); run again",
                SourceLocation.None, record.Name) { Transient = true });
        }
        catch (KubeApiException e)
        {
            throw new VelaProblemException(KubeFaults.ToProblem(e, client, new ObjectRef("v1", "ConfigMap", record.Namespace, ConfigMapName(record.Name)), record.Name));
        }
    }

    public Task<bool> DeleteAsync(string ns, string application, CancellationToken cancellationToken) =>
        Call(() => client.DeleteAsync(ConfigMaps, ns, ConfigMapName(application), false, cancellationToken), application);

    private async Task<T> Call<T>(Func<Task<T>> call, string? application)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            throw new VelaProblemException(KubeFaults.ToProblem(e, client, null, application));
        }
    }

    internal static StoredRecord? Parse(JsonObject cm)
    {
        var name = cm["metadata"]?["name"]?.GetValue<string>();
        var rv = cm["metadata"]?["resourceVersion"]?.GetValue<string>() ?? string.Empty;
        try
        {
            var json = cm["binaryData"]?[CompressedKey]?.GetValue<string>() is { } compressed
                ? Decompress(Convert.FromBase64String(compressed))
                : cm["data"]?[DataKey]?.GetValue<string>();
            if (json is null) return null;
            return new StoredRecord(ApplicationRecord.FromJson(json), rv, json);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidDataException)
        {
            throw new VelaProblemException(new VelaProblem(ErrorIds.Record.Invalid, ProblemCategory.InvalidData,
                $"the record ConfigMap '{name}' does not hold a valid record: {e.Message}", SourceLocation.None));
        }
    }

    internal static byte[] Compress(string json)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(json));
        return buffer.ToArray();
    }

    private static string Decompress(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
