using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Npgsql;

namespace Coordination.Grains.Notify;

/// <summary>A grouped message: to whom, when due (or next tried), whether a walker is sending it, and its outcome once it has one.</summary>
public sealed record NotificationGroup(Guid Id, string Recipient, DateTimeOffset DueAt, DateTimeOffset? SendingSince, string? Outcome);

/// <summary>One level a group carries: its item (null when the feed no longer has it) and the item's agency.</summary>
public sealed record GroupMember(Guid ItemId, int Level, string AgencyId, NotifiedItem? Item);

/// <summary>
/// The SQL of grouped e-mails (<c>notification_groups</c>, <c>notification_group_items</c>): a level's
/// claim joins its recipient's open group; the group's send is claimed like a level (a lease), and
/// its outcome settles the claims of all its levels in one transaction.
/// </summary>
public static class NotificationGroupStore
{
    private const string GroupColumns = "g.id, g.recipient, g.due_at, g.sending_since, g.outcome";

    /// <summary>The group that carries the item's level, if it joined one.</summary>
    public static async Task<NotificationGroup?> OfAsync(NpgsqlDataSource db, Guid itemId, int level, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            $"SELECT {GroupColumns} FROM notification_group_items m JOIN notification_groups g ON g.id = m.group_id " +
            "WHERE m.item_id = @item AND m.level = @level ORDER BY g.opened_at DESC LIMIT 1");
        command.Parameters.AddWithValue("item", itemId);
        command.Parameters.AddWithValue("level", level);
        return await ReadGroupAsync(command, cancellationToken);
    }

    /// <summary>
    /// Adds the level to the recipient's open group (nobody sending it yet, not yet due), bringing its
    /// due time forward to <paramref name="dueAt"/> if that is sooner, or opens one due then. Joins of
    /// one recipient are serialised, so that alerts arriving together share one group.
    /// </summary>
    public static async Task<NotificationGroup> JoinAsync(
        NpgsqlDataSource db, string recipient, string channel, Guid itemId, int level, string agencyId, DateTimeOffset now, DateTimeOffset dueAt,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(Command("SELECT pg_advisory_xact_lock(hashtext('notification_group:' || @recipient || ':' || @channel))"));
        batch.BatchCommands.Add(Command(
            "WITH current_group AS (SELECT id FROM notification_groups WHERE recipient = @recipient AND channel = @channel " +
            "AND sending_since IS NULL AND outcome IS NULL AND due_at > @now ORDER BY opened_at LIMIT 1 FOR UPDATE), " +
            "joined AS (UPDATE notification_groups g SET due_at = LEAST(g.due_at, @due) FROM current_group WHERE g.id = current_group.id RETURNING g.*), " +
            "opened AS (INSERT INTO notification_groups (id, recipient, channel, opened_at, due_at) " +
            "SELECT @new, @recipient, @channel, @now, @due WHERE NOT EXISTS (SELECT 1 FROM current_group) RETURNING *), " +
            "target AS (SELECT * FROM joined UNION ALL SELECT * FROM opened), " +
            "member AS (INSERT INTO notification_group_items (group_id, item_id, level, agency_id) SELECT id, @item, @level, @agency FROM target) " +
            $"SELECT {GroupColumns} FROM target g"));
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            await reader.NextResultAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var group = Read(reader);
            await reader.CloseAsync();
            await transaction.CommitAsync(cancellationToken);
            return group;
        }

        NpgsqlBatchCommand Command(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.AddWithValue("recipient", recipient);
            command.Parameters.AddWithValue("channel", channel);
            command.Parameters.AddWithValue("now", now.UtcDateTime);
            command.Parameters.AddWithValue("due", dueAt.UtcDateTime);
            command.Parameters.AddWithValue("new", Guid.NewGuid());
            command.Parameters.AddWithValue("item", itemId);
            command.Parameters.AddWithValue("level", level);
            command.Parameters.AddWithValue("agency", agencyId);
            return command;
        }
    }

    /// <summary>
    /// Claims the group's send when it is due, nobody has an outcome for it and nobody is sending it
    /// (or whoever was has held it past the lease): the attempt number, or null with the group as it is.
    /// </summary>
    public static async Task<(int? Attempt, NotificationGroup? Group)> TakeSendAsync(
        NpgsqlDataSource db, Guid groupId, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "UPDATE notification_groups SET sending_since = @now, attempt = attempt + 1 " +
            "WHERE id = @id AND outcome IS NULL AND due_at <= @now AND (sending_since IS NULL OR sending_since <= @stale) RETURNING attempt");
        command.Parameters.AddWithValue("id", groupId);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("stale", (now - lease).UtcDateTime);
        if (await command.ExecuteScalarAsync(cancellationToken) is int attempt)
        {
            return (attempt, null);
        }

        await using var read = db.CreateCommand($"SELECT {GroupColumns} FROM notification_groups g WHERE g.id = @id");
        read.Parameters.AddWithValue("id", groupId);
        return (null, await ReadGroupAsync(read, cancellationToken));
    }

    /// <summary>The levels the group carries, with their items as the feed has them now.</summary>
    public static async Task<IReadOnlyList<GroupMember>> MembersAsync(NpgsqlDataSource db, Guid groupId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "SELECT m.item_id, m.level, m.agency_id, f.id IS NOT NULL, f.type, f.case_id, f.task_id, f.urgency, f.occurred_at, f.ack_deadline, " +
            "f.acknowledged_at IS NOT NULL, f.notify_level FROM notification_group_items m " +
            "LEFT JOIN feed_items f ON f.agency_id = m.agency_id AND f.id = m.item_id WHERE m.group_id = @id ORDER BY f.occurred_at, m.item_id");
        command.Parameters.AddWithValue("id", groupId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var members = new List<GroupMember>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var item = !reader.GetBoolean(3) ? null : new NotifiedItem(
                reader.GetGuid(0), Enum.Parse<FeedItemType>(reader.GetString(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                Enum.Parse<Urgency>(reader.GetString(7)),
                reader.GetFieldValue<DateTimeOffset>(8),
                reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                reader.GetBoolean(10), reader.GetInt32(11));
            members.Add(new GroupMember(reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), item));
        }

        return members;
    }

    /// <summary>
    /// Records an attempt of the group's message: the log line of every level it carried (each
    /// "grouped with" the others), the claims of the levels left out (acknowledged meanwhile) settled
    /// with <paramref name="leftOutOutcome"/>, and, when <paramref name="final"/>, the outcome of the group
    /// and of every claim; otherwise the group is freed to be tried again at <paramref name="retryAt"/>.
    /// </summary>
    public static async Task SettleAsync(
        NpgsqlDataSource db, NotificationGroup group, string channel, IReadOnlyList<GroupMember> carried, IReadOnlyList<GroupMember> leftOut,
        string leftOutOutcome, string maskedTo, int attempt, string outcome, bool final, DateTimeOffset now, DateTimeOffset retryAt,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        var settle = new NpgsqlBatchCommand(final
            ? "UPDATE notification_groups SET outcome = @outcome WHERE id = @id"
            : "UPDATE notification_groups SET sending_since = NULL, due_at = @retry WHERE id = @id");
        settle.Parameters.AddWithValue("id", group.Id);
        settle.Parameters.AddWithValue(final ? "outcome" : "retry", final ? outcome : retryAt.UtcDateTime);
        batch.BatchCommands.Add(settle);
        foreach (var member in carried)
        {
            batch.BatchCommands.Add(NotificationStore.LogEntry(member.ItemId, member.Level, group.Recipient, channel, maskedTo, attempt, outcome, now,
                carried.Count > 1 ? carried.Count - 1 : null));
            if (final)
            {
                batch.BatchCommands.Add(NotificationStore.Settlement(member.ItemId, member.Level, group.Recipient, channel, outcome, final: true));
            }
        }

        foreach (var member in leftOut)
        {
            batch.BatchCommands.Add(NotificationStore.Settlement(member.ItemId, member.Level, group.Recipient, channel, leftOutOutcome, final: true));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<NotificationGroup?> ReadGroupAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static NotificationGroup Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetString(4));
}
