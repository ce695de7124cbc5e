using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Cases;

namespace Coordination.Tests.Grains;

/// <summary>The routing rules on their own: no cluster, no database.</summary>
public sealed class ReferralRouterTests
{
    private static readonly IReadOnlySet<string> NoneExcluded = new HashSet<string>();

    private static Agency Receiver(
        string id, string country, string[] regions, AgencyService[] services,
        AgencyKind kind = AgencyKind.Ngo, string[]? airports = null) =>
        new(id, id, kind, country, null, null, "Asia/Dushanbe", regions, airports ?? [], services);

    private static Referral Referral(string id, string to, ReferralStatus status) =>
        new(id, to, [AgencyService.Shelter], status, status == ReferralStatus.Declined ? "no capacity" : null, DateTimeOffset.UnixEpoch, null);

    private static string? Route(string citizenship, string region, bool minor, Need[] needs, IEnumerable<Agency> agencies, IReadOnlySet<string>? excluded = null) =>
        ReferralRouter.Route(citizenship, region, minor, ReferralRouter.RequiredServices(needs, minor), agencies, excluded ?? NoneExcluded)?.Agency.Id;

    // Tajikistan as the field describes it: adult shelters in the north, the shelter for minors in the south.
    private static readonly Agency AdultShelterSughd = Receiver("adult-shelter-sughd", "TJ", ["Sughd", "Khatlon"],
        [AgencyService.Shelter, AgencyService.Legal, AgencyService.Medical, AgencyService.Psychological], AgencyKind.Shelter);

    private static readonly Agency MinorsShelterKhatlon = Receiver("minors-shelter-khatlon", "TJ", ["Khatlon"],
        [AgencyService.ShelterMinors], AgencyKind.Shelter);

    [Fact]
    public void Minor_is_never_routed_to_an_adult_only_shelter_even_when_it_covers_more_needs()
    {
        var routed = Route("TJ", "Khatlon", minor: true,
            [Need.Shelter, Need.Legal, Need.Medical, Need.Psychological], [AdultShelterSughd, MinorsShelterKhatlon]);

        Assert.Equal(MinorsShelterKhatlon.Id, routed);
    }

    [Fact]
    public void Minor_gets_no_route_when_only_adult_shelters_serve_the_region()
    {
        var routed = Route("TJ", "Khatlon", minor: true, [Need.Shelter, Need.Legal], [AdultShelterSughd]);

        Assert.Null(routed);
    }

    [Fact]
    public void Minor_with_no_stated_needs_still_requires_a_shelter_for_minors()
    {
        var legalAid = Receiver("legal-aid-khatlon", "TJ", ["Khatlon"], [AgencyService.Legal]);

        Assert.Null(Route("TJ", "Khatlon", minor: true, [], [legalAid]));
        Assert.Equal(MinorsShelterKhatlon.Id, Route("TJ", "Khatlon", minor: true, [], [legalAid, MinorsShelterKhatlon]));
    }

    [Fact]
    public void Shelter_need_means_ShelterMinors_for_a_minor_and_Shelter_for_an_adult()
    {
        var forMinor = ReferralRouter.RequiredServices([Need.Shelter, Need.Legal, Need.TravelDocuments], minor: true);
        var forAdult = ReferralRouter.RequiredServices([Need.Shelter, Need.Legal, Need.TravelDocuments], minor: false);

        Assert.Equal([AgencyService.ShelterMinors, AgencyService.Legal], forMinor);
        Assert.Equal([AgencyService.Shelter, AgencyService.Legal], forAdult);
    }

    [Fact]
    public void Adult_is_routed_to_an_agency_serving_the_home_region()
    {
        Assert.Equal(AdultShelterSughd.Id, Route("TJ", "Sughd", minor: false, [Need.Shelter], [AdultShelterSughd, MinorsShelterKhatlon]));
        Assert.Null(Route("TJ", "GBAO", minor: false, [Need.Shelter], [AdultShelterSughd, MinorsShelterKhatlon]));
    }

