using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Coordination.Grains.Feeds;

/// <summary>
/// Fans feed items out to every live web host (GPSTracker pattern). Web hosts re-subscribe every
/// few seconds; a host that stops doing so expires, one whose push fails is dropped at once (a dead
/// host would otherwise be pushed to, and every push logged as rejected, until it expired), and the
/// durable feed plus <c>Since(seq)</c> covers whatever its dashboards missed.
/// </summary>
public sealed class DashboardRelayGrain : Grain, IDashboardRelayGrain
{
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A live web host answers a push within milliseconds, so a few are in flight at most; a dead one
    /// answers none until they time out. Beyond this many unanswered, pushes to the host are skipped
    /// (each would end in a timeout warning); a host that was merely slow fetches what it missed
    /// from the feeds itself (the web host's live push check).
    /// </summary>
    private const int MaxUnansweredPushes = 50;

    private readonly ObserverManager<IFeedObserver> _observers;
    private readonly Dictionary<IFeedObserver, int> _unanswered = [];
    private readonly ILogger<DashboardRelayGrain> _logger;

    public DashboardRelayGrain(ILogger<DashboardRelayGrain> logger)
    {
        _logger = logger;
        _observers = new ObserverManager<IFeedObserver>(Expiry, logger);
    }

    public Task Subscribe(IFeedObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IFeedObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public Task Publish(string agencyId, IReadOnlyList<FeedItem> items)
    {
        _observers.ClearExpired();
        foreach (var observer in _observers.Observers.Values)
        {
            var unanswered = _unanswered.GetValueOrDefault(observer);
            if (unanswered < MaxUnansweredPushes)
            {
                _unanswered[observer] = unanswered + 1;
                // Not awaited: one slow web host must not hold up the others, nor the next publish.
                PushAsync(observer, agencyId, items).Ignore();
            }
        }

        return Task.CompletedTask;
    }

    private async Task PushAsync(IFeedObserver observer, string agencyId, IReadOnlyList<FeedItem> items)
    {
        try
        {
            await observer.OnFeedItems(agencyId, items);
        }
        catch (Exception ex)
        {
            // Pushes already in flight fail too: only the first one still finds the host subscribed.
            if (_observers.Observers.ContainsKey(observer))
            {
                _observers.Unsubscribe(observer);
                _logger.LogWarning("A web host stopped taking pushes ({Error}); dropped until it subscribes again", ex.GetType().Name);
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

    public Task<int> Ping() => Task.FromResult(_observers.Count);
}
