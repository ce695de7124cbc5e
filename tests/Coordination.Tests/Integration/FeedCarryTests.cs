using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Npgsql;
using static Coordination.Tests.Integration.FeedLogTests;

namespace Coordination.Tests.Integration;

/// <summary>
/// The short road from a change to an idle feed (<see cref="FeedCarry"/>) on a real PostgreSQL: the
/// feed numbers the change's items (<see cref="FeedLog.Reserve"/>), the case writes them in its own
/// transaction, and the feed, told the outcome (<see cref="FeedLog.Carried"/>), moves on from there;
/// a head another writer moved fails the carried write whole.
/// </summary>
public sealed class FeedCarryTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    [Fact]
    public async Task A_change_carried_by_the_case_is_in_the_feed_at_the_seqs_the_feed_reserved_and_never_in_the_outbox()
    {
        await using var db = await DatabaseAsync("feed_carry_committed");
        var writes = Writes(db);
        var told = new List<FeedWrite>();
        var log = Log(writes, "ngo-case", told.Add);
        await log.DeliverAsync(Delivery("ngo-case", "warm-up"));
        var change = SiloWritesTests.NewCase("KG-001", "key-1");
        var deliveries = CaseStore.Deliveries(change, Now);
        var reservation = Assert.IsType<FeedReservation>(log.Reserve(deliveries[0]));
        Assert.Equal(1, reservation.Head);
        var part = new CarriedPart(reservation, deliveries[0]);

        Assert.Equal(SaveOutcome.Saved, await SaveAsync(writes, db, change, deliveries, [part]));
        Assert.True(log.Carried(reservation.ChangeId, CarriedOutcome.Committed, part.Settled));

        var feed = await FeedStore.SinceAsync(db, "ngo-case", 0, 100);
        Assert.Equal([1L, 2L], feed.Select(i => i.Seq));
        Assert.Equal(reservation.Items.Single().Item.Id, feed[1].Id);
        Assert.Equal("KG-001", feed[1].CaseId);
        Assert.Equal(0L, await CountAsync(db, "SELECT count(*) FROM feed_outbox"));
        Assert.Equal(reservation.Items.Single().Item.Id, Assert.Single(told[^1].Changed).Id);

        // The feed moved on from the carried items: its next write is numbered after them.
        await log.DeliverAsync(Delivery("ngo-case", "after"));
        Assert.Equal([1L, 2L, 3L], (await FeedStore.SinceAsync(db, "ngo-case", 0, 100)).Select(i => i.Seq));
    }

    [Fact]
    public async Task While_a_change_is_reserved_the_feed_writes_nothing_else_and_what_waited_is_written_next()
    {
        await using var db = await DatabaseAsync("feed_carry_waits");
        var log = Log(db, "ngo-a");
        await log.DeliverAsync(Delivery("ngo-a", "warm-up"));
        var reserved = Delivery("ngo-a", "reserved");
        var reservation = Assert.IsType<FeedReservation>(log.Reserve(reserved));

        var waiting = log.DeliverAsync(Delivery("ngo-a", "waiting"));
        Assert.Null(log.Reserve(Delivery("ngo-a", "second reservation")));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "a delivery was written while a change was reserved");

        Assert.True(log.Carried(reservation.ChangeId, CarriedOutcome.NotCommitted, []));
        await waiting;

        // Not committed: the reserved seq is the next write's.
        var feed = await FeedStore.SinceAsync(db, "ngo-a", 0, 100);
        Assert.Equal([1L, 2L], feed.Select(i => i.Seq));
        Assert.Equal(["warm-up", "waiting"], feed.Select(i => i.Summary));
        Assert.False(log.Carried(reservation.ChangeId, CarriedOutcome.Committed, []));
    }

    [Fact]
    public async Task A_feed_reserves_nothing_while_it_does_not_hold_its_head_or_has_a_write_in_flight()
    {
        await using var db = await DatabaseAsync("feed_carry_refused");
        var log = Log(db, "ngo-a");
        Assert.Null(log.Reserve(Delivery("ngo-a", "head not held")));

        var writing = log.DeliverAsync(Delivery("ngo-a", "first"));
        Assert.Null(log.Reserve(Delivery("ngo-a", "while writing")));
        await writing;

        Assert.NotNull(log.Reserve(Delivery("ngo-a", "idle")));
    }

    [Fact]
    public async Task A_carried_write_whose_feed_head_another_writer_moved_fails_whole_and_the_feed_loses_nothing()
    {
        await using var db = await DatabaseAsync("feed_carry_head_moved");
        var writes = Writes(db);
        var log = Log(writes, "ngo-case");
        var elsewhere = Log(Writes(db), "ngo-case");
        await log.DeliverAsync(Delivery("ngo-case", "warm-up"));
        var change = SiloWritesTests.NewCase("KG-001", "key-1");
        var deliveries = CaseStore.Deliveries(change, Now);
        var reservation = Assert.IsType<FeedReservation>(log.Reserve(deliveries[0]));
        // A second activation of the feed, on another silo, writes between the reservation and the case's commit.
        await elsewhere.DeliverAsync(Delivery("ngo-case", "elsewhere"));

        var refused = await Assert.ThrowsAsync<PostgresException>(() =>
            SaveAsync(writes, db, change, deliveries, [new CarriedPart(reservation, deliveries[0])]));

        Assert.True(FeedCarry.RefusedForAFeed(refused));
        Assert.Equal(0L, await CountAsync(db, "SELECT count(*) FROM cases"));
        Assert.True(log.Carried(reservation.ChangeId, CarriedOutcome.NotCommitted, []));

        // As the case grain does then: the change again, its entries through the outbox, handed to the feed.
        Assert.Equal(SaveOutcome.Saved, await SaveAsync(writes, db, change, deliveries, []));
        await log.DeliverAsync(deliveries[0]);
        var feed = await FeedStore.SinceAsync(db, "ngo-case", 0, 100);
        Assert.Equal([1L, 2L, 3L], feed.Select(i => i.Seq));
        Assert.Equal("KG-001", feed[2].CaseId);
        Assert.Equal(0L, await CountAsync(db, "SELECT count(*) FROM feed_outbox"));
    }

    [Fact]
    public async Task After_a_carried_write_whose_outcome_is_unknown_the_feed_reads_its_head_again_before_writing()
    {
        await using var db = await DatabaseAsync("feed_carry_unknown");
        var writes = Writes(db);
        var log = Log(writes, "ngo-case");
        await log.DeliverAsync(Delivery("ngo-case", "warm-up"));
        var change = SiloWritesTests.NewCase("KG-001", "key-1");
        var deliveries = CaseStore.Deliveries(change, Now);
        var reservation = Assert.IsType<FeedReservation>(log.Reserve(deliveries[0]));
        await SaveAsync(writes, db, change, deliveries, [new CarriedPart(reservation, deliveries[0])]);

        // The answer was lost (or the lease lapsed): the feed does not know the items are there.
        Assert.True(log.Carried(reservation.ChangeId, CarriedOutcome.Unknown, []));
        Assert.Null(log.Reserve(Delivery("ngo-case", "head not held")));
        await log.DeliverAsync(Delivery("ngo-case", "after"));

        Assert.Equal([1L, 2L, 3L], (await FeedStore.SinceAsync(db, "ngo-case", 0, 100)).Select(i => i.Seq));
    }

    /// <summary>Commits <paramref name="change"/> as a case grain does, with the parts its feeds reserved.</summary>
    private static async Task<SaveOutcome> SaveAsync(
        SiloWrites writes, NpgsqlDataSource db, CaseChange change, IReadOnlyList<FeedDelivery> deliveries, IReadOnlyList<CarriedPart> carried) =>
        await CaseStore.SaveAsync(writes, await CaseStore.RowAsync(SiloWritesTests.Codec(db), change), change, deliveries, carried, Now);
}
