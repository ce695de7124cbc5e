using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Grains;

/// <summary>An agency's case list searched by case id, filtered by status, urgency, route, open or overdue, paged, and counted by status.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class CaseListTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task A_list_finds_cases_by_part_of_their_id_status_urgency_open_or_overdue_and_pages_by_case_id()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-list-post", "KG");
        var ngo = await s.Receiving("kg-list-ngo", "KG", [s.Region("Osh")], [AgencyService.Shelter]);
        var critical = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter], urgency: Urgency.Critical));
        var routine = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter], urgency: Urgency.Routine));
        var urgent = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter], urgency: Urgency.Urgent));
        await s.Case(routine.Id).RecordEvent(CaseEventType.Withdrawn, null, null, Scenario.Staff(post));

        Task<IReadOnlyList<string>> Ids(Agency agency, CaseListQuery query) =>
            s.Intake.List(query, Scenario.Staff(agency)).ContinueWith(t => (IReadOnlyList<string>)t.Result.Select(c => c.Id).ToList());
        CaseListQuery All() => new(post.Id, null, null, 100);

        Assert.Equal([critical.Id, routine.Id, urgent.Id], await Ids(post, All()));
        Assert.Equal([critical.Id], await Ids(post, All() with { Urgency = Urgency.Critical }));
        Assert.Equal([routine.Id], await Ids(post, All() with { Status = CaseStatus.Withdrawn }));
        Assert.Equal([critical.Id, urgent.Id], await Ids(post, All() with { OpenOnly = true }));
        // Any part of the id, in any case.
        Assert.Equal([urgent.Id], await Ids(post, All() with { Search = urgent.Id[^6..] }));
        Assert.Equal([critical.Id, routine.Id, urgent.Id], await Ids(post, All() with { Search = "kg-" }));
        // Paging by case id.
        Assert.Equal([critical.Id, routine.Id], await Ids(post, All() with { Limit = 2 }));
        Assert.Equal([urgent.Id], await Ids(post, All() with { After = routine.Id, Limit = 2 }));

        var counts = await s.Intake.CountByStatus(Scenario.Staff(post));
        Assert.Equal(2, counts[CaseStatus.Flagged]);
        Assert.Equal(1, counts[CaseStatus.Withdrawn]);
        Assert.Equal(2, counts.Count);

        // Overdue: the agency holds an alert about the case, unacknowledged past its deadline. The
        // Critical referral's deadline passes first.
        var referrals = (await s.Feed(ngo)).Where(i => i.Type == FeedItemType.ReferralReceived).ToDictionary(i => i.CaseId!);
        Assert.True(referrals[critical.Id].AckDeadline < referrals[urgent.Id].AckDeadline);
        Assert.Empty(await Ids(ngo, new CaseListQuery(ngo.Id, null, null, 100, OverdueOnly: true)));
        s.Clock.SetUtcNow(referrals[critical.Id].AckDeadline!.Value.AddSeconds(1));
        Assert.Equal([critical.Id], await Ids(ngo, new CaseListQuery(ngo.Id, null, null, 100, OverdueOnly: true)));
        // The post holds no alert past its deadline about it: the filter is the caller's own feed.
        Assert.Empty(await Ids(post, All() with { OverdueOnly = true }));
        await s.FeedOf(ngo).Acknowledge(referrals[critical.Id].Id, "aida");
        Assert.Empty(await Ids(ngo, new CaseListQuery(ngo.Id, null, null, 100, OverdueOnly: true)));
    }

    [Fact]
    public async Task A_list_filters_by_route_returns_home_apart_from_internal_cases()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("tj-route-post", "TJ");
        var outreach = await s.Receiving("tj-route-outreach", "TJ", [s.Region("Sughd")], [AgencyService.Legal]);
        var shelter = await s.Receiving("tj-route-shelter", "TJ", [s.Region("Sughd")], [AgencyService.Shelter], AgencyKind.Shelter);
        var returning = await s.Flag(post, s.NewCase("TJ", s.Region("Sughd"), [Need.Shelter]));
        var internalCase = await s.Flag(outreach, s.NewCase("TJ", s.Region("Sughd"), [Need.Shelter]) with { CurrentCountry = "TJ", Location = "Khujand bazaar" });
        Assert.Equal(CaseRoute.Internal, internalCase.Route);

        // The shelter was referred both: the route tells them apart.
        Task<IReadOnlyList<string>> Ids(CaseRoute? route) =>
            s.Intake.List(new CaseListQuery(shelter.Id, null, null, 100, Route: route), Scenario.Staff(shelter))
                .ContinueWith(t => (IReadOnlyList<string>)t.Result.Select(c => c.Id).ToList());
        Assert.Equal(new[] { returning.Id, internalCase.Id }.Order(StringComparer.Ordinal), await Ids(null));
        Assert.Equal([returning.Id], await Ids(CaseRoute.Return));
        Assert.Equal([internalCase.Id], await Ids(CaseRoute.Internal));
    }
}
