using Coordination.Chaos.Checking;

namespace Coordination.Tests.Chaos;

/// <summary>The chaos run's notification check on planted truths: it finds a skipped level and a repeat no takeover explains.</summary>
public sealed class NotificationCheckerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(30);
    private static readonly Guid Open = Guid.NewGuid();
    private static readonly Guid Acknowledged = Guid.NewGuid();
    private static readonly Guid Late = Guid.NewGuid();

    /// <summary>
    /// Two levels (at once, after 20 s). One item never acknowledged: both levels e-mailed and POSTed. One
    /// acknowledged after 5 s: only its first level. One raised just before the read: its second level is not owed yet.
    /// </summary>
    private static NotificationTruth Clean(
        IEnumerable<(Guid, int)>? extraEmails = null, IEnumerable<(Guid, int)>? missingWebhooks = null, int openLevel1EmailAttempts = 1)
    {
        (Guid, int)[] sent = [(Open, 0), (Open, 1), (Acknowledged, 0), (Late, 0)];
        return new NotificationTruth(T0.AddSeconds(120), [TimeSpan.Zero, TimeSpan.FromSeconds(20)],
            [new(Open, T0, null), new(Acknowledged, T0, T0.AddSeconds(5)), new(Late, T0.AddSeconds(100), null)],
            [.. sent, .. extraEmails ?? []], [.. sent.Except(missingWebhooks ?? [])],
            new Dictionary<(Guid, int, string), int> { [(Open, 1, "email")] = openLevel1EmailAttempts });
    }

    [Fact]
    public void Every_owed_level_sent_once_is_no_violation()
    {
        var (figures, violations) = NotificationChecker.Check(Clean(), Slack);

        Assert.Empty(violations);
        // Owed: the open item's two levels. Not owed: a level acknowledged within the slack of its due time, one due too late in the run.
        Assert.Equal(2, figures.LevelsDue);
        Assert.Equal(4, figures.Emails);
    }

    [Fact]
    public void A_level_due_before_acknowledgement_that_never_reached_the_receiver_is_skipped()
    {
        var violation = Assert.Single(NotificationChecker.Check(Clean(missingWebhooks: [(Open, 1)]), Slack).Violations);

        Assert.Equal("notification skipped", violation.Kind);
        Assert.Contains($"item {Open} level 1: no webhook", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeat_is_a_violation_unless_its_claim_was_taken_over_after_a_silo_died()
    {
        var twice = Assert.Single(NotificationChecker.Check(Clean(extraEmails: [(Open, 1)]), Slack).Violations);
        Assert.Equal("notification sent twice", twice.Kind);

        var (figures, violations) = NotificationChecker.Check(Clean(extraEmails: [(Open, 1)], openLevel1EmailAttempts: 2), Slack);
        Assert.Empty(violations);
        Assert.Equal(1, figures.RepeatsAfterTakeover);
    }

    [Fact]
    public void A_level_held_by_a_silo_not_yet_declared_dead_is_owed_only_once_the_slack_beyond_that_time_has_passed()
    {
        // The open item's second level (due at 20 s) never reached the receiver, and the run was read at 120 s.
        var truth = Clean(missingWebhooks: [(Open, 1)]);

        // A silo frozen from 15 s until declared dead at 110 s: 90 s of the 100 s since it fell due are not the system's.
        Assert.Empty(NotificationChecker.Check(truth, Slack, [(T0.AddSeconds(15), T0.AddSeconds(110))]).Violations);

        // A window after the level fell due and the slack passed excuses nothing of it.
        var violation = Assert.Single(NotificationChecker.Check(truth, Slack, [(T0.AddSeconds(100), T0.AddSeconds(110))]).Violations);
        Assert.Equal("notification skipped", violation.Kind);
    }
}
