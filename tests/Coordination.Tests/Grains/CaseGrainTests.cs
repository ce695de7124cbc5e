using System.Text.Json;
using System.Text.RegularExpressions;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Cases;
using Orleans.Core.Internal;
using static Coordination.Tests.Grains.SampleCases;

namespace Coordination.Tests.Grains;

/// <summary>
/// <see cref="ICaseIntakeGrain"/> and <see cref="ICaseGrain"/> on a real cluster and a real database:
/// numbering, referral routing, declines, travel, idempotency, lifecycle rules and need-to-know.
/// </summary>
[Collection(GrainClusterCollection.Name)]
public sealed class CaseGrainTests(GrainClusterFixture fixture)
{
    [Fact]
    public async Task Flagged_case_is_numbered_by_citizenship_and_year_and_referred_without_personal_data_in_the_feed()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var shelter = await s.Receiving("kg-shelter-chui", "KG", [s.Region("Chui")], [AgencyService.Shelter, AgencyService.Legal], AgencyKind.Shelter);

        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter, Need.Legal, Need.TravelDocuments]));

        Assert.Matches(new Regex($"^KG-{s.Year}-[0-9]{{6}}$"), flagged.Id);
        Assert.Equal(CaseStatus.Flagged, flagged.Status);
        Assert.Equal(post.Id, flagged.FlaggedByAgencyId);
        var referral = Assert.Single(flagged.Referrals);
        Assert.Equal(shelter.Id, referral.ToAgencyId);
        Assert.Equal(ReferralStatus.Pending, referral.Status);
        Assert.Equal(new[] { AgencyService.Shelter, AgencyService.Legal }, referral.Services);

        var item = Assert.Single(await s.Feed(shelter));
        Assert.Equal(FeedItemType.ReferralReceived, item.Type);
        Assert.Equal(flagged.Id, item.CaseId);
        Assert.True(item.RequiresAck);
        Assert.Equal(referral.Id, item.Data["referralId"]);
        var json = JsonSerializer.Serialize(item, CoordinationJson.Options);
        Assert.DoesNotContain(s.FullName, json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Zarina", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(s.Passport, json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(s.Phone, json, StringComparison.OrdinalIgnoreCase);

        // The receiving agency is now involved and sees the case, pseudonymous until it accepts; the case and its timeline are durable.
        var seen = await s.Case(flagged.Id).Get(Scenario.Staff(shelter));
        Assert.NotNull(seen);
        Assert.Null(seen.Person);
        var timeline = await s.Case(flagged.Id).Timeline(Scenario.Staff(post));
        Assert.Equal(new[] { CaseEventType.Flagged, CaseEventType.Referred }, timeline.Select(e => e.Type));
        Assert.Equal(new[] { 1, 2 }, timeline.Select(e => e.Seq));

        // Once it accepts, it sees who the person is, who consented to sharing.
        await s.Case(flagged.Id).AnswerReferral("r1", accept: true, null, Scenario.Staff(shelter));
        Assert.Equal(s.FullName, (await s.Case(flagged.Id).Get(Scenario.Staff(shelter)))!.Person?.FullName);
    }

    [Fact]
    public async Task Case_numbers_of_one_citizenship_and_year_are_distinct()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kz-consulate-dubai", "KZ", "AE", "Dubai");

        var first = await s.Flag(post, s.NewCase("KZ", s.Region("Almaty"), [Need.Medical]));
        var second = await s.Flag(post, s.NewCase("KZ", s.Region("Almaty"), [Need.Medical]));

        Assert.Matches($"^KZ-{s.Year}-[0-9]{{6}}$", first.Id);
        Assert.Matches($"^KZ-{s.Year}-[0-9]{{6}}$", second.Id);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task Minor_is_never_referred_to_an_adult_shelter()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("tj-consulate-moscow", "TJ", "RU", "Moscow");
        // The adult shelter covers every need and the region; only the minors' shelter may take a child.
        var adultShelter = await s.Receiving("tj-adult-shelter", "TJ", [s.Region("Sughd"), s.Region("Khatlon")],
            [AgencyService.Shelter, AgencyService.Legal, AgencyService.Medical, AgencyService.Psychological], AgencyKind.Shelter);
        var minorsShelter = await s.Receiving("tj-minors-shelter", "TJ", [s.Region("Khatlon")],
            [AgencyService.ShelterMinors, AgencyService.Psychological], AgencyKind.Shelter);

        var flagged = await s.Flag(post, s.NewCase("TJ", s.Region("Khatlon"),
            [Need.Shelter, Need.Legal, Need.Medical, Need.Psychological], age: 15, sex: Sex.M));

        Assert.True(flagged.Minor);
        Assert.StartsWith($"TJ-{s.Year}-", flagged.Id);
        var referral = Assert.Single(flagged.Referrals);
        Assert.Equal(minorsShelter.Id, referral.ToAgencyId);
        Assert.Contains(AgencyService.ShelterMinors, referral.Services);
        Assert.DoesNotContain(AgencyService.Shelter, referral.Services);

        var item = Assert.Single(await s.Feed(minorsShelter));
        Assert.Equal(FeedItemType.ReferralReceived, item.Type);
        Assert.Equal("true", item.Data["minor"]);
        Assert.Equal("15", item.Data["age"]);
        Assert.Empty(await s.Feed(adultShelter));
        Assert.Null(await s.Case(flagged.Id).Get(Scenario.Staff(adultShelter)));
    }

    [Fact]
    public async Task Minor_with_only_an_adult_shelter_in_the_region_gets_no_referral()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("tj-consulate-moscow", "TJ", "RU", "Moscow");
        var adultShelter = await s.Receiving("tj-adult-shelter", "TJ", [s.Region("Khatlon")],
            [AgencyService.Shelter, AgencyService.Legal], AgencyKind.Shelter);

        var flagged = await s.Flag(post, s.NewCase("TJ", s.Region("Khatlon"), [Need.Shelter], age: 15));

        Assert.Empty(flagged.Referrals);
        Assert.Empty(await s.Feed(adultShelter));
        var alert = Assert.Single(await s.Feed(post));
        Assert.Equal(FeedItemType.NoReceivingAgency, alert.Type);
        Assert.Contains("ShelterMinors", alert.Data["reason"]);
    }

    [Fact]
    public async Task Case_without_a_matching_agency_stays_Flagged_and_the_post_gets_NoReceivingAgency()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("uz-consulate-dubai", "UZ", "AE", "Dubai");
        // Right country, wrong region; right region, wrong country; right region and country, wrong services.
        await s.Receiving("uz-shelter-fergana", "UZ", [s.Region("Fergana")], [AgencyService.Shelter], AgencyKind.Shelter);
        await s.Receiving("kz-shelter-samarkand", "KZ", [s.Region("Samarkand")], [AgencyService.Shelter], AgencyKind.Shelter);
        await s.Receiving("uz-reintegration-samarkand", "UZ", [s.Region("Samarkand")], [AgencyService.Reintegration]);

        var flagged = await s.Flag(post, s.NewCase("UZ", s.Region("Samarkand"), [Need.Shelter, Need.Medical], urgency: Urgency.Critical));

        Assert.Equal(CaseStatus.Flagged, flagged.Status);
        Assert.Empty(flagged.Referrals);
        var alert = Assert.Single(await s.Feed(post));
        Assert.Equal(FeedItemType.NoReceivingAgency, alert.Type);
        Assert.Equal(flagged.Id, alert.CaseId);
        Assert.Equal(Urgency.Critical, alert.Urgency);
        Assert.True(alert.RequiresAck);
        var timeline = await s.Case(flagged.Id).Timeline(Scenario.Staff(post));
        Assert.Equal(new[] { CaseEventType.Flagged, CaseEventType.NoReceivingAgency }, timeline.Select(e => e.Type));
    }

    [Fact]
    public async Task Declined_referral_goes_back_to_the_post_with_the_reason_and_the_case_moves_to_the_next_matching_agency()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        // "a-" covers both needs and is chosen first; "b-" is next; "c-" serves another region and is never offered the case.
        var first = await s.Receiving("a-kg-shelter", "KG", [s.Region("Osh")], [AgencyService.Shelter, AgencyService.Medical], AgencyKind.Shelter);
        var second = await s.Receiving("b-kg-ngo", "KG", [s.Region("Osh")], [AgencyService.Shelter]);
        var elsewhere = await s.Receiving("c-kg-ngo", "KG", [s.Region("Naryn")], [AgencyService.Shelter, AgencyService.Medical]);

        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter, Need.Medical]));
        var r1 = Assert.Single(flagged.Referrals);
        Assert.Equal(first.Id, r1.ToAgencyId);

        var afterDecline = await s.Case(flagged.Id).AnswerReferral(r1.Id, accept: false, "No capacity until May", Scenario.Staff(first));

        Assert.Equal(CaseStatus.Flagged, afterDecline.Status);
        Assert.Equal(2, afterDecline.Referrals.Count);
        Assert.Equal(ReferralStatus.Declined, afterDecline.Referrals[0].Status);
        Assert.Equal("No capacity until May", afterDecline.Referrals[0].Reason);
        Assert.Equal(second.Id, afterDecline.Referrals[1].ToAgencyId);
        Assert.Equal(ReferralStatus.Pending, afterDecline.Referrals[1].Status);

        var declined = Assert.Single(await s.Feed(post), i => i.Type == FeedItemType.ReferralDeclined);
        Assert.Equal(flagged.Id, declined.CaseId);
        Assert.Equal("No capacity until May", declined.Data["reason"]);
        Assert.Equal(first.Id, declined.Data["toAgencyId"]);
        Assert.Contains("No capacity until May", declined.Summary);

        var offered = Assert.Single(await s.Feed(second));
        Assert.Equal(FeedItemType.ReferralReceived, offered.Type);
        Assert.Equal(afterDecline.Referrals[1].Id, offered.Data["referralId"]);
        Assert.Equal(FeedItemType.ReferralReceived, Assert.Single(await s.Feed(first)).Type);
        Assert.Empty(await s.Feed(elsewhere));

        // The decliner is out of the case.
        Assert.Null(await s.Case(flagged.Id).Get(Scenario.Staff(first)));
    }

    [Fact]
    public async Task When_every_matching_agency_declined_the_post_gets_NoReceivingAgency_and_the_case_is_never_offered_back()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var first = await s.Receiving("a-kg-shelter", "KG", [s.Region("Talas")], [AgencyService.Shelter, AgencyService.Legal], AgencyKind.Shelter);
        var second = await s.Receiving("b-kg-ngo", "KG", [s.Region("Talas")], [AgencyService.Legal]);

        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Talas"), [Need.Shelter, Need.Legal]));
        var afterFirst = await s.Case(flagged.Id).AnswerReferral("r1", accept: false, "No beds", Scenario.Staff(first));
        var r2 = afterFirst.Referrals.Single(r => r.Status == ReferralStatus.Pending);
        Assert.Equal(second.Id, r2.ToAgencyId);

        var afterSecond = await s.Case(flagged.Id).AnswerReferral(r2.Id, accept: false, "No lawyer available", Scenario.Staff(second));

        Assert.Equal(CaseStatus.Flagged, afterSecond.Status);
        Assert.Equal(2, afterSecond.Referrals.Count);
        Assert.All(afterSecond.Referrals, r => Assert.Equal(ReferralStatus.Declined, r.Status));

        var postFeed = await s.Feed(post);
        Assert.Equal(
            new[] { FeedItemType.ReferralDeclined, FeedItemType.ReferralDeclined, FeedItemType.NoReceivingAgency },
            postFeed.Select(i => i.Type));
        Assert.Equal(new[] { "No beds", "No lawyer available" },
            postFeed.Where(i => i.Type == FeedItemType.ReferralDeclined).Select(i => i.Data["reason"]));
        // Each decliner was offered the case exactly once.
        Assert.Single(await s.Feed(first));
        Assert.Single(await s.Feed(second));
    }

    [Fact]
    public async Task Retried_decline_is_idempotent()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var first = await s.Receiving("a-kg-shelter", "KG", [s.Region("Osh")], [AgencyService.Shelter], AgencyKind.Shelter);
        var second = await s.Receiving("b-kg-shelter", "KG", [s.Region("Osh")], [AgencyService.Shelter], AgencyKind.Shelter);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter]));
        await s.Case(flagged.Id).AnswerReferral("r1", accept: false, "No beds", Scenario.Staff(first));

        // The answer to the first call was lost; the shelter's client sends the same decline again.
        var retried = await s.Case(flagged.Id).AnswerReferral("r1", accept: false, "No beds", Scenario.Staff(first));

        Assert.Equal(ReferralStatus.Declined, retried.Referrals.Single(r => r.Id == "r1").Status);
        Assert.Single(await s.Feed(post), i => i.Type == FeedItemType.ReferralDeclined);
        Assert.Single(await s.Feed(second));
    }

    [Fact]
    public async Task Declining_a_referral_of_a_withdrawn_case_does_not_offer_the_case_to_another_agency()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var first = await s.Receiving("a-kg-shelter", "KG", [s.Region("Osh")], [AgencyService.Shelter], AgencyKind.Shelter);
        var second = await s.Receiving("b-kg-shelter", "KG", [s.Region("Osh")], [AgencyService.Shelter], AgencyKind.Shelter);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter]));
        await s.Case(flagged.Id).RecordEvent(CaseEventType.Withdrawn, "family withdrew the request", null, Scenario.Staff(post));

        var afterDecline = await s.Case(flagged.Id).AnswerReferral("r1", accept: false, "No beds", Scenario.Staff(first));

        Assert.Equal(CaseStatus.Withdrawn, afterDecline.Status);
        Assert.DoesNotContain(afterDecline.Referrals, r => r.ToAgencyId == second.Id);
        Assert.DoesNotContain(await s.Feed(second), i => i.Type == FeedItemType.ReferralReceived);
        Assert.DoesNotContain(await s.Feed(post), i => i.Type == FeedItemType.NoReceivingAgency);
    }

    [Fact]
    public async Task Accepted_referral_is_reported_to_the_post()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var shelter = await s.Receiving("kg-shelter", "KG", [s.Region("Issyk-Kul")], [AgencyService.Shelter], AgencyKind.Shelter);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Issyk-Kul"), [Need.Shelter]));

        var accepted = await s.Case(flagged.Id).AnswerReferral("r1", accept: true, null, Scenario.Staff(shelter));
        var again = await s.Case(flagged.Id).AnswerReferral("r1", accept: true, null, Scenario.Staff(shelter));

        Assert.Equal(ReferralStatus.Accepted, Assert.Single(accepted.Referrals).Status);
        Assert.Equal(accepted.Version, again.Version);
        var item = Assert.Single(await s.Feed(post));
        Assert.Equal(FeedItemType.ReferralAccepted, item.Type);
        Assert.False(item.RequiresAck);
        var conflict = await Scenario.Refused(() => s.Case(flagged.Id).AnswerReferral("r1", accept: false, "changed our mind", Scenario.Staff(shelter)));
        Assert.Equal(DomainErrorKind.Conflict, conflict.Kind);
    }

    [Fact]
    public async Task A_read_of_the_case_lists_what_the_readers_agency_may_do_now_by_its_relation_and_the_status()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        var ngo = await s.Receiving("kg-ngo", "KG", [s.Region("Naryn")], [AgencyService.Shelter]);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Naryn"), [Need.Shelter]));
        var grain = s.Case(flagged.Id);

        // Pending, the NGO may only answer its referral (done from the referral itself): nothing else.
        Assert.Empty((await grain.Get(Scenario.Staff(ngo)))!.AllowedActions!);
        await grain.AnswerReferral("r1", accept: true, null, Scenario.Staff(ngo));

        // Flagged: only the post books travel and moves the case on; both may refer (the NGO onward),
        // withdraw the case or the person's consent, and correct its facts.
        Assert.Equal(
            new[] { CaseEventType.Referred, CaseEventType.TravelBooked, CaseEventType.Verified, CaseEventType.Withdrawn, CaseEventType.ConsentWithdrawn, CaseEventType.Corrected, CaseEventType.ConsentChanged },
            (await grain.Get(Scenario.Staff(post)))!.AllowedActions!);
        Assert.Equal(
            new[] { CaseEventType.Referred, CaseEventType.Withdrawn, CaseEventType.ConsentWithdrawn, CaseEventType.Corrected, CaseEventType.ConsentChanged },
            (await grain.Get(Scenario.Staff(ngo)))!.AllowedActions!);

        await grain.RecordEvent(CaseEventType.Verified, null, null, Scenario.Staff(post));
        await grain.RecordEvent(CaseEventType.DocumentsIssued, null, null, Scenario.Staff(post));
        await grain.BookTravel(new Travel("TK 348", "IST", "FRU", s.Clock.GetUtcNow().AddDays(1), "IOM escort", "Certificate of return", null), Scenario.Staff(post));
        await grain.RecordEvent(CaseEventType.Departed, null, null, Scenario.Staff(post));
        await grain.RecordEvent(CaseEventType.Arrived, null, null, Scenario.Staff(ngo));
        await grain.RecordEvent(CaseEventType.ReceivedByAgency, null, null, Scenario.Staff(ngo));
        await grain.RecordEvent(CaseEventType.ConsentWithdrawn, null, null, Scenario.Staff(ngo));

        // Received, with consent withdrawn: the NGO holds the person and moves the case on; the post
        // no longer books travel but may still refer, close or withdraw; both may record consent again
        // and refer (a referral is refused while consent is withdrawn, the command says so).
        Assert.Equal(
            new[] { CaseEventType.Referred, CaseEventType.Sheltered, CaseEventType.RehabilitationStarted, CaseEventType.Closed, CaseEventType.Withdrawn, CaseEventType.ConsentGiven, CaseEventType.Corrected, CaseEventType.ConsentChanged },
            (await grain.Get(Scenario.Staff(ngo)))!.AllowedActions!);
        Assert.Equal(
            new[] { CaseEventType.Referred, CaseEventType.Closed, CaseEventType.Withdrawn, CaseEventType.ConsentGiven, CaseEventType.Corrected, CaseEventType.ConsentChanged },
            (await grain.Get(Scenario.Staff(post)))!.AllowedActions!);

        // An offered event is accepted; a command's answer carries no list (only a read does).
        var sheltered = await grain.RecordEvent(CaseEventType.Sheltered, null, null, Scenario.Staff(ngo));
        Assert.Equal(CaseStatus.Sheltered, sheltered.Status);
        Assert.Null(sheltered.AllowedActions);
    }

    [Fact]
    public async Task An_internal_case_is_held_by_the_agency_that_opened_it_and_has_no_travel_to_book()
    {
        var s = new Scenario(fixture);
        var outreach = await s.Receiving("tj-outreach", "TJ", [s.Region("Sughd")], [AgencyService.Legal]);
        var shelter = await s.Receiving("tj-shelter", "TJ", [s.Region("Sughd")], [AgencyService.Shelter], AgencyKind.Shelter);
        var opened = await s.Flag(outreach, s.NewCase("TJ", s.Region("Sughd"), [Need.Shelter]) with { CurrentCountry = "TJ", Location = "Khujand bazaar" });

        Assert.Equal(CaseRoute.Internal, opened.Route);
        Assert.Equal(IdentificationChannel.Ngo, opened.IdentifiedBy);
        Assert.Equal(outreach.Id, opened.FlaggedByAgencyId);
        Assert.Null(opened.ReportedByAgencyId);
        Assert.Equal(shelter.Id, opened.Referrals.Single().ToAgencyId);

        // The opening agency may book travel by its relation, but an internal case has none to book.
        var refused = await Scenario.Refused(() => s.Case(opened.Id).BookTravel(
            new Travel("KC 118", "LBD", "DYU", s.Clock.GetUtcNow().AddDays(2), "escort", "passport", null), Scenario.Staff(outreach)));
        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);
        var after = await s.Case(opened.Id).Get(Scenario.Staff(outreach));
        Assert.Null(after!.Travel);
        Assert.Equal(opened.Version, after.Version);
        Assert.DoesNotContain(CaseEventType.TravelBooked, after.AllowedActions!);
    }

    [Fact]
    public async Task Flagging_again_a_case_number_that_exists_is_refused_and_changes_nothing_even_on_a_fresh_activation()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-post", "KG");
        var ngo = await s.Receiving("kg-ngo-osh", "KG", [s.Region("Osh")], [AgencyService.Shelter]);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter]));
        var timeline = await s.Case(flagged.Id).Timeline(Scenario.Staff(post));

        // A flag does not load the case first (it writes with an INSERT); on a fresh activation only
        // the row's primary key stands between a second flag and the existing case.
        await s.Case(flagged.Id).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var refused = await Scenario.Refused(() =>
            s.Case(flagged.Id).Flag(s.NewCase("KG", s.Region("Osh"), [Need.Shelter], urgency: Urgency.Critical), Scenario.Staff(post), null, null, [],
                new CaseOpening(CaseRoute.Return, post.Id, null, IdentificationChannel.Consulate)));

        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);
        var after = await s.Case(flagged.Id).Get(Scenario.Staff(post));
        Assert.NotNull(after);
        Assert.Equal(flagged.Version, after.Version);
        Assert.Equal(flagged.Urgency, after.Urgency);
        Assert.Equal(timeline, await s.Case(flagged.Id).Timeline(Scenario.Staff(post)));
        Assert.Single(await s.Feed(ngo));
    }

    [Fact]
    public async Task Decline_without_a_reason_is_invalid()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var shelter = await s.Receiving("kg-shelter", "KG", [s.Region("Batken")], [AgencyService.Shelter], AgencyKind.Shelter);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Batken"), [Need.Shelter]));

        var ex = await Scenario.Refused(() => s.Case(flagged.Id).AnswerReferral("r1", accept: false, "  ", Scenario.Staff(shelter)));

        Assert.Equal(DomainErrorKind.Validation, ex.Kind);
        Assert.Equal(ReferralStatus.Pending, Assert.Single((await s.Case(flagged.Id).Get(Scenario.Staff(post)))!.Referrals).Status);
    }

    [Fact]
    public async Task Booking_travel_asks_the_agency_meeting_arrivals_at_that_airport_for_a_pickup_in_its_own_time_zone()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var shelter = await s.Receiving("kg-shelter-chui", "KG", [s.Region("Chui")], [AgencyService.Shelter], AgencyKind.Shelter);
        var airportTeam = await s.Receiving("kg-fru-arrivals", "KG", [s.Region("Bishkek"), s.Region("Chui")], [AgencyService.Escort],
            airports: ["FRU"], timeZone: "Asia/Bishkek");
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter, Need.TravelDocuments]));

        var arrival = new DateTimeOffset(2026, 3, 20, 2, 30, 0, TimeSpan.Zero);
        var booked = await s.Case(flagged.Id).BookTravel(
            new Travel("TK 348", "IST", "FRU", arrival, "IOM escort", "Certificate of return", null), Scenario.Staff(post));

        Assert.Equal(CaseStatus.TravelBooked, booked.Status);
        Assert.Equal(airportTeam.Id, booked.Travel?.PickupAgencyId);

        var pickup = Assert.Single(await s.Feed(airportTeam));
        Assert.Equal(FeedItemType.PickupRequested, pickup.Type);
        Assert.Equal(FeedItemKind.Task, pickup.Kind);
        Assert.True(pickup.RequiresAck);
        Assert.Equal(flagged.Id, pickup.CaseId);
        Assert.Equal("TK 348", pickup.Data["flightNumber"]);
        Assert.Equal("Asia/Bishkek", pickup.Data["timeZone"]);
        Assert.Equal("2026-03-20T08:30:00+06:00", pickup.Data["scheduledArrivalLocal"]);
        Assert.Equal(arrival, DateTimeOffset.Parse(pickup.Data["scheduledArrival"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("08:30", pickup.Summary);
        var json = JsonSerializer.Serialize(pickup, CoordinationJson.Options);
        Assert.DoesNotContain(s.FullName, json);
        Assert.DoesNotContain(s.Passport, json);
        Assert.DoesNotContain(s.Phone, json);

        // The pickup agency is now involved in the case; the referred shelter is told about the booking.
        Assert.NotNull(await s.Case(flagged.Id).Get(Scenario.Staff(airportTeam)));
        Assert.Contains(await s.Feed(shelter), i => i.Type == FeedItemType.CaseUpdated && i.Data["event"] == nameof(CaseEventType.TravelBooked));
    }

    [Fact]
    public async Task Booking_travel_to_an_airport_nobody_meets_tells_the_post()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        await s.Receiving("kg-shelter-chui", "KG", [s.Region("Chui")], [AgencyService.Shelter], AgencyKind.Shelter);
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter]));

        var booked = await s.Case(flagged.Id).BookTravel(
            new Travel("KC 110", "IST", "ZZQ", s.Clock.GetUtcNow().AddDays(3), "none", "passport", null), Scenario.Staff(post));

        Assert.Equal(CaseStatus.TravelBooked, booked.Status);
        Assert.Null(booked.Travel?.PickupAgencyId);
        var alert = Assert.Single(await s.Feed(post));
        Assert.Equal(FeedItemType.NoReceivingAgency, alert.Type);
        Assert.Contains("ZZQ", alert.Data["reason"]);
    }

    [Fact]
    public async Task Same_idempotency_key_and_request_returns_the_first_case_and_raises_no_second_alert()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("uz-consulate-dubai", "UZ", "AE", "Dubai");
        var ngo = await s.Receiving("uz-ngo", "UZ", [s.Region("Khorezm")], [AgencyService.Legal]);
        var command = s.NewCase("UZ", s.Region("Khorezm"), [Need.Legal]);

        var first = await s.Intake.Flag(command, Scenario.Staff(post), Scenario.EveryDoor, "key-1", "hash-a");
        var replay = await s.Intake.Flag(command, Scenario.Staff(post), Scenario.EveryDoor, "key-1", "hash-a");

        Assert.True(first.Created);
        Assert.False(replay.Created);
        Assert.Equal(first.Case.Id, replay.Case.Id);
        Assert.Equal(first.Case.Version, replay.Case.Version);
        Assert.Single(await s.Feed(ngo));
        Assert.Single(await s.Intake.List(new CaseListQuery(post.Id, null, null, 100), Scenario.Staff(post)));
    }

    [Fact]
    public async Task Same_idempotency_key_with_a_different_request_is_a_conflict()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("uz-consulate-dubai", "UZ", "AE", "Dubai");
        var ngo = await s.Receiving("uz-ngo", "UZ", [s.Region("Khorezm")], [AgencyService.Legal]);

        await s.Intake.Flag(s.NewCase("UZ", s.Region("Khorezm"), [Need.Legal]), Scenario.Staff(post), Scenario.EveryDoor, "key-1", "hash-a");
        var ex = await Scenario.Refused(() =>
            s.Intake.Flag(s.NewCase("UZ", s.Region("Khorezm"), [Need.Legal, Need.Medical]), Scenario.Staff(post), Scenario.EveryDoor, "key-1", "hash-b"));

        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        Assert.Single(await s.Feed(ngo));
        Assert.Single(await s.Intake.List(new CaseListQuery(post.Id, null, null, 100), Scenario.Staff(post)));
    }

    // A lost race for an idempotency key used to make CaseGrain.Flag call back into the CaseIntakeGrain
    // waiting for it; with every stateless worker busy the chain waited on itself.
    [Fact]
    public async Task Concurrent_retries_with_one_idempotency_key_create_one_case_and_one_alert()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("uz-consulate-dubai", "UZ", "AE", "Dubai");
        var ngo = await s.Receiving("uz-ngo", "UZ", [s.Region("Tashkent")], [AgencyService.Legal]);
        const int Rounds = 20;

        for (var round = 0; round < Rounds; round++)
        {
            var command = s.NewCase("UZ", s.Region("Tashkent"), [Need.Legal]);
            var results = await Task.WhenAll(Enumerable.Range(0, 24)
                .Select(_ => s.Intake.Flag(command, Scenario.Staff(post), Scenario.EveryDoor, $"retry-key-{round}", "same-hash")));

            Assert.Single(results.Select(r => r.Case.Id).Distinct());
            Assert.Single(results, r => r.Created);
        }

        Assert.Equal(Rounds, (await s.Feed(ngo)).Count);
        Assert.Equal(Rounds, (await s.Intake.List(new CaseListQuery(post.Id, null, null, 100), Scenario.Staff(post))).Count);
    }

    [Fact]
    public async Task Idempotency_keys_are_per_agency()
    {
        var s = new Scenario(fixture);
        var istanbul = await s.Post("uz-consulate-istanbul", "UZ");
        var dubai = await s.Post("uz-consulate-dubai", "UZ", "AE", "Dubai");

        var a = await s.Intake.Flag(s.NewCase("UZ", s.Region("Bukhara"), [Need.Legal]), Scenario.Staff(istanbul), Scenario.EveryDoor, "same-key", "h");
        var b = await s.Intake.Flag(s.NewCase("UZ", s.Region("Bukhara"), [Need.Legal]), Scenario.Staff(dubai), Scenario.EveryDoor, "same-key", "h");

        Assert.True(a.Created);
        Assert.True(b.Created);
        Assert.NotEqual(a.Case.Id, b.Case.Id);
    }

    [Fact]
    public async Task The_grains_refuse_values_outside_an_enumeration_and_another_country_s_citizen_whoever_calls_them()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var flag = s.NewCase("KG", s.Region("Chui"), [Need.Shelter]);

        // What "Urgent, Critical", "F, M" and ["Shelter, Legal"] became when they were read as flags.
        foreach (var bad in new[] { flag with { Urgency = (Urgency)3 }, flag with { Person = flag.Person with { Sex = (Sex)3 } }, flag with { Needs = [(Need)9] } })
        {
            Assert.Equal(DomainErrorKind.Validation, (await Scenario.Refused(() => s.Intake.Flag(bad, Scenario.Staff(post), Scenario.EveryDoor, null, null))).Kind);
        }

        Assert.Equal(DomainErrorKind.Forbidden, (await Scenario.Refused(() => s.Intake.Flag(s.NewCase("UZ", s.Region("Bukhara"), [Need.Shelter]), Scenario.Staff(post), Scenario.EveryDoor, null, null))).Kind);
        // Roles that open cases for NGOs and shelters only (a caseworker's) open none for a consular post.
        var wrongDoor = await Scenario.Refused(() => s.Intake.Flag(flag, Scenario.Staff(post), [AgencyKind.Ngo, AgencyKind.Shelter], null, null));
        Assert.Equal(DomainErrorKind.Forbidden, wrongDoor.Kind);
        Assert.Contains("None of your roles opens cases", wrongDoor.Detail);
        Assert.Empty(await s.Intake.List(new CaseListQuery(post.Id, null, null, 100), Scenario.Staff(post)));

        var flagged = await s.Flag(post, flag);
        var grain = s.Case(flagged.Id);
        Assert.Equal(DomainErrorKind.Validation, (await Scenario.Refused(() => grain.RecordEvent((CaseEventType)99, null, null, Scenario.Staff(post)))).Kind);
        Assert.Equal(DomainErrorKind.Validation, (await Scenario.Refused(() => grain.Refer(new ManualReferral(s.Region("x"), [(AgencyService)42], null), Scenario.Staff(post)))).Kind);
        Assert.Equal(flagged.Version, (await grain.Get(Scenario.Staff(post)))!.Version);
    }

    public static TheoryData<CaseStatus, CaseEventType> IllegalTransitions => new()
    {
        { CaseStatus.Flagged, CaseEventType.DocumentsIssued },
        { CaseStatus.Flagged, CaseEventType.Departed },
        { CaseStatus.Flagged, CaseEventType.Arrived },
        { CaseStatus.Flagged, CaseEventType.ReceivedByAgency },
        { CaseStatus.Flagged, CaseEventType.Sheltered },
        { CaseStatus.Flagged, CaseEventType.RehabilitationStarted },
        { CaseStatus.Flagged, CaseEventType.ReintegrationStarted },
        { CaseStatus.Flagged, CaseEventType.Closed },
        { CaseStatus.Flagged, CaseEventType.Reopened },
        { CaseStatus.Verified, CaseEventType.Verified },
        { CaseStatus.Verified, CaseEventType.Departed },
        { CaseStatus.DocumentsIssued, CaseEventType.Verified },
        { CaseStatus.DocumentsIssued, CaseEventType.Departed },
        { CaseStatus.TravelBooked, CaseEventType.Arrived },
        { CaseStatus.InTransit, CaseEventType.Departed },
        { CaseStatus.InTransit, CaseEventType.ReceivedByAgency },
        { CaseStatus.Arrived, CaseEventType.Sheltered },
        { CaseStatus.ReceivedByAgency, CaseEventType.Arrived },
        { CaseStatus.InTransit, CaseEventType.Closed },
        { CaseStatus.Rehabilitation, CaseEventType.Sheltered },
        { CaseStatus.Reintegration, CaseEventType.RehabilitationStarted },
        { CaseStatus.Closed, CaseEventType.Closed },
        { CaseStatus.Closed, CaseEventType.Withdrawn },
        { CaseStatus.Closed, CaseEventType.Verified },
        { CaseStatus.Withdrawn, CaseEventType.Withdrawn },
        { CaseStatus.Withdrawn, CaseEventType.Verified },
        { CaseStatus.Withdrawn, CaseEventType.Departed },
        { CaseStatus.Withdrawn, CaseEventType.Closed },
    };

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public async Task Illegal_lifecycle_transition_is_a_conflict_and_changes_nothing(CaseStatus from, CaseEventType illegal)
    {
        var s = new Scenario(fixture);
        var (c, post, receiver) = await LifecycleCase.StartAsync(s);
        var before = await c.DriveToAsync(from);

        // Recorded by the party that would be allowed to record it, so only the transition itself is wrong.
        var byPost = CaseAccess.PermissionFor(CaseAction.Record(illegal), new HashSet<CaseRelation> { CaseRelation.OpeningPost }) == CasePermission.Yes;
        var actor = byPost ? post : receiver;
        var ex = await Scenario.Refused(() => c.Grain.RecordEvent(illegal, null, null, Scenario.Staff(actor), ReasonFor(illegal)));

        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        var after = await c.Grain.Get(Scenario.Staff(post));
        Assert.Equal(from, after!.Status);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task Case_runs_the_whole_lifecycle_and_reopening_returns_it_to_Flagged()
    {
        var s = new Scenario(fixture);
        var (c, post, receiver) = await LifecycleCase.StartAsync(s);

        var closed = await c.DriveToAsync(CaseStatus.Closed);
        Assert.Equal(CaseStatus.Closed, closed.Status);

        var reopened = await c.Grain.RecordEvent(CaseEventType.Reopened, "family asked again", closed.Version, Scenario.Staff(post));
        Assert.Equal(CaseStatus.Flagged, reopened.Status);
        Assert.Equal(closed.Version + 1, reopened.Version);

        var timeline = await c.Grain.Timeline(Scenario.Staff(receiver));
        Assert.Equal(Enumerable.Range(1, timeline.Count), timeline.Select(e => e.Seq));
        Assert.Equal(CaseEventType.Flagged, timeline[0].Type);
        Assert.Contains(timeline, e => e.Type == CaseEventType.Closed);
        Assert.Contains(timeline, e => e.Type == CaseEventType.Reopened && e.Note == "family asked again");
    }

    [Fact]
    public async Task Receiving_agency_events_cannot_be_recorded_by_the_post()
    {
        var s = new Scenario(fixture);
        var (c, post, _) = await LifecycleCase.StartAsync(s);
        await c.DriveToAsync(CaseStatus.InTransit);

        var ex = await Scenario.Refused(() => c.Grain.RecordEvent(CaseEventType.Arrived, null, null, Scenario.Staff(post)));

        Assert.Equal(DomainErrorKind.Forbidden, ex.Kind);
    }

    [Fact]
    public async Task Travel_cannot_be_booked_once_the_person_has_departed()
    {
        var s = new Scenario(fixture);
        var (c, post, _) = await LifecycleCase.StartAsync(s);
        await c.DriveToAsync(CaseStatus.InTransit);

        var ex = await Scenario.Refused(() => c.Grain.BookTravel(
            new Travel("TK 1", "IST", "OSS", s.Clock.GetUtcNow().AddDays(1), "none", "passport", null), Scenario.Staff(post)));

        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
    }

    [Fact]
    public async Task Stale_expected_version_is_a_conflict_and_changes_nothing()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Jalal-Abad"), [Need.Legal]));
        var grain = s.Case(flagged.Id);

        var verified = await grain.RecordEvent(CaseEventType.Verified, null, flagged.Version, Scenario.Staff(post));
        Assert.Equal(flagged.Version + 1, verified.Version);

        var ex = await Scenario.Refused(() => grain.RecordEvent(CaseEventType.Withdrawn, "stale", flagged.Version, Scenario.Staff(post)));

        Assert.Equal(DomainErrorKind.Conflict, ex.Kind);
        var current = await grain.Get(Scenario.Staff(post));
        Assert.Equal(CaseStatus.Verified, current!.Status);
        Assert.Equal(verified.Version, current.Version);
        Assert.DoesNotContain(await grain.Timeline(Scenario.Staff(post)), e => e.Type == CaseEventType.Withdrawn);
    }

    [Fact]
    public async Task Agency_not_involved_in_a_case_cannot_see_or_touch_it()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var shelter = await s.Receiving("kg-shelter", "KG", [s.Region("Chui")], [AgencyService.Shelter], AgencyKind.Shelter);
        var otherPost = await s.Post("kg-consulate-moscow", "KG", "RU", "Moscow");
        var ministry = await s.Unrelated("uz-ministry");
        var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter]));
        var grain = s.Case(flagged.Id);

        foreach (var outsider in new[] { otherPost, ministry })
        {
            var who = Scenario.Staff(outsider);
            Assert.Null(await grain.Get(who));
            Assert.Empty(await s.Intake.List(new CaseListQuery(outsider.Id, null, null, 100), who));
            var refusals = new Func<Task>[]
            {
                () => grain.Timeline(who),
                () => grain.RecordEvent(CaseEventType.Verified, null, null, who),
                () => grain.RecordEvent(CaseEventType.Withdrawn, null, null, who),
                () => grain.AnswerReferral("r1", accept: true, null, who),
                () => grain.AnswerReferral("r1", accept: false, "not ours", who),
                () => grain.Refer(new ManualReferral(shelter.Id, [AgencyService.Legal], null), who),
                () => grain.BookTravel(new Travel("TK 1", "IST", "FRU", s.Clock.GetUtcNow().AddDays(1), "none", "passport", null), who),
            };
            foreach (var refusal in refusals)
            {
                Assert.Equal(DomainErrorKind.NotFound, (await Scenario.Refused(refusal)).Kind);
            }
        }

        // Nothing changed, and a case id that does not exist looks exactly the same.
        Assert.Equal(flagged.Version, (await grain.Get(Scenario.Staff(post)))!.Version);
        var missing = s.Case($"KG-{s.Year}-999999");
        Assert.Null(await missing.Get(Scenario.Staff(otherPost)));
        Assert.Equal(DomainErrorKind.NotFound, (await Scenario.Refused(() => missing.Timeline(Scenario.Staff(otherPost)))).Kind);
    }

    [Fact]
    public async Task Cases_are_listed_only_to_involved_agencies()
    {
        var s = new Scenario(fixture);
        var post = await s.Post("kg-consulate-istanbul", "KG");
        var shelter = await s.Receiving("kg-shelter", "KG", [s.Region("Chui")], [AgencyService.Shelter], AgencyKind.Shelter);
        var otherPost = await s.Post("kg-consulate-moscow", "KG", "RU", "Moscow");
        var referred = await s.Flag(post, s.NewCase("KG", s.Region("Chui"), [Need.Shelter]));
        var unmatched = await s.Flag(post, s.NewCase("KG", s.Region("Naryn"), [Need.Shelter]));
        var elsewhere = await s.Flag(otherPost, s.NewCase("KG", s.Region("Naryn"), [Need.Shelter]));

        var byPost = await s.Intake.List(new CaseListQuery(post.Id, null, null, 100), Scenario.Staff(post));
        var byShelter = await s.Intake.List(new CaseListQuery(shelter.Id, null, null, 100), Scenario.Staff(shelter));
        // The agency in the query is ignored: the viewer's own agency decides.
        var spoofed = await s.Intake.List(new CaseListQuery(post.Id, null, null, 100), Scenario.Staff(otherPost));

        Assert.Equal(new[] { referred.Id, unmatched.Id }.Order(StringComparer.Ordinal), byPost.Select(c => c.Id));
        Assert.Equal(new[] { referred.Id }, byShelter.Select(c => c.Id));
        Assert.Equal(new[] { elsewhere.Id }, spoofed.Select(c => c.Id));
    }

    /// <summary>A KG case referred to (and accepted by) a shelter that also meets arrivals at OSS, driven along the lifecycle.</summary>
    private sealed class LifecycleCase(Scenario s, ICaseGrain grain, Agency post, Agency receiver)
    {
        public ICaseGrain Grain => grain;

        public static async Task<(LifecycleCase Case, Agency Post, Agency Receiver)> StartAsync(Scenario s)
        {
            var post = await s.Post("kg-consulate-istanbul", "KG");
            var receiver = await s.Receiving("kg-shelter-osh", "KG", [s.Region("Osh")],
                [AgencyService.Shelter, AgencyService.Escort], AgencyKind.Shelter, airports: ["OSS"], timeZone: "Asia/Bishkek");
            var flagged = await s.Flag(post, s.NewCase("KG", s.Region("Osh"), [Need.Shelter, Need.TravelDocuments]));
            Assert.Equal(receiver.Id, Assert.Single(flagged.Referrals).ToAgencyId);
            var grain = s.Case(flagged.Id);
            await grain.AnswerReferral("r1", accept: true, null, Scenario.Staff(receiver));
            return (new LifecycleCase(s, grain, post, receiver), post, receiver);
        }

        public async Task<CaseView> DriveToAsync(CaseStatus target)
        {
            var current = (await grain.Get(Scenario.Staff(post)))!;
            if (target == CaseStatus.Withdrawn)
            {
                return await grain.RecordEvent(CaseEventType.Withdrawn, "family withdrew the request", current.Version, Scenario.Staff(post));
            }

            var steps = new (CaseStatus Reaches, Func<CaseView, Task<CaseView>> Step)[]
            {
                (CaseStatus.Verified, c => Record(c, CaseEventType.Verified, post)),
                (CaseStatus.DocumentsIssued, c => Record(c, CaseEventType.DocumentsIssued, post)),
                (CaseStatus.TravelBooked, _ => grain.BookTravel(
                    new Travel("TK 354", "IST", "OSS", s.Clock.GetUtcNow().AddDays(2), "consular escort", "Certificate of return", null),
                    Scenario.Staff(post))),
                (CaseStatus.InTransit, c => Record(c, CaseEventType.Departed, post)),
                (CaseStatus.Arrived, c => Record(c, CaseEventType.Arrived, receiver)),
                (CaseStatus.ReceivedByAgency, c => Record(c, CaseEventType.ReceivedByAgency, receiver)),
                (CaseStatus.Sheltered, c => Record(c, CaseEventType.Sheltered, receiver)),
                (CaseStatus.Rehabilitation, c => Record(c, CaseEventType.RehabilitationStarted, receiver)),
                (CaseStatus.Reintegration, c => Record(c, CaseEventType.ReintegrationStarted, receiver)),
                (CaseStatus.Closed, c => Record(c, CaseEventType.Closed, receiver)),
            };

            foreach (var (reaches, step) in steps)
            {
                if (current.Status == target)
                {
                    break;
                }

                current = await step(current);
                Assert.Equal(reaches, current.Status);
            }

            Assert.Equal(target, current.Status);
            return current;
        }

        private Task<CaseView> Record(CaseView c, CaseEventType type, Agency by) =>
            grain.RecordEvent(type, null, c.Version, Scenario.Staff(by), ReasonFor(type));
    }
}