    [Fact]
    public void Region_matching_ignores_case()
    {
        Assert.Equal(AdultShelterSughd.Id, Route("tj", "sughd", minor: false, [Need.Shelter], [AdultShelterSughd]));
    }

    [Fact]
    public void Only_agencies_of_the_persons_citizenship_receive_the_referral()
    {
        var kazakhShelter = Receiver("kz-shelter", "KZ", ["Sughd"], [AgencyService.Shelter, AgencyService.Legal], AgencyKind.Shelter);
        var tajikLegal = Receiver("tj-legal", "TJ", ["Sughd"], [AgencyService.Legal]);

        Assert.Equal(tajikLegal.Id, Route("TJ", "Sughd", minor: false, [Need.Shelter, Need.Legal], [kazakhShelter, tajikLegal]));
        Assert.Null(Route("UZ", "Sughd", minor: false, [Need.Shelter, Need.Legal], [kazakhShelter, tajikLegal]));
    }

    [Fact]
    public void Agency_with_no_listed_regions_serves_the_whole_country()
    {
        var nationwide = Receiver("tj-nationwide", "TJ", [], [AgencyService.Shelter]);

        Assert.Equal(nationwide.Id, Route("TJ", "GBAO", minor: false, [Need.Shelter], [AdultShelterSughd, nationwide]));
    }

    [Fact]
    public void Agency_covering_most_of_the_needed_services_wins()
    {
        var shelterOnly = Receiver("a-shelter-only", "KG", ["Chui"], [AgencyService.Shelter]);
        var shelterLegalMedical = Receiver("z-full-service", "KG", ["Chui"],
            [AgencyService.Shelter, AgencyService.Legal, AgencyService.Medical]);
        var legalMedicalPsych = Receiver("m-no-shelter", "KG", ["Chui"],
            [AgencyService.Legal, AgencyService.Medical, AgencyService.Reintegration]);

        var match = ReferralRouter.Route("KG", "Chui", minor: false,
            ReferralRouter.RequiredServices([Need.Shelter, Need.Legal, Need.Medical, Need.Psychological], minor: false),
            [shelterOnly, legalMedicalPsych, shelterLegalMedical], NoneExcluded);

        Assert.NotNull(match);
        Assert.Equal(shelterLegalMedical.Id, match.Value.Agency.Id);
        Assert.Equal([AgencyService.Shelter, AgencyService.Legal, AgencyService.Medical], match.Value.Services);
    }

    [Fact]
    public void Regional_agency_beats_a_nationwide_one_with_the_same_coverage()
    {
        var nationwide = Receiver("a-nationwide", "KG", [], [AgencyService.Shelter]);
        var regional = Receiver("z-regional", "KG", ["Naryn"], [AgencyService.Shelter]);

        Assert.Equal(regional.Id, Route("KG", "Naryn", minor: false, [Need.Shelter], [nationwide, regional]));
    }

    [Fact]
    public void Equal_candidates_are_chosen_by_id_so_the_choice_is_stable()
    {
        var b = Receiver("b-shelter", "KG", ["Osh"], [AgencyService.Shelter]);
        var a = Receiver("a-shelter", "KG", ["Osh"], [AgencyService.Shelter]);

        Assert.Equal(a.Id, Route("KG", "Osh", minor: false, [Need.Shelter], [b, a]));
        Assert.Equal(a.Id, Route("KG", "Osh", minor: false, [Need.Shelter], [a, b]));
    }

    [Fact]
    public void Agency_offering_none_of_the_needed_services_is_not_a_match()
    {
        var reintegration = Receiver("kg-reintegration", "KG", ["Osh"], [AgencyService.Reintegration]);

        Assert.Null(Route("KG", "Osh", minor: false, [Need.Medical], [reintegration]));
    }

    [Fact]
    public void Declined_agencies_are_excluded()
    {
        var first = Receiver("a-first", "KG", ["Osh"], [AgencyService.Shelter, AgencyService.Legal]);
        var second = Receiver("b-second", "KG", ["Osh"], [AgencyService.Shelter]);

        Assert.Equal(first.Id, Route("KG", "Osh", false, [Need.Shelter, Need.Legal], [first, second]));
        Assert.Equal(second.Id, Route("KG", "Osh", false, [Need.Shelter, Need.Legal], [first, second], new HashSet<string> { first.Id }));
        Assert.Null(Route("KG", "Osh", false, [Need.Shelter, Need.Legal], [first, second], new HashSet<string> { first.Id, second.Id }));
    }

