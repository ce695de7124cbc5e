using Coordination.Chaos.Checking;

namespace Coordination.Tests.Chaos;

/// <summary>
/// The chaos run's checker on its own, fed planted histories: no processes, no database. Proves
/// it can fail — a run that reports no violation means something only if these do.
/// </summary>
public sealed class ChaosCheckerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly CheckBounds Bounds = new(
        RepeatEvery: TimeSpan.FromMinutes(1), EscalationSlack: TimeSpan.FromSeconds(1), DatabaseGrace: TimeSpan.FromSeconds(5),
        SiloGrace: TimeSpan.FromSeconds(5), LongestWait: TimeSpan.FromSeconds(10), Promptly: TimeSpan.FromSeconds(1), Convergence: TimeSpan.FromSeconds(5));

    private static readonly Guid Referral1 = Guid.NewGuid();
    private static readonly Guid Referral2 = Guid.NewGuid();
    private static readonly Guid Overdue = Guid.NewGuid();

    private static Attempt Flag(long request, string key, int? status, string? caseId, double at) =>
        new(request, Operation.Flag, "web1", key, key, T0.AddSeconds(at), T0.AddSeconds(at + 0.2), status, status is null ? "ConnectionError" : null, caseId);

    /// <summary>
    /// Two flags, the first retried after its web host was killed; two referrals to one NGO, the first
    /// acknowledged in time, the second left to escalate (once, on time); one dashboard that got
    /// everything pushed.
    /// </summary>
    private static (History History, Truth Truth) Clean()
    {
        var attempts = new List<Attempt>
        {
            Flag(1, "k1", null, null, 1),
            Flag(1, "k1", 201, "KG-2026-000001", 2),
            Flag(2, "k2", 201, "KG-2026-000002", 3),
            new(3, Operation.Acknowledge, "web2", null, Referral1.ToString(), T0.AddSeconds(4), T0.AddSeconds(4.1), 200, null, null),
        };
        var feed = new List<FeedRow>
        {
            new("ngo", 1, Referral1, "referral:KG-2026-000001:r1", "ReferralReceived", "KG-2026-000001", T0.AddSeconds(2.1), true, T0.AddSeconds(17), T0.AddSeconds(4.1), null, null),
            new("ngo", 2, Referral2, "referral:KG-2026-000002:r1", "ReferralReceived", "KG-2026-000002", T0.AddSeconds(3.1), true, T0.AddSeconds(18), null, null, null),
            new("ngo", 3, Overdue, $"overdue:{Referral2}:1", "AckOverdue", "KG-2026-000002", T0.AddSeconds(18.3), false, null, null, Referral2, 1),
        };
        var cases = new List<CaseRow>
        {
            new("KG-2026-000001", ["k1"], "Flagged", [new ReferralRow("r1", "ngo", "Pending")], HasTravel: false),
            new("KG-2026-000002", ["k2"], "Flagged", [new ReferralRow("r1", "ngo", "Pending")], HasTravel: false),
        };
        var receipts = feed.Select(f => new Receipt("ngo@web1", f.Seq, f.Id, f.OccurredAt.AddMilliseconds(80), Delivery.Live)).ToList();
        var history = new History("7", T0, T0.AddSeconds(30), attempts, receipts,
            [new Disconnection("ngo@web1", DateTimeOffset.MinValue, T0)],
            [new Fault(FaultKind.WebKill, "web1", T0.AddSeconds(0.5), T0.AddSeconds(1.5), null)], [new Dashboard("ngo@web1", "ngo")]);
        return (history, new Truth(T0.AddSeconds(50), feed, cases, []));
    }

    [Fact]
    public void A_clean_history_reports_no_violation()
    {
        var (history, truth) = Clean();

        var report = ChaosChecker.Check(history, truth, Bounds);

        Assert.Empty(report.Violations);
        Assert.Equal((3, 1, 0), (report.Figures.Requests, report.Figures.Retries, report.Figures.Lost));
        Assert.Equal((1, 1, 0, 0), (report.Figures.EscalationsDue, report.Figures.EscalationsOnTime, report.Figures.EscalationsLate, report.Figures.EscalationsMissing));
        Assert.Equal((3, 3, 0), (report.Figures.Deliveries, report.Figures.Live, report.Figures.Missed));
    }

    [Fact]
    public void A_second_case_for_one_idempotency_key_is_reported_as_a_duplicate()
    {
        var (history, truth) = Clean();
        truth = truth with { Cases = [.. truth.Cases, new CaseRow("KG-2026-000003", ["k1"], "Flagged", [], HasTravel: false)] };

        var report = ChaosChecker.Check(history, truth, Bounds);

        var duplicate = Assert.Single(report.Violations);
        Assert.Equal("duplicate", duplicate.Kind);
        Assert.Contains("k1", duplicate.Detail);
        Assert.Equal(1, report.Figures.DuplicateCases);
    }

    [Fact]
    public void A_hole_in_a_feed_is_reported_as_a_gap()
    {
        var (history, truth) = Clean();
        truth = truth with { Feed = truth.Feed.Select(f => f.Seq == 3 ? f with { Seq = 4 } : f).ToList() };
        history = history with { Receipts = history.Receipts.Select(r => r.Seq == 3 ? r with { Seq = 4 } : r).ToList() };

        var report = ChaosChecker.Check(history, truth, Bounds);

        var gap = Assert.Single(report.Violations);
        Assert.Equal("gap", gap.Kind);
        Assert.Contains("seq 4 at position 3", gap.Detail);
        Assert.Equal(1, report.Figures.Gaps);
    }

    [Fact]
    public void A_2xx_whose_case_is_not_in_the_database_is_reported_lost()
    {
        var (history, truth) = Clean();
        history = history with { Attempts = [.. history.Attempts, Flag(4, "k4", 201, "KG-2026-000004", 5)] };

        var report = ChaosChecker.Check(history, truth, Bounds);

        var lost = Assert.Single(report.Violations);
        Assert.Equal("lost", lost.Kind);
        Assert.Contains("KG-2026-000004", lost.Detail);
        Assert.Equal(1, report.Figures.Lost);
    }

    [Fact]
    public void An_acknowledgement_answered_2xx_that_is_not_in_the_feed_is_reported_lost()
    {
        var (history, truth) = Clean();
        truth = truth with { Feed = truth.Feed.Select(f => f.Seq == 1 ? f with { AcknowledgedAt = null } : f).ToList() };

        var report = ChaosChecker.Check(history, truth, Bounds);

        Assert.Contains(report.Violations, v => v.Kind == "lost" && v.Detail.Contains(Referral1.ToString(), StringComparison.Ordinal));
        // Left unacknowledged, its deadline passed without an escalation too.
        Assert.Contains(report.Violations, v => v.Kind == "escalation" && v.Detail.Contains("ngo #1", StringComparison.Ordinal));
    }

    [Fact]
    public void An_item_a_connected_dashboard_never_got_a_500_and_a_late_escalation_are_each_reported()
    {
        var (history, truth) = Clean();
        history = history with
        {
            Receipts = history.Receipts.Where(r => r.Seq != 2).ToList(),
            Attempts = [.. history.Attempts, new Attempt(5, Operation.Accept, "web1", "a5", "KG-2026-000001/r1", T0.AddSeconds(6), T0.AddSeconds(6.5), 500, null, null)],
        };
        truth = truth with { Feed = truth.Feed.Select(f => f.Seq == 3 ? f with { OccurredAt = T0.AddSeconds(21) } : f).ToList() };

        var report = ChaosChecker.Check(history, truth, Bounds);

        Assert.Contains(report.Violations, v => v.Kind == "missed" && v.Detail.Contains("ngo #2", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.Kind == "answer" && v.Detail.StartsWith("500", StringComparison.Ordinal));
        Assert.Contains(report.Violations, v => v.Kind == "escalation" && v.Detail.Contains("3.0 s after", StringComparison.Ordinal));
        Assert.Equal(1, report.Figures.Answers500);
    }

    [Fact]
    public void A_late_escalation_while_the_database_was_down_is_excused_up_to_the_outage_and_its_grace()
    {
        var (history, truth) = Clean();
        truth = truth with { Feed = truth.Feed.Select(f => f.Seq == 3 ? f with { OccurredAt = T0.AddSeconds(30) } : f).ToList() };
        history = history with
        {
            Receipts = history.Receipts.Select(r => r.Seq == 3 ? r with { At = T0.AddSeconds(30.1) } : r).ToList(),
            Faults = [.. history.Faults, new Fault(FaultKind.DatabaseStop, "postgres", T0.AddSeconds(15), T0.AddSeconds(25), null)],
        };

        var report = ChaosChecker.Check(history, truth, Bounds);

        Assert.Empty(report.Violations);
        Assert.Equal(12, report.Figures.WorstLatenessSeconds, precision: 3);
        Assert.Equal(0, report.Figures.WorstLatenessBeyondUnavailabilitySeconds, precision: 3);
    }
}
