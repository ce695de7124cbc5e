using System.Diagnostics.Metrics;
using Coordination.Contracts.Common;
using Coordination.ServiceDefaults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Silo.Observability;

/// <summary>
/// Publishes <c>coordination.alerts.pending_ack</c>: feed items waiting for acknowledgement, by the
/// agency that must acknowledge them. The count is the database's, recounted on a timer rather than
/// at scrape time so a scrape never waits for PostgreSQL; every silo reports the same cluster-wide
/// value (aggregate with max, not sum). Agencies with nothing pending report 0, so a series drops
/// to zero instead of disappearing.
/// </summary>
internal sealed class PendingAlertsMonitor : BackgroundService
{
    // An item waits for acknowledgement exactly while it has an escalation pending (acknowledging
    // clears next_escalation_at); this is the condition of the partial index feed_items_due_idx.
    private const string CountSql =
        "SELECT h.agency_id, count(i.seq) FROM feed_heads h " +
        "LEFT JOIN feed_items i ON i.agency_id = h.agency_id AND i.acknowledged_at IS NULL AND i.next_escalation_at IS NOT NULL " +
        "GROUP BY h.agency_id";

    private readonly NpgsqlDataSource _db;
    private readonly TimeSpan _refresh;
    private readonly ILogger<PendingAlertsMonitor> _logger;
    private volatile IReadOnlyList<Measurement<long>> _pending = [];

    public PendingAlertsMonitor(NpgsqlDataSource db, IMeterFactory meters, IOptions<ObservabilityOptions> options, ILogger<PendingAlertsMonitor> logger)
    {
        _db = db;
        _refresh = options.Value.PendingAlertsRefresh;
        _logger = logger;
        meters.Create(Telemetry.MeterName).CreateObservableGauge("coordination.alerts.pending_ack", () => _pending, "{alert}",
            "Feed items waiting for acknowledgement, by the agency that must acknowledge them (cluster-wide; every silo reports it).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_refresh);
        do
        {
            try
            {
                _pending = await CountAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // A metric must never stop the silo. The last count stays published: alerts do not
                // stop waiting because the database is down.
                _logger.LogWarning("Counting alerts pending acknowledgement failed ({Error}); keeping the last count", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<IReadOnlyList<Measurement<long>>> CountAsync(CancellationToken cancellationToken)
    {
        var counts = new List<Measurement<long>>();
        await using var command = _db.CreateCommand(CountSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new Measurement<long>(reader.GetInt64(1), new KeyValuePair<string, object?>("agency", reader.GetString(0))));
        }

        return counts;
    }
}
