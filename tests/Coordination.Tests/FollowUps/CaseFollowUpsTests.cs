using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Cases;
using static Coordination.Tests.Grains.SampleCases;

namespace Coordination.Tests.FollowUps;

/// <summary>The rules of follow-ups (<see cref="CaseFollowUps"/>) and their schedule's configuration, without a cluster.</summary>
public sealed class CaseFollowUpsTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    public static TheoryData<string, string, string, string[]> Schedules() => new()
    {
        // Started late in the evening UTC: already the next day in Bishkek, which the months count from.
        { "Asia/Bishkek", "2026-01-11T20:00:00Z", "3,6,12", ["2026-04-12T03:00:00Z", "2026-07-12T03:00:00Z", "2027-01-12T03:00:00Z"] },
        // The 31st has no match in a shorter month: its last day.
        { "Asia/Bishkek", "2026-01-31T05:00:00Z", "1", ["2026-02-28T03:00:00Z"] },
        // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
        { "Europe/Berlin", "2026-01-15T10:00:00Z", "3,9", ["2026-04-15T07:00:00Z", "2026-10-15T07:00:00Z"] },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Follow_ups_fall_due_the_given_months_later_at_nine_in_the_agency_s_time_zone(string zone, string start, string months, string[] expected)
    {
        var due = CaseFollowUps.DueTimes(DateTimeOffset.Parse(start), TimeZoneInfo.FindSystemTimeZoneById(zone),
            FollowUpOptions.ParseMonths(months)!, TimeSpan.FromHours(9));
        Assert.Equal(expected.Select(DateTimeOffset.Parse), due);
    }

    [Theory]
    [InlineData("3,6,12", new[] { 3, 6, 12 })]
    [InlineData(" 1, 2 ", new[] { 1, 2 })]
    [InlineData("6,3", null)]
    [InlineData("3,3", null)]
    [InlineData("0", null)]
    [InlineData("121", null)]
    [InlineData("", null)]
    [InlineData("three", null)]
    [InlineData("-3", null)]
    public void The_months_setting_is_ascending_whole_months_from_1_to_120(string setting, int[]? expected) =>
        Assert.Equal(expected, FollowUpOptions.ParseMonths(setting));

    [Fact]
    public void A_plan_schedules_follow_ups_numbered_on_from_those_of_an_earlier_reintegration()
    {
        var start = Later;
        var first = CaseFollowUps.Planned(Case(CaseStatus.Reintegration), null, Shelter, start, [start.AddMonths(3)], Day);
        var again = CaseFollowUps.Planned(first, new NewReintegrationPlan([ReintegrationService.Employment, ReintegrationService.Employment], "a job", null),
            Shelter, start.AddYears(1), [start.AddYears(1).AddMonths(3), start.AddYears(1).AddMonths(6)], Day);

        Assert.Equal([1, 2, 3], again.FollowUps!.Select(f => f.Number));
        Assert.Equal(start.AddYears(1).AddMonths(6) + Day, again.FollowUps![2].Deadline);
        Assert.Equal([ReintegrationService.Employment], again.Reintegration!.Services);
        Assert.Empty(first.Reintegration!.Services);
    }

    [Fact]
    public void Only_follow_ups_of_an_open_case_whose_time_has_come_are_raised_and_each_once()
    {
        var c = Scheduled(CaseStatus.Reintegration);

        var (early, none) = CaseFollowUps.TakeDue(c, Later.AddMonths(3) - TimeSpan.FromSeconds(1));
        Assert.Empty(none);
        Assert.Same(c, early);

        var (raised, first) = CaseFollowUps.TakeDue(c, Later.AddMonths(3));
        Assert.Equal([1], first.Select(f => f.Number));
        Assert.Equal(c.Version + 1, raised.Version);
        Assert.Equal(Later.AddMonths(6), CaseFollowUps.NextDue(raised));
        Assert.Empty(CaseFollowUps.TakeDue(raised, Later.AddMonths(3).AddDays(1)).Raised);

        var closed = CaseFollowUps.Ended(raised with { Status = CaseStatus.Closed });
        Assert.Equal([1], closed.FollowUps!.Select(f => f.Number));
        Assert.Null(CaseFollowUps.NextDue(closed));
        Assert.Empty(CaseFollowUps.TakeDue(closed, Later.AddYears(2)).Raised);
    }

    [Fact]
    public void A_follow_up_is_recorded_once_from_the_moment_it_is_due()
    {
        var c = Scheduled(CaseStatus.Reintegration);
        var due = Later.AddMonths(3);

        Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseFollowUps.Recorded(Case(CaseStatus.Reintegration), 1, FollowUpOutcome.Stable, null, "w", due)));
        Assert.Equal(DomainErrorKind.NotFound, Refusal(() => CaseFollowUps.Recorded(c, 4, FollowUpOutcome.Stable, null, "w", due)));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseFollowUps.Recorded(c, 1, (FollowUpOutcome)9, null, "w", due)));
        Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseFollowUps.Recorded(c, 1, FollowUpOutcome.Stable, null, "w", due - TimeSpan.FromSeconds(1))));

        var (recorded, followUp) = CaseFollowUps.Recorded(c, 1, FollowUpOutcome.ReTrafficked, "recruited again", "w", due.AddDays(2));
        Assert.Equal((FollowUpOutcome.ReTrafficked, "recruited again", due.AddDays(2), "w", true),
            (followUp.Outcome!.Value, followUp.Note, followUp.RecordedAt!.Value, followUp.RecordedBy, followUp.Raised));
        Assert.Equal(c.Version + 1, recorded.Version);
        Assert.Equal(Later.AddMonths(6), CaseFollowUps.NextDue(recorded));
        Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseFollowUps.Recorded(recorded, 1, FollowUpOutcome.Stable, null, "w", due.AddDays(3))));
    }

    [Fact]
    public void A_plan_goes_only_with_ReintegrationStarted_and_offers_only_known_services()
    {
        var plan = new NewReintegrationPlan([ReintegrationService.SmallGrant], null, null);
        CaseFollowUps.RequirePlan(CaseEventType.ReintegrationStarted, plan);
        CaseFollowUps.RequirePlan(CaseEventType.Closed, null);
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseFollowUps.RequirePlan(CaseEventType.Sheltered, plan)));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseFollowUps.RequirePlan(CaseEventType.ReintegrationStarted, plan with { Services = [(ReintegrationService)77] })));
    }

    /// <summary>A case in <paramref name="status"/> with follow-ups due 3, 6 and 12 months after <see cref="Later"/>.</summary>
    private static CaseView Scheduled(CaseStatus status) =>
        CaseFollowUps.Planned(Case(status), null, Shelter, Later, [Later.AddMonths(3), Later.AddMonths(6), Later.AddMonths(12)], Day);
}
