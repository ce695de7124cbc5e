using System.Text.Json;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Feeds;

/// <summary>The SQL of agency feeds, in one place.</summary>
public static class FeedStore
{
    private const string Columns =
        "seq, id, type, kind, case_id, committee_id, task_id, summary, urgency, occurred_at, requires_ack, " +
        "ack_deadline, acknowledged_at, acknowledged_by, data";

    /// <summary>
    /// Appends items inside the caller's transaction, so they commit together with the change that
    /// caused them. Agencies are locked in id order to keep concurrent transactions deadlock-free.
    /// </summary>
    public static async Task<IReadOnlyList<(string AgencyId, FeedItem Item)>> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<NewFeedItem> items,
        DateTimeOffset now, AckOptions ack, CancellationToken cancellationToken = default)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var pending = AddAppends(batch, items, now, ack);
        if (pending.Count == 0)
        {
            return [];
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await ReadAppendedAsync(reader, pending, cancellationToken);
    }

    /// <summary>
    /// Adds the appends of <paramref name="items"/> to <paramref name="batch"/>, in agency id order
    /// (see <see cref="AppendAsync"/>), so a change and the items it causes go to PostgreSQL in one
    /// round trip. Returns the items in the order their rows will come back.
    /// </summary>
    public static IReadOnlyList<NewFeedItem> AddAppends(NpgsqlBatch batch, IEnumerable<NewFeedItem> items, DateTimeOffset now, AckOptions ack)
    {
        var ordered = items.OrderBy(i => i.AgencyId, StringComparer.Ordinal).ToList();
        foreach (var item in ordered)
        {
            var checkpoints = (item.Checkpoints ?? []).Where(c => c > now).Order().ToArray();
            var deadline = item.RequiresAck
                ? checkpoints.Append(now + ack.DeadlineFor(item.Urgency)).Min()
                : (DateTimeOffset?)null;
            var command = new NpgsqlBatchCommand(
                "SELECT * FROM coordination_append_feed_item(@agency, @dedupe, @id, @type, @kind, @case, @committee, @task, " +
                "@summary, @urgency, @occurred, @requiresAck, @deadline, @causedBy, @data, @checkpoints)");
            command.Parameters.AddWithValue("agency", item.AgencyId);
            command.Parameters.AddWithValue("dedupe", item.DedupeKey);
            command.Parameters.AddWithValue("id", Guid.CreateVersion7(now));
            command.Parameters.AddWithValue("type", item.Type.ToString());
            command.Parameters.AddWithValue("kind", item.Kind.ToString());
            command.Parameters.AddWithValue("case", NpgsqlDbType.Text, (object?)item.CaseId ?? DBNull.Value);
            command.Parameters.AddWithValue("committee", NpgsqlDbType.Text, (object?)item.CommitteeId ?? DBNull.Value);
            command.Parameters.AddWithValue("task", NpgsqlDbType.Text, (object?)item.TaskId ?? DBNull.Value);
            command.Parameters.AddWithValue("summary", item.Summary);
            command.Parameters.AddWithValue("urgency", item.Urgency.ToString());
            command.Parameters.AddWithValue("occurred", now.UtcDateTime);
            command.Parameters.AddWithValue("requiresAck", item.RequiresAck);
            command.Parameters.AddWithValue("deadline", NpgsqlDbType.TimestampTz, deadline is { } d ? d.UtcDateTime : DBNull.Value);
            command.Parameters.AddWithValue("causedBy", NpgsqlDbType.Text, (object?)item.CausedByAgencyId ?? DBNull.Value);
            command.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(item.Data, CoordinationJson.Options));
            command.Parameters.AddWithValue("checkpoints", checkpoints.Select(c => c.UtcDateTime).ToArray());
            batch.BatchCommands.Add(command);
        }

        return ordered;
    }

    /// <summary>
    /// Reads the rows of the appends added by <see cref="AddAppends"/>: every result set with columns
    /// is the next append's, whatever row-less statements (inserts, updates) the batch also holds.
    /// </summary>
    public static async Task<IReadOnlyList<(string AgencyId, FeedItem Item)>> ReadAppendedAsync(
        NpgsqlDataReader reader, IReadOnlyList<NewFeedItem> pending, CancellationToken cancellationToken = default)
    {
        var appended = new List<(string, FeedItem)>(pending.Count);
        do
        {
            if (reader.FieldCount == 0 || appended.Count == pending.Count)
            {
                continue;
            }

            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException("Appending a feed item returned no row.");
            }

            var item = pending[appended.Count];
            appended.Add((item.AgencyId, new FeedItem(
                Seq: reader.GetInt64(0),
                Id: reader.GetGuid(1),
                Type: item.Type,
                Kind: item.Kind,
                CaseId: item.CaseId,
                CommitteeId: item.CommitteeId,
                TaskId: item.TaskId,
                Summary: item.Summary,
                Urgency: item.Urgency,
                OccurredAt: ToOffset(reader.GetDateTime(2)),
                RequiresAck: item.RequiresAck,
                AckDeadline: reader.IsDBNull(3) ? null : ToOffset(reader.GetDateTime(3)),
                AcknowledgedAt: reader.IsDBNull(4) ? null : ToOffset(reader.GetDateTime(4)),
                AcknowledgedBy: reader.IsDBNull(5) ? null : reader.GetString(5),
                Data: item.Data)));
        }
        while (await reader.NextResultAsync(cancellationToken));

        if (appended.Count != pending.Count)
        {
            throw new InvalidOperationException($"Appended {appended.Count} feed items of {pending.Count}.");
        }

        return appended;
    }

    /// <summary>Acknowledges, inside the caller's transaction, the open items the resolutions settle.</summary>
    public static async Task<IReadOnlyList<(string AgencyId, FeedItem Item)>> ResolveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<FeedResolution> resolutions,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var resolved = new List<(string, FeedItem)>();
        foreach (var resolution in resolutions)
        {
            await using var command = new NpgsqlCommand(
                "UPDATE feed_items SET acknowledged_at = @now, acknowledged_by = @by, next_escalation_at = NULL " +
                "WHERE agency_id = @agency AND (dedupe_key = @prefix OR (right(@prefix, 1) = ':' AND starts_with(dedupe_key, @prefix))) " +
                "AND requires_ack AND acknowledged_at IS NULL " +
                $"RETURNING {Columns}", connection, transaction);
            command.Parameters.AddWithValue("now", now.UtcDateTime);
            command.Parameters.AddWithValue("by", resolution.ResolvedBy);
            command.Parameters.AddWithValue("agency", resolution.AgencyId);
            command.Parameters.AddWithValue("prefix", resolution.DedupeKeyPrefix);
            resolved.AddRange((await ReadAllAsync(command, cancellationToken)).Select(i => (resolution.AgencyId, i)));
        }

        return resolved;
    }

    public static async Task<IReadOnlyList<FeedItem>> SinceAsync(NpgsqlDataSource db, string agencyId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            $"SELECT {Columns} FROM feed_items WHERE agency_id = @agency AND seq > @after ORDER BY seq LIMIT @limit");
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("after", afterSeq);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAllAsync(command, cancellationToken);
    }

    public static async Task<IReadOnlyDictionary<string, long>> HeadsAsync(NpgsqlDataSource db, IReadOnlyList<string> agencyIds, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand("SELECT agency_id, last_seq FROM feed_heads WHERE agency_id = ANY (@agencies)");
        command.Parameters.AddWithValue("agencies", agencyIds.ToArray());
        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            heads[reader.GetString(0)] = reader.GetInt64(1);
        }

        return heads;
    }

    /// <summary>Marks an item acknowledged (first acknowledgement wins) and returns it; null if the agency has no such item.</summary>
    public static async Task<FeedItem?> AcknowledgeAsync(NpgsqlDataSource db, string agencyId, Guid itemId, string username, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "UPDATE feed_items SET acknowledged_at = COALESCE(acknowledged_at, @now), " +
            "acknowledged_by = COALESCE(acknowledged_by, @user), next_escalation_at = NULL " +
            $"WHERE agency_id = @agency AND id = @id RETURNING {Columns}");
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("user", username);
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("id", itemId);
        var items = await ReadAllAsync(command, cancellationToken);
        return items.Count == 0 ? null : items[0];
    }

    private static async Task<IReadOnlyList<FeedItem>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var items = new List<FeedItem>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new FeedItem(
                Seq: reader.GetInt64(0),
                Id: reader.GetGuid(1),
                Type: Enum.Parse<FeedItemType>(reader.GetString(2)),
                Kind: Enum.Parse<FeedItemKind>(reader.GetString(3)),
                CaseId: reader.IsDBNull(4) ? null : reader.GetString(4),
                CommitteeId: reader.IsDBNull(5) ? null : reader.GetString(5),
                TaskId: reader.IsDBNull(6) ? null : reader.GetString(6),
                Summary: reader.GetString(7),
                Urgency: Enum.Parse<Urgency>(reader.GetString(8)),
                OccurredAt: ToOffset(reader.GetDateTime(9)),
                RequiresAck: reader.GetBoolean(10),
                AckDeadline: reader.IsDBNull(11) ? null : ToOffset(reader.GetDateTime(11)),
                AcknowledgedAt: reader.IsDBNull(12) ? null : ToOffset(reader.GetDateTime(12)),
                AcknowledgedBy: reader.IsDBNull(13) ? null : reader.GetString(13),
                Data: JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(14), CoordinationJson.Options) ?? []));
        }

        return items;
    }

    private static DateTimeOffset ToOffset(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
