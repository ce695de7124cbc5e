using System.Security.Cryptography;
using System.Text;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Notify;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Notify;

/// <summary>What a notification needs of its item: never the summary, which may describe the person.</summary>
public sealed record NotifiedItem(
    Guid Id, FeedItemType Type, string? CaseId, string? TaskId, Urgency Urgency, DateTimeOffset OccurredAt, DateTimeOffset? Deadline,
    bool Acknowledged, int NotifyLevel);

/// <summary>A level handed to its walker: the item and the level due.</summary>
public sealed record DueLevel(Guid ItemId, int Level);

/// <summary>A claim on one notification: taken (this is its attempt), finished before, or held by another walker until a time.</summary>
public sealed record Claim(int? Attempt, bool Finished, DateTimeOffset? HeldUntil);

/// <summary>
/// The SQL of notifications, in one place: the walk's columns of <c>feed_items</c> (written by the
/// feed's grain only), the claims of <c>notifications</c>, the <c>notification_log</c> and the
/// <c>ack_links</c>.
/// </summary>
public static class NotificationStore
{
    /// <summary>
    /// The levels of the agency's feed due at <paramref name="now"/>, each marked in hand until
    /// <paramref name="lease"/> so that the feed wakes again if its walker never reports; and whether
    /// the agency's policy has levels at all.
    /// </summary>
    public static async Task<(IReadOnlyList<DueLevel> Due, bool HasLevels)> HandOffAsync(
        NpgsqlDataSource db, string agencyId, DateTimeOffset now, DateTimeOffset lease, CancellationToken cancellationToken)
    {
        await using var batch = db.CreateBatch();
        var due = new NpgsqlBatchCommand(
            "UPDATE feed_items SET notify_at = @lease WHERE agency_id = @agency AND notify_at <= @now RETURNING id, notify_level");
        due.Parameters.AddWithValue("agency", agencyId);
        due.Parameters.AddWithValue("now", now.UtcDateTime);
        due.Parameters.AddWithValue("lease", lease.UtcDateTime);
        batch.BatchCommands.Add(due);
        var policy = new NpgsqlBatchCommand(
            "SELECT EXISTS (SELECT 1 FROM escalation_policies WHERE agency_id = @agency AND jsonb_array_length(data -> 'levels') > 0)");
        policy.Parameters.AddWithValue("agency", agencyId);
        batch.BatchCommands.Add(policy);

        var levels = new List<DueLevel>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            levels.Add(new DueLevel(reader.GetGuid(0), reader.GetInt32(1)));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (levels, reader.GetBoolean(0));
    }

