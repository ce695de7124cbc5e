using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Grains;

namespace Coordination.Tests.Referrals;

/// <summary>
/// Onward referral: an agency that accepted the person refers them on to another agency for other
/// services, within their consent; the referrals coexist, each on its own clock, and an onward one
/// that nobody answers goes to the next agency for its services, its referrer told. Each test leaves
/// no referral pending, as the expiry tests of this cluster count what wakes.
/// </summary>
[Collection(ReferralClusterCollection.Name)]
public sealed class OnwardReferralTests(ReferralClusterFixture fixture)
{
    [Fact]
    public async Task An_accepted_shelter_refers_onward_for_legal_aid_and_an_unanswered_onward_referral_goes_to_the_next_legal_agency()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("tj-post", "TJ");
        var shelter = await s.Receiving("a-shelter", "TJ", [s.Region("Khatlon")], [AgencyService.Shelter], AgencyKind.Shelter);
        var lawyers = await s.Receiving("b-lawyers", "TJ", [s.Region("Khatlon")], [AgencyService.Legal]);
        var clinic = await s.Receiving("c-legal-clinic", "TJ", [s.Region("Khatlon")], [AgencyService.Legal, AgencyService.Medical]);
        var flagged = await s.Flag(post, s.NewCase("TJ", s.Region("Khatlon"), [Need.Shelter], urgency: Urgency.Critical));
        var c = s.Case(flagged.Id);
        Assert.Equal(shelter.Id, flagged.Referrals[0].ToAgencyId);

        // Only an agency that accepted may refer onward: not while its own referral is pending.
        var early = await Scenario.Refused(() => c.Refer(new ManualReferral(lawyers.Id, [AgencyService.Legal], null), Scenario.Staff(shelter)));
        Assert.Equal(DomainErrorKind.Forbidden, early.Kind);
        await c.AnswerReferral("r1", accept: true, null, Scenario.Staff(shelter));

        var onward = await c.Refer(new ManualReferral(lawyers.Id, [AgencyService.Legal], "labour claim against the employer"), Scenario.Staff(shelter));
        var r2 = onward.Referrals[1];
        Assert.Equal((lawyers.Id, ReferralStatus.Pending, shelter.Id), (r2.ToAgencyId, r2.Status, r2.ByAgencyId));
        Assert.Equal(s.Clock.GetUtcNow() + ReferralClusterFixture.CriticalAnswer, r2.AnswerBy);
        Assert.Equal(ReferralStatus.Accepted, onward.Referrals[0].Status);

        // The lawyers see the case without the person until they accept; the post hears of the onward referral.
        Assert.Null((await c.Get(Scenario.Staff(lawyers)))!.Person);
        Assert.Single(await s.Feed(lawyers), i => i.Type == FeedItemType.ReferralReceived);
        Assert.Contains(await s.Feed(post), i => i.Type == FeedItemType.CaseUpdated && i.Data["event"] == "Referred");

        // The same agency again is refused; a pending receiver may not refer onward itself.
        Assert.Equal(DomainErrorKind.Conflict, (await Scenario.Refused(() => c.Refer(new ManualReferral(lawyers.Id, [AgencyService.Legal], null), Scenario.Staff(shelter)))).Kind);
        Assert.Equal(DomainErrorKind.Forbidden, (await Scenario.Refused(() => c.Refer(new ManualReferral(clinic.Id, [AgencyService.Legal], null), Scenario.Staff(lawyers)))).Kind);

        // Nobody answers the onward referral: the shelter that made it hears, not the post, and the clinic gets it.
        fixture.AdvanceTo(r2.AnswerBy!.Value);
        Assert.Equal(1, await fixture.WakeUps.WakeDueAsync());
        var expired = Assert.Single(await s.Feed(shelter), i => i.Type == FeedItemType.ReferralExpired);
        Assert.Equal(lawyers.Id, expired.Data["toAgencyId"]);
        Assert.DoesNotContain(await s.Feed(post), i => i.Type is FeedItemType.ReferralExpired or FeedItemType.NoReceivingAgency);
        var view = (await c.Get(Scenario.Staff(post)))!;
        Assert.Equal([ReferralStatus.Accepted, ReferralStatus.Expired, ReferralStatus.Pending], view.Referrals.Select(r => r.Status));
        var r3 = view.Referrals[2];
        Assert.Equal((clinic.Id, shelter.Id, "labour claim against the employer"), (r3.ToAgencyId, r3.ByAgencyId, r3.Note));
        Assert.Equal([AgencyService.Legal], r3.Services);
        Assert.Single(await s.Feed(clinic), i => i.Type == FeedItemType.ReferralReceived);

        // The clinic answers in time: nothing more expires.
        await c.AnswerReferral(r3.Id, accept: true, null, Scenario.Staff(clinic));
        fixture.AdvanceTo(r3.AnswerBy!.Value + TimeSpan.FromMinutes(1));
        Assert.Equal(0, await c.ExpireUnansweredReferrals());
    }

    [Fact]
    public async Task Without_referral_consent_an_accepted_agency_may_not_refer_onward()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        var ngo = await s.Receiving("a-ngo", "KG", [s.Region("Batken")], [AgencyService.Shelter]);
        var lawyers = await s.Receiving("b-lawyers", "KG", [s.Region("Batken")], [AgencyService.Legal]);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Batken"), [Need.Shelter]));
        var c = s.Case(flagged.Id);
        await c.AnswerReferral("r1", accept: true, null, Scenario.Staff(ngo));
        await c.RecordEvent(CaseEventType.ConsentWithdrawn, null, null, Scenario.Staff(post));

        await Scenario.Refused(() => c.Refer(new ManualReferral(lawyers.Id, [AgencyService.Legal], null), Scenario.Staff(ngo)));
        Assert.Single((await c.Get(Scenario.Staff(post)))!.Referrals);
        Assert.DoesNotContain(await s.Feed(lawyers), i => i.CaseId == flagged.Id);
    }
}
