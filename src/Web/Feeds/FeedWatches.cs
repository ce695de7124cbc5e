using Coordination.Contracts.Feeds;

namespace Coordination.Web.Feeds;

/// <summary>
/// This host's watches of the feeds of the agencies with dashboards here: a watch starts when an
/// agency's first dashboard connects, is renewed every <see cref="FeedWatch.RenewEvery"/> (a feed
/// re-activated on another silo after its silo died holds none), at once when the live push check
/// finds an agency's pushes missing, and ends with the agency's last dashboard here.
/// </summary>
public sealed class FeedWatches(
    IClusterClient cluster, FeedPushObserver observer, MissedPushes missed, DashboardConnections connections, ILogger<FeedWatches> logger)
    : BackgroundService
{
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);

    // One reference for the host's lifetime, created on first use (the client is started by then):
    // two would each be pushed to, and every item would reach the dashboards twice.
    private readonly Lazy<IFeedObserver> _reference = new(() => cluster.CreateObjectReference<IFeedObserver>(observer));

    private IFeedObserver Reference => _reference.Value;

    /// <summary>Watches the agency's feed now (its first dashboard here connected, or its pushes went missing).</summary>
    public async Task WatchAsync(string agencyId)
    {
        lock (_watched)
        {
            _watched.Add(agencyId);
        }

        try
        {
            var unwatched = await cluster.GetGrain<IAgencyFeedGrain>(agencyId).Watch(Reference);
            if (!observer.IsTracking(agencyId))
            {
                var heads = await cluster.GetGrain<IFeedHeadsGrain>(0).Heads([agencyId]);
                observer.StartAt(agencyId, heads.GetValueOrDefault(agencyId));
            }
            else if (unwatched)
            {
                // The feed was not pushing here (activated anew after its silo died, or it had dropped
                // this host): what it wrote meanwhile reaches the dashboards now, not at the next check.
                var head = (await cluster.GetGrain<IFeedHeadsGrain>(0).Heads([agencyId]).WaitAsync(MissedPushes.CallTimeout)).GetValueOrDefault(agencyId);
                if (observer.MissingNow(agencyId, head) is { } missing)
                {
                    await missed.PushAsync(agencyId, missing, head, CancellationToken.None);
                }
            }
        }
        catch (Exception ex)
        {
            // Whatever it was (Orleans gives up on a call it could not place with an OperationCanceledException
            // too), renewed on the next round; meanwhile the live push check fetches what was not pushed.
            logger.LogWarning("Watching the feed of agency {AgencyId} failed ({Error}); renewing later", agencyId, ex.GetType().Name);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not unwatched on the way out: the feeds drop this host at their first failed push.
        using var timer = new PeriodicTimer(FeedWatch.RenewEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RenewAsync();
        }
    }

    private async Task RenewAsync()
    {
        var open = connections.Agencies.ToHashSet(StringComparer.Ordinal);
        List<string> closed;
        lock (_watched)
        {
            closed = _watched.Where(a => !open.Contains(a)).ToList();
            _watched.ExceptWith(closed);
        }

        await Task.WhenAll(open.Select(WatchAsync).Concat(closed.Select(UnwatchAsync)));
    }

    private async Task UnwatchAsync(string agencyId)
    {
        try
        {
            await cluster.GetGrain<IAgencyFeedGrain>(agencyId).Unwatch(Reference);
        }
        catch (Exception ex)
        {
            logger.LogDebug("Unwatching the feed of agency {AgencyId} failed ({Error}); the watch lapses by itself", agencyId, ex.GetType().Name);
        }
    }
}