    /// <summary>Moves the walk on from <paramref name="level"/>, unless it has left it or the item was acknowledged.</summary>
    public static async Task WalkedAsync(
        NpgsqlDataSource db, string agencyId, Guid itemId, int level, int nextLevel, DateTimeOffset? nextAt, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "UPDATE feed_items SET notify_level = @next, notify_at = @at " +
            "WHERE agency_id = @agency AND id = @id AND notify_level = @level AND acknowledged_at IS NULL");
        command.Parameters.AddWithValue("next", nextLevel);
        command.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, (object?)nextAt?.UtcDateTime ?? DBNull.Value);
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("id", itemId);
        command.Parameters.AddWithValue("level", level);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<NotifiedItem?> ItemAsync(NpgsqlDataSource db, string agencyId, Guid itemId, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "SELECT id, type, case_id, task_id, urgency, occurred_at, ack_deadline, acknowledged_at IS NOT NULL, notify_level " +
            "FROM feed_items WHERE agency_id = @agency AND id = @id");
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("id", itemId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new NotifiedItem(
            reader.GetGuid(0), Enum.Parse<FeedItemType>(reader.GetString(1)),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            Enum.Parse<Urgency>(reader.GetString(4)),
            reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
            reader.GetBoolean(7), reader.GetInt32(8));
    }

    /// <summary>
    /// Claims one notification before anything is sent: the first claim, or one whose holder left it
    /// without an outcome for longer than the lease (a walker that died), takes it with the next
    /// attempt number; a claim with an outcome is finished; a fresh one is held by another walker.
    /// </summary>
    public static async Task<Claim> ClaimAsync(
        NpgsqlDataSource db, string agencyId, Guid itemId, int level, string recipient, string channel, DateTimeOffset now, TimeSpan lease,
        CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "WITH taken AS (INSERT INTO notifications (item_id, level, recipient, channel, agency_id, attempt, claimed_at) " +
            "VALUES (@item, @level, @recipient, @channel, @agency, 1, @now) " +
            "ON CONFLICT (item_id, level, recipient, channel) DO UPDATE SET attempt = notifications.attempt + 1, claimed_at = @now " +
            "WHERE notifications.outcome IS NULL AND notifications.claimed_at <= @stale RETURNING attempt) " +
            "SELECT (SELECT attempt FROM taken), outcome IS NOT NULL, claimed_at FROM notifications " +
            "WHERE item_id = @item AND level = @level AND recipient = @recipient AND channel = @channel " +
            "UNION ALL SELECT attempt, false, NULL FROM taken LIMIT 1");
        command.Parameters.AddWithValue("item", itemId);
        command.Parameters.AddWithValue("level", level);
        command.Parameters.AddWithValue("recipient", recipient);
        command.Parameters.AddWithValue("channel", channel);
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("stale", (now - lease).UtcDateTime);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            // Another walker's first claim committed while this statement ran: it holds the claim.
            return new Claim(null, false, now + lease);
        }

        if (!reader.IsDBNull(0))
        {
            return new Claim(reader.GetInt32(0), false, null);
        }

        return reader.GetBoolean(1) ? new Claim(null, true, null) : new Claim(null, false, reader.GetFieldValue<DateTimeOffset>(2) + lease);
    }

    /// <summary>
    /// Records an attempt in the log, and finishes the claim with its outcome when <paramref name="final"/>;
    /// otherwise frees the claim for the next attempt.
    /// </summary>
    public static async Task RecordAsync(
        NpgsqlDataSource db, Guid itemId, int level, string recipient, string channel, string maskedTo, int attempt, string outcome, bool final,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Settlement(itemId, level, recipient, channel, outcome, final));
        batch.BatchCommands.Add(LogEntry(itemId, level, recipient, channel, maskedTo, attempt, outcome, now));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records one try in the log only (a webhook's tries, before the attempt's outcome).</summary>
    public static async Task AppendLogAsync(
        NpgsqlDataSource db, Guid itemId, int level, string recipient, string channel, string maskedTo, int attempt, string outcome,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(LogEntry(itemId, level, recipient, channel, maskedTo, attempt, outcome, now));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Finishes a claim with its outcome when <paramref name="final"/>; otherwise frees it for the next attempt.</summary>
    public static async Task SettleClaimAsync(
        NpgsqlDataSource db, Guid itemId, int level, string recipient, string channel, string outcome, bool final, CancellationToken cancellationToken)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(Settlement(itemId, level, recipient, channel, outcome, final));
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static NpgsqlBatchCommand Settlement(Guid itemId, int level, string recipient, string channel, string outcome, bool final)
    {
        var claim = new NpgsqlBatchCommand(final
            ? "UPDATE notifications SET outcome = @outcome WHERE item_id = @item AND level = @level AND recipient = @recipient AND channel = @channel"
            : "UPDATE notifications SET claimed_at = '-infinity' WHERE item_id = @item AND level = @level AND recipient = @recipient AND channel = @channel");
        if (final)
        {
            claim.Parameters.AddWithValue("outcome", outcome);
        }

        claim.Parameters.AddWithValue("item", itemId);
        claim.Parameters.AddWithValue("level", level);
        claim.Parameters.AddWithValue("recipient", recipient);
        claim.Parameters.AddWithValue("channel", channel);
        return claim;
    }

    /// <summary>One line of the log; <paramref name="groupedWith"/> counts the other items of a grouped message.</summary>
    internal static NpgsqlBatchCommand LogEntry(
        Guid itemId, int level, string recipient, string channel, string maskedTo, int attempt, string outcome, DateTimeOffset now, int? groupedWith = null)
    {
        var log = new NpgsqlBatchCommand(
            "INSERT INTO notification_log (item_id, at, level, channel, recipient, masked_to, attempt, outcome, grouped_with) " +
            "VALUES (@item, @at, @level, @channel, @recipient, @to, @attempt, @outcome, @grouped)");
        log.Parameters.AddWithValue("item", itemId);
        log.Parameters.AddWithValue("at", now.UtcDateTime);
        log.Parameters.AddWithValue("level", level);
        log.Parameters.AddWithValue("channel", channel);
        log.Parameters.AddWithValue("recipient", recipient);
        log.Parameters.AddWithValue("to", maskedTo);
        log.Parameters.AddWithValue("attempt", attempt);
        log.Parameters.AddWithValue("outcome", outcome);
        log.Parameters.AddWithValue("grouped", NpgsqlDbType.Integer, (object?)groupedWith ?? DBNull.Value);
        return log;
    }

    /// <summary>The item's notification log, oldest first; null when the agency's feed has no such item.</summary>
    public static async Task<IReadOnlyList<NotificationAttempt>?> LogAsync(NpgsqlDataSource db, string agencyId, Guid itemId)
    {
        await using var command = db.CreateCommand(
            "SELECT l.at, l.level, l.channel, l.masked_to, l.attempt, l.outcome, l.grouped_with FROM feed_items f " +
            "LEFT JOIN notification_log l ON l.item_id = f.id WHERE f.agency_id = @agency AND f.id = @id ORDER BY l.id");
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("id", itemId);
        await using var reader = await command.ExecuteReaderAsync();
        var attempts = new List<NotificationAttempt>();
        var found = false;
        while (await reader.ReadAsync())
        {
            found = true;
            if (!reader.IsDBNull(0))
            {
                attempts.Add(new NotificationAttempt(reader.GetFieldValue<DateTimeOffset>(0), reader.GetInt32(1), reader.GetString(2),
                    reader.GetString(3), reader.GetInt32(4), reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetInt32(6)));
            }
        }

        return found ? attempts : null;
    }

    /// <summary>A new acknowledgement link's token for the user, stored (its hash) before the notification that carries it leaves.</summary>
    public static async Task<string> NewAckLinkAsync(
        NpgsqlDataSource db, string agencyId, Guid itemId, string username, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var command = db.CreateCommand(
            "INSERT INTO ack_links (token_hash, agency_id, item_id, username, created_at) VALUES (@hash, @agency, @item, @user, @now)");
        command.Parameters.AddWithValue("hash", Hash(token));
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("item", itemId);
        command.Parameters.AddWithValue("user", username);
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return token;
    }

    /// <summary>Spends the user's link: its item when this use spent it, otherwise whether it was spent before or is unknown.</summary>
    public static async Task<AckLinkUse> SpendAckLinkAsync(NpgsqlDataSource db, string token, string username, DateTimeOffset now)
    {
        await using var command = db.CreateCommand(
            "WITH spent AS (UPDATE ack_links SET used_at = @now WHERE token_hash = @hash AND username = @user AND used_at IS NULL " +
            "RETURNING agency_id, item_id) " +
            "SELECT agency_id, item_id, true FROM spent " +
            "UNION ALL SELECT agency_id, item_id, false FROM ack_links WHERE token_hash = @hash AND username = @user LIMIT 1");
        command.Parameters.AddWithValue("now", now.UtcDateTime);
        command.Parameters.AddWithValue("hash", Hash(token));
        command.Parameters.AddWithValue("user", username);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return new AckLinkUse(AckLinkOutcome.Unknown, null, null);
        }

        return reader.GetBoolean(2)
            ? new AckLinkUse(AckLinkOutcome.Acknowledged, reader.GetString(0), reader.GetGuid(1))
            : new AckLinkUse(AckLinkOutcome.Spent, null, null);
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