    [Theory]
    [InlineData(AgencyKind.ConsularPost)]
    [InlineData(AgencyKind.Committee)]
    [InlineData(AgencyKind.Ministry)]
    [InlineData(AgencyKind.LawEnforcement)]
    public void Agencies_that_do_not_receive_people_are_never_referred_to(AgencyKind kind)
    {
        var notReceiving = Receiver("not-receiving", "KG", ["Osh"], [AgencyService.Shelter], kind);

        Assert.Null(Route("KG", "Osh", minor: false, [Need.Shelter], [notReceiving]));
    }

    [Theory]
    [InlineData(AgencyKind.Ngo)]
    [InlineData(AgencyKind.Shelter)]
    [InlineData(AgencyKind.InternationalOrganization)]
    public void Ngos_shelters_and_international_organizations_receive_referrals(AgencyKind kind)
    {
        var receiving = Receiver("receiving", "KG", ["Osh"], [AgencyService.Shelter], kind);

        Assert.Equal(receiving.Id, Route("KG", "Osh", minor: false, [Need.Shelter], [receiving]));
    }

    [Fact]
    public void Pickup_is_by_an_agency_of_the_persons_country_meeting_arrivals_at_the_airport()
    {
        var bishkek = Receiver("kg-fru", "KG", ["Chui"], [AgencyService.Escort], airports: ["FRU"]);
        var osh = Receiver("kg-oss", "KG", ["Osh"], [AgencyService.Escort], airports: ["OSS"]);
        var kazakhAtFru = Receiver("a-kz-fru", "KZ", [], [AgencyService.Escort], airports: ["FRU"]);
        var post = Receiver("kg-post", "KG", [], [], AgencyKind.ConsularPost, airports: ["FRU"]);

        Assert.Equal(bishkek.Id, ReferralRouter.PickupAgency("KG", "Chui", "FRU", [kazakhAtFru, post, osh, bishkek], [])?.Id);
        Assert.Equal(bishkek.Id, ReferralRouter.PickupAgency("KG", "Chui", "fru", [kazakhAtFru, post, osh, bishkek], [])?.Id);
        Assert.Equal(osh.Id, ReferralRouter.PickupAgency("KG", "Chui", "OSS", [kazakhAtFru, post, osh, bishkek], [])?.Id);
        Assert.Null(ReferralRouter.PickupAgency("KG", "Chui", "ALA", [kazakhAtFru, post, osh, bishkek], []));
    }

    [Fact]
    public void Pickup_prefers_the_team_of_the_persons_home_region_then_a_country_wide_one()
    {
        var other = Receiver("a-fru-talas", "KG", ["Talas"], [AgencyService.Escort], airports: ["FRU"]);
        var countryWide = Receiver("b-fru-all", "KG", [], [AgencyService.Escort], airports: ["FRU"]);
        var home = Receiver("c-fru-naryn", "KG", ["Naryn"], [AgencyService.Escort], airports: ["FRU"]);

        Assert.Equal(home.Id, ReferralRouter.PickupAgency("KG", "Naryn", "FRU", [other, countryWide, home], [])?.Id);
        Assert.Equal(countryWide.Id, ReferralRouter.PickupAgency("KG", "Osh", "FRU", [other, countryWide, home], [])?.Id);
    }

