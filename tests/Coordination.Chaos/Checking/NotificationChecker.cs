namespace Coordination.Chaos.Checking;

/// <summary>An item of the notified agency that walks its escalation levels: when raised, when acknowledged.</summary>
public sealed record NotifiedItemRow(Guid Id, DateTimeOffset OccurredAt, DateTimeOffset? AcknowledgedAt);

/// <summary>
/// What the notified agency's levels came to: its policy's level delays, its items, what reached the SMTP
/// server's inbox (by Message-ID, <c>{item}.{level}.{recipient hash}@coordination</c>) and the webhook
/// receiver (by <c>notificationId</c>, <c>{item}.{level}.webhook</c>), and the highest attempt of every
/// claim (item, level, channel): above 1, a walker's claim was taken over after its silo died.
/// </summary>
public sealed record NotificationTruth(
    DateTimeOffset ReadAt, IReadOnlyList<TimeSpan> Levels, IReadOnlyList<NotifiedItemRow> Items,
    IReadOnlyList<(Guid Item, int Level)> Emails, IReadOnlyList<(Guid Item, int Level)> Webhooks,
    IReadOnlyDictionary<(Guid Item, int Level, string Channel), int> Attempts);

public sealed record NotificationFigures(int LevelsDue, int Emails, int Webhooks, int Skipped, int SentTwice, int RepeatsAfterTakeover);

/// <summary>
/// The notification levels under chaos (docs/guarantees.md, 12): no (item, level) is e-mailed or POSTed
/// twice, and none that fell due before its item was acknowledged is skipped. "Before" takes off, as the
/// escalation check does, the time the cluster provably could not act (<see cref="ChaosChecker.Unavailability"/>):
/// a level whose feed sat on a frozen silo is handed out when the feed is re-activated after the silo is
/// declared dead, and an acknowledgement that reaches the feed first rightly stops it. The one repeat allowed is
/// the documented window — a silo dying after the server took the message and before its outcome was
/// recorded — recognised by its Message-ID or notificationId arriving twice for a claim that was taken
/// over (attempt above 1). Pure, like <see cref="ChaosChecker"/>.
/// </summary>
public static class NotificationChecker
{
    /// <param name="slack">How long after a level falls due it must have gone out, faults included (leases, a silo's death).</param>
    /// <param name="unavailable">The windows in which the cluster could not act; none when null.</param>
    public static (NotificationFigures Figures, IReadOnlyList<Violation> Violations) Check(
        NotificationTruth truth, TimeSpan slack, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)>? unavailable = null)
    {
        unavailable ??= [];
        var violations = new List<Violation>();
        var emails = truth.Emails.GroupBy(e => e).ToDictionary(g => g.Key, g => g.Count());
        var webhooks = truth.Webhooks.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        var (due, skipped, twice, repeats) = (0, 0, 0, 0);
        foreach (var item in truth.Items)
        {
            for (var level = 0; level < truth.Levels.Count; level++)
            {
                var at = item.OccurredAt + truth.Levels[level];
                // Owed: due well before the item was acknowledged and before the end of the run, the time the cluster could not act taken off.
                var owed = at + slack + ChaosChecker.Excused(unavailable, at, truth.ReadAt) < truth.ReadAt
                    && (item.AcknowledgedAt is not { } acknowledged || acknowledged > at + slack + ChaosChecker.Excused(unavailable, at, acknowledged));
                due += owed ? 1 : 0;
                foreach (var (channel, sent) in new[] { ("email", emails), ("webhook", webhooks) })
                {
                    var count = sent.GetValueOrDefault((item.Id, level));
                    if (count == 0 && owed)
                    {
                        skipped++;
                        violations.Add(new Violation("notification skipped", $"item {item.Id} level {level}: no {channel}, due {at:HH:mm:ss.fff}"));
                    }
                    else if (count > 1 && truth.Attempts.GetValueOrDefault((item.Id, level, channel)) > 1)
                    {
                        repeats++;
                    }
                    else if (count > 1)
                    {
                        twice++;
                        violations.Add(new Violation("notification sent twice", $"item {item.Id} level {level}: {count} × {channel} without a claim taken over"));
                    }
                }
            }
        }

        return (new NotificationFigures(due, truth.Emails.Count, truth.Webhooks.Count, skipped, twice, repeats), violations);
    }
}
