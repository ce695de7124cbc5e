using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>
/// Wakes the agency feeds that hold an unacknowledged item with a deadline pending, so that whatever
/// fell due escalates now and the rest is timed precisely. On silo start it wakes every such feed,
/// without waiting for a reminder tick; <see cref="DeadSiloCatchUp"/> and <see cref="OverdueSweeper"/>
/// wake some of them. Idempotent: each feed is one activation cluster-wide, so several silos waking
/// it at once only repeat a harmless check. A feed that cannot be woken does not stop the others
/// (nor the silo): it is reported, and the sweep escalates its items once due if nothing else does.
/// </summary>
public sealed class EscalationCatchUp(NpgsqlDataSource db, IGrainFactory grains, ILogger<EscalationCatchUp> logger) : IStartupTask
{
    /// <summary>What one wake-up did.</summary>
    public sealed record Outcome(int Agencies, int Raised, IReadOnlyList<string> Unreached);

    public async Task Execute(CancellationToken cancellationToken)
    {
        var outcome = await WakeAsync(cancellationToken: cancellationToken);
        logger.LogInformation("Escalation catch-up: {Agencies} agencies with pending deadlines, {Raised} overdue alerts raised, {Failed} feeds not reached",
            outcome.Agencies, outcome.Raised, outcome.Unreached.Count);
    }

    /// <summary>
    /// Wakes the feeds with a deadline pending: of the agencies in <paramref name="only"/> (all when
    /// null), and with a deadline at or before <paramref name="dueBy"/> (any when null).
    /// </summary>
    public async Task<Outcome> WakeAsync(
        IReadOnlyCollection<string>? only = null, DateTimeOffset? dueBy = null, CancellationToken cancellationToken = default)
    {
        var agencies = new List<string>();
        await using (var command = db.CreateCommand(
            "SELECT DISTINCT agency_id FROM feed_items WHERE acknowledged_at IS NULL AND next_escalation_at IS NOT NULL " +
            "AND (@dueBy::timestamptz IS NULL OR next_escalation_at <= @dueBy) AND (@only::text[] IS NULL OR agency_id = ANY(@only))"))
        {
            command.Parameters.AddWithValue("dueBy", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)dueBy?.UtcDateTime ?? DBNull.Value);
            command.Parameters.AddWithValue("only", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, (object?)only?.ToArray() ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                agencies.Add(reader.GetString(0));
            }
        }

        var results = await Task.WhenAll(agencies.Select(async agency =>
        {
            try
            {
                return (agency, Raised: await grains.GetGrain<IAgencyFeedGrain>(agency).EscalateDue(), Reached: true);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Could not wake the feed of agency {AgencyId} to escalate its deadlines ({Error})", agency, ex.GetType().Name);
                return (agency, Raised: 0, Reached: false);
            }
        }));

        return new Outcome(agencies.Count, results.Sum(r => r.Raised), results.Where(r => !r.Reached).Select(r => r.agency).ToList());
    }
}