    [Fact]
    public void Pickup_prefers_the_agency_already_helping_the_case_and_never_one_that_declined()
    {
        var a = Receiver("a-fru", "KG", [], [AgencyService.Escort], airports: ["FRU"]);
        var b = Receiver("b-fru", "KG", [], [AgencyService.Escort], airports: ["FRU"]);
        var c = Receiver("c-fru", "KG", [], [AgencyService.Escort], airports: ["FRU"]);
        Agency[] all = [a, b, c];

        Assert.Equal(a.Id, ReferralRouter.PickupAgency("KG", "Chui", "FRU", all, [])?.Id);
        Assert.Equal(c.Id, ReferralRouter.PickupAgency("KG", "Chui", "FRU", all, [Referral("r1", c.Id, ReferralStatus.Pending)])?.Id);
        Assert.Equal(b.Id, ReferralRouter.PickupAgency("KG", "Chui", "FRU", all,
            [Referral("r1", c.Id, ReferralStatus.Pending), Referral("r2", b.Id, ReferralStatus.Accepted)])?.Id);
        Assert.Equal(b.Id, ReferralRouter.PickupAgency("KG", "Chui", "FRU", all, [Referral("r1", a.Id, ReferralStatus.Declined)])?.Id);
        Assert.Null(ReferralRouter.PickupAgency("KG", "Chui", "FRU", [a], [Referral("r1", a.Id, ReferralStatus.Declined)]));
    }

    [Fact]
    public void Refer_adds_a_pending_referral_to_the_best_match_for_the_services_it_covers()
    {
        var c = SampleCases.Case(referrals: [SampleCases.ReferralTo("r1", "kg-declined", ReferralStatus.Declined, "full")]);
        var legal = SampleCases.AgencyNamed("kg-legal", services: [AgencyService.Legal]);
        var shelter = SampleCases.AgencyNamed("kg-shelter", services: [AgencyService.Shelter, AgencyService.Legal]);

        var routing = ReferralRouter.Refer(c, [legal, shelter, SampleCases.AgencyNamed("kg-declined")], new HashSet<string> { "kg-declined" }, SampleCases.Later);

        var referral = Assert.IsType<Referral>(routing.Referral);
        Assert.Equal(("r2", shelter.Id, ReferralStatus.Pending, SampleCases.Later), (referral.Id, referral.ToAgencyId, referral.Status, referral.At));
        Assert.Equal(new[] { AgencyService.Shelter, AgencyService.Legal }, referral.Services);
        Assert.Equal(new[] { "r1", "r2" }, routing.Case.Referrals.Select(r => r.Id));
        Assert.Equal((CaseEventType.Referred, "to kg-shelter"), (routing.Event, routing.Note));
    }

    [Theory]
    [InlineData(false, "no receiving agency serves Chui (KG) with the needed services")]
    [InlineData(true, "no agency offering ShelterMinors serves Chui (KG)")]
    public void Refer_with_no_match_leaves_the_case_as_it_was_and_says_why(bool minor, string reason)
    {
        var c = SampleCases.Case(minor: minor);

        var routing = ReferralRouter.Refer(c, [SampleCases.AgencyNamed("kg-osh", regions: ["Osh"])], NoneExcluded, SampleCases.Later);

        Assert.Null(routing.Referral);
        Assert.Same(c, routing.Case);
        Assert.Equal((CaseEventType.NoReceivingAgency, reason), (routing.Event, routing.Note));
    }

