using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Coordination.Grains.Feeds;

/// <summary>
/// When a silo is declared dead while the cluster keeps running, the feeds it held lose their
/// deadline timers. Every surviving silo then runs the start-up catch-up, which re-activates those
/// feeds elsewhere at once instead of waiting up to a minute for their reminders. Right after a
/// death the cluster is still settling (directory entries, reminder ranges), so feeds that cannot be
/// reached yet are tried again a few times; <see cref="OverdueSweeper"/> remains the last resort.
/// </summary>
public sealed class DeadSiloCatchUp(IClusterMembershipService membership, EscalationCatchUp catchUp, ILogger<DeadSiloCatchUp> logger) : BackgroundService
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        HashSet<SiloAddress>? dead = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var deadNow = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToList();
                if (dead is null)
                {
                    // Silos dead before this one started were handled by the start-up catch-up.
                    dead = [.. deadNow];
                    continue;
                }

                var newlyDead = deadNow.Where(dead.Add).ToList();
                if (newlyDead.Count == 0)
                {
                    continue;
                }

                logger.LogWarning("Silo(s) {Silos} declared dead; re-arming their acknowledgement deadlines", newlyDead);
                await CatchUpAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    private async Task CatchUpAsync(CancellationToken stoppingToken)
    {
        IReadOnlyCollection<string>? pending = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                pending = (await catchUp.WakeAsync(pending, cancellationToken: stoppingToken)).Unreached;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database itself failed us; everything is still pending.
                logger.LogWarning("Escalation catch-up after a silo death failed ({Error})", ex.GetType().Name);
            }

            if (pending is { Count: 0 })
            {
                return;
            }

            if (attempt == RetryDelays.Length)
            {
                logger.LogWarning("Escalation catch-up after a silo death gave up on {Count} feeds; the overdue sweep will escalate them when due",
                    pending?.Count);
                return;
            }

            await Task.Delay(RetryDelays[attempt], stoppingToken);
        }
    }
}
