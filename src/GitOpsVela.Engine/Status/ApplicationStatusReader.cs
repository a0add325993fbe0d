using GitOpsVela.Engine.Execution;
using GitOpsVela.Engine.Execution.Records;
using GitOpsVela.Engine.Execution.Steps;

namespace GitOpsVela.Engine.Status;

/// <summary>What <c>Get-VelaApplication -Context</c> shows: the records of delivered applications with their live health.</summary>
internal sealed class ApplicationStatusReader(IClusterGateway gateway, IRecordStore records)
{
    /// <summary>
    /// The records of delivered applications (one namespace, or all when null) with their health read live from the
    /// clusters; nothing is written. What <c>Get-VelaApplication -Context</c> shows.
    /// </summary>
    public async Task<IReadOnlyList<ApplicationRecord>> ReadAsync(string? @namespace, CancellationToken cancellationToken)
    {
        var list = await records.ListAsync(@namespace, cancellationToken).ConfigureAwait(false);
        foreach (var record in list)
        {
            if (record.Workflow is { Finished: true }) await RecordHealth.RefreshAsync(gateway, record, cancellationToken).ConfigureAwait(false);
        }
        return list.OrderBy(r => r.Namespace, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }
}
