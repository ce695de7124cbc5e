using Coordination.Contracts.Feeds;
using Coordination.Web.Hosting;
using Coordination.Web.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Coordination.Web.Feeds;

/// <summary>
/// This web host's one observer: forwards the items of the feeds it watches to the agency's dashboards here,
/// and remembers which seqs it pushed so <see cref="LivePushCheck"/> can push what never arrived.
/// </summary>
public sealed class FeedPushObserver(IHubContext<DashboardHub> hub, DashboardMetrics metrics, ILogger<FeedPushObserver> logger) : IFeedObserver
{
    private readonly Dictionary<string, PushedSeqs> _pushed = new(StringComparer.Ordinal);

    public async Task OnFeedItems(string agencyId, IReadOnlyList<FeedItem> items)
    {
        Record(agencyId, items);
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
            logger.LogWarning("Pushing {Count} feed items to agency {AgencyId} failed ({Error})", items.Count, agencyId, ex.GetType().Name);
        }
    }

    /// <summary>
    /// Compares the agency's feed head with what was pushed here. Returns the seq after which items up
    /// to <paramref name="due"/> were never pushed, with the seqs above it that were; null when nothing
    /// is missing. An agency seen for the first time starts at its head: its dashboards caught up when they connected.
    /// </summary>
    public (long After, IReadOnlySet<long> Pushed)? Missing(string agencyId, long head, out long due)
    {
        lock (_pushed)
        {
            var seqs = Tracked(agencyId);
            if (seqs.Contiguous is null)
            {
                seqs.Contiguous = head;
                seqs.Due = head;
                Advance(seqs);
                due = head;
                return null;
            }

            // Items up to the head seen last time had a whole interval to arrive live; newer ones may still be in flight.
            due = seqs.Due;
            seqs.Due = head;
            return due > seqs.Contiguous ? (seqs.Contiguous.Value, new HashSet<long>(seqs.Ahead)) : null;
        }
    }

    /// <summary>
    /// Starts tracking an agency at <paramref name="head"/>, read once this host watches its feed: later
    /// items are pushed by the feed or found missing; earlier ones reached its dashboards when they connected.
    /// </summary>
    public void StartAt(string agencyId, long head)
    {
        lock (_pushed)
        {
            var seqs = Tracked(agencyId);
            if (seqs.Contiguous is null)
            {
                seqs.Contiguous = head;
                seqs.Due = head;
                Advance(seqs);
            }
        }
    }

    public bool IsTracking(string agencyId)
    {
        lock (_pushed)
        {
            return _pushed.TryGetValue(agencyId, out var seqs) && seqs.Contiguous is not null;
        }
    }

    /// <summary>Stops tracking agencies that have no dashboard here any more.</summary>
    public void Forget(IReadOnlyCollection<string> keep)
    {
        lock (_pushed)
        {
            foreach (var agency in _pushed.Keys.Where(a => !keep.Contains(a)).ToList())
            {
                _pushed.Remove(agency);
            }
        }
    }

    private void Record(string agencyId, IReadOnlyList<FeedItem> items)
    {
        lock (_pushed)
        {
            // Tracked from the first push on, even before the first check reads the head: a push that
            // overtakes that read must not be taken for missing.
            var seqs = Tracked(agencyId);
            foreach (var item in items.Where(i => seqs.Contiguous is null || i.Seq > seqs.Contiguous))
            {
                seqs.Ahead.Add(item.Seq);
            }

            Advance(seqs);
        }
    }

    private PushedSeqs Tracked(string agencyId)
    {
        if (!_pushed.TryGetValue(agencyId, out var seqs))
        {
            _pushed[agencyId] = seqs = new PushedSeqs();
        }

        return seqs;
    }

    private static void Advance(PushedSeqs seqs)
    {
        if (seqs.Contiguous is not { } contiguous)
        {
            return;
        }

        seqs.Ahead.RemoveWhere(seq => seq <= contiguous);
        while (seqs.Ahead.Remove(contiguous + 1))
        {
            contiguous++;
        }

        seqs.Contiguous = contiguous;
    }

    private sealed class PushedSeqs
    {
        /// <summary>Every seq up to this one was pushed (or predates tracking); null until the first check.</summary>
        public long? Contiguous { get; set; }

        /// <summary>Seqs above <see cref="Contiguous"/> that were pushed.</summary>
        public SortedSet<long> Ahead { get; } = [];

        /// <summary>The head at the previous check: items up to it should have arrived by the next.</summary>
        public long Due { get; set; }
    }
}

/// <summary>
/// Live push can lose an item: a notification to a feed grain on a silo that just died, a commit
/// whose answer was lost, an idempotent replay (nothing new to notify). Every
/// <see cref="LivePushOptions.PushCheckEvery"/> this host compares the feed heads of the agencies
/// with dashboards here with what it pushed, and pushes whatever is still missing from the durable
/// feed, so a connected dashboard converges on the feed within about two intervals.
/// </summary>
public sealed class LivePushCheck(
    IClusterClient cluster, FeedPushObserver observer, DashboardConnections connections, FeedWatches watches,
    IOptions<LivePushOptions> options, ILogger<LivePushCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PushCheckEvery);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await CheckAsync();
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogDebug("Checking live pushes against the feeds failed ({Error}); checking again", ex.GetType().Name);
            }
        }
    }

    private async Task CheckAsync()
    {
        var agencies = connections.Agencies;
        observer.Forget(agencies.ToHashSet(StringComparer.Ordinal));
        if (agencies.Count == 0)
        {
            return;
        }

        var heads = await cluster.GetGrain<IFeedHeadsGrain>(0).Heads(agencies);
        foreach (var agency in agencies)
        {
            if (observer.Missing(agency, heads.GetValueOrDefault(agency), out var due) is not { } missing)
            {
                continue;
            }

            var items = (await cluster.GetGrain<IAgencyFeedGrain>(agency).Since(missing.After, FeedApi.MaxPage))
                .Where(i => i.Seq <= due && !missing.Pushed.Contains(i.Seq))
                .ToList();
            if (items.Count > 0)
            {
                logger.LogInformation("Pushing {Count} feed items of agency {AgencyId} that live push missed", items.Count, agency);
                await observer.OnFeedItems(agency, items);
                // Its feed may have lost this host's watch (re-activated on another silo): renew it now.
                await watches.WatchAsync(agency);
            }
        }
    }
}

/// <summary>
/// This host's watches of the feeds of the agencies with dashboards here: a watch starts when an
/// agency's first dashboard connects, is renewed every <see cref="FeedWatch.RenewEvery"/> (a feed
/// re-activated on another silo after its silo died holds none), at once when the live push check
/// finds an agency's pushes missing, and ends with the agency's last dashboard here.
/// </summary>
public sealed class FeedWatches(IClusterClient cluster, FeedPushObserver observer, DashboardConnections connections, ILogger<FeedWatches> logger)
    : BackgroundService
{
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);
    private IFeedObserver? _reference;

    private IFeedObserver Reference => _reference ??= cluster.CreateObjectReference<IFeedObserver>(observer);

    /// <summary>Watches the agency's feed now (its first dashboard here connected, or its pushes went missing).</summary>
    public async Task WatchAsync(string agencyId)
    {
        lock (_watched)
        {
            _watched.Add(agencyId);
        }

        try
        {
            await cluster.GetGrain<IAgencyFeedGrain>(agencyId).Watch(Reference);
            if (!observer.IsTracking(agencyId))
            {
                var heads = await cluster.GetGrain<IFeedHeadsGrain>(0).Heads([agencyId]);
                observer.StartAt(agencyId, heads.GetValueOrDefault(agencyId));
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
