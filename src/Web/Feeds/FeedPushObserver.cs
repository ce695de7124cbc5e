using Coordination.Contracts.Feeds;
using Coordination.Web.Observability;
using Microsoft.AspNetCore.SignalR;

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
                Begin(seqs, head);
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
    /// Like <see cref="Missing"/>, but every item up to <paramref name="head"/> is due at once: the feed
    /// said it was not pushing here, so none of them is still on its way.
    /// </summary>
    public (long After, IReadOnlySet<long> Pushed)? MissingNow(string agencyId, long head)
    {
        lock (_pushed)
        {
            var seqs = Tracked(agencyId);
            return seqs.Contiguous is { } contiguous && head > contiguous ? (contiguous, new HashSet<long>(seqs.Ahead)) : null;
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
                Begin(seqs, head);
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

    /// <summary>Tracking starts at <paramref name="head"/>: everything up to it counts as delivered.</summary>
    private static void Begin(PushedSeqs seqs, long head)
    {
        seqs.Contiguous = head;
        seqs.Due = head;
        Advance(seqs);
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
