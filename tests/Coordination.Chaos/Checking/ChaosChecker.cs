using System.Globalization;

namespace Coordination.Chaos.Checking;

/// <summary>The promises the checker holds the run to; docs/guarantees.md states them.</summary>
/// <param name="RepeatEvery">The hosts' Coordination:Ack:RepeatEvery: round n+1 is due this long after round n.</param>
/// <param name="EscalationSlack">How late an escalation may be once the time the cluster provably could not act is taken off.</param>
/// <param name="DatabaseGrace">After PostgreSQL is back: how long 503s are still expected (pools reconnect, grains reload).</param>
/// <param name="SiloGrace">After a failed silo is declared dead: how long calls that were routed to it may still fail with 503.</param>
/// <param name="LongestWait">No request may go unanswered longer.</param>
/// <param name="Promptly">How soon a dashboard connected throughout should have an item after its commit (the promise; later ones are counted).</param>
/// <param name="Convergence">How soon it must have it (the violation; above <paramref name="Promptly"/> for a shared machine's scheduling delays).</param>
public sealed record CheckBounds(
    TimeSpan RepeatEvery, TimeSpan EscalationSlack, TimeSpan DatabaseGrace, TimeSpan SiloGrace, TimeSpan LongestWait, TimeSpan Promptly, TimeSpan Convergence);

public sealed record Violation(string Kind, string Detail);

public sealed record ChaosFigures(
    IReadOnlyDictionary<string, int> Faults,
    int Requests, int Attempts, int Succeeded, int Retries, int Unresolved,
    int Answers4xx, int Answers500, int Answers503, int Answers503OutsideFaults, int OtherServerErrors, int NetworkErrors,
    int DuplicateCases, int DuplicateReferrals, int DuplicateFeedItems, int Lost, int Gaps,
    int FeedItems, int Deliveries, int Live, int GapFill, int Reconnect, int Missed, int MissedWhileConnected,
    int SlowConnectedDeliveries, double SlowestConnectedDeliverySeconds,
    int EscalationsDue, int EscalationsOnTime, int EscalationsLate, int EscalationsMissing, int EscalatedTwice,
    double WorstLatenessSeconds, double WorstLatenessBeyondUnavailabilitySeconds,
    double LongestUnansweredSeconds, double RecoveryAfterDatabaseSeconds, double SlowestDeathDeclarationSeconds);

public sealed record ChaosReport(string Seed, ChaosFigures Figures, IReadOnlyList<Violation> Violations)
{
    /// <summary>What the notification levels came to (<see cref="NotificationChecker"/>), when the run checked them.</summary>
    public NotificationFigures? Notifications { get; init; }

    public bool Passed => Violations.Count == 0;
}

/// <summary>
/// Reads the history of a chaos run against what the database and the API hold afterwards and
/// lists every broken promise of docs/guarantees.md. Pure: no clock, no I/O, so a test can feed it
/// a planted history.
/// </summary>
public static class ChaosChecker
{
    public static ChaosReport Check(History history, Truth truth, CheckBounds bounds)
    {
        var violations = new List<Violation>();
        void Violate(string kind, string detail) => violations.Add(new Violation(kind, detail));

        var requests = history.Attempts.GroupBy(a => a.RequestId).ToList();
        var succeeded = requests.Select(r => r.FirstOrDefault(a => a.Succeeded)).OfType<Attempt>().ToList();

        var duplicateCases = CheckCases(history, truth, succeeded, Violate);
        var (duplicateReferrals, duplicateItems) = CheckDuplicates(truth, Violate);
        var lost = CheckEffects(truth, requests, succeeded, Violate);
        var gaps = CheckGaps(truth, Violate);
        var delivery = CheckDelivery(history, truth, bounds, Violate);
        var escalation = CheckEscalations(history, truth, bounds, Violate);
        var answers = CheckAnswers(history, bounds, Violate);

        var figures = new ChaosFigures(
            Enum.GetValues<FaultKind>().ToDictionary(k => k.ToString(), k => history.Faults.Count(f => f.Kind == k)),
            requests.Count, history.Attempts.Count, succeeded.Count, history.Attempts.Count - requests.Count,
            requests.Count(r => !r.Any(a => a.Status is >= 200 and < 500)),
            history.Attempts.Count(a => a.Status is >= 400 and < 500),
            history.Attempts.Count(a => a.Status == 500),
            history.Attempts.Count(a => a.Status == 503),
            answers.Unexpected503, history.Attempts.Count(a => a.Status is > 500 and not 503),
            history.Attempts.Count(a => a.Status is null),
            duplicateCases, duplicateReferrals, duplicateItems, lost, gaps,
            truth.Feed.Count, delivery.Deliveries, delivery.Live, delivery.GapFill, delivery.Reconnect, delivery.Missed, delivery.MissedWhileConnected,
            delivery.Slow, delivery.Slowest.TotalSeconds,
            escalation.Due, escalation.OnTime, escalation.Late, escalation.Missing, escalation.Twice,
            escalation.WorstLateness.TotalSeconds, escalation.WorstEffective.TotalSeconds,
            answers.Longest.TotalSeconds, answers.Recovery.TotalSeconds,
            history.Faults.Where(f => f.DeclaredDead is not null).Select(f => (f.DeclaredDead!.Value - f.Start).TotalSeconds).DefaultIfEmpty(0).Max());
        return new ChaosReport(history.Seed, figures, violations);
    }

