using System.Diagnostics.Metrics;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Coordination.Grains.Observability;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Coordination.Tests.Integration;

/// <summary>
/// The feed's single writer (<see cref="FeedLog"/>) on a real PostgreSQL: numbering from its own head,
/// batching, deduplication, consuming the producers' outbox, and a second activation of the same
/// feed writing at once, as during a failover.
/// </summary>
public sealed class FeedLogTests
{
    /// <summary>
    /// The time the test's items occur: the present (to the second, as PostgreSQL keeps it), since the
    /// logs run on the real clock and an item from a fixed date would be overdue once that date passed.
    /// </summary>
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    public static FeedLog Log(NpgsqlDataSource db, string agency, Action<FeedWrite>? onWritten = null) =>
        Log(Writes(db), agency, onWritten);

    public static FeedLog Log(SiloWrites writes, string agency, Action<FeedWrite>? onWritten = null) =>
        new(agency, writes, new AckOptions(), TimeProvider.System, onWritten ?? (_ => { }), NullLogger.Instance);

    /// <summary>The combined writes of one silo.</summary>
    public static SiloWrites Writes(NpgsqlDataSource db) =>
        new(db, new WriteMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>()), NullLogger<SiloWrites>.Instance);

    [Fact]
    public async Task The_writes_of_many_feeds_that_wait_together_commit_together_each_numbered_from_its_own_head()
    {
        await using var db = await DatabaseAsync("feed_log_combined");
        var writes = Writes(db);
        var agencies = Enumerable.Range(1, 20).Select(i => $"ngo-{i:D2}").ToList();
        var logs = agencies.Select(a => Log(writes, a)).ToList();
        await Task.WhenAll(logs.Select((log, i) => log.DeliverAsync(Delivery(agencies[i], "warm-up"))));
        var parts = new List<int>();
        using var listener = ListenToCommits(parts);

        await Task.WhenAll(logs.SelectMany((log, i) => Enumerable.Range(1, 5).Select(n => log.DeliverAsync(Delivery(agencies[i], $"item:{n}")))));

        foreach (var agency in agencies)
        {
            var feed = await FeedStore.SinceAsync(db, agency, 0, 100);
            Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), feed.Select(i => i.Seq));
            Assert.Equal(Enumerable.Range(1, 5).Select(n => $"item:{n}").Append("warm-up").Order(), feed.Select(i => i.Summary).Order());
        }

        Assert.Equal(0L, await CountAsync(db, "SELECT count(*) FROM feed_outbox"));
        lock (parts)
        {
            Assert.Contains(parts, p => p > 1);
        }
    }

    [Fact]
    public async Task A_combined_write_that_one_feeds_stale_head_refuses_is_made_again_alone_and_loses_no_feeds_part()
    {
        await using var db = await DatabaseAsync("feed_log_combined_refused");
        var writes = Writes(db);
        var stale = Log(writes, "ngo-a");
        var other = Log(writes, "ngo-b");
        var busy = new[] { Log(writes, "ngo-c"), Log(writes, "ngo-d") };
        var elsewhere = Log(Writes(db), "ngo-a");
        await stale.DeliverAsync(Delivery("ngo-a", "a:1"));
        await other.DeliverAsync(Delivery("ngo-b", "b:1"));
        await Busy(busy, "busy:1");
        // A second activation of ngo-a's feed, on another silo, moves its head past the one held here.
        await elsewhere.DeliverAsync(Delivery("ngo-a", "a:2"));

        // ngo-c's and ngo-d's writes keep the silo's writes busy, so ngo-a's and ngo-b's wait and go together.
        var (first, hold) = await HoldBusyAsync(db, busy, "busy:2");
        var waiting = new[] { stale.DeliverAsync(Delivery("ngo-a", "a:3")), other.DeliverAsync(Delivery("ngo-b", "b:2")) };
        await hold.DisposeAsync();
        await Task.WhenAll([first, .. waiting]);

        Assert.Equal(["a:1", "a:2", "a:3"], (await FeedStore.SinceAsync(db, "ngo-a", 0, 100)).Select(i => i.Summary));
        Assert.Equal(["b:1", "b:2"], (await FeedStore.SinceAsync(db, "ngo-b", 0, 100)).Select(i => i.Summary));
        Assert.Equal(["busy:1", "busy:2"], (await FeedStore.SinceAsync(db, "ngo-c", 0, 100)).Select(i => i.Summary));
        Assert.Equal(["busy:1", "busy:2"], (await FeedStore.SinceAsync(db, "ngo-d", 0, 100)).Select(i => i.Summary));
        Assert.Equal(0L, await CountAsync(db, "SELECT count(*) FROM feed_outbox"));
    }

    private static MeterListener ListenToCommits(List<int> parts) => Listen(WriteMetrics.PartsPerCommit, parts);

    /// <summary>Collects what the instrument named <paramref name="instrumentName"/> records.</summary>
    public static MeterListener Listen<T>(string instrumentName, List<T> values)
        where T : struct
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name == instrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<T>((_, value, _, _) =>
        {
            lock (values)
            {
                values.Add(value);
            }
        });
        listener.Start();
        return listener;
    }

    [Fact]
    public async Task Deliveries_that_arrive_together_are_numbered_without_gaps_in_one_write_and_a_redelivery_adds_nothing()
    {
        await using var db = await DatabaseAsync("feed_log_batch");
        var writes = new List<FeedWrite>();
        var log = Log(db, "ngo-a", writes.Add);
        var deliveries = Enumerable.Range(1, 40).Select(i => Delivery("ngo-a", $"referral:c{i}")).ToList();

        await Task.WhenAll(deliveries.Select(log.DeliverAsync));
        await log.DeliverAsync(deliveries[7]);

        var feed = await FeedStore.SinceAsync(db, "ngo-a", 0, 1000);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), feed.Select(i => i.Seq));
        Assert.Equal(40, feed.Select(i => i.Summary).Distinct().Count());
        Assert.True(writes.Count < 40, $"{writes.Count} writes for 40 deliveries that arrived together");
        Assert.Empty(writes[^1].Changed);
        Assert.Equal(40L, (await FeedStore.HeadsAsync(db, ["ngo-a"]))["ngo-a"]);
    }

    [Fact]
    public async Task A_change_left_in_the_outbox_is_written_by_catching_up_and_its_rows_are_consumed_in_the_same_write()
    {
        await using var db = await DatabaseAsync("feed_log_outbox");
        var log = Log(db, "ngo-b");
        await log.DeliverAsync(Delivery("ngo-b", "pickup:c1:v1", requiresAck: true));

        // A producer committed a re-booking (settle the old pickup, request the new one) and died
        // before handing it over.
        var rebooking = new FeedDelivery("ngo-b", Guid.NewGuid(), Now.AddMinutes(1),
            [new FeedSettlement("ngo-b", "pickup:c1:", "consul")], [Item("ngo-b", "pickup:c1:v2", requiresAck: true)]);
        await CommitToOutboxAsync(db, rebooking);

        Assert.Equal(0, (await log.CatchUpAsync()).Raised);

        var feed = await FeedStore.SinceAsync(db, "ngo-b", 0, 100);
        Assert.Equal(["pickup:c1:v1", "pickup:c1:v2"], feed.Select(i => i.Summary));
        Assert.Equal("consul", feed[0].AcknowledgedBy);
        Assert.Null(feed[1].AcknowledgedAt);
        Assert.Equal(Now.AddMinutes(1), feed[1].OccurredAt);
        Assert.Equal(0L, await CountAsync(db, "SELECT count(*) FROM feed_outbox"));

        // The late hand-off of the same change finds nothing left to do.
        await log.DeliverAsync(rebooking);
        Assert.Equal(2, (await FeedStore.SinceAsync(db, "ngo-b", 0, 100)).Count);
    }

    [Fact]
    public async Task The_late_hand_off_of_a_change_a_catch_up_wrote_is_answered_without_writing_and_fails_no_combined_write()
    {
        await using var db = await DatabaseAsync("feed_log_late_hand_off");
        var writes = Writes(db);
        var log = Log(writes, "ngo-a");
        var other = Log(writes, "ngo-b");
        var busy = new[] { Log(writes, "ngo-c"), Log(writes, "ngo-d") };
        await Task.WhenAll(log.DeliverAsync(Delivery("ngo-a", "a:1")), other.DeliverAsync(Delivery("ngo-b", "b:1")), Busy(busy, "busy:1"));
        // A case committed a change and, before its hand-off arrived, the feed caught up on it from the outbox.
        var change = Delivery("ngo-a", "a:2");
        await CommitToOutboxAsync(db, change);
        await log.CatchUpAsync();
        var refused = new List<long>();
        using var listener = Listen(WriteMetrics.PartsRefused, refused);

        // ngo-c's and ngo-d's writes keep the silo's two batches busy; the late hand-off and ngo-b's write come behind them, together.
        var (first, hold) = await HoldBusyAsync(db, busy, "busy:2");
        var waiting = new[] { log.DeliverAsync(change), other.DeliverAsync(Delivery("ngo-b", "b:2")) };
        await hold.DisposeAsync();
        await Task.WhenAll([first, .. waiting]);

        Assert.Equal(["a:1", "a:2"], (await FeedStore.SinceAsync(db, "ngo-a", 0, 100)).Select(i => i.Summary));
        Assert.Equal(["b:1", "b:2"], (await FeedStore.SinceAsync(db, "ngo-b", 0, 100)).Select(i => i.Summary));
        lock (refused)
        {
            Assert.Empty(refused);
        }
    }

    [Fact]
    public async Task An_outbox_larger_than_one_write_is_written_by_successive_catch_ups_in_the_order_it_was_caused()
    {
        await using var db = await DatabaseAsync("feed_log_backlog");
        var backlog = Enumerable.Range(1, 600)
            .Select(i => new FeedDelivery("ngo-e", Guid.NewGuid(), Now.AddSeconds(i), [], [Item("ngo-e", $"item:{i}")]))
            .ToList();
        foreach (var chunk in backlog.Chunk(100))
        {
            await CommitToOutboxAsync(db, chunk);
        }

        var log = Log(db, "ngo-e");
        var first = await log.CatchUpAsync();
        var second = await log.CatchUpAsync();

        Assert.True(first.MoreInOutbox);
        Assert.False(second.MoreInOutbox);
        var feed = await FeedStore.SinceAsync(db, "ngo-e", 0, 1000);
        Assert.Equal(Enumerable.Range(1, 600).Select(i => $"item:{i}"), feed.Select(i => i.Summary));
        Assert.Equal(Enumerable.Range(1, 600).Select(i => (long)i), feed.Select(i => i.Seq));
    }

    [Fact]
    public async Task Two_activations_of_one_feed_writing_at_once_leave_neither_a_gap_nor_a_duplicate()
    {
        await using var db = await DatabaseAsync("feed_log_failover");
        var first = Log(db, "ngo-c");
        var second = Log(db, "ngo-c");
        await first.DeliverAsync(Delivery("ngo-c", "warm-up:1"));
        await second.DeliverAsync(Delivery("ngo-c", "warm-up:2"));

        // Both now hold a head; each write by one makes the other's stale.
        var writes = Enumerable.Range(1, 30).Select(i => (i % 2 == 0 ? first : second).DeliverAsync(Delivery("ngo-c", $"item:{i}")));
        await Task.WhenAll(writes);
        await first.DeliverAsync(Delivery("ngo-c", "item:7"));

        var feed = await FeedStore.SinceAsync(db, "ngo-c", 0, 1000);
        Assert.Equal(Enumerable.Range(1, 32).Select(i => (long)i), feed.Select(i => i.Seq));
        Assert.Equal(32, feed.Select(i => i.Summary).Distinct().Count());
        Assert.Equal(32L, (await FeedStore.HeadsAsync(db, ["ngo-c"]))["ngo-c"]);
    }

    [Fact]
    public async Task Catching_up_escalates_an_overdue_item_here_and_puts_the_alert_for_the_agency_that_caused_it_in_its_outbox()
    {
        await using var db = await DatabaseAsync("feed_log_escalation");
        var past = DateTimeOffset.UtcNow - TimeSpan.FromHours(1);
        var log = Log(db, "ngo-d");
        await log.DeliverAsync(new FeedDelivery("ngo-d", Guid.NewGuid(), past, [],
            [Item("ngo-d", "referral:c9:r1", requiresAck: true, urgency: Urgency.Critical, causedBy: "post-d")]));

        var escalation = await log.CatchUpAsync();

        Assert.Equal(2, escalation.Raised);
        var overdue = Assert.Single(await FeedStore.SinceAsync(db, "ngo-d", 1, 100));
        Assert.Equal(FeedItemType.AckOverdue, overdue.Type);
        var onward = Assert.Single(escalation.Onward);
        Assert.Equal("post-d", onward.AgencyId);
        Assert.Equal(1L, await CountAsync(db, "SELECT count(*) FROM feed_outbox WHERE agency_id = 'post-d'"));
        Assert.Empty(await FeedStore.SinceAsync(db, "post-d", 0, 100));

        // The causing agency's feed writes it when it catches up (or is handed it), once.
        var post = Log(db, "post-d");
        await post.CatchUpAsync();
        await post.DeliverAsync(onward);
        Assert.Equal(FeedItemType.AckOverdue, Assert.Single(await FeedStore.SinceAsync(db, "post-d", 0, 100)).Type);
        Assert.Equal(0L, await CountAsync(db, "SELECT count(*) FROM feed_outbox"));
    }

    internal static async Task<NpgsqlDataSource> DatabaseAsync(string purpose) =>
        CoordinationDatabase.CreateDataSource(await TestDatabase.CreateMigratedAsync(purpose));

    /// <summary>One write for each of <paramref name="busy"/>'s feeds, started at once.</summary>
    internal static Task Busy(FeedLog[] busy, string key) =>
        Task.WhenAll(busy.Select(log => log.DeliverAsync(Delivery(log.AgencyId, key))));

    /// <summary>
    /// Keeps the silo's combined batches in flight, one per feed of <paramref name="busy"/> (as many as
    /// <see cref="SiloWrites"/> keeps in flight): another transaction locks the feeds' heads, then each
    /// feed writes <paramref name="key"/>, the next only once PostgreSQL shows the last one waiting on its
    /// head, so each is a batch of its own. What is written next waits and goes together, when the hold
    /// is released. Each feed must hold its head (a first write made): a feed's first write reads the
    /// head in a transaction of its own, and occupies no combined batch.
    /// </summary>
    internal static async Task<(Task Written, IAsyncDisposable Hold)> HoldBusyAsync(NpgsqlDataSource db, FeedLog[] busy, string key)
    {
        var connection = await db.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand("SELECT 1 FROM feed_heads WHERE agency_id = ANY(@agencies) FOR UPDATE", connection, transaction))
        {
            take.Parameters.AddWithValue("agencies", busy.Select(l => l.AgencyId).ToArray());
            await take.ExecuteNonQueryAsync();
        }

        var written = new List<Task>();
        foreach (var log in busy)
        {
            written.Add(log.DeliverAsync(Delivery(log.AgencyId, key)));
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (await CountAsync(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") < written.Count)
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"the write of {log.AgencyId} never waited on its head");
                await Task.Delay(10);
            }
        }

        return (Task.WhenAll(written), new Hold(connection, transaction));
    }

    private sealed class Hold(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.CommitAsync();
            await connection.DisposeAsync();
        }
    }

    public static FeedDelivery Delivery(string agency, string key, bool requiresAck = false) =>
        new(agency, Guid.NewGuid(), Now, [], [Item(agency, key, requiresAck)]);

    private static NewFeedItem Item(string agency, string key, bool requiresAck = false, Urgency urgency = Urgency.Routine, string? causedBy = null) =>
        new(agency, key, FeedItemType.ReferralReceived, FeedItemKind.Alert, null, null, null, key, urgency, requiresAck, causedBy,
            new Dictionary<string, string>());

    private static async Task CommitToOutboxAsync(NpgsqlDataSource db, params FeedDelivery[] deliveries)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        FeedStore.AddToOutbox(batch, deliveries);
        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    internal static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
