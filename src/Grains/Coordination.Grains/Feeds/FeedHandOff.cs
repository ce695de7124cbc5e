using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;

namespace Coordination.Grains.Feeds;

public static class FeedHandOff
{
    /// <summary>
    /// Hands each agency's feed grain what a producer's committed change puts in it, and waits until
    /// each has written it, so that what the producer answers its caller is in the feeds. A feed that
    /// cannot be reached does not fail the producer: the change is durable in the outbox, and the feed
    /// writes it when it catches up (activation, its retry timer, or the deadline sweeper). Returns
    /// whether every feed wrote its part.
    /// </summary>
    public static async Task<bool> DeliverAsync(this IGrainFactory grains, IReadOnlyList<FeedDelivery> deliveries, ILogger logger)
    {
        var results = await Task.WhenAll(deliveries.Select(async delivery =>
        {
            try
            {
                await grains.GetGrain<IAgencyFeedGrain>(delivery.AgencyId).Deliver(delivery);
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