    /// <summary>Exactly one case per flag key: every 2xx for a key names the same case, and no case exists that no key explains.</summary>
    private static int CheckCases(History history, Truth truth, IReadOnlyList<Attempt> succeeded, Action<string, string> violate)
    {
        var duplicates = 0;
        foreach (var key in history.Attempts.Where(a => a.Operation == Operation.Flag).GroupBy(a => a.Target))
        {
            var answered = key.Where(a => a.Succeeded).Select(a => a.Result).Distinct().ToList();
            var cases = truth.Cases.Where(c => c.IdempotencyKeys.Contains(key.Key)).Select(c => c.CaseId).ToList();
            if (answered.Count > 1 || cases.Count > 1)
            {
                duplicates++;
                violate("duplicate", $"flag key {key.Key}: answered {string.Join(", ", answered)}; cases {string.Join(", ", cases)}");
            }
        }

        var keys = history.Attempts.Where(a => a.Operation == Operation.Flag).Select(a => a.Target).ToHashSet();
        foreach (var unexplained in truth.Cases.Where(c => !c.IdempotencyKeys.Any(keys.Contains)))
        {
            duplicates++;
            violate("duplicate", $"case {unexplained.CaseId} was created by no flag of the run (keys: {string.Join(", ", unexplained.IdempotencyKeys)})");
        }

        return duplicates;
    }

    private static (int Referrals, int Items) CheckDuplicates(Truth truth, Action<string, string> violate)
    {
        var referrals = 0;
        foreach (var c in truth.Cases)
        {
            foreach (var twice in c.Referrals.GroupBy(r => r.ToAgencyId).Where(g => g.Count() > 1))
            {
                referrals++;
                violate("duplicate", $"case {c.CaseId} is referred to {twice.Key} {twice.Count()} times");
            }
        }

        foreach (var twice in truth.Feed.Where(f => f.Type == "ReferralReceived" && f.CaseId is not null)
                     .GroupBy(f => (f.AgencyId, f.CaseId)).Where(g => g.Count() > 1))
        {
            referrals++;
            violate("duplicate", $"{twice.Key.AgencyId} got {twice.Count()} ReferralReceived items for case {twice.Key.CaseId}");
        }

        var items = 0;
        foreach (var twice in truth.Feed.GroupBy(f => (f.AgencyId, f.DedupeKey)).Where(g => g.Count() > 1))
        {
            items++;
            violate("duplicate", $"{twice.Key.AgencyId} holds {twice.Count()} items for dedupe key {twice.Key.DedupeKey}");
        }

        return (referrals, items);
    }

