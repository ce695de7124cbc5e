using Coordination.Contracts.Feeds;

namespace Coordination.Web.Feeds;

/// <summary>
/// Fetches from an agency's durable feed the items this host never pushed to its dashboards, and
/// pushes them now: used by the periodic <see cref="LivePushCheck"/>, and by <see cref="FeedWatches"/>
/// as soon as a feed says it was not pushing here (activated anew after its silo died, or it had
/// dropped this host), so those items arrive within a watch renewal, not a check interval.
/// </summary>
public sealed class MissedPushes(IClusterClient cluster, FeedPushObserver observer, ILogger<MissedPushes> logger)
{
    /// <summary>
    /// How long one fetch waits for its answer. A call routed through a silo that froze waits for
    /// the response timeout (8 s) otherwise, and would hold up every agency's check behind it.
    /// </summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Pushes the items after <c>missing.After</c> up to <paramref name="due"/> that were not pushed; true when there were any.</summary>
    public async Task<bool> PushAsync(string agency, (long After, IReadOnlySet<long> Pushed) missing, long due, CancellationToken cancellationToken)
    {
        var items = (await cluster.GetGrain<IAgencyFeedGrain>(agency).Since(missing.After, FeedApi.MaxPage).WaitAsync(CallTimeout, cancellationToken))
            .Where(i => i.Seq <= due && !missing.Pushed.Contains(i.Seq))
            .ToList();
        if (items.Count == 0)
        {
            return false;
        }

        logger.LogInformation("Pushing {Count} feed items of agency {AgencyId} that live push missed", items.Count, agency);
        await observer.OnFeedItems(agency, items);
        return true;
    }
}
