using Coordination.Contracts.Feeds;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>
/// One feed's part of a producer's change, numbered by the feed (<see cref="IAgencyFeedGrain.Reserve"/>)
/// and written by the producer in its own change's transaction.
/// </summary>
public sealed class CarriedPart(FeedReservation reservation, FeedDelivery delivery)
{
    private List<FeedItem> _settled = [];

    public FeedReservation Reservation => reservation;

    public FeedDelivery Delivery => delivery;

    /// <summary>The items the part's settlements settled, as the last attempt's batch returned them.</summary>
    public IReadOnlyList<FeedItem> Settled => _settled;

    /// <summary>
    /// The part's statements, made anew for each attempt: the feed's head moves first (so the write
    /// fails whole if anyone else moved it), then the change's settlements, then its items as numbered.
    /// </summary>
    public IEnumerable<WriteStatement> Statements(DateTimeOffset now)
    {
        _settled = [];
        var settled = _settled;
        return
        [
            WriteStatement.Required(FeedStore.MoveHead(reservation.AgencyId, reservation.Head, reservation.Head + reservation.Items.Count)),
            .. delivery.Settlements.Select(s => FeedCarry.Settle(s, now, settled)),
            .. reservation.Items.Select(i => FeedCarry.Insert(reservation.AgencyId, i)),
        ];
    }
}

/// <summary>
/// The short road from a producer's change to an idle feed: the feed numbers the change's items
/// (it stays the only code that decides what its log holds and in what order), and the producer
/// writes them in the transaction of its own change instead of in its outbox, so an idle flag waits
/// for one commit, not two in sequence. A feed that is busy (a write in flight or waiting), does not
/// hold its head or cannot be reached reserves nothing, and its entries take the outbox road
/// (<see cref="FeedHandOff"/>), whose writes are shared between flags under load.
/// </summary>
public static class FeedCarry
{
    /// <summary>
    /// How long a producer waits for a feed's reservation before it takes the outbox road. A feed on a
    /// live silo answers in well under a millisecond; this bounds what a frozen one adds to a change
    /// that then waits <see cref="FeedHandOff.Wait"/> for the hand-off (5.5 s in all, inside the web
    /// host's 8 s response timeout).
    /// </summary>
    public static readonly TimeSpan ReserveWait = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a feed holds a reservation whose outcome it was not told (the producer's silo died, its
    /// report was lost) before it takes the outcome as unknown: it reads its head again and catches up.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    /// <summary>The reservations the feeds of <paramref name="deliveries"/> grant; the others take the outbox road.</summary>
    public static async Task<IReadOnlyList<CarriedPart>> ReserveAsync(this IGrainFactory grains, IReadOnlyList<FeedDelivery> deliveries, ILogger logger)
    {
        var parts = await Task.WhenAll(deliveries.Select(async delivery =>
        {
            var feed = grains.GetGrain<IAgencyFeedGrain>(delivery.AgencyId);
            var reserving = feed.Reserve(delivery);
            try
            {
                // A network wait, so real time whatever the domain clock says.
                var reservation = await reserving.WaitAsync(ReserveWait, TimeProvider.System);
                return reservation is null ? null : new CarriedPart(reservation, delivery);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogInformation("Feed of agency {AgencyId} reserved nothing for change {ChangeId} ({Error}); it goes through the outbox",
                    delivery.AgencyId, delivery.ChangeId, ex.GetType().Name);
                // A reservation granted too late is not carried: release it rather than let the feed wait for its lease.
                _ = reserving.ContinueWith(
                    r => r.Result is null ? Task.CompletedTask : feed.Carried(delivery.ChangeId, CarriedOutcome.NotCommitted, []),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Current);
                return null;
            }
        }));
        return parts.OfType<CarriedPart>().ToList();
    }

    /// <summary>Tells each feed how the transaction that carried its part ended; a feed not told lets its reservation lapse (<see cref="Lease"/>).</summary>
    public static async Task EndAsync(this IGrainFactory grains, IReadOnlyList<CarriedPart> parts, CarriedOutcome outcome, ILogger logger)
    {
        await Task.WhenAll(parts.Select(async part =>
        {
            try
            {
                var settled = outcome == CarriedOutcome.Committed ? part.Settled : [];
                await grains.GetGrain<IAgencyFeedGrain>(part.Reservation.AgencyId).Carried(part.Reservation.ChangeId, outcome, settled)
                    .WaitAsync(FeedHandOff.Wait, TimeProvider.System);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Feed of agency {AgencyId} not told that change {ChangeId} was {Outcome} ({Error}); its reservation lapses",
                    part.Reservation.AgencyId, part.Reservation.ChangeId, outcome, ex.GetType().Name);
            }
        }));
    }

    /// <summary>A write refused for a carried part's sake: a head another writer moved, or an item the feed holds already (its key or its seq).</summary>
    public static bool RefusedForAFeed(Exception ex) =>
        ex is PostgresException refused && (refused.Failed(FeedStore.HeadMoved) || refused is { SqlState: PostgresErrorCodes.UniqueViolation, TableName: "feed_items" });

    /// <summary>
    /// Numbers <paramref name="items"/> on from <paramref name="head"/>, skipping those whose dedupe key
    /// is in <paramref name="seen"/> (which gains the others): their time and deadlines count from <paramref name="causedAt"/>.
    /// </summary>
    public static List<ReservedFeedItem> Number(long head, IEnumerable<NewFeedItem> items, DateTimeOffset causedAt, ISet<string> seen, AckOptions ack)
    {
        var numbered = new List<ReservedFeedItem>();
        foreach (var item in items.Where(i => seen.Add(i.DedupeKey)))
        {
            var (feedItem, checkpoints) = FeedStore.Number(item, head + numbered.Count + 1, causedAt, ack);
            numbered.Add(new ReservedFeedItem(feedItem, item.DedupeKey, item.CausedByAgencyId, checkpoints));
        }

        return numbered;
    }

    public static WriteStatement Insert(string agencyId, ReservedFeedItem item) =>
        new(FeedStore.Insert(agencyId, item.DedupeKey, item.Item, item.CausedByAgencyId, item.Checkpoints));

    /// <summary>A settlement, adding what it settled to <paramref name="settled"/> as the batch returns it.</summary>
    public static WriteStatement Settle(FeedSettlement settlement, DateTimeOffset now, List<FeedItem> settled) =>
        new(FeedStore.Settle(settlement, now), ReturnsRows: true, Read: r => settled.Add(FeedStore.Read(r)));
}
