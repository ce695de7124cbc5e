namespace Coordination.Contracts.Feeds;

/// <summary>
/// One agency's feed (key: agency id): reads, acknowledgements, live push and escalation of
/// items whose acknowledgement deadline passes.
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

    /// <summary>Told after items were committed to this feed: push them live and watch their deadlines.</summary>
    [Alias("Appended"), OneWay]
    Task Appended(IReadOnlyList<FeedItem> items);

    /// <summary>
    /// Raises <c>AckOverdue</c> for every unacknowledged item now past its due time and schedules the
    /// next check. The grain's timer and reminder call this; so may an operator. Returns how many were raised.
    /// </summary>
    [Alias("EscalateDue")]
    Task<int> EscalateDue();
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
/// Implemented by each web host: receives every feed item to push to its connected dashboards. Not
/// one-way, so the relay learns at the first failed push that a web host is gone; a host answers at
/// once, so a push unanswered for seconds means the host is dead or frozen.
/// </summary>
[Alias("Coordination.IFeedObserver")]
public interface IFeedObserver : IGrainObserver
{
    [Alias("OnFeedItems"), ResponseTimeout("00:00:05")]
    Task OnFeedItems(string agencyId, IReadOnlyList<FeedItem> items);
}

/// <summary>
/// Tracks live web hosts (key 0). Web hosts re-subscribe periodically; ones that stop doing so expire.
/// Grains on any silo publish through it to dashboards on any web host.
/// </summary>
[Alias("Coordination.IDashboardRelayGrain")]
public interface IDashboardRelayGrain : IGrainWithIntegerKey
{
    [Alias("Subscribe")]
    Task Subscribe(IFeedObserver observer);

    [Alias("Unsubscribe")]
    Task Unsubscribe(IFeedObserver observer);

    [Alias("Publish"), OneWay]
    Task Publish(string agencyId, IReadOnlyList<FeedItem> items);

    [Alias("Ping"), ReadOnly]
    Task<int> Ping();
}