    /// <summary>Every 2xx took effect: the state it promised is there after the run.</summary>
    private static int CheckEffects(Truth truth, IReadOnlyList<IGrouping<long, Attempt>> requests, IReadOnlyList<Attempt> succeeded, Action<string, string> violate)
    {
        var cases = truth.Cases.ToDictionary(c => c.CaseId);
        var items = truth.Feed.GroupBy(f => f.Id).ToDictionary(g => g.Key, g => g.First());
        var tasks = truth.Tasks.ToDictionary(t => t.TaskId);
        var lost = 0;
        foreach (var ok in succeeded)
        {
            var missing = ok.Operation switch
            {
                Operation.Flag => ok.Result is { } id && cases.ContainsKey(id) ? null : $"case {ok.Result} is not in the database",
                Operation.Accept => ReferralIs(cases, ok.Target, "Accepted"),
                Operation.Decline => ReferralIs(cases, ok.Target, "Declined"),
                Operation.BookTravel => cases.TryGetValue(ok.Target, out var c) && c.HasTravel ? null : $"case {ok.Target} has no travel",
                Operation.Acknowledge => Guid.TryParse(ok.Target, out var item) && items.TryGetValue(item, out var row) && row.AcknowledgedAt is not null
                    ? null : $"item {ok.Target} is not acknowledged",
                Operation.UpdateTask => TaskIs(tasks, ok, requests),
                _ => null,
            };
            if (missing is not null)
            {
                lost++;
                violate("lost", $"{ok.Operation} answered {ok.Status} at {ok.AnsweredAt:HH:mm:ss.fff} but {missing}");
            }
        }

        return lost;
    }

    private static string? ReferralIs(Dictionary<string, CaseRow> cases, string target, string status)
    {
        var (caseId, referralId) = (target.Split('/')[0], target.Split('/')[^1]);
        return cases.TryGetValue(caseId, out var c) && c.Referrals.Any(r => r.Id == referralId && r.Status == status)
            ? null : $"referral {target} is not {status}";
    }

    /// <summary>A task keeps the status of its last 2xx update, unless a later update of unknown outcome set another.</summary>
    private static string? TaskIs(Dictionary<string, TaskRow> tasks, Attempt ok, IReadOnlyList<IGrouping<long, Attempt>> requests)
    {
        if (!tasks.TryGetValue(ok.Target, out var task))
        {
            return $"task {ok.Target} is not in the plan";
        }

        var later = requests.Where(r => r.Key > ok.RequestId && r.First().Operation == Operation.UpdateTask && r.First().Target == ok.Target)
            .SelectMany(r => r).Select(a => a.Result).ToHashSet();
        return task.Status == ok.Result || later.Contains(task.Status) ? null : $"task {ok.Target} is {task.Status}, not {ok.Result}";
    }

    private static int CheckGaps(Truth truth, Action<string, string> violate)
    {
        var gaps = 0;
        foreach (var feed in truth.Feed.GroupBy(f => f.AgencyId))
        {
            var seqs = feed.Select(f => f.Seq).Order().ToList();
            for (var i = 0; i < seqs.Count; i++)
            {
                if (seqs[i] != i + 1)
                {
                    gaps++;
                    violate("gap", $"{feed.Key}'s feed has {seqs.Count} items but seq {seqs[i]} at position {i + 1}");
                    break;
                }
            }
        }

        return gaps;
    }

    private sealed record DeliveryFigures(int Deliveries, int Live, int GapFill, int Reconnect, int Missed, int MissedWhileConnected, int Slow, TimeSpan Slowest);

    /// <summary>
    /// Every item of an agency reached every dashboard of it. A dashboard connected from an item's
    /// commit until <see cref="CheckBounds.Convergence"/> later must have it by then (pushed, or
    /// fetched because a later push showed a hole), not counting time the cluster provably could
    /// not push (a failed silo not yet declared dead holds the pushes routed through it); one that
    /// was away gets it by its reconnect catch-up.
    /// </summary>
    private static DeliveryFigures CheckDelivery(History history, Truth truth, CheckBounds bounds, Action<string, string> violate)
    {
        var unavailable = Unavailability(history, bounds);
        var firstReceipts = history.Receipts.GroupBy(r => (r.Dashboard, r.ItemId)).ToDictionary(g => g.Key, g => g.MinBy(r => r.At)!);
        var away = history.Disconnections.ToLookup(d => d.Dashboard);
        int deliveries = 0, live = 0, gapFill = 0, reconnect = 0, missed = 0, missedConnected = 0, slow = 0;
        var slowest = TimeSpan.Zero;
        foreach (var dashboard in history.Dashboards)
        {
            foreach (var item in truth.Feed.Where(f => f.AgencyId == dashboard.AgencyId))
            {
                deliveries++;
                var window = item.OccurredAt + bounds.Convergence;
                var connected = !away[dashboard.Name].Any(d => d.From < window && (d.To ?? DateTimeOffset.MaxValue) > item.OccurredAt);
                if (!firstReceipts.TryGetValue((dashboard.Name, item.Id), out var receipt))
                {
                    missed++;
                    violate("missed", $"dashboard {dashboard.Name} never got {item.AgencyId} #{item.Seq} ({item.Type})");
                    continue;
                }

                switch (receipt.How)
                {
                    case Delivery.Live: live++; break;
                    case Delivery.GapFill: gapFill++; break;
                    case Delivery.Reconnect: reconnect++; break;
                }

                if (connected)
                {
                    var took = receipt.At - item.OccurredAt;
                    slowest = took > slowest ? took : slowest;
                    slow += took > bounds.Promptly ? 1 : 0;
                    if (took - Excused(unavailable, item.OccurredAt, receipt.At) > bounds.Convergence)
                    {
                        missedConnected++;
                        violate("missed", $"dashboard {dashboard.Name}, connected throughout, got {item.AgencyId} #{item.Seq} ({item.Type}) " +
                            $"{took.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s after its commit ({receipt.How})");
                    }
                }
            }

            if (away[dashboard.Name].Any(d => d.To is null))
            {
                violate("missed", $"dashboard {dashboard.Name} was still disconnected at the end of the run");
            }
        }

        return new DeliveryFigures(deliveries, live, gapFill, reconnect, missed + missedConnected, missedConnected, slow, slowest);
    }

