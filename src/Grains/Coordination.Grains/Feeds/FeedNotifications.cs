using Coordination.Contracts.Feeds;

namespace Coordination.Grains.Feeds;

public static class FeedNotifications
{
    /// <summary>
    /// Tells each agency's feed grain about the items just committed to its feed, so it pushes them
    /// and times their deadlines. One-way: the items are durable already, and a feed that misses the
    /// message still serves them from the database (and the sweep escalates them).
    /// </summary>
    public static void NotifyAppended(this IGrainFactory grains, IEnumerable<(string AgencyId, FeedItem Item)> appended)
    {
        foreach (var group in appended.GroupBy(a => a.AgencyId))
        {
            grains.GetGrain<IAgencyFeedGrain>(group.Key).Appended(group.Select(g => g.Item).ToList()).Ignore();
        }
    }
}