    [Fact]
    public void A_referral_by_hand_goes_only_to_an_existing_receiving_agency_of_the_persons_country_not_already_referred()
    {
        var c = SampleCases.Case(referrals: [SampleCases.ReferralTo("r1", "kg-pending", ReferralStatus.Pending), SampleCases.ReferralTo("r2", "kg-declined", ReferralStatus.Declined, "full")]);

        Assert.Equal(DomainErrorKind.Validation, SampleCases.Refusal(() => ReferralRouter.ManualTarget(c, "kg-missing", null)));
        Assert.Equal(DomainErrorKind.Validation, SampleCases.Refusal(() => ReferralRouter.ManualTarget(c, "kg-ministry", SampleCases.AgencyNamed("kg-ministry", AgencyKind.Ministry))));
        Assert.Equal(DomainErrorKind.Validation, SampleCases.Refusal(() => ReferralRouter.ManualTarget(c, "tj-shelter", SampleCases.AgencyNamed("tj-shelter", country: "TJ"))));
        Assert.Equal(DomainErrorKind.Conflict, SampleCases.Refusal(() => ReferralRouter.ManualTarget(c, "kg-pending", SampleCases.AgencyNamed("kg-pending"))));
        Assert.Equal("kg-declined", ReferralRouter.ManualTarget(c, "kg-declined", SampleCases.AgencyNamed("kg-declined")).Id);
    }
    [Fact]
    public void A_birth_year_corrected_to_a_minor_re_routes_the_pending_referral_to_a_shelter_for_minors()
    {
        var pending = SampleCases.Case(referrals: [Referral("r1", AdultShelterSughd.Id, ReferralStatus.Pending)]) with
        {
            Citizenship = "TJ", HomeRegion = "Khatlon", Person = SampleCases.Someone() with { Citizenship = "TJ" },
        };
        var (corrected, fields) = CaseLifecycle.Corrected(pending, new CaseCorrection(null, SampleCases.FlaggedAt.Year - 15, null, "birth certificate"), SampleCases.Later);

        var (routing, rerouted) = ReferralRouter.Reroute(corrected, [AdultShelterSughd, MinorsShelterKhatlon], SampleCases.Later)!.Value;

        Assert.Equal(["birthYear"], fields);
        Assert.True(corrected.Minor);
        Assert.Equal(("r1", ReferralStatus.Rerouted), (rerouted.Id, rerouted.Status));
        Assert.Equal(("r2", MinorsShelterKhatlon.Id, ReferralStatus.Pending), (routing.Referral!.Id, routing.Referral.ToAgencyId, routing.Referral.Status));
        Assert.Equal([ReferralStatus.Rerouted, ReferralStatus.Pending], routing.Case.Referrals.Select(r => r.Status));
    }

    [Theory]
    [InlineData(ReferralStatus.Accepted, "Khatlon", CaseStatus.Flagged)] // an agency that has accepted keeps the person
    [InlineData(ReferralStatus.Pending, "Pamir", CaseStatus.Flagged)] // nobody serves the corrected region: the referral stays
    [InlineData(ReferralStatus.Pending, "Khatlon", CaseStatus.Withdrawn)] // a withdrawn case is referred to nobody
    [InlineData(ReferralStatus.Pending, "Sughd", CaseStatus.Flagged)] // routing picks the same agency
    public void A_correction_re_routes_only_a_pending_referral_of_an_open_case_to_another_agency(ReferralStatus status, string region, CaseStatus caseStatus)
    {
        var c = SampleCases.Case(caseStatus, referrals: [Referral("r1", AdultShelterSughd.Id, status)]) with
        {
            Citizenship = "TJ", HomeRegion = region, Needs = [Need.Shelter], Person = SampleCases.Someone() with { Citizenship = "TJ" },
        };
        var agencies = new[] { AdultShelterSughd, Receiver("other-ngo-khatlon", "TJ", ["Khatlon"], [AgencyService.Shelter]) };

        Assert.Null(ReferralRouter.Reroute(c, region == "Sughd" ? [AdultShelterSughd] : agencies, SampleCases.Later));
    }

    [Fact]
    public void A_deactivated_agency_is_not_chosen_for_new_referrals_but_still_meets_arrivals_of_cases_it_holds()
    {
        var closed = AdultShelterSughd with { Airports = ["LBD"], DeactivatedAt = DateTimeOffset.UnixEpoch };
        var other = Receiver("other-ngo-sughd", "TJ", ["Sughd"], [AgencyService.Shelter], airports: ["LBD"]);

        Assert.Null(Route("TJ", "Sughd", minor: false, [Need.Shelter], [closed]));
        Assert.Equal(other.Id, Route("TJ", "Sughd", minor: false, [Need.Shelter], [closed, other]));

        Assert.Equal(closed.Id, ReferralRouter.PickupAgency("TJ", "Sughd", "LBD", [closed, other], [Referral("r1", closed.Id, ReferralStatus.Accepted)])?.Id);
        Assert.Equal(other.Id, ReferralRouter.PickupAgency("TJ", "Sughd", "LBD", [closed, other], [])?.Id);
    }
}
