using Coordination.Contracts.Feeds;
using Coordination.Grains.Feeds;
using Microsoft.Extensions.Logging;

namespace Coordination.Grains.Committees;

/// <summary>
/// Hands the feed entries a committee's change committed to the outbox to the agencies' feeds
/// (<see cref="FeedHandOff.DeliverAsync"/>), as a case does; a replacement lets tests lose the
/// hand-off at exactly that point, after the commit.
/// </summary>
public interface ICommitteeFeedWriter
{
    /// <summary>True once every feed has written its part; otherwise the entries wait in the outbox for the feed's catch-up.</summary>
    Task<bool> WriteAsync(IReadOnlyList<FeedDelivery> deliveries);
}

public sealed class CommitteeFeedWriter(IGrainFactory grains, ILogger<CommitteeFeedWriter> logger) : ICommitteeFeedWriter
{
    public Task<bool> WriteAsync(IReadOnlyList<FeedDelivery> deliveries) => grains.DeliverAsync(deliveries, logger);
}
