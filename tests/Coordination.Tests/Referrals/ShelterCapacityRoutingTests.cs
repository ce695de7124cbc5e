using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Grains;

namespace Coordination.Tests.Referrals;

/// <summary>
/// Shelters publish free beds and automatic routing skips one without a free bed for the person's age
/// group: minors' beds for a minor, adults' for an adult; an agency that never published is not skipped.
/// On the grain tests' cluster, as the referrals' own cluster moves its clock past answer deadlines.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class ShelterCapacityRoutingTests(GrainClusterFixture fixture)
{
    private static readonly Actor Coordinator = new("coordinator", "irrelevant");

    [Fact]
    public async Task A_shelter_with_no_free_bed_for_minors_is_skipped_for_a_15_year_old_and_an_adult_still_goes_there()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        // "a-" sorts first: with equal cover, the full shelter would win if routing did not skip it.
        var full = await s.Receiving("a-full-shelter", "KG", [s.Region("Osh")], [AgencyService.Shelter, AgencyService.ShelterMinors], AgencyKind.Shelter);
        var next = await s.Receiving("b-next-shelter", "KG", [s.Region("Osh")], [AgencyService.Shelter, AgencyService.ShelterMinors], AgencyKind.Shelter);
        await s.Directory.SetCapacity(full.Id, adults: 4, minors: 0, Coordinator);

        var girl = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter], age: 15));
        Assert.Equal(next.Id, Assert.Single(girl.Referrals).ToAgencyId);

        var adult = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter], age: 30));
        Assert.Equal(full.Id, Assert.Single(adult.Referrals).ToAgencyId);

        // The next shelter fills up too: nobody is left for a minor, and the post is told so.
        await s.Directory.SetCapacity(next.Id, adults: 0, minors: 0, Coordinator);
        var boy = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter], age: 15, sex: Sex.M));
        Assert.Empty(boy.Referrals);
        Assert.Contains(await s.Feed(post), i => i.Type == FeedItemType.NoReceivingAgency && i.CaseId == boy.Id);

        // A bed frees up, and the shelter is chosen again.
        await s.Directory.SetCapacity(full.Id, adults: 4, minors: 1, Coordinator);
        var sister = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter], age: 16));
        Assert.Equal(full.Id, Assert.Single(sister.Referrals).ToAgencyId);
    }

    [Fact]
    public async Task An_agency_that_never_published_is_not_skipped_and_a_full_NGO_still_gets_cases_that_need_no_shelter()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("tj-post", "TJ");
        var ngo = await s.Receiving("a-ngo", "TJ", [s.Region("Sughd")], [AgencyService.Shelter, AgencyService.Legal]);
        await s.Receiving("b-unpublished", "TJ", [s.Region("Sughd")], [AgencyService.Shelter], AgencyKind.Shelter);
        await s.Directory.SetCapacity(ngo.Id, adults: 0, minors: 0, Coordinator);

        var legalOnly = await s.Flag(post, s.NewCase("TJ", s.Region("Sughd"), [Need.Legal]));
        Assert.Equal(ngo.Id, Assert.Single(legalOnly.Referrals).ToAgencyId);

        var shelter = await s.Flag(post, s.NewCase("TJ", s.Region("Sughd"), [Need.Shelter, Need.Legal]));
        Assert.Equal($"b-unpublished-{s.Suffix}", Assert.Single(shelter.Referrals).ToAgencyId);
    }

    [Fact]
    public async Task Publishing_the_same_beds_again_changes_nothing_and_a_negative_count_is_refused()
    {
        var s = new Scenario(fixture);
        var shelter = await s.Receiving("shelter", "UZ", [s.Region("Andijan")], [AgencyService.Shelter], AgencyKind.Shelter);
        var first = await s.Directory.SetCapacity(shelter.Id, 3, 2, Coordinator);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        var again = await s.Directory.SetCapacity(shelter.Id, 3, 2, Coordinator);
        Assert.Equal(first!.Capacity, again!.Capacity);
        Assert.Equal(new ShelterCapacity(3, 2, first.Capacity!.UpdatedAt), (await s.Directory.Get(shelter.Id))!.Capacity);

        Assert.Equal("minors", Assert.Single((await Scenario.Refused(() => s.Directory.SetCapacity(shelter.Id, 3, -1, Coordinator))).Errors!).Key);
        Assert.Null(await s.Directory.SetCapacity($"no-such-{s.Suffix}", 1, 1, Coordinator));
    }
}
