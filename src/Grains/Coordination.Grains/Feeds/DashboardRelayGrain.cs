using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Coordination.Grains.Feeds;

/// <summary>
/// Fans feed items out to every live web host (GPSTracker pattern). Web hosts re-subscribe every
/// few seconds; a host that stops doing so expires, and the durable feed plus <c>Since(seq)</c>
/// covers whatever its dashboards missed.
/// </summary>
public sealed class DashboardRelayGrain : Grain, IDashboardRelayGrain
{
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(1);
    private readonly ObserverManager<IFeedObserver> _observers;

    public DashboardRelayGrain(ILogger<DashboardRelayGrain> logger)
    {
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
        _observers.Notify(o => o.OnFeedItems(agencyId, items));
        return Task.CompletedTask;
    }

    public Task<int> Ping() => Task.FromResult(_observers.Count);
}
