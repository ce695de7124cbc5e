using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Cases;
using static Coordination.Tests.Grains.SampleCases;

namespace Coordination.Tests.Grains;

/// <summary>What each caller is shown and allowed, on a case built in memory.</summary>
public sealed class CaseViewsTests
{
    private static readonly CaseView Referred = Case(CaseStatus.Flagged,
        [ReferralTo("r1", Shelter, ReferralStatus.Pending), ReferralTo("r2", "kg-ngo-osh", ReferralStatus.Declined, "no capacity")], consent: false);

    [Fact]
    public void Without_consent_only_the_opening_post_sees_who_the_person_is()
    {
        Assert.Equal("Aigul Bekova", CaseViews.ForViewer(Referred, Post).Person?.FullName);
        Assert.Null(CaseViews.ForViewer(Referred, Shelter).Person);
    }

    [Theory]
    [InlineData(ReferralStatus.Pending, true, false)] // pseudonymous until accepted, whatever the consent
    [InlineData(ReferralStatus.Accepted, false, false)]
    [InlineData(ReferralStatus.Accepted, true, true)] // accepted, with data-sharing consent
    public void A_receiving_agency_sees_the_person_only_once_it_has_accepted_and_only_with_data_sharing_consent(ReferralStatus status, bool dataSharing, bool sees)
    {
        var consent = new Consent(Referral: true, DataSharing: dataSharing, Research: false);
        var c = Case(CaseStatus.Flagged, [ReferralTo("r1", Shelter, status)], consent: false) with { Consent = consent };

        Assert.Equal(sees, CaseViews.ForViewer(c, Shelter).Person is not null);
        Assert.Equal("Aigul Bekova", CaseViews.ForViewer(c, Post).Person?.FullName);
    }

    [Fact]
    public void The_pseudonymous_case_keeps_the_guardians_relation_and_drops_their_name()
    {
        var consent = new Consent(true, true, false, ConsentGiver.Guardian, new Guardian("Gulnara Bekova", "mother"));
        var c = Case(CaseStatus.Flagged, [ReferralTo("r1", Shelter, ReferralStatus.Pending)], consent: false) with { Consent = consent };

        var seen = CaseViews.ForViewer(c, Shelter);

        Assert.Null(seen.Person);
        Assert.Equal(new Guardian(null, "mother"), seen.Consent.Guardian);
        Assert.Equal("Gulnara Bekova", CaseViews.ForViewer(c, Post).Consent.Guardian?.FullName);
        Assert.Null(CaseViews.ForCommand(c).Consent.Guardian?.FullName);
    }

    [Fact]
    public void A_command_answers_without_the_person_even_to_the_opening_post()
    {
        var answer = CaseViews.ForCommand(Referred);

        Assert.Null(answer.Person);
        Assert.Equal(Referred with { Person = null }, answer);
    }

    [Fact]
    public void A_flag_audits_the_optional_personal_fields_only_when_it_carried_them()
    {
        Assert.Equal(CaseViews.PersonalFields, CaseViews.FieldsOf(Someone()));
        Assert.Equal(new[] { "fullName", "birthYear", "sex" }, CaseViews.FieldsOf(Someone(passport: null, phone: null)));
        Assert.Equal(new[] { "fullName", "birthYear", "sex", "phone" }, CaseViews.FieldsOf(Someone(passport: null)));
    }

    [Fact]
    public void Text_naming_the_person_is_refused_only_from_a_caller_who_may_see_them()
    {
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseViews.RefuseIdentifying(Referred, Staff(Post), "note", "Met Aigul at the shelter")));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => CaseViews.RefuseIdentifying(Referred, Staff(Post), "note", "passport AN 1234567")));
        CaseViews.RefuseIdentifying(Referred, Staff(Post), "note", "Met the person at the shelter");

        // To the shelter, which may not see the person, a refusal would confirm the guessed name.
        CaseViews.RefuseIdentifying(Referred, Staff(Shelter), "note", "Met Aigul at the shelter");
    }

    [Theory]
    [InlineData(Post, true)]
    [InlineData(Shelter, true)]
    [InlineData("kg-ngo-osh", false)] // declined: out of the case
    [InlineData("uz-consulate-dubai", false)]
    public void Only_involved_agencies_see_the_case(string agencyId, bool sees)
    {
        Assert.Equal(sees, CaseAccess.CanSee(Referred, agencyId));
    }

    [Fact]
    public void Authorisation_answers_404_to_an_uninvolved_agency_and_403_to_an_involved_one_the_rule_does_not_allow()
    {
        Assert.Equal(DomainErrorKind.NotFound, Refusal(() => CaseAccess.Authorize(Referred, CaseAction.Read, Staff("kg-ngo-osh"))));
        Assert.Equal(DomainErrorKind.Forbidden, Refusal(() => CaseAccess.Authorize(Referred, CaseAction.BookTravel, Staff(Shelter))));
        CaseAccess.Authorize(Referred, CaseAction.AnswerReferral, Staff(Shelter));
        CaseAccess.Authorize(Referred, CaseAction.BookTravel, Staff(Post));
    }
}
