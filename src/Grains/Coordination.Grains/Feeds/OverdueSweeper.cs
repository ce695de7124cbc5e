using Coordination.Grains.Hosting;
using Coordination.Grains.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coordination.Grains.Feeds;

/// <summary>
/// The safety net under the deadline timers. Each agency feed times its own deadlines with a grain
/// timer, re-armed by a reminder and by the catch-ups after a restart or a silo's death; but a timer
/// lives in one activation, and an activation can be lost in ways nobody is told about in time (a
/// silo killed mid-call, a reminder range in transit, a catch-up that failed against an overloaded
/// cluster). The database is what says which deadline has passed, so every
/// <see cref="AckOptions.SweepEvery"/> each silo asks it for the agencies holding an item more than
/// <see cref="AckOptions.SweepGrace"/> past due and wakes their feeds, which escalate exactly as their
/// own timer would have. Escalating is idempotent (rows are locked and advanced in one transaction),
/// so several silos sweeping at once only repeat a harmless check. A sweep that finds work logs it:
/// it means a timer was missed.
/// </summary>
public sealed class OverdueSweeper(
    EscalationCatchUp catchUp,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<AckOptions> options,
    FeedMetrics metrics,
    ILogger<OverdueSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepEvery, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The database or the cluster is unavailable; the next tick tries again.
                    logger.LogWarning("Overdue sweep failed ({Error}); retrying in {Interval}", ex.GetType().Name, options.Value.SweepEvery);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>Wakes every feed with an item overdue by more than the grace; returns the alerts raised.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var outcome = await catchUp.WakeAsync(dueBy: clock.GetUtcNow() - options.Value.SweepGrace, cancellationToken: cancellationToken);
        if (outcome.Agencies == 0)
        {
            return 0;
        }

        metrics.DeadlinesMissed(outcome.Agencies);
        logger.LogWarning("Overdue sweep: {Agencies} agencies had deadlines their timers missed; {Raised} overdue alerts raised, {Unreached} feeds not reached (next sweep retries)",
            outcome.Agencies, outcome.Raised, outcome.Unreached.Count);
        return outcome.Raised;
    }
}
