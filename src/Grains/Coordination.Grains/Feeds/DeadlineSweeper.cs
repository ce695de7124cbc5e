using Coordination.Contracts.Feeds;
using Coordination.Grains.Hosting;
using Coordination.Grains.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Feeds;

/// <summary>
/// The durable safety net under the feeds' deadline timers, and the only one. Each feed times its
/// own deadlines with one in-memory grain timer; a timer dies with its activation. The database says
/// which deadlines are pending, so each silo wakes the feeds holding them — a feed wakes by activating,
/// escalates what is due and re-arms its timer — at three moments:
/// <list type="bullet">
/// <item>when the silo starts: every feed with a deadline pending (the cluster may have been down);</item>
/// <item>when another silo is declared dead: every feed with a deadline pending, since any of them may
/// have lived there (tried again after 0.25, 1, 2, 5, 10 and 20 s while the cluster settles: the
/// first try often reaches the dead silo still, through a directory entry not yet dropped, and a
/// deadline that fell due while that silo was frozen must escalate within a second of its death);</item>
/// <item>every <see cref="AckOptions.SweepEvery"/>: feeds holding an item more than
/// <see cref="AckOptions.SweepGrace"/> past due — a timer lost in a way nobody was told of in time.
/// A sweep that finds work logs it and counts it: it means a timer was missed.</item>
/// </list>
/// Waking is idempotent (a feed is one activation cluster-wide; escalation locks and advances rows in
/// one transaction), so silos waking the same feed at once only repeat a harmless check.
/// </summary>
public sealed class DeadlineSweeper(
    NpgsqlDataSource db,
    IGrainFactory grains,
    IClusterMembershipService membership,
    IHostApplicationLifetime lifetime,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<AckOptions> options,
    FeedMetrics metrics,
    ILogger<DeadlineSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan[] RetryDelays =
    [
        TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20),
    ];

    /// <summary>What one wake-up did.</summary>
    public sealed record Outcome(int Agencies, int Raised, IReadOnlyList<string> Unreached);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Not before the silo serves grain calls: hosted services start in turn, the silo among them.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }

            await Task.WhenAll(WakeAllWithRetriesAsync("silo started", stoppingToken), OnSiloDeathsAsync(stoppingToken), SweepPeriodicallyAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>Wakes every feed with an item overdue by more than the grace; returns the alerts raised.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var outcome = await WakeAsync(dueBy: clock.GetUtcNow() - options.Value.SweepGrace, cancellationToken: cancellationToken);
        if (outcome.Agencies == 0)
        {
            return 0;
        }

        metrics.DeadlinesMissed(outcome.Agencies);
        logger.LogWarning("Overdue sweep: {Agencies} agencies had deadlines their timers missed; {Raised} overdue alerts raised, {Unreached} feeds not reached (next sweep retries)",
            outcome.Agencies, outcome.Raised, outcome.Unreached.Count);
        return outcome.Raised;
    }

    private async Task SweepPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepEvery, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database or the cluster is unavailable; the next tick tries again.
                logger.LogWarning("Overdue sweep failed ({Error}); retrying in {Interval}", ex.GetType().Name, options.Value.SweepEvery);
            }
        }
    }

    private async Task OnSiloDeathsAsync(CancellationToken stoppingToken)
    {
        HashSet<SiloAddress>? dead = null;
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
        {
            var deadNow = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToList();
            if (dead is null)
            {
                // Silos dead before this one started are covered by the wake-up at start.
                dead = [.. deadNow];
                continue;
            }

            var newlyDead = deadNow.Where(dead.Add).ToList();
            if (newlyDead.Count > 0)
            {
                logger.LogWarning("Silo(s) {Silos} declared dead; waking the feeds with acknowledgement deadlines pending", newlyDead);
                await WakeAllWithRetriesAsync("silo declared dead", stoppingToken);
            }
        }
    }

    private async Task WakeAllWithRetriesAsync(string why, CancellationToken stoppingToken)
    {
        IReadOnlyCollection<string>? pending = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var outcome = await WakeAsync(pending, cancellationToken: stoppingToken);
                if (pending is null)
                {
                    logger.LogInformation("Deadline wake-up ({Why}): {Agencies} agencies with pending deadlines, {Raised} overdue alerts raised, {Failed} feeds not reached",
                        why, outcome.Agencies, outcome.Raised, outcome.Unreached.Count);
                }

                pending = outcome.Unreached;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The database itself failed us; everything is still pending.
                logger.LogWarning("Deadline wake-up ({Why}) failed ({Error})", why, ex.GetType().Name);
            }

            if (pending is { Count: 0 })
            {
                return;
            }

            if (attempt == RetryDelays.Length)
            {
                logger.LogWarning("Deadline wake-up ({Why}) gave up on {Count} feeds; the overdue sweep escalates them when due", why, pending?.Count);
                return;
            }

            await Task.Delay(RetryDelays[attempt], stoppingToken);
        }
    }

    /// <summary>
    /// Wakes the feeds with a deadline pending: of the agencies in <paramref name="only"/> (all when
    /// null), and with a deadline at or before <paramref name="dueBy"/> (any when null). A feed that
    /// cannot be woken does not stop the others: it is reported as unreached.
    /// </summary>
    private async Task<Outcome> WakeAsync(
        IReadOnlyCollection<string>? only = null, DateTimeOffset? dueBy = null, CancellationToken cancellationToken = default)
    {
        var agencies = await EscalationStore.AgenciesWithPendingWorkAsync(db, only, dueBy, cancellationToken);
        var results = await Task.WhenAll(agencies.Select(async agency =>
        {
            try
            {
                return (agency, Raised: await grains.GetGrain<IAgencyFeedGrain>(agency).CatchUp(), Reached: true);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Could not wake the feed of agency {AgencyId} to escalate its deadlines ({Error})", agency, ex.GetType().Name);
                return (agency, Raised: 0, Reached: false);
            }
        }));

        return new Outcome(agencies.Count, results.Sum(r => r.Raised), results.Where(r => !r.Reached).Select(r => r.agency).ToList());
    }
}
