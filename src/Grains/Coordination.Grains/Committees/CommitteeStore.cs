using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Committees;

/// <summary>
/// Hands committee items, and the settlements of items answered, to the agencies' feeds. The plan
/// lives in grain storage and the feeds in their own tables, so the two cannot share a transaction:
/// the grain writes its outbox first and calls this after; a replacement lets tests fail it at
/// exactly that point.
/// </summary>
public interface ICommitteeFeedWriter
{
    /// <summary>Delivers <paramref name="items"/> and <paramref name="settlements"/> to each agency's feed; true once every feed has written its part.</summary>
    Task<bool> WriteAsync(IReadOnlyList<NewFeedItem> items, IReadOnlyList<FeedSettlement> settlements, DateTimeOffset causedAt);
}

public sealed class CommitteeFeedWriter(IGrainFactory grains, ILogger<CommitteeFeedWriter> logger) : ICommitteeFeedWriter
{
    public Task<bool> WriteAsync(IReadOnlyList<NewFeedItem> items, IReadOnlyList<FeedSettlement> settlements, DateTimeOffset causedAt) =>
        grains.DeliverAsync(FeedDelivery.Of(Guid.CreateVersion7(causedAt), causedAt, settlements, items), logger);
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
