using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Committees;
using Coordination.Grains.Feeds;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Tests.Integration;

/// <summary>
/// Writers of the feeds take their locks in one order — feed item rows, then feed heads — so that an
/// escalation and a write that settles items never deadlock. Proven on a real PostgreSQL by holding
/// the locks an escalation holds, in its order, while a committee write settles the same item.
/// </summary>
public sealed class FeedLockOrderTests
{
    private const string Committee = "committee-lock";
    private const string Owner = "owner-lock";

    [Fact]
    public async Task A_committee_write_that_settles_an_item_an_escalation_holds_waits_for_it_and_neither_deadlocks()
    {
        var connectionString = await TestDatabase.CreateMigratedAsync("lock_order");
        await using var db = CoordinationDatabase.CreateDataSource(connectionString);
        var writer = new CommitteeFeedWriter(db, Options.Create(new AckOptions()));
        var now = DateTimeOffset.UtcNow;

        // The owner's assignment (requires acknowledgement) and an item in the committee's own feed.
        await writer.WriteAsync(
            [Item(Owner, "task:committee-lock:t1:assigned", FeedItemType.TaskAssigned, requiresAck: true),
             Item(Committee, "task:committee-lock:t0:updated:1", FeedItemType.TaskUpdated, requiresAck: false)],
            [], now);

        // An escalation of the owner's feed: it has locked the overdue row and is about to append
        // AckOverdue to the feeds of the owner and of the committee that caused the item.
        await using var escalation = await db.OpenConnectionAsync();
        await using var transaction = await escalation.BeginTransactionAsync();
        await ExecuteAsync(escalation, transaction,
            $"SELECT seq FROM feed_items WHERE agency_id = '{Owner}' AND acknowledged_at IS NULL FOR UPDATE");

        // Meanwhile the owner reports on the task: the committee write settles the assignment and
        // appends TaskUpdated to the committee's feed. It must wait for the escalation's row.
        var settle = writer.WriteAsync(
            [Item(Committee, "task:committee-lock:t1:updated:1", FeedItemType.TaskUpdated, requiresAck: false)],
            [new FeedResolution(Owner, "task:committee-lock:t1:", "owner-user")],
            now);
        await WaitUntilABackendWaitsForALockAsync(db, settle);

        // The escalation now takes the feed heads it appends to. Had the write appended before
        // settling, it would hold the committee's head here and PostgreSQL would fail one of the two.
        await ExecuteAsync(escalation, transaction,
            $"SELECT last_seq FROM feed_heads WHERE agency_id IN ('{Committee}', '{Owner}') ORDER BY agency_id FOR UPDATE");
        await transaction.CommitAsync();

        var written = await settle;
        var settled = Assert.Single(written, w => w.Item.Type == FeedItemType.TaskAssigned);
        Assert.Equal(Owner, settled.AgencyId);
        Assert.Equal("owner-user", settled.Item.AcknowledgedBy);
        Assert.Contains(written, w => w.AgencyId == Committee && w.Item.Type == FeedItemType.TaskUpdated);
        var owner = await FeedStore.SinceAsync(db, Owner, 0, 10);
        Assert.NotNull(Assert.Single(owner).AcknowledgedAt);
    }

    private static NewFeedItem Item(string agency, string dedupeKey, FeedItemType type, bool requiresAck) =>
        new(agency, dedupeKey, type, FeedItemKind.Task, null, Committee, dedupeKey.Split(':')[2], $"{type} for the lock test",
            Urgency.Routine, requiresAck, requiresAck ? Committee : null, new Dictionary<string, string>());

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
        }
    }

    /// <summary>Waits until the write is blocked on a lock in PostgreSQL (not merely slow to start).</summary>
    private static async Task WaitUntilABackendWaitsForALockAsync(NpgsqlDataSource db, Task write)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            Assert.False(write.IsCompleted, "the committee write finished although the escalation held the row it settles");
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(1), "the committee write never waited for the escalation's lock");
            await using var command = db.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(20);
        }
    }
}
