using System.Text.Json;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Feeds;

/// <summary>
/// The SQL of agency feeds, in one place. Producers use only <see cref="AddToOutbox"/>; everything
/// that writes <c>feed_items</c> or <c>feed_heads</c> is called by the feed's own grain (<see cref="FeedLog"/>).
/// </summary>
public static class FeedStore
{
    private const string Columns =
        "seq, id, type, kind, case_id, committee_id, task_id, summary, urgency, occurred_at, requires_ack, " +
        "ack_deadline, acknowledged_at, acknowledged_by, data";

    /// <summary>
    /// Adds to <paramref name="batch"/> (the producer's transaction) the outbox rows of
    /// <paramref name="deliveries"/>, one statement each, so they commit with the change that causes them.
    /// </summary>
    public static void AddToOutbox(NpgsqlBatch batch, IEnumerable<FeedDelivery> deliveries)
    {
        foreach (var insert in ToOutbox(deliveries))
        {
            batch.BatchCommands.Add(insert);
        }
    }

    /// <summary>The statements that put <paramref name="deliveries"/> in the outbox, one each.</summary>
    public static IEnumerable<NpgsqlBatchCommand> ToOutbox(IEnumerable<FeedDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
        {
            var entries = delivery.Settlements.Select(r => new OutboxEntry(null, r))
                .Concat(delivery.Items.Select(i => new OutboxEntry(i, null)))
                .Select(e => JsonSerializer.Serialize(e, CoordinationJson.Options))
                .ToArray();
            var insert = new NpgsqlBatchCommand(
                "INSERT INTO feed_outbox (agency_id, change_id, position, caused_at, entry) " +
                "SELECT @agency, @change, t.position, @caused, t.entry FROM unnest(@entries::jsonb[]) WITH ORDINALITY AS t(entry, position)");
            insert.Parameters.AddWithValue("agency", delivery.AgencyId);
            insert.Parameters.AddWithValue("change", delivery.ChangeId);
            insert.Parameters.AddWithValue("caused", delivery.CausedAt.UtcDateTime);
            insert.Parameters.AddWithValue("entries", NpgsqlDbType.Array | NpgsqlDbType.Text, entries);
            yield return insert;
        }
    }

