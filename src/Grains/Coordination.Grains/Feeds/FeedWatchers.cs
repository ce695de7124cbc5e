using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Coordination.Grains.Feeds;

/// <summary>
/// The web hosts watching one feed, and the live push of its items to them (the feed grain's own
/// fan-out: no relay between them, so push capacity grows with the silos that host feeds, and an
/// agency's items go only to the hosts where it has dashboards open). A watch lapses after
/// <see cref="FeedWatch.Expiry"/> without renewal; a host whose push fails is dropped at once (a dead
/// host would otherwise be pushed to, and every push logged as failed, until it lapsed), and its
/// dashboards catch up from the durable feed with <c>Since(seq)</c>. Used inside the feed grain's
/// turns only, so it needs no lock.
/// </summary>
public sealed class FeedWatchers(string agencyId, ILogger logger)
{
    /// <summary>
    /// A live web host answers a push within milliseconds, so a few are in flight at most; a dead one
    /// answers none until they time out. Beyond this many unanswered, pushes to the host are skipped
    /// (each would end in a timeout warning); a host that was merely slow fetches what it missed
    /// from the feed itself (its live push check).
    /// </summary>
    private const int MaxUnansweredPushes = 50;

    private readonly ObserverManager<IFeedObserver> _observers = new(FeedWatch.Expiry, logger);
    private readonly Dictionary<IFeedObserver, int> _unanswered = [];

    public int Count => _observers.Count;

    /// <summary>Starts or renews a watch; true when the host was not watched (nothing written before reached it).</summary>
    public bool Watch(IFeedObserver observer)
    {
        var renewed = _observers.Observers.ContainsKey(observer);
        _observers.Subscribe(observer, observer);
        return !renewed;
    }

    public void Unwatch(IFeedObserver observer) => _observers.Unsubscribe(observer);

    /// <summary>Sends <paramref name="items"/> to every watching host without waiting for any of them.</summary>
    public void Push(IReadOnlyList<FeedItem> items)
    {
        _observers.ClearExpired();
        foreach (var observer in _observers.Observers.Values)
        {
            var unanswered = _unanswered.GetValueOrDefault(observer);
            if (unanswered < MaxUnansweredPushes)
            {
                _unanswered[observer] = unanswered + 1;
                // Not awaited: one slow web host must not hold up the others, nor the feed's next turn.
                PushAsync(observer, items).Ignore();
            }
        }
    }

    private async Task PushAsync(IFeedObserver observer, IReadOnlyList<FeedItem> items)
    {
        try
        {
            await observer.OnFeedItems(agencyId, items);
        }
        catch (Exception ex)
        {
            // Pushes already in flight fail too: only the first one still finds the host watching.
            if (_observers.Observers.ContainsKey(observer))
            {
                _observers.Unsubscribe(observer);
                logger.LogWarning("A web host stopped taking pushes of agency {AgencyId} ({Error}); dropped until it watches again", agencyId, ex.GetType().Name);
            }
        }
        finally
        {
            if (--_unanswered[observer] == 0)
            {
                _unanswered.Remove(observer);
            }
        }
    }
}
