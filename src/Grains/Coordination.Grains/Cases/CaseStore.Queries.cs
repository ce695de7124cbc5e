using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Audit;
using Coordination.Grains.Statistics;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Cases;

/// <summary>The queries over many cases: timelines, lists, counts, wake-ups and retention.</summary>
public static partial class CaseStore
{
    public static async Task<IReadOnlyList<CaseEvent>> TimelineAsync(NpgsqlDataSource db, string caseId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT seq, type, at, agency_id, username, note, reason, fields, follow_up, outcome FROM case_events WHERE case_id = @id ORDER BY seq");
        command.Parameters.AddWithValue("id", caseId);
        var events = new List<CaseEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new CaseEvent(
                reader.GetInt32(0),
                Enum.Parse<CaseEventType>(reader.GetString(1)),
                new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc)),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : Enum.Parse<ClosureReason>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<string[]>(7),
                reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.IsDBNull(9) ? null : Enum.Parse<FollowUpOutcome>(reader.GetString(9))));
        }

        return events;
    }

    /// <summary>The cases whose personal data has been kept since their closure or withdrawal at or before <paramref name="cutoff"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<string>> PastRetentionAsync(NpgsqlDataSource db, DateTimeOffset cutoff, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT id FROM cases WHERE retention_from <= @cutoff ORDER BY retention_from LIMIT @limit");
        command.Parameters.AddWithValue("cutoff", cutoff.UtcDateTime);
        command.Parameters.AddWithValue("limit", limit);
        return await IdsAsync(command, cancellationToken);
    }

    /// <summary>
    /// The cases to wake by <paramref name="now"/>: a follow-up due and not raised yet, a watched arrival
    /// more than <paramref name="grace"/> past with nothing recorded, or a pending referral past its answer deadline; longest due first.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WakeUpsDueAsync(NpgsqlDataSource db, DateTimeOffset now, TimeSpan grace, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT id FROM (SELECT id, next_follow_up_at AS due FROM cases WHERE next_follow_up_at <= @now " +
            "UNION ALL SELECT id, arrival_watch_at + @grace FROM cases WHERE arrival_watch_at <= @watchedBefore " +
            "UNION ALL SELECT id, referral_due_at FROM cases WHERE referral_due_at <= @now) w " +
            "GROUP BY id ORDER BY min(due) LIMIT @limit");
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("grace", grace);
        command.Parameters.AddWithValue("watchedBefore", (now - grace).UtcDateTime);
        command.Parameters.AddWithValue("limit", limit);
        return await IdsAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> IdsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public static async Task<IReadOnlyList<CaseView>> ListAsync(
        NpgsqlDataSource db, CaseStateCodec codec, CaseListQuery query, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        // Overdue: an alert about the case in this agency's feed, unacknowledged past its deadline (the feed's rows, read only).
        await using var command = db.CreateCommand(
            "SELECT state FROM cases WHERE @agency = ANY (agencies) AND (@status::text IS NULL OR status = @status) " +
            "AND (@urgency::text IS NULL OR urgency = @urgency) AND (@route::text IS NULL OR route = @route) AND (@search::text IS NULL OR strpos(id, @search) > 0) " +
            "AND (NOT @open OR status NOT IN ('Closed', 'Withdrawn')) " +
            "AND (NOT @overdue OR EXISTS (SELECT 1 FROM feed_items f WHERE f.agency_id = @agency AND f.case_id = cases.id " +
            "AND f.requires_ack AND f.acknowledged_at IS NULL AND f.ack_deadline < @now)) " +
            "AND (@after::text IS NULL OR id > @after) ORDER BY id LIMIT @limit");
        command.Parameters.AddWithValue("agency", query.AgencyId);
        command.Parameters.AddWithValue("status", NpgsqlDbType.Text, (object?)query.Status?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("urgency", NpgsqlDbType.Text, (object?)query.Urgency?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("route", NpgsqlDbType.Text, (object?)query.Route?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("search", NpgsqlDbType.Text, (object?)query.Search?.ToUpperInvariant() ?? DBNull.Value);
        command.Parameters.AddWithValue("open", query.OpenOnly);
        command.Parameters.AddWithValue("overdue", query.OverdueOnly);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("after", NpgsqlDbType.Text, (object?)query.After ?? DBNull.Value);
        command.Parameters.AddWithValue("limit", query.Limit);
        var cases = new List<CaseView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(codec.Deserialize(reader.GetString(0)));
        }

        return cases;
    }

    /// <summary>How many of the agency's cases are in each status (statuses with none left out).</summary>
    public static async Task<IReadOnlyDictionary<CaseStatus, int>> CountByStatusAsync(NpgsqlDataSource db, string agencyId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT status, count(*)::int FROM cases WHERE @agency = ANY (agencies) GROUP BY status");
        command.Parameters.AddWithValue("agency", agencyId);
        var counts = new Dictionary<CaseStatus, int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[Enum.Parse<CaseStatus>(reader.GetString(0))] = reader.GetInt32(1);
        }

        return counts;
    }

    /// <summary>Records a read of personal data; the audit log is append-only.</summary>
    public static async Task AuditReadAsync(NpgsqlDataSource db, Actor viewer, IEnumerable<string> caseIds, string action, string[] fields, CancellationToken cancellationToken = default)
    {
        var ids = caseIds.ToArray();
        if (ids.Length == 0)
        {
            return;
        }

        await AuditStore.AppendAsync(db, NewAuditEntry.By(viewer, ids, action, fields, null), cancellationToken);
    }
}
