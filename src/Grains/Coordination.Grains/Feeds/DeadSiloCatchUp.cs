using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Coordination.Grains.Feeds;

/// <summary>
/// When a silo is declared dead while the cluster keeps running, the feeds it held lose their
/// deadline timers. Every surviving silo then runs the start-up catch-up, which re-activates those
/// feeds elsewhere at once instead of waiting up to a minute for their reminders.
/// </summary>
public sealed class DeadSiloCatchUp(IClusterMembershipService membership, EscalationCatchUp catchUp, ILogger<DeadSiloCatchUp> logger) : BackgroundService
{
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
                try
                {
                    await catchUp.Execute(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Escalation catch-up after a silo death failed; reminders will re-arm the deadlines");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}
