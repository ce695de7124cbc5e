using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Statistics;
using Coordination.Tests.Grains;

namespace Coordination.Tests.FollowUps;

/// <summary>
/// Issue 20's story with a fake clock: a returnee runs from flag to <c>Closed: Reintegrated</c> through
/// three follow-ups (one overdue and escalated), another declines services at the airport, a third is
/// found re-trafficked at her first follow-up — and the committee's quarter reports count exactly that.
/// </summary>
[Collection(FollowUpClusterCollection.Name)]
public sealed class AfterArrivalStoryTests(FollowUpClusterFixture fixture)
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_case_runs_from_flag_to_Closed_Reintegrated_through_three_follow_ups_and_the_quarter_reports_match_the_figures_worked_out_by_hand()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        // Bishkek is UTC+6 all year: a follow-up due at 09:00 there is due at 03:00 UTC.
        var ngo = await s.Receiving("kg-ngo-naryn", "KG", [s.Region("Naryn")], [AgencyService.Shelter, AgencyService.Reintegration],
            airports: ["FRU"], timeZone: "Asia/Bishkek");
        var stranger = await s.Receiving("kg-ngo-talas", "KG", [s.Region("Talas")], [AgencyService.Shelter], timeZone: "Asia/Bishkek");
        var committee = await s.Directory.Create(new Agency($"kg-nap-wg-{s.Suffix}", "KG national action plan working group", AgencyKind.Committee,
            "KG", null, "Bishkek", "Asia/Bishkek", [], [], []));
        var secretary = new CommitteeCaller(new Actor($"secretary-{committee.Id}", committee.Id), Secretary: true, Member: false);
        var worker = Scenario.Staff(ngo);

        // 5 January 2026: Aigul (A) and Nurila (C) are flagged in Istanbul; both come home and start reintegration on 12 January.
        fixture.AdvanceTo(Utc(2026, 1, 5));
        var a = await HomeAsync(s, post, ngo, "Aigul Returnee", "AN1000001", Utc(2026, 1, 6, 8));
        var c = await HomeAsync(s, post, ngo, "Nurila Returnee", "AN1000003", Utc(2026, 1, 6, 8));
        fixture.AdvanceTo(Utc(2026, 1, 12, 4));
        foreach (var id in new[] { a, c })
        {
            await s.Case(id).RecordEvent(CaseEventType.Sheltered, null, null, worker);
            await s.Case(id).RecordEvent(CaseEventType.RehabilitationStarted, null, null, worker);
        }

        // A plan on any other event is refused, and changes nothing.
        var sheltered = await s.Case(a).Get(worker);
        Assert.Equal(DomainErrorKind.Validation, (await Scenario.Refused(() => s.Case(a).RecordEvent(
            CaseEventType.Withdrawn, null, null, worker, plan: new NewReintegrationPlan([], "goals", null)))).Kind);
        Assert.Equal(sheltered!.Version, (await s.Case(a).Get(worker))!.Version);

        var plan = new NewReintegrationPlan([ReintegrationService.VocationalTraining, ReintegrationService.SmallGrant], "Sewing course, then a small grant for a workshop", "Caseworker Asel");
        var started = await s.Case(a).RecordEvent(CaseEventType.ReintegrationStarted, "plan agreed", null, worker, plan: plan);
        await s.Case(c).RecordEvent(CaseEventType.ReintegrationStarted, null, null, worker);
        Assert.Equal(new ReintegrationPlan(plan.Services, plan.Goals, plan.Caseworker, ngo.Id, Utc(2026, 1, 12, 4)), started.Reintegration! with { Services = plan.Services });
        Assert.Equal(plan.Services, started.Reintegration!.Services);
        DateTimeOffset[] due = [Utc(2026, 4, 12, 3), Utc(2026, 7, 12, 3), Utc(2027, 1, 12, 3)];
        Assert.Equal(due, started.FollowUps!.Select(f => f.DueAt));
        Assert.Equal(due.Select(d => d + FollowUpClusterFixture.RoutineAck), started.FollowUps!.Select(f => f.Deadline));
        Assert.Equal([1, 2, 3], started.FollowUps!.Select(f => f.Number));
        Assert.All(started.FollowUps!, f => Assert.Equal(ngo.Id, f.AgencyId));

        // A minute before 09:00 in Bishkek nothing is due, and a follow-up cannot be recorded early.
        fixture.AdvanceTo(due[0] - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await fixture.WakeUps.WakeDueAsync());
        Assert.Equal(DomainErrorKind.Conflict, (await Scenario.Refused(() => s.Case(a).RecordFollowUp(1, FollowUpOutcome.Stable, null, worker))).Kind);
        Assert.DoesNotContain(await s.Feed(ngo), i => i.Type == FeedItemType.FollowUpDue);

        // 12 April, 09:00 Bishkek: follow-up 1 of both falls due, once, as a task to acknowledge, without a name.
        fixture.AdvanceTo(due[0]);
        Assert.Equal(2, await fixture.WakeUps.WakeDueAsync());
        Assert.Equal(0, await fixture.WakeUps.WakeDueAsync());
        var first = Assert.Single(await s.Feed(ngo), i => i.Type == FeedItemType.FollowUpDue && i.CaseId == a);
        Assert.True(first.RequiresAck);
        Assert.Equal(due[0] + FollowUpClusterFixture.RoutineAck, first.AckDeadline);
        Assert.Equal("1", first.Data["followUp"]);
        Assert.DoesNotContain("Aigul", first.Summary + string.Join(" ", first.Data.Values));
        Assert.Contains(await s.Feed(ngo), i => i.Type == FeedItemType.FollowUpDue && i.CaseId == c);

        // What cannot be recorded changes nothing: a follow-up the case does not have, an outcome out of
        // the list, an agency not involved, the post (involved, but it does not follow the person up).
        var before = (await s.Case(a).Get(worker))!.Version;
        Assert.Equal(DomainErrorKind.NotFound, (await Scenario.Refused(() => s.Case(a).RecordFollowUp(4, FollowUpOutcome.Stable, null, worker))).Kind);
        Assert.Equal(DomainErrorKind.Validation, (await Scenario.Refused(() => s.Case(a).RecordFollowUp(1, (FollowUpOutcome)99, null, worker))).Kind);
        Assert.Equal(DomainErrorKind.NotFound, (await Scenario.Refused(() => s.Case(a).RecordFollowUp(1, FollowUpOutcome.Stable, null, Scenario.Staff(stranger)))).Kind);
        Assert.Equal(DomainErrorKind.Forbidden, (await Scenario.Refused(() => s.Case(a).RecordFollowUp(1, FollowUpOutcome.Stable, null, Scenario.Staff(post)))).Kind);
        Assert.Equal(before, (await s.Case(a).Get(worker))!.Version);

        // Nurila is found re-trafficked at her first follow-up: the timeline says so; her case is closed and
        // her later follow-ups are cancelled.
        fixture.AdvanceTo(Utc(2026, 4, 12, 6));
        await s.FeedOf(ngo).Acknowledge(first.Id, worker.Username);
        await s.Case(a).RecordFollowUp(1, FollowUpOutcome.Stable, "working at the sewing workshop", worker);
        var retrafficked = await s.Case(c).RecordFollowUp(1, FollowUpOutcome.ReTrafficked, "recruited again for work abroad", worker);
        Assert.Equal(FollowUpOutcome.ReTrafficked, retrafficked.FollowUps![0].Outcome);
        Assert.Equal(DomainErrorKind.Conflict, (await Scenario.Refused(() => s.Case(c).RecordFollowUp(1, FollowUpOutcome.Stable, null, worker))).Kind);
        var cTimeline = await s.Case(c).Timeline(worker);
        Assert.Equal((CaseEventType.FollowUpDue, 1, (FollowUpOutcome?)null), (cTimeline[^2].Type, cTimeline[^2].FollowUp!.Value, cTimeline[^2].Outcome));
        Assert.Equal((CaseEventType.FollowUpRecorded, 1, FollowUpOutcome.ReTrafficked, "recruited again for work abroad"),
            (cTimeline[^1].Type, cTimeline[^1].FollowUp!.Value, cTimeline[^1].Outcome!.Value, cTimeline[^1].Note));
        // The post that opened her case hears of it.
        Assert.Contains(await s.Feed(post), i => i.Type == FeedItemType.CaseUpdated && i.CaseId == c && i.Data["event"] == nameof(CaseEventType.FollowUpRecorded));
        // Recording settles the follow-up's task: it no longer escalates.
        Assert.NotNull(Assert.Single(await s.Feed(ngo), i => i.Type == FeedItemType.FollowUpDue && i.CaseId == c).AcknowledgedAt);
        var closedC = await s.Case(c).RecordEvent(CaseEventType.Closed, "referred to the police and an IOM programme", null, worker, ClosureReason.Other);
        Assert.Equal([1], closedC.FollowUps!.Select(f => f.Number));

        // 12 July: follow-up 2 of Aigul only.
        fixture.AdvanceTo(due[1]);
        Assert.Equal(1, await fixture.WakeUps.WakeDueAsync());
        fixture.AdvanceTo(Utc(2026, 7, 12, 5));
        await s.Case(a).RecordFollowUp(2, FollowUpOutcome.AtRisk, "workshop closed; looking for work", worker);

        // 12 January 2027: follow-up 3 falls due and nobody acknowledges it for a day: it escalates.
        fixture.AdvanceTo(due[2]);
        Assert.Equal(1, await fixture.WakeUps.WakeDueAsync());
        var third = Assert.Single(await s.Feed(ngo), i => i.Type == FeedItemType.FollowUpDue && i.Data["followUp"] == "3");
        fixture.AdvanceTo(third.AckDeadline!.Value + TimeSpan.FromSeconds(1));
        await s.FeedOf(ngo).CatchUp();
        Assert.Contains(await s.Feed(ngo), i => i.Type == FeedItemType.AckOverdue && i.CaseId == a);

        // Recorded late, on 14 January, and the case closes: Reintegrated.
        fixture.AdvanceTo(Utc(2027, 1, 14, 5));
        await s.Case(a).RecordFollowUp(3, FollowUpOutcome.Stable, "employed, stable", worker);
        var closed = await s.Case(a).RecordEvent(CaseEventType.Closed, null, null, worker, ClosureReason.Reintegrated);
        Assert.Equal((CaseStatus.Closed, ClosureReason.Reintegrated), (closed.Status, closed.ClosureReason));
        Assert.All(closed.FollowUps!, f => Assert.NotNull(f.Outcome));
        var aTimeline = await s.Case(a).Timeline(worker);
        Assert.Equal(3, aTimeline.Count(e => e.Type == CaseEventType.FollowUpDue));
        Assert.Equal([FollowUpOutcome.Stable, FollowUpOutcome.AtRisk, FollowUpOutcome.Stable],
            aTimeline.Where(e => e.Type == CaseEventType.FollowUpRecorded).Select(e => e.Outcome!.Value));

        // Another returnee (B) declines services at the airport on 20 January 2027 and is closed ServicesDeclined.
        fixture.AdvanceTo(Utc(2027, 1, 15));
        var b = await HomeAsync(s, post, ngo, "Bermet Returnee", "AN1000002", Utc(2027, 1, 20, 8), received: false);
        fixture.AdvanceTo(Utc(2027, 1, 20, 9));
        await s.Case(b).RecordEvent(CaseEventType.Closed, "declined shelter, went to her family", null, worker, ClosureReason.ServicesDeclined);

        fixture.AdvanceTo(Utc(2027, 4, 2));
        // Q2 2026: follow-up 1 of A (Stable) and of C (ReTrafficked), both due and done in it, on time; C closed, Other.
        var q2 = (await s.Client.GetGrain<ICommitteeGrain>(committee.Id).Report(new ReportingPeriod(Utc(2026, 4, 1), Utc(2026, 7, 1)), secretary)).Statistics;
        Assert.Equal((2, 2, 0), (q2.FollowUps.Due, q2.FollowUps.Done, q2.FollowUps.Overdue));
        Assert.Equal(Outcomes(stable: 1, reTrafficked: 1), q2.FollowUps.ByOutcome);
        Assert.Equal(Closures(other: 1), q2.ClosuresByReason);
        // Q3 2026: follow-up 2 of A, At risk, on time.
        var q3 = (await s.Client.GetGrain<ICommitteeGrain>(committee.Id).Report(new ReportingPeriod(Utc(2026, 7, 1), Utc(2026, 10, 1)), secretary)).Statistics;
        Assert.Equal((1, 1, 0), (q3.FollowUps.Due, q3.FollowUps.Done, q3.FollowUps.Overdue));
        Assert.Equal(Outcomes(atRisk: 1), q3.FollowUps.ByOutcome);
        // Q1 2027: follow-up 3 of A, due on the 12th, deadline the 13th, recorded on the 14th: due, done and
        // overdue; A closed Reintegrated, B (flagged in the quarter, the only case flagged in it) ServicesDeclined.
        var q1 = (await s.Client.GetGrain<ICommitteeGrain>(committee.Id).Report(new ReportingPeriod(Utc(2027, 1, 1), Utc(2027, 4, 1)), secretary)).Statistics;
        Assert.Equal((1, 1, 1), (q1.FollowUps.Due, q1.FollowUps.Done, q1.FollowUps.Overdue));
        Assert.Equal(Outcomes(stable: 1), q1.FollowUps.ByOutcome);
        Assert.Equal(Closures(reintegrated: 1, servicesDeclined: 1), q1.ClosuresByReason);
        Assert.Equal((1, 1), (q1.Cases.Total!.Value, q1.Cases.Closed!.Value));
        Assert.Equal(1, q1.Funnel.Returned);
    }

    /// <summary>Flags a woman of Naryn in Istanbul, has the NGO accept her, flies her home and records her arrival (and reception).</summary>
    private static async Task<string> HomeAsync(Scenario s, Agency post, Agency ngo, string name, string passport, DateTimeOffset arrival, bool received = true)
    {
        var flag = s.NewCase("KG", s.Region("Naryn"), [Need.Shelter], urgency: Urgency.Routine) with
        {
            Person = new Person(name, Sex.F, s.Year - 28, "KG", passport, null),
        };
        CaseEventType[] then = received ? [CaseEventType.Arrived, CaseEventType.ReceivedByAgency] : [CaseEventType.Arrived];
        return (await Returns.HomeAsync(s, post, ngo, flag, arrival, then)).Id;
    }

    private static Dictionary<string, int?> Outcomes(int stable = 0, int atRisk = 0, int lostContact = 0, int reTrafficked = 0) => new()
    {
        [nameof(FollowUpOutcome.Stable)] = stable, [nameof(FollowUpOutcome.AtRisk)] = atRisk,
        [nameof(FollowUpOutcome.LostContact)] = lostContact, [nameof(FollowUpOutcome.ReTrafficked)] = reTrafficked,
    };

    private static Dictionary<string, int?> Closures(int reintegrated = 0, int servicesDeclined = 0, int other = 0) => new()
    {
        [nameof(ClosureReason.Reintegrated)] = reintegrated, [nameof(ClosureReason.ServicesDeclined)] = servicesDeclined,
        [nameof(ClosureReason.LostContact)] = 0, [nameof(ClosureReason.TransferredToOtherProgramme)] = 0,
        [nameof(ClosureReason.Deceased)] = 0, [nameof(ClosureReason.Other)] = other,
    };
}
