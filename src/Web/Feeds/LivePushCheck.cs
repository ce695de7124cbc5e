using Coordination.Contracts.Feeds;
using Coordination.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Coordination.Web.Feeds;

/// <summary>
/// Live push can lose an item: a notification to a feed grain on a silo that just died, a commit
/// whose answer was lost, an idempotent replay (nothing new to notify). Every
/// <see cref="LivePushOptions.PushCheckEvery"/> this host compares the feed heads of the agencies
/// with dashboards here with what it pushed, and pushes whatever is still missing from the durable
/// feed, so a connected dashboard converges on the feed within about two intervals.
/// </summary>
public sealed class LivePushCheck(
    IClusterClient cluster, FeedPushObserver observer, MissedPushes missed, DashboardConnections connections, FeedWatches watches,
    IOptions<LivePushOptions> options, ILogger<LivePushCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PushCheckEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug("Checking live pushes against the feeds failed ({Error}); checking again", ex.GetType().Name);
            }
        }
    }

    /// <summary>Keys of the stateless heads grain to take turns with (see <see cref="CheckAsync"/>).</summary>
    private const int HeadsKeys = 8;

    private int _round;

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var agencies = connections.Agencies;
        observer.Forget(agencies.ToHashSet(StringComparer.Ordinal));
        if (agencies.Count == 0)
        {
            return;
        }

        // A different key each round: the client sends a grain's calls through the gateway its id
        // hashes to, so a frozen gateway silo costs one round, not every round until it is declared dead.
        var heads = await cluster.GetGrain<IFeedHeadsGrain>(_round++ % HeadsKeys).Heads(agencies).WaitAsync(MissedPushes.CallTimeout, cancellationToken);
        await Task.WhenAll(agencies.Select(agency => CheckAgencyAsync(agency, heads.GetValueOrDefault(agency), cancellationToken)));
    }

    /// <summary>One agency's check, on its own: a feed grain on a frozen silo delays only its own agency.</summary>
    private async Task CheckAgencyAsync(string agency, long head, CancellationToken cancellationToken)
    {
        if (observer.Missing(agency, head, out var due) is not { } missing)
        {
            return;
        }

        try
        {
            if (await missed.PushAsync(agency, missing, due, cancellationToken))
            {
                // Its feed may have lost this host's watch (re-activated on another silo): renew it now.
                await watches.WatchAsync(agency);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // What is still missing stays missing (nothing was marked pushed): the next round fetches it.
            logger.LogDebug("Checking live pushes of agency {AgencyId} failed ({Error}); checking again", agency, ex.GetType().Name);
        }
    }
}
