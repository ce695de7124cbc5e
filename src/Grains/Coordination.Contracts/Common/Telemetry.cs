namespace Coordination.Contracts.Common;

/// <summary>Names under which the product's own telemetry is published, shared by every process.</summary>
public static class Telemetry
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the product's metrics (alerts, escalations, delivery, dashboards).</summary>
    public const string MeterName = "Coordination";
}
