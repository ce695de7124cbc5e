using Coordination.Contracts.Feeds;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>Finds feeds with work pending, and unacknowledged items past their due time, and composes their <c>AckOverdue</c> alerts.</summary>
public static class EscalationStore
{
    /// <summary>
    /// The agencies whose feed has work pending: an unacknowledged item with a deadline or a
    /// notification level to send, or entries waiting in the outbox; of <paramref name="only"/> (all when null), due (or caused) at or before
    /// <paramref name="dueBy"/> (any time when null).
    /// </summary>
    public static async Task<IReadOnlyList<string>> AgenciesWithPendingWorkAsync(
        NpgsqlDataSource db, IReadOnlyCollection<string>? only, DateTimeOffset? dueBy, CancellationToken cancellationToken)
    {
        var agencies = new List<string>();
        await using var command = db.CreateCommand(
            "SELECT agency_id FROM feed_items WHERE acknowledged_at IS NULL AND next_escalation_at IS NOT NULL " +
            "AND (@dueBy::timestamptz IS NULL OR next_escalation_at <= @dueBy) AND (@only::text[] IS NULL OR agency_id = ANY(@only)) " +
            "UNION SELECT agency_id FROM feed_items WHERE notify_at IS NOT NULL " +
            "AND (@dueBy::timestamptz IS NULL OR notify_at <= @dueBy) AND (@only::text[] IS NULL OR agency_id = ANY(@only)) " +
            "UNION SELECT agency_id FROM feed_outbox WHERE (@dueBy::timestamptz IS NULL OR caused_at <= @dueBy) " +
            "AND (@only::text[] IS NULL OR agency_id = ANY(@only))");
        command.Parameters.AddWithValue("dueBy", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)dueBy?.UtcDateTime ?? DBNull.Value);
        command.Parameters.AddWithValue("only", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, (object?)only?.ToArray() ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            agencies.Add(reader.GetString(0));
        }

        return agencies;
    }

    /// <summary>
    /// What escalating an agency's overdue items takes: the rows' advances (<see cref="Updates"/>, to
    /// run in the feed's write) and the <c>AckOverdue</c> items they raise, in this feed
    /// (<see cref="Own"/>) and in the feeds of the agencies that caused them (<see cref="Onward"/>).
    /// </summary>
    public sealed record Escalation(IReadOnlyList<NpgsqlBatchCommand> Updates, IReadOnlyList<NewFeedItem> Own, IReadOnlyList<NewFeedItem> Onward)
    {
        public static readonly Escalation None = new([], [], []);

        public int Raised => Own.Count + Onward.Count;
    }

    /// <summary>
    /// Locks the agency's items past their due time (SKIP LOCKED: an acknowledgement in progress wins)
    /// inside the feed's write transaction, and composes their escalation.
    /// </summary>
    public static async Task<Escalation> DueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string agencyId, DateTimeOffset now, AckOptions ack, CancellationToken cancellationToken)
    {
        var due = new List<(long Seq, Guid Id, string Type, string? CaseId, string? CommitteeId, string? TaskId, string Urgency, DateTimeOffset Deadline, string? CausedBy, int Count, DateTime[] Checkpoints)>();
        await using (var select = new NpgsqlCommand(
            "SELECT seq, id, type, case_id, committee_id, task_id, urgency, ack_deadline, caused_by, escalation_count, checkpoints " +
            "FROM feed_items WHERE agency_id = @agency AND acknowledged_at IS NULL AND next_escalation_at <= @now " +
            "ORDER BY seq FOR UPDATE SKIP LOCKED", connection, transaction))
        {
            select.Parameters.AddWithValue("agency", agencyId);
            select.Parameters.AddWithValue("now", now.UtcDateTime);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add((reader.GetInt64(0), reader.GetGuid(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    reader.GetString(6),
                    new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc)),
                    reader.IsDBNull(8) ? null : reader.GetString(8),
                    reader.GetInt32(9),
                    reader.GetFieldValue<DateTime[]>(10)));
            }
        }

        if (due.Count == 0)
        {
            return Escalation.None;
        }

        var updates = new List<NpgsqlBatchCommand>();
        var own = new List<NewFeedItem>();
        var onward = new List<NewFeedItem>();
        foreach (var item in due)
        {
            var round = item.Count + 1;
            var urgency = Enum.Parse<Contracts.Common.Urgency>(item.Urgency);
            var late = now - item.Deadline;
            var data = new Dictionary<string, string>
            {
                ["itemId"] = item.Id.ToString(),
                ["itemSeq"] = item.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["itemType"] = item.Type,
                ["recipientAgencyId"] = agencyId,
                ["deadline"] = item.Deadline.ToString("O"),
                ["escalation"] = round.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var summary = $"{item.Type} {(item.CaseId ?? item.TaskId ?? item.Id.ToString())} for {agencyId} is not acknowledged, {Math.Max(0, (int)late.TotalMinutes)} min past its deadline";
            NewFeedItem Overdue(string recipient) => new(
                recipient, $"overdue:{item.Id}:{round}", FeedItemType.AckOverdue, FeedItemKind.Alert, item.CaseId,
                item.CommitteeId, item.TaskId, summary, urgency, RequiresAck: false, CausedByAgencyId: null, data);
            own.Add(Overdue(agencyId));
            if (item.CausedBy is { } causedBy && causedBy != agencyId)
            {
                onward.Add(Overdue(causedBy));
            }

            var update = new NpgsqlBatchCommand(
                "UPDATE feed_items SET escalation_count = @round, next_escalation_at = @next WHERE agency_id = @agency AND seq = @seq");
            update.Parameters.AddWithValue("round", round);
            // Nag again after the repeat interval, or sooner at the item's next fixed checkpoint.
            var next = item.Checkpoints.Select(c => new DateTimeOffset(DateTime.SpecifyKind(c, DateTimeKind.Utc)))
                .Where(c => c > now).Append(now + ack.RepeatEvery).Min();
            update.Parameters.AddWithValue("next", next.UtcDateTime);
            update.Parameters.AddWithValue("agency", agencyId);
            update.Parameters.AddWithValue("seq", item.Seq);
            updates.Add(update);
        }

        return new Escalation(updates, own, onward);
    }

    /// <summary>When the feed next has something due: a deadline or a notification level.</summary>
    public static async Task<DateTimeOffset?> NextDueAsync(NpgsqlDataSource db, string agencyId, CancellationToken cancellationToken)
    {
        // Two indexed minimums: the next deadline and the next notification level (least ignores a null).
        await using var command = db.CreateCommand(
            "SELECT least((SELECT min(next_escalation_at) FROM feed_items WHERE agency_id = @agency AND acknowledged_at IS NULL AND next_escalation_at IS NOT NULL), " +
            "(SELECT min(notify_at) FROM feed_items WHERE agency_id = @agency AND notify_at IS NOT NULL))");
        command.Parameters.AddWithValue("agency", agencyId);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is DateTime dt ? new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)) : null;
    }
}
