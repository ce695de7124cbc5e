namespace Coordination.Contracts.Feeds;

/// <summary>
/// One agency's feed (key: agency id), and the only writer of it: appends what producers deliver,
/// reads, acknowledgements, live push to the web hosts that watch it and escalation of items whose
/// acknowledgement deadline passes.
/// </summary>
[Alias("Coordination.IAgencyFeedGrain")]
public interface IAgencyFeedGrain : IGrainWithStringKey
{
    /// <summary>Items with seq greater than <paramref name="afterSeq"/>, ascending.</summary>
    [Alias("Since"), ReadOnly]
    Task<IReadOnlyList<FeedItem>> Since(long afterSeq, int limit);

    /// <summary>Acknowledges an item of this agency; idempotent. Null when the agency has no such item.</summary>
    [Alias("Acknowledge")]
    Task<FeedItem?> Acknowledge(Guid itemId, string username);

    /// <summary>
    /// Pushes this feed's items live to <paramref name="observer"/> (a web host with dashboards of this
    /// agency) until it stops renewing: a watch lapses <see cref="FeedWatch.Expiry"/> after the last
    /// call, and an observer whose push fails is dropped at once. Watches live in memory only, so a
    /// host renews every <see cref="FeedWatch.RenewEvery"/>, and at once when it finds pushes missing.
    /// True when the feed was not pushing to the host (a new watch, a feed activated anew after its
    /// silo died, or a host dropped after a failed push): what the feed wrote before it was not pushed there.
    /// </summary>
    [Alias("Watch"), AlwaysInterleave]
    Task<bool> Watch(IFeedObserver observer);

    /// <summary>Stops pushing to <paramref name="observer"/> (its last dashboard of this agency closed).</summary>
    [Alias("Unwatch"), AlwaysInterleave]
    Task Unwatch(IFeedObserver observer);

    /// <summary>
    /// Hands this feed the entries of one producer's change (a case, a committee, another feed's
    /// escalation), committed already in the producer's outbox: the feed settles what it settles,
    /// appends the items it does not hold yet (by dedupe key), numbering them from its own head, and
    /// deletes the change's outbox rows, in one transaction; deliveries that arrive together share
    /// it. Completes once committed. Idempotent: a change delivered twice changes nothing the second time.
    /// </summary>
    [Alias("Deliver"), AlwaysInterleave]
    Task Deliver(FeedDelivery delivery);

    /// <summary>
    /// Numbers one producer's change for the producer to write in its own transaction, when this feed
    /// is idle (nothing being written, nothing waiting) and holds its head; null otherwise, and the
    /// change goes the outbox road (<see cref="Deliver"/>). Until the producer reports the outcome
    /// (<see cref="Carried"/>), or <c>FeedCarry.Lease</c> (2 s) passes, the feed writes nothing else: what
    /// arrives meanwhile waits. The reservation binds nothing: the carried write moves the feed's head
    /// from <see cref="FeedReservation.Head"/>, so it fails whole if anyone else moved it.
    /// </summary>
    [Alias("Reserve"), AlwaysInterleave]
    Task<FeedReservation?> Reserve(FeedDelivery delivery);

    /// <summary>How the producer's transaction that carried a reservation ended: committed items are pushed and timed.</summary>
    [Alias("Carried"), AlwaysInterleave]
    Task Carried(Guid changeId, CarriedOutcome outcome, IReadOnlyList<FeedItem> settled);

    /// <summary>
    /// Delivers whatever producers' outboxes still hold for this feed, raises <c>AckOverdue</c> for
    /// every unacknowledged item now past its due time and schedules the next check. Activation, the
    /// grain's timer and every silo's deadline sweeper call this; so may an operator. Returns how many
    /// overdue alerts were raised.
    /// </summary>
    [Alias("CatchUp")]
    Task<int> CatchUp();

    /// <summary>
    /// Moves an item's notification walk from <paramref name="level"/> on to <paramref name="nextLevel"/>,
    /// due at <paramref name="nextAt"/> (the walk ends when null), and wakes the feed then; a report for
    /// a level the walk has left, or for an acknowledged item, changes nothing.
    /// </summary>
    [Alias("NotificationWalked")]
    Task NotificationWalked(Guid itemId, int level, int nextLevel, DateTimeOffset? nextAt);

    /// <summary>The agency's escalation policy changed: whether it has levels decides whether new items are walked at once.</summary>
    [Alias("PolicyChanged")]
    Task PolicyChanged(bool hasLevels);
}

/// <summary>
/// The last seq of agencies' feeds (stateless, key 0): web hosts compare it with what they pushed, and
/// fetch and push whatever a lost notification or push left out.
/// </summary>
[Alias("Coordination.IFeedHeadsGrain")]
public interface IFeedHeadsGrain : IGrainWithIntegerKey
{
    /// <summary>The last seq of each given agency's feed; agencies whose feed is empty are left out.</summary>
    [Alias("Heads"), ReadOnly]
    Task<IReadOnlyDictionary<string, long>> Heads(IReadOnlyList<string> agencyIds);
}

/// <summary>
/// Implemented by each web host: receives the items of the feeds it watches, to push to its connected
/// dashboards. Not one-way, so a feed learns at the first failed push that a web host is gone; a host
/// answers at once, so a push unanswered for seconds means the host is dead or frozen.
/// </summary>
[Alias("Coordination.IFeedObserver")]
public interface IFeedObserver : IGrainObserver
{
    [Alias("OnFeedItems"), ResponseTimeout("00:00:05")]
    Task OnFeedItems(string agencyId, IReadOnlyList<FeedItem> items);
}

/// <summary>How long a feed's watch by a web host lasts, and how often hosts renew theirs.</summary>
public static class FeedWatch
{
    /// <summary>A watch not renewed for this long lapses (a host that died without unwatching).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often a web host renews its watches. A feed re-activated on another silo after its silo died
    /// starts with none, so this bounds, beyond failure detection, how long its items reach that host
    /// only through the host's live push check.
    /// </summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);
}

/// <summary>Answers whether the cluster serves calls (stateless: whichever silo the caller reaches).</summary>
[Alias("Coordination.IClusterPingGrain")]
public interface IClusterPingGrain : IGrainWithIntegerKey
{
    [Alias("Ping"), ReadOnly]
    Task Ping();
}
