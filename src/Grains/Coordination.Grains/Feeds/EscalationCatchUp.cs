using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>
/// On silo start, wakes every agency feed that has an acknowledgement deadline pending, so that
/// whatever fell due while the cluster was down escalates now, and the rest is timed precisely —
/// without waiting for a reminder tick. Idempotent: each feed is one activation cluster-wide,
/// so several silos starting at once only repeat a harmless check. A feed that cannot be woken
/// does not stop the others (nor the silo): it is reported, and <see cref="OverdueSweeper"/>
/// escalates its items once due if nothing else does.
/// </summary>
public sealed class EscalationCatchUp(NpgsqlDataSource db, IGrainFactory grains, ILogger<EscalationCatchUp> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken) => await WakeAsync(null, cancellationToken);

    /// <summary>
    /// Wakes the feeds of <paramref name="only"/> (or of every agency with a pending deadline when null);
    /// returns the agencies whose feed could not be woken.
    /// </summary>
    public async Task<IReadOnlyList<string>> WakeAsync(IReadOnlyCollection<string>? only, CancellationToken cancellationToken)
    {
        var agencies = new List<string>();
        await using (var command = db.CreateCommand(
            "SELECT DISTINCT agency_id FROM feed_items WHERE acknowledged_at IS NULL AND next_escalation_at IS NOT NULL"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var agency = reader.GetString(0);
                if (only is null || only.Contains(agency))
                {
                    agencies.Add(agency);
                }
            }
        }

        var results = await Task.WhenAll(agencies.Select(async agency =>
        {
            try
            {
                return (agency, Raised: await grains.GetGrain<IAgencyFeedGrain>(agency).EscalateDue(), Failed: false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Escalation catch-up could not wake the feed of agency {AgencyId} ({Error})", agency, ex.GetType().Name);
                return (agency, Raised: 0, Failed: true);
            }
        }));

        var failed = results.Where(r => r.Failed).Select(r => r.agency).ToList();
        logger.LogInformation("Escalation catch-up: {Agencies} agencies with pending deadlines, {Raised} overdue alerts raised, {Failed} feeds not reached",
            agencies.Count, results.Sum(r => r.Raised), failed.Count);
        return failed;
    }
}
