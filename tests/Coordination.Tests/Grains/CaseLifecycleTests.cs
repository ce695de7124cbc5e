using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Cases;
using static Coordination.Tests.Grains.SampleCases;

namespace Coordination.Tests.Grains;

/// <summary>The lifecycle policy on its own: every status against every event, and the state each command produces.</summary>
public sealed class CaseLifecycleTests
{
    private static readonly CaseStatus[] Open =
    [
        CaseStatus.Flagged, CaseStatus.Verified, CaseStatus.DocumentsIssued, CaseStatus.TravelBooked, CaseStatus.InTransit,
        CaseStatus.Arrived, CaseStatus.ReceivedByAgency, CaseStatus.Sheltered, CaseStatus.Rehabilitation, CaseStatus.Reintegration,
    ];

    /// <summary>api.md's lifecycle, written out here rather than read from the class under test.</summary>
    private static readonly Dictionary<CaseEventType, (CaseStatus[] From, CaseStatus? To)> Expected = new()
    {
        [CaseEventType.Verified] = ([CaseStatus.Flagged], CaseStatus.Verified),
        [CaseEventType.DocumentsIssued] = ([CaseStatus.Verified], CaseStatus.DocumentsIssued),
        [CaseEventType.Departed] = ([CaseStatus.TravelBooked], CaseStatus.InTransit),
        [CaseEventType.Arrived] = ([CaseStatus.InTransit], CaseStatus.Arrived),
        [CaseEventType.ReceivedByAgency] = ([CaseStatus.Arrived], CaseStatus.ReceivedByAgency),
        [CaseEventType.Sheltered] = ([CaseStatus.ReceivedByAgency], CaseStatus.Sheltered),
        [CaseEventType.RehabilitationStarted] = ([CaseStatus.ReceivedByAgency, CaseStatus.Sheltered], CaseStatus.Rehabilitation),
        [CaseEventType.ReintegrationStarted] = ([CaseStatus.Sheltered, CaseStatus.Rehabilitation], CaseStatus.Reintegration),
        // From arrival onward: a returnee may decline services at the airport (ServicesDeclined).
        [CaseEventType.Closed] = ([CaseStatus.Arrived, CaseStatus.ReceivedByAgency, CaseStatus.Sheltered, CaseStatus.Rehabilitation, CaseStatus.Reintegration],
            CaseStatus.Closed),
        [CaseEventType.Withdrawn] = (Open, CaseStatus.Withdrawn),
        [CaseEventType.Reopened] = ([CaseStatus.Withdrawn, CaseStatus.Closed], CaseStatus.Flagged),
        // Consent changes in every status and leaves it as it is (null: the same status).
        [CaseEventType.ConsentWithdrawn] = (Enum.GetValues<CaseStatus>(), null),
        [CaseEventType.ConsentGiven] = (Enum.GetValues<CaseStatus>(), null),
    };

    public static TheoryData<CaseStatus, CaseEventType> Allowed() =>
        Pairs((status, type) => Expected.TryGetValue(type, out var t) && t.From.Contains(status));

    public static TheoryData<CaseStatus, CaseEventType> Refused() =>
        Pairs((status, type) => Expected.TryGetValue(type, out var t) && !t.From.Contains(status));

    public static TheoryData<CaseEventType> SystemOnly()
    {
        var data = new TheoryData<CaseEventType>();
        foreach (var type in Enum.GetValues<CaseEventType>().Where(t => !Expected.ContainsKey(t)))
        {
            data.Add(type);
        }

        return data;
    }

    private static TheoryData<CaseStatus, CaseEventType> Pairs(Func<CaseStatus, CaseEventType, bool> include)
    {
        var data = new TheoryData<CaseStatus, CaseEventType>();
        foreach (var status in Enum.GetValues<CaseStatus>())
        {
            foreach (var type in Enum.GetValues<CaseEventType>().Where(t => include(status, t)))
            {
                data.Add(status, type);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public void An_allowed_event_moves_the_case_to_its_next_status_at_the_next_version(CaseStatus from, CaseEventType type)
    {
        var before = Case(from);
        var to = Expected[type].To ?? from;

        var after = CaseLifecycle.Recorded(before, type, Later, ReasonFor(type));

        Assert.Equal(to, CaseLifecycle.Next(from, type));
        Assert.Equal(to, after.Status);
        Assert.Equal(before.Version + 1, after.Version);
        Assert.Equal(Later, after.UpdatedAt);
        Assert.Equal(before.FlaggedAt, after.FlaggedAt);
        Assert.Equal(before.Person, after.Person);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void An_event_the_status_does_not_allow_is_refused_with_409(CaseStatus from, CaseEventType type)
    {
        Assert.Null(CaseLifecycle.Next(from, type));
        Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseLifecycle.Recorded(Case(from), type, Later, ReasonFor(type))));
    }

    [Theory]
    [MemberData(nameof(SystemOnly))]
    public void Events_the_system_records_are_refused_through_the_events_endpoint(CaseEventType type)
    {
        Assert.False(CaseLifecycle.IsRecordable(type));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseLifecycle.RequireRecordable(type)));
    }