    private sealed record EscalationFigures(int Due, int OnTime, int Late, int Missing, int Twice, TimeSpan WorstLateness, TimeSpan WorstEffective);

    /// <summary>
    /// Every round of every item that stayed unacknowledged escalated once, within
    /// <see cref="CheckBounds.EscalationSlack"/> of its due time after taking off the time the cluster
    /// provably could not act: PostgreSQL down (until its grace passed), a silo killed or paused
    /// until the membership declared it dead.
    /// </summary>
    private static EscalationFigures CheckEscalations(History history, Truth truth, CheckBounds bounds, Action<string, string> violate)
    {
        var unavailable = Unavailability(history, bounds);
        var escalations = truth.Feed.Where(f => f.Type == "AckOverdue" && f.EscalatedItem is not null)
            .ToLookup(f => f.EscalatedItem!.Value);
        int due = 0, onTime = 0, late = 0, missing = 0, twice = 0;
        TimeSpan worst = TimeSpan.Zero, worstEffective = TimeSpan.Zero;
        foreach (var item in truth.Feed.Where(f => f.RequiresAck && f.AckDeadline is not null))
        {
            // The recipient's own copy of each round; the causing agency gets a second copy of it.
            var rounds = escalations[item.Id].Where(e => e.AgencyId == item.AgencyId).GroupBy(e => e.Round ?? 0).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var repeated in rounds.Where(r => r.Value.Count > 1))
            {
                twice++;
                violate("escalation", $"{item.AgencyId} #{item.Seq} escalated {repeated.Value.Count} times in round {repeated.Key}");
            }

            var dueAt = item.AckDeadline!.Value;
            for (var round = 1; ; round++)
            {
                var acknowledgedInTime = item.AcknowledgedAt is { } ack && ack <= dueAt + bounds.EscalationSlack + Excused(unavailable, dueAt, ack);
                if (!rounds.TryGetValue(round, out var raised))
                {
                    var overdueAtRead = truth.ReadAt - dueAt - Excused(unavailable, dueAt, truth.ReadAt);
                    if (!acknowledgedInTime && overdueAtRead > bounds.EscalationSlack)
                    {
                        due++;
                        missing++;
                        violate("escalation", $"{item.AgencyId} #{item.Seq} ({item.Type}) round {round} was due {dueAt:HH:mm:ss.fff} and never escalated");
                    }

                    break;
                }

                due++;
                var at = raised[0].OccurredAt;
                var lateness = at - dueAt;
                var effective = lateness - Excused(unavailable, dueAt, at);
                worst = lateness > worst ? lateness : worst;
                worstEffective = effective > worstEffective ? effective : worstEffective;
                if (lateness < -bounds.EscalationSlack)
                {
                    late++;
                    violate("escalation", $"{item.AgencyId} #{item.Seq} round {round} escalated {(-lateness).TotalSeconds:F1} s before it was due");
                }
                else if (effective > bounds.EscalationSlack)
                {
                    late++;
                    violate("escalation", $"{item.AgencyId} #{item.Seq} ({item.Type}) round {round} escalated {lateness.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s " +
                        $"after {dueAt:HH:mm:ss.fff}, {effective.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s beyond any unavailability");
                }
                else
                {
                    onTime++;
                }

                dueAt = at + bounds.RepeatEvery;
            }
        }

