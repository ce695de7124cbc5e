using System.Diagnostics.Metrics;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Web.Auth;
using Microsoft.AspNetCore.SignalR;

namespace Coordination.Web.Observability;

/// <summary>The web host's part of the product's metrics: live dashboards and how fast items reach them.</summary>
public sealed class DashboardMetrics
{
    private readonly UpDownCounter<long> _connected;
    private readonly Histogram<double> _latency;
    private readonly TimeProvider _clock;

    public DashboardMetrics(IMeterFactory meters, TimeProvider clock)
    {
        _clock = clock;
        var meter = meters.Create(Telemetry.MeterName);
        _connected = meter.CreateUpDownCounter<long>("coordination.dashboards.connected", "{connection}",
            "Dashboards connected to this web host, by agency.");
        _latency = meter.CreateHistogram("coordination.delivery.latency", "s",
            "From a feed item's commit to its push to the agency's dashboards on this web host, by item type.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    public void Connected(string agencyId) => _connected.Add(1, Agency(agencyId));

    public void Disconnected(string agencyId) => _connected.Add(-1, Agency(agencyId));

    /// <summary>
    /// Records the delay from the commit that produced this version of the item — its creation, or
    /// its acknowledgement for an update — to now. Both stamps are taken inside the committing
    /// transaction on a silo, so clocks must be synchronised (NTP) for this to be meaningful.
    /// </summary>
    public void Pushed(FeedItem item)
    {
        var committed = item.AcknowledgedAt is { } acknowledged && acknowledged > item.OccurredAt ? acknowledged : item.OccurredAt;
        var seconds = Math.Max(0, (_clock.GetUtcNow() - committed).TotalSeconds);
        _latency.Record(seconds, new KeyValuePair<string, object?>("type", item.Type.ToString()));
    }

    private static KeyValuePair<string, object?> Agency(string agencyId) => new("agency", agencyId);
}

/// <summary>Counts dashboard connections that joined their agency's audience, and only those.</summary>
internal sealed class DashboardConnectionFilter(DashboardMetrics metrics) : IHubFilter
{
    private const string CountedAgency = "metrics:agency";

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        var connection = context.Context;
        if (!connection.ConnectionAborted.IsCancellationRequested &&
            connection.User?.FindFirst(CoordinationClaims.Agency)?.Value is { } agency)
        {
            connection.Items[CountedAgency] = agency;
            metrics.Connected(agency);
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            if (context.Context.Items.Remove(CountedAgency, out var counted) && counted is string agency)
            {
                metrics.Disconnected(agency);
            }
        }
    }
}
