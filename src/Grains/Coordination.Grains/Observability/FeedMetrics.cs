using System.Diagnostics.Metrics;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Observability;

/// <summary>The feeds' part of the product's metrics (meter <see cref="Telemetry.MeterName"/>).</summary>
public sealed class FeedMetrics
{
    private readonly Counter<long> _escalations;
    private readonly Counter<long> _missedDeadlines;

    public FeedMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.MeterName);
        _escalations = meter.CreateCounter<long>("coordination.escalations.raised", "{alert}",
            "AckOverdue alerts raised because an item was not acknowledged by its deadline, by the agency alerted.");
        _missedDeadlines = meter.CreateCounter<long>("coordination.escalations.swept", "{feed}",
            "Feeds the overdue sweep found with a deadline past due that their own timer had missed (should stay at zero; rises after a silo is lost).");
    }

    public void DeadlinesMissed(int feeds) => _missedDeadlines.Add(feeds);

    public void EscalationsRaised(string agencyId, int count) =>
        _escalations.Add(count, new KeyValuePair<string, object?>("agency", agencyId));
}
