using Coordination.Contracts.Feeds;
using Coordination.Web.Observability;
using Microsoft.AspNetCore.SignalR;

namespace Coordination.Web.Feeds;

/// <summary>This web host's one observer: forwards feed items from any silo to the agency's dashboards here.</summary>
public sealed class FeedPushObserver(IHubContext<DashboardHub> hub, DashboardMetrics metrics, ILogger<FeedPushObserver> logger) : IFeedObserver
{
    public async Task OnFeedItems(string agencyId, IReadOnlyList<FeedItem> items)
    {
        try
        {
            var group = hub.Clients.Group(DashboardHub.GroupFor(agencyId));
            foreach (var item in items)
            {
                await group.SendAsync("feed", item);
                metrics.Pushed(item);
            }
        }
        catch (Exception ex)
        {
            // Push is best effort: the durable feed and Since(seq) make up for anything lost here.
            logger.LogWarning(ex, "Pushing {Count} feed items to agency {AgencyId} failed", items.Count, agencyId);
        }
    }
}

/// <summary>
/// Keeps this host's observer registered with the relay grain. Observers do not survive silo
/// restarts, so it re-subscribes on a timer shorter than the relay's expiry.
/// </summary>
public sealed class RelaySubscription(IClusterClient cluster, FeedPushObserver observer, ILogger<RelaySubscription> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reference = cluster.CreateObjectReference<IFeedObserver>(observer);
        var relay = cluster.GetGrain<IDashboardRelayGrain>(0);
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await relay.Subscribe(reference);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Subscribing to the dashboard relay failed ({Error}); retrying", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));

        await relay.Unsubscribe(reference);
    }
}
