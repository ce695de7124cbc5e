using System.Diagnostics.Metrics;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Observability;

/// <summary>The silo's combined writes' part of the product's metrics (meter <see cref="Telemetry.MeterName"/>).</summary>
public sealed class WriteMetrics
{
    public const string PartsPerCommit = "coordination.writes_per_commit";

    public const string PartsRefused = "coordination.writes_refused_together";

    private readonly Histogram<int> _partsPerCommit;
    private readonly Counter<long> _refusedTogether;

    public WriteMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.MeterName);
        _partsPerCommit = meter.CreateHistogram<int>(PartsPerCommit, "{write}",
            "Writes (a case's change, a feed's delivery) committed together by one batch of a silo's combined writes (1 when a write found none waiting).");
        _refusedTogether = meter.CreateCounter<long>(PartsRefused, "{write}",
            "Writes of combined batches that one part's refusal failed, each then made again alone (rare: a second activation of a case or feed, a replayed key).");
    }

    public void Committed(int parts) => _partsPerCommit.Record(parts);

    public void Refused(int parts) => _refusedTogether.Add(parts);
}
