using System.Diagnostics.Metrics;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Observability;

/// <summary>The silo's combined writes' part of the product's metrics (meter <see cref="Telemetry.MeterName"/>).</summary>
public sealed class WriteMetrics
{
    public const string PartsPerCommit = "coordination.writes_per_commit";

    private readonly Histogram<int> _partsPerCommit;

    public WriteMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.MeterName);
        _partsPerCommit = meter.CreateHistogram<int>(PartsPerCommit, "{write}",
            "Writes (a case's change, a feed's delivery) committed together by one batch of a silo's combined writes (1 when a write found none waiting).");
    }

    public void Committed(int parts) => _partsPerCommit.Record(parts);
}
