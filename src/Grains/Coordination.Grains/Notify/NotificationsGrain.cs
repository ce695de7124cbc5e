using Coordination.Contracts.Feeds;
using Coordination.Contracts.Notify;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Grains.Notify;

/// <summary>The notification log and acknowledgement links: reads and one-row updates, so any silo serves them.</summary>
[StatelessWorker, Reentrant]
public sealed class NotificationsGrain(
    NpgsqlDataSource db,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<NotificationsGrain> logger) : Grain, INotificationsGrain
{
    public Task<IReadOnlyList<NotificationAttempt>?> Log(string agencyId, Guid itemId) => NotificationStore.LogAsync(db, agencyId, itemId);

    /// <summary>
    /// Spends the link, then acknowledges its item through the item's feed, the only writer of it. A
    /// failure between the two leaves the link spent and the item open: the user acknowledges it on
    /// the dashboard, which a spent link tells them to do.
    /// </summary>
    public async Task<AckLinkUse> UseAckLink(string token, string username)
    {
        var use = await NotificationStore.SpendAckLinkAsync(db, token, username, clock.GetUtcNow());
        if (use is { Outcome: AckLinkOutcome.Acknowledged, AgencyId: { } agencyId, ItemId: { } itemId })
        {
            await GrainFactory.GetGrain<IAgencyFeedGrain>(agencyId).Acknowledge(itemId, username);
            logger.LogInformation("Feed item {ItemId} of agency {AgencyId} acknowledged by {Username} through a notification's link", itemId, agencyId, username);
        }

        return use;
    }
}