        return new EscalationFigures(due, onTime, late, missing, twice, worst, worstEffective);
    }

    /// <summary>
    /// The windows in which the cluster provably could not act: PostgreSQL down (until its grace passed),
    /// a silo killed or paused until the membership declared it dead (or it came back).
    /// </summary>
    public static List<(DateTimeOffset From, DateTimeOffset To)> Unavailability(History history, CheckBounds bounds) =>
        history.Faults.Select(f => f.Kind switch
        {
            FaultKind.DatabaseStop => (f.Start, f.Healed + bounds.DatabaseGrace),
            FaultKind.SiloKill or FaultKind.SiloPause => (f.Start, f.DeclaredDead is { } dead && dead < f.Healed ? dead : f.Healed),
            _ => (f.Start, f.Start),
        }).Where(w => w.Item2 > w.Item1).ToList();

    /// <summary>How much of [from, to] falls inside the windows (which may overlap).</summary>
    public static TimeSpan Excused(IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> windows, DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        var covered = from;
        foreach (var (start, end) in windows.OrderBy(w => w.From))
        {
            var s = start > covered ? start : covered;
            var e = end < to ? end : to;
            if (e > s)
            {
                total += e - s;
                covered = e;
            }
        }

        return total;
    }

    private sealed record AnswerFigures(int Unexpected503, TimeSpan Longest, TimeSpan Recovery);

    /// <summary>
    /// No 500 (nor any 5xx but 503) ever; 503 only while PostgreSQL is down (and its grace after)
    /// or while a failed silo is not yet declared dead (and its grace after); connection errors only
    /// while a web host is down; no request waits longer than <see cref="CheckBounds.LongestWait"/>.
    /// </summary>
    private static AnswerFigures CheckAnswers(History history, CheckBounds bounds, Action<string, string> violate)
    {
        var unexpected503 = 0;
        foreach (var attempt in history.Attempts)
        {
            if (attempt.Status == 503 && !history.Faults.Any(f => Allows503(f, bounds, attempt)))
            {
                unexpected503++;
                violate("answer", $"503 for {attempt.Operation} via {attempt.Host} at {attempt.AnsweredAt:HH:mm:ss.fff}, outside any database or silo outage");
            }
            else if (attempt.Status is >= 500 and not 503)
            {
                violate("answer", $"{attempt.Status} for {attempt.Operation} via {attempt.Host} at {attempt.AnsweredAt:HH:mm:ss.fff}");
            }
            else if (attempt.Status is null && !history.Faults.Any(f => f.Kind == FaultKind.WebKill && f.Target == attempt.Host
                         && attempt.AnsweredAt >= f.Start && attempt.SentAt <= f.Healed))
            {
                violate("answer", $"{attempt.Operation} via {attempt.Host} at {attempt.SentAt:HH:mm:ss.fff} got no answer ({attempt.Error}) though that host was up");
            }

            if (attempt.Waited > bounds.LongestWait)
            {
                violate("answer", $"{attempt.Operation} via {attempt.Host} at {attempt.SentAt:HH:mm:ss.fff} waited {attempt.Waited.TotalSeconds:F1} s ({attempt.Status?.ToString(CultureInfo.InvariantCulture) ?? attempt.Error})");
            }
        }

        var recovery = history.Faults.Where(f => f.Kind == FaultKind.DatabaseStop)
            .Select(f => history.Attempts.Where(a => a.Succeeded && a.SentAt >= f.Healed).Select(a => a.AnsweredAt - f.Healed).DefaultIfEmpty(TimeSpan.Zero).Min())
            .DefaultIfEmpty(TimeSpan.Zero).Max();
        var longest = history.Attempts.Select(a => a.Waited).DefaultIfEmpty(TimeSpan.Zero).Max();
        return new AnswerFigures(unexpected503, longest, recovery);
    }

    private static bool Allows503(Fault fault, CheckBounds bounds, Attempt attempt) => fault.Kind switch
    {
        FaultKind.DatabaseStop => attempt.AnsweredAt >= fault.Start && attempt.SentAt <= fault.Healed + bounds.DatabaseGrace,
        FaultKind.SiloKill or FaultKind.SiloPause => attempt.AnsweredAt >= fault.Start && attempt.SentAt <= (fault.DeclaredDead ?? fault.Healed) + bounds.SiloGrace,
        _ => false,
    };
}
