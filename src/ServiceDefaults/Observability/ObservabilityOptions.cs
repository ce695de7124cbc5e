using System.ComponentModel.DataAnnotations;

namespace Coordination.ServiceDefaults;

/// <summary>Logs, metrics and traces of a host (section <c>Coordination:Observability</c>).</summary>
public sealed class ObservabilityOptions
{
    public const string Section = "Coordination:Observability";

    /// <summary><c>Text</c> for people reading a console, <c>Json</c> (one compact JSON object per line) for log shippers.</summary>
    [EnumDataType(typeof(LogFormat))]
    public LogFormat LogFormat { get; set; } = LogFormat.Text;

    /// <summary>
    /// When set, <c>/metrics</c> answers only on connections to this local port, so a public
    /// listener never exposes it; the host must also listen there (e.g. ASPNETCORE_HTTP_PORTS=8080;9464).
    /// Unset, it answers only scrapers on the same machine (loopback, not through a proxy).
    /// </summary>
    [Range(1, 65535)]
    public int? MetricsPort { get; set; }

    /// <summary>How often a silo recounts the alerts waiting for acknowledgement (gauge <c>coordination_alerts_pending_ack</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PendingAlertsRefresh { get; set; } = TimeSpan.FromSeconds(15);
}

public enum LogFormat
{
    Text,
    Json,
}
