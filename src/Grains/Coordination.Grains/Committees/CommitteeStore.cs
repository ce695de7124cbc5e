using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Committees;

/// <summary>
/// Puts committee items into agency feeds and settles the ones answered. The plan lives in grain
/// storage and the feeds in their own tables, so the two cannot share a transaction: the grain
/// writes its outbox first and calls this after; a replacement lets tests fail it at exactly that point.
/// </summary>
public interface ICommitteeFeedWriter
{
    /// <summary>In one transaction: appends <paramref name="items"/> and settles <paramref name="settlements"/>; returns every item changed.</summary>
    Task<IReadOnlyList<(string AgencyId, FeedItem Item)>> WriteAsync(
        IReadOnlyList<NewFeedItem> items, IReadOnlyList<FeedResolution> settlements, DateTimeOffset now, CancellationToken cancellationToken = default);
}

public sealed class CommitteeFeedWriter(NpgsqlDataSource db, IOptions<AckOptions> ack) : ICommitteeFeedWriter
{
    public async Task<IReadOnlyList<(string AgencyId, FeedItem Item)>> WriteAsync(
        IReadOnlyList<NewFeedItem> items, IReadOnlyList<FeedResolution> settlements, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Settle first, then append: the same lock order as an escalation (feed item rows, then feed
        // heads). Appending first held the committee's feed head while waiting for an owner's item that
        // an escalation had locked, and that escalation waited for the committee's head: a deadlock
        // PostgreSQL broke by failing one of them. Settling first also never settles an item this same
        // write appends.
        var settled = await FeedStore.ResolveAsync(connection, transaction, settlements, now, cancellationToken);
        var appended = await FeedStore.AppendAsync(connection, transaction, items, now, ack.Value, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return [.. appended, .. settled];
    }
}

/// <summary>The SQL committees read from the feed tables.</summary>
public static class CommitteeStore
{
    /// <summary>When each task's assignment was acknowledged by its owner, by task id.</summary>
    public static async Task<IReadOnlyDictionary<string, DateTimeOffset>> AcknowledgementsAsync(
        NpgsqlDataSource db, string committeeId, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT task_id, acknowledged_at FROM feed_items " +
            "WHERE committee_id = @committee AND type = @type AND acknowledged_at IS NOT NULL AND task_id IS NOT NULL");
        command.Parameters.AddWithValue("committee", committeeId);
        command.Parameters.AddWithValue("type", nameof(FeedItemType.TaskAssigned));
        var acknowledged = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            acknowledged[reader.GetString(0)] = new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc));
        }

        return acknowledged;
    }
}