    /// <summary>The changes waiting in the outbox for an agency's feed, oldest first, and whether more wait beyond <paramref name="limit"/> rows.</summary>
    public static async Task<(IReadOnlyList<FeedDelivery> Changes, bool More)> OutboxAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string agencyId, int limit, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT change_id, caused_at, entry FROM feed_outbox WHERE agency_id = @agency " +
            "ORDER BY caused_at, change_id, position LIMIT @limit", connection, transaction);
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("limit", limit);
        var rows = new List<(Guid Change, DateTimeOffset CausedAt, OutboxEntry Entry)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetGuid(0), ToOffset(reader.GetDateTime(1)),
                    JsonSerializer.Deserialize<OutboxEntry>(reader.GetString(2), CoordinationJson.Options)!));
            }
        }

        // A change cut off by the limit is left whole for the next read.
        var more = rows.Count == limit;
        if (more)
        {
            var last = rows[^1].Change;
            rows.RemoveAll(r => r.Change == last);
        }

        return (rows.GroupBy(r => r.Change)
            .Select(g => new FeedDelivery(agencyId, g.Key, g.First().CausedAt,
                [.. g.Where(r => r.Entry.Settlement is not null).Select(r => r.Entry.Settlement!)],
                [.. g.Where(r => r.Entry.Item is not null).Select(r => r.Entry.Item!)]))
            .ToList(), more);
    }

    /// <summary>The last seq of an agency's feed; 0 before its first item (no head row yet).</summary>
    public static async Task<long> HeadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string agencyId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT last_seq FROM feed_heads WHERE agency_id = @agency", connection, transaction);
        command.Parameters.AddWithValue("agency", agencyId);
        return await command.ExecuteScalarAsync(cancellationToken) is long head ? head : 0;
    }

    /// <summary>Which of <paramref name="keys"/> the agency's feed holds already.</summary>
    public static async Task<IReadOnlySet<string>> ExistingKeysAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string agencyId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        if (keys.Count == 0)
        {
            return existing;
        }

        await using var command = new NpgsqlCommand(
            "SELECT dedupe_key FROM feed_items WHERE agency_id = @agency AND dedupe_key = ANY (@keys)", connection, transaction);
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("keys", keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            existing.Add(reader.GetString(0));
        }

        return existing;
    }

    /// <summary>
    /// The item <paramref name="item"/> becomes at <paramref name="seq"/>: its time and acknowledgement
    /// deadline count from <paramref name="causedAt"/> (its earliest checkpoint still ahead, or the
    /// deadline its urgency gives).
    /// </summary>
    public static (FeedItem Item, DateTime[] Checkpoints) Number(NewFeedItem item, long seq, DateTimeOffset causedAt, AckOptions ack)
    {
        var checkpoints = (item.Checkpoints ?? []).Where(c => c > causedAt).Order().ToArray();
        var deadline = item.RequiresAck ? checkpoints.Append(causedAt + ack.DeadlineFor(item.Urgency)).Min() : (DateTimeOffset?)null;
        return (new FeedItem(seq, Guid.CreateVersion7(causedAt), item.Type, item.Kind, item.CaseId, item.CommitteeId, item.TaskId,
            item.Summary, item.Urgency, causedAt, item.RequiresAck, deadline, null, null, item.Data),
            checkpoints.Select(c => c.UtcDateTime).ToArray());
    }

    /// <summary>The INSERT of a numbered item (see <see cref="Number"/>) into <paramref name="agencyId"/>'s feed.</summary>
    public static NpgsqlBatchCommand Insert(string agencyId, string dedupeKey, FeedItem item, string? causedBy, DateTime[] checkpoints)
    {
        var command = new NpgsqlBatchCommand(
            "INSERT INTO feed_items (agency_id, seq, id, dedupe_key, type, kind, case_id, committee_id, task_id, summary, urgency, " +
            "occurred_at, requires_ack, ack_deadline, caused_by, next_escalation_at, data, checkpoints, notify_at) " +
            "VALUES (@agency, @seq, @id, @dedupe, @type, @kind, @case, @committee, @task, @summary, @urgency, " +
            "@occurred, @requiresAck, @deadline, @causedBy, @next, @data, @checkpoints, " +
            // Its first level is looked at when raised, if the agency has an escalation policy.
            "CASE WHEN @requiresAck AND EXISTS (SELECT 1 FROM escalation_policies p " +
            "WHERE p.agency_id = @agency AND jsonb_array_length(p.data -> 'levels') > 0) THEN @occurred END)");
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("seq", item.Seq);
        command.Parameters.AddWithValue("id", item.Id);
        command.Parameters.AddWithValue("dedupe", dedupeKey);
        command.Parameters.AddWithValue("type", item.Type.ToString());
        command.Parameters.AddWithValue("kind", item.Kind.ToString());
        command.Parameters.AddWithValue("case", NpgsqlDbType.Text, (object?)item.CaseId ?? DBNull.Value);
        command.Parameters.AddWithValue("committee", NpgsqlDbType.Text, (object?)item.CommitteeId ?? DBNull.Value);
        command.Parameters.AddWithValue("task", NpgsqlDbType.Text, (object?)item.TaskId ?? DBNull.Value);
        command.Parameters.AddWithValue("summary", item.Summary);
        command.Parameters.AddWithValue("urgency", item.Urgency.ToString());
        command.Parameters.AddWithValue("occurred", item.OccurredAt.UtcDateTime);
        command.Parameters.AddWithValue("requiresAck", item.RequiresAck);
        var deadline = item.AckDeadline is { } d ? (object)d.UtcDateTime : DBNull.Value;
        command.Parameters.AddWithValue("deadline", NpgsqlDbType.TimestampTz, deadline);
        command.Parameters.AddWithValue("causedBy", NpgsqlDbType.Text, (object?)causedBy ?? DBNull.Value);
        command.Parameters.AddWithValue("next", NpgsqlDbType.TimestampTz, item.RequiresAck ? deadline : DBNull.Value);
        command.Parameters.AddWithValue("data", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(item.Data, CoordinationJson.Options));
        command.Parameters.AddWithValue("checkpoints", checkpoints);
        return command;
    }

    /// <summary>Settles the open items a settlement names; the batch's result set holds them.</summary>
    public static NpgsqlBatchCommand Settle(FeedSettlement settlement, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(
            "UPDATE feed_items SET acknowledged_at = @now, acknowledged_by = @by, next_escalation_at = NULL, notify_at = NULL " +
            "WHERE agency_id = @agency AND (dedupe_key = @prefix OR (right(@prefix, 1) = ':' AND starts_with(dedupe_key, @prefix))) " +
            "AND requires_ack AND acknowledged_at IS NULL " +
            $"RETURNING {Columns}");
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("by", settlement.SettledBy);
        command.Parameters.AddWithValue("agency", settlement.AgencyId);
        command.Parameters.AddWithValue("prefix", settlement.DedupeKeyPrefix);
        return command;
    }

    /// <summary>The condition that fails a write whose feed head another writer moved first (<see cref="MoveHead"/>).</summary>
    public const string HeadMoved = "feed head moved";

    /// <summary>
    /// Moves the feed's head from <paramref name="from"/> to <paramref name="to"/> (creating it with the
    /// feed's first write); fails the write with <see cref="HeadMoved"/> when another writer moved it
    /// first. Run first in a write, its row lock queues a second activation of the feed (during a
    /// failover) behind the first, which then finds the head moved and reloads.
    /// </summary>
    public static NpgsqlBatchCommand MoveHead(string agencyId, long from, long to)
    {
        var command = OneRoundTrip.Require(from == 0
            ? "INSERT INTO feed_heads (agency_id, last_seq) VALUES (@agency, @to) " +
              "ON CONFLICT (agency_id) DO UPDATE SET last_seq = @to WHERE feed_heads.last_seq = @from"
            : "UPDATE feed_heads SET last_seq = @to WHERE agency_id = @agency AND last_seq = @from", HeadMoved);
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("from", from);
        command.Parameters.AddWithValue("to", to);
        return command;
    }

    /// <summary>Deletes the outbox rows of the changes a write consumed.</summary>
    public static NpgsqlBatchCommand ConsumeOutbox(string agencyId, IEnumerable<Guid> changes)
    {
        var command = new NpgsqlBatchCommand("DELETE FROM feed_outbox WHERE agency_id = @agency AND change_id = ANY (@changes)");
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("changes", changes.Distinct().ToArray());
        return command;
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
            "acknowledged_by = COALESCE(acknowledged_by, @user), next_escalation_at = NULL, notify_at = NULL " +
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
            items.Add(Read(reader));
        }

        return items;
    }

    internal static FeedItem Read(NpgsqlDataReader reader) => new(
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
        Data: JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(14), CoordinationJson.Options) ?? []);

    /// <summary>A row of <c>feed_outbox</c>: exactly one of the two is set.</summary>
    private sealed record OutboxEntry(NewFeedItem? Item, FeedSettlement? Settlement);

    private static DateTimeOffset ToOffset(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