    [Fact]
    public void An_event_type_outside_the_enumeration_is_refused_as_invalid()
    {
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseLifecycle.RequireRecordable((CaseEventType)99)));
    }

    [Theory]
    [InlineData(CaseEventType.ConsentWithdrawn, true, false)]
    [InlineData(CaseEventType.ConsentGiven, false, true)]
    [InlineData(CaseEventType.Verified, true, true)]
    [InlineData(CaseEventType.Verified, false, false)]
    public void Only_consent_events_change_consent(CaseEventType type, bool given, bool expected)
    {
        var after = CaseLifecycle.Recorded(Case(CaseStatus.Flagged, consent: given), type, Later);

        Assert.Equal(expected, after.Consent.Given);
        Assert.Equal("referral", after.Consent.Scope);
    }

    [Theory]
    [InlineData(ClosureReason.ServicesDeclined, CaseStatus.Arrived)]
    [InlineData(ClosureReason.Reintegrated, CaseStatus.Reintegration)]
    [InlineData(ClosureReason.LostContact, CaseStatus.Sheltered)]
    public void A_closure_keeps_its_reason_until_the_case_is_reopened(ClosureReason reason, CaseStatus from)
    {
        var closed = CaseLifecycle.Recorded(Case(from), CaseEventType.Closed, Later, reason);
        var reopened = CaseLifecycle.Recorded(closed, CaseEventType.Reopened, Later);

        Assert.Equal(reason, closed.ClosureReason);
        Assert.Equal(reason, CaseLifecycle.Recorded(closed, CaseEventType.ConsentWithdrawn, Later).ClosureReason);
        Assert.Null(reopened.ClosureReason);
        Assert.Null(Case(CaseStatus.Closed).ClosureReason); // a case closed before closures took a reason reads as before
    }

    [Theory]
    [InlineData(CaseEventType.Closed, null, null, "reason")]
    [InlineData(CaseEventType.Closed, (ClosureReason)99, null, "reason")]
    [InlineData(CaseEventType.Closed, ClosureReason.Other, null, "note")]
    [InlineData(CaseEventType.Closed, ClosureReason.Other, "  ", "note")]
    [InlineData(CaseEventType.Withdrawn, ClosureReason.ServicesDeclined, null, "reason")]
    public void A_closure_without_a_valid_reason_and_a_reason_on_another_event_are_invalid_whatever_the_status(
        CaseEventType type, ClosureReason? reason, string? note, string field)
    {
        // Invalid even where the status would refuse the event too: the request could never succeed.
        foreach (var status in new[] { CaseStatus.Flagged, CaseStatus.Reintegration })
        {
            var refusal = Assert.Throws<DomainException>(() => CaseLifecycle.Recorded(Case(status), type, Later, reason, note));
            Assert.Equal(DomainErrorKind.Validation, refusal.Kind);
            Assert.Equal([field], refusal.Errors!.Keys);
        }
    }

    [Fact]
    public void Other_is_a_valid_reason_with_a_note_saying_what_it_was()
    {
        var closed = CaseLifecycle.Recorded(Case(CaseStatus.Reintegration), CaseEventType.Closed, Later, ClosureReason.Other, "moved abroad with family");

        Assert.Equal(ClosureReason.Other, closed.ClosureReason);
    }

    [Fact]
    public void A_correction_names_only_the_facts_it_changes_and_repeating_the_case_changes_nothing()
    {
        var before = Case(CaseStatus.Sheltered);

        var (corrected, fields) = CaseLifecycle.Corrected(before, new CaseCorrection("Naryn", before.Person!.BirthYear, [Need.Legal, Need.Shelter], "intake form"), Later);
        var (same, none) = CaseLifecycle.Corrected(before, new CaseCorrection(before.HomeRegion, null, [Need.Legal, Need.Shelter], "again"), Later);

        Assert.Equal(["homeRegion"], fields); // the same birth year, the same needs in another order
        Assert.Equal(("Naryn", before.Version + 1, Later, CaseStatus.Sheltered), (corrected.HomeRegion, corrected.Version, corrected.UpdatedAt, corrected.Status));
        Assert.Empty(none);
        Assert.Same(before, same);
    }

    [Theory]
    [InlineData(2009, true)] // 17 in the year of the flag (2026)
    [InlineData(2008, false)]
    public void A_corrected_birth_year_decides_again_whether_the_person_is_a_minor(int birthYear, bool minor)
    {
        var (corrected, fields) = CaseLifecycle.Corrected(Case(minor: !minor), new CaseCorrection(null, birthYear, null, "birth certificate"), Later);

        Assert.Equal(["birthYear"], fields);
        Assert.Equal((birthYear, minor), (corrected.Person!.BirthYear, corrected.Minor));
    }

    [Fact]
    public void A_correction_needs_a_reason_a_fact_and_facts_in_bounds()
    {
        CaseCorrection Of(string? region = null, int? year = null, Need[]? needs = null, string reason = "intake form") => new(region, year, needs, reason);

        foreach (var (correction, field) in new[]
        {
            (Of("Naryn", reason: " "), "reason"), (Of(), "correction"), (Of(" "), "homeRegion"),
            (Of(year: FlaggedAt.Year + 1), "birthYear"), (Of(year: FlaggedAt.Year - 121), "birthYear"), (Of(needs: [(Need)99]), "needs"),
        })
        {
            var refusal = Assert.Throws<DomainException>(() => CaseLifecycle.Corrected(Case(), correction, Later));
            Assert.Equal(DomainErrorKind.Validation, refusal.Kind);
            Assert.Equal([field], refusal.Errors!.Keys);
        }
    }

    [Fact]
    public void A_case_whose_personal_data_was_erased_is_not_reopened()
    {
        var erased = Case(CaseStatus.Closed, erasedAt: Later);

        Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseLifecycle.Recorded(erased, CaseEventType.Reopened, Later)));
        Assert.Equal(CaseStatus.Withdrawn, CaseLifecycle.Recorded(Case(CaseStatus.Flagged, erasedAt: Later), CaseEventType.Withdrawn, Later).Status);
    }

    [Theory]
    [InlineData(2008, false)] // 18 in the year of the flag
    [InlineData(2009, true)]
    public void A_flag_opens_the_case_at_version_1_and_a_person_under_18_in_its_year_is_a_minor(int birthYear, bool minor)
    {
        var flagged = CaseLifecycle.Flagged("KG-2026-000001", FlagOf(Someone(birthYear)), new CaseOpening(CaseRoute.Return, Post, null, IdentificationChannel.Consulate), FlaggedAt);

        Assert.Equal(minor, flagged.Minor);
        Assert.Equal(CaseStatus.Flagged, flagged.Status);
        Assert.Equal(1, flagged.Version);
        Assert.Equal(Post, flagged.FlaggedByAgencyId);
        Assert.Equal("KG", flagged.Citizenship);
        Assert.Equal(FlaggedAt, flagged.FlaggedAt);
        Assert.Empty(flagged.Referrals);
        Assert.Null(flagged.Travel);
    }

    [Fact]
    public void A_referral_by_hand_needs_an_open_case_and_services_that_exist()
    {
        Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseLifecycle.RequireReferable(Case(CaseStatus.Closed), [AgencyService.Shelter])));
        Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseLifecycle.RequireReferable(Case(CaseStatus.Withdrawn), [AgencyService.Shelter])));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseLifecycle.RequireReferable(Case(CaseStatus.Sheltered), [(AgencyService)99])));
        CaseLifecycle.RequireReferable(Case(CaseStatus.Sheltered), [AgencyService.Legal]);

        var referred = CaseLifecycle.Referred(Case(referrals: [ReferralTo("r1", Shelter, ReferralStatus.Declined)]),
            ReferralTo("r2", "kg-ngo-osh", ReferralStatus.Pending), Later);
        Assert.Equal(new[] { "r1", "r2" }, referred.Referrals.Select(r => r.Id));
        Assert.Equal("r3", CaseLifecycle.NextReferralId(referred));
        Assert.Equal(5, referred.Version);
    }

    [Fact]
    public void Only_the_agency_a_referral_was_made_to_answers_it_once_and_may_repeat_its_answer()
    {
        var c = Case(referrals: [ReferralTo("r1", Shelter, ReferralStatus.Pending), ReferralTo("r2", "kg-ngo-osh", ReferralStatus.Declined, "no capacity")]);

        Assert.Equal("r1", CaseLifecycle.ReferralToAnswer(c, "r1", Shelter, accept: true)?.Id);
        Assert.Equal(DomainErrorKind.NotFound, Refusal(() => CaseLifecycle.ReferralToAnswer(c, "r1", "kg-ngo-osh", accept: true)));
        Assert.Equal(DomainErrorKind.NotFound, Refusal(() => CaseLifecycle.ReferralToAnswer(c, "r9", Shelter, accept: true)));
        Assert.Null(CaseLifecycle.ReferralToAnswer(c, "r2", "kg-ngo-osh", accept: false));
        Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseLifecycle.ReferralToAnswer(c, "r2", "kg-ngo-osh", accept: true)));
    }

    [Fact]
    public void A_decline_needs_a_reason_and_an_acceptance_keeps_none()
    {
        var pending = ReferralTo("r1", Shelter, ReferralStatus.Pending);

        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseLifecycle.Answer(pending, accept: false, "  ", Later)));
        var declined = CaseLifecycle.Answer(pending, accept: false, "no capacity", Later);
        var accepted = CaseLifecycle.Answer(pending, accept: true, "ignored", Later);

        Assert.Equal((ReferralStatus.Declined, "no capacity", Later), (declined.Status, declined.Reason, declined.At));
        Assert.Equal((ReferralStatus.Accepted, (string?)null), (accepted.Status, accepted.Reason));
        var answered = CaseLifecycle.Answered(Case(referrals: [pending, ReferralTo("r2", "kg-ngo-osh", ReferralStatus.Pending)]), accepted, Later);
        Assert.Equal(new[] { ReferralStatus.Accepted, ReferralStatus.Pending }, answered.Referrals.Select(r => r.Status));
        Assert.Equal(5, answered.Version);
    }

    [Theory]
    [InlineData(CaseStatus.Flagged, true)]
    [InlineData(CaseStatus.Verified, true)]
    [InlineData(CaseStatus.DocumentsIssued, true)]
    [InlineData(CaseStatus.TravelBooked, true)]
    [InlineData(CaseStatus.InTransit, false)]
    [InlineData(CaseStatus.Arrived, false)]
    [InlineData(CaseStatus.Sheltered, false)]
    [InlineData(CaseStatus.Closed, false)]
    [InlineData(CaseStatus.Withdrawn, false)]
    public void Travel_is_booked_until_the_person_departs(CaseStatus status, bool bookable)
    {
        if (bookable)
        {
            CaseLifecycle.RequireTravelBookable(Case(status));
            Assert.Equal(CaseStatus.TravelBooked, CaseLifecycle.TravelBooked(Case(status), Flight(), Later).Status);
        }
        else
        {
            Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseLifecycle.RequireTravelBookable(Case(status))));
        }
    }

    [Fact]
    public void The_same_booking_again_is_recognised_whoever_meets_the_flight()
    {
        var booked = Case(CaseStatus.TravelBooked, travel: Flight(pickup: Shelter));

        Assert.True(CaseLifecycle.IsSameBooking(booked, Flight()));
        Assert.False(CaseLifecycle.IsSameBooking(booked, Flight("TK 346")));
        Assert.False(CaseLifecycle.IsSameBooking(Case(CaseStatus.DocumentsIssued, travel: Flight()), Flight()));
    }

    [Fact]
    public void An_arrival_outside_the_products_years_is_refused()
    {
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseLifecycle.RequireArrivalInRange(Flight() with { ScheduledArrival = Instants.Earliest.AddTicks(-1) })));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseLifecycle.RequireArrivalInRange(Flight() with { ScheduledArrival = Instants.Latest.AddTicks(1) })));
        CaseLifecycle.RequireArrivalInRange(Flight() with { ScheduledArrival = Instants.Latest });
    }

    [Theory]
    [InlineData(CaseStatus.Closed, true)]
    [InlineData(CaseStatus.Withdrawn, true)]
    [InlineData(CaseStatus.Flagged, false)]
    [InlineData(CaseStatus.Reintegration, false)]
    public void Erasure_removes_what_identifies_the_person_of_a_closed_or_withdrawn_case_only(CaseStatus status, bool erasable)
    {
        if (!erasable)
        {
            Assert.Equal(DomainErrorKind.Conflict, Refusal(() => CaseLifecycle.Erased(Case(status), Later)));
            return;
        }

        var erased = CaseLifecycle.Erased(Case(status), Later);

        Assert.Equal(new Person(null, Sex.F, 1995, "KG", null, null), erased.Person);
        Assert.Equal(Later, erased.PersonalDataErasedAt);
        Assert.Equal(status, erased.Status);
        Assert.Equal(5, erased.Version);
    }
}
