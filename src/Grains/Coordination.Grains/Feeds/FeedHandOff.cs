using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;

namespace Coordination.Grains.Feeds;

public static class FeedHandOff
{
    /// <summary>
    /// How long a producer waits for the feeds before it answers anyway. Bounded because a feed on a
    /// silo that froze answers only once that silo is declared dead (tens of seconds), and the
    /// producer's caller must not be told "unavailable" about a change that is committed: 5 s leaves
    /// the web host's 8 s response timeout room for the change's own transaction.
    /// </summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Hands each agency's feed grain what a producer's committed change puts in it, and waits until
    /// each has written it, so that what the producer answers its caller is in the feeds. A feed that
    /// cannot be reached does not fail the producer: the change is durable in the outbox, and the feed
    /// writes it when it catches up (activation, its retry timer, or the deadline sweeper), and so
    /// does a feed that has not answered within <see cref="Wait"/>. Returns whether every feed wrote its part.
    /// </summary>
    public static async Task<bool> DeliverAsync(this IGrainFactory grains, IReadOnlyList<FeedDelivery> deliveries, ILogger logger)
    {
        var results = await Task.WhenAll(deliveries.Select(async delivery =>
        {
            try
            {
                // A network wait, so real time whatever the domain clock says.
                await grains.GetGrain<IAgencyFeedGrain>(delivery.AgencyId).Deliver(delivery).WaitAsync(Wait, TimeProvider.System);
                return true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Change {ChangeId} not delivered to the feed of agency {AgencyId} yet ({Error}); it waits in the outbox",
                    delivery.ChangeId, delivery.AgencyId, ex.GetType().Name);
                return false;
            }
        }));
        return results.All(r => r);
    }
}
