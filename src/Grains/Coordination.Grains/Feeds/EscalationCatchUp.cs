using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>
/// On silo start, wakes every agency feed that has an acknowledgement deadline pending, so that
/// whatever fell due while the cluster was down escalates now, and the rest is timed precisely —
/// without waiting for a reminder tick. Idempotent: each feed is one activation cluster-wide,
/// so several silos starting at once only repeat a harmless check.
/// </summary>
public sealed class EscalationCatchUp(NpgsqlDataSource db, IGrainFactory grains, ILogger<EscalationCatchUp> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        var agencies = new List<string>();
        await using (var command = db.CreateCommand(
            "SELECT DISTINCT agency_id FROM feed_items WHERE acknowledged_at IS NULL AND next_escalation_at IS NOT NULL"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                agencies.Add(reader.GetString(0));
            }
        }

        var raised = await Task.WhenAll(agencies.Select(a => grains.GetGrain<IAgencyFeedGrain>(a).EscalateDue()));
        logger.LogInformation("Escalation catch-up: {Agencies} agencies with pending deadlines, {Raised} overdue alerts raised", agencies.Count, raised.Sum());
    }
}
