using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;

namespace Coordination.Tests.Grains;

/// <summary>Cases and agencies built in memory, for the case policies tested without a cluster.</summary>
public static class SampleCases
{
    public const string Post = "kg-consulate-istanbul";
    public const string Shelter = "kg-shelter-chui";

    public static readonly DateTimeOffset FlaggedAt = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Later = FlaggedAt.AddDays(3);

    public static Person Someone(int birthYear = 1995, string? passport = "AN1234567", string? phone = "+996 555 123 456") =>
        new("Aigul Bekova", Sex.F, birthYear, "KG", passport, phone);

    public static FlagCase FlagOf(Person? person = null, Need[]? needs = null, bool consent = true) =>
        new(person ?? Someone(), "TR", "Istanbul", Situation.Shelter, ExploitationType.Labour, needs ?? [Need.Shelter, Need.Legal],
            Urgency.Urgent, "Chui", Consent.AllOrNone(consent, "referral"), ReportedBy.Self);

    /// <summary>A case as it stands in <paramref name="status"/>, at version 4, with the given referrals and travel.</summary>
    public static CaseView Case(
        CaseStatus status = CaseStatus.Flagged, IReadOnlyList<Referral>? referrals = null, Travel? travel = null,
        bool consent = true, bool minor = false, DateTimeOffset? erasedAt = null) =>
        new("KG-2026-000042", status, Someone(minor ? 2012 : 1995), "TR", "Istanbul", Situation.Shelter, ExploitationType.Labour,
            [Need.Shelter, Need.Legal], Urgency.Urgent, "Chui", Consent.AllOrNone(consent, "referral"), ReportedBy.Self, minor, Post,
            FlaggedAt, FlaggedAt, referrals ?? [], travel, 4, "KG", erasedAt);

    public static Referral ReferralTo(string id, string to, ReferralStatus status, string? reason = null) =>
        new(id, to, [AgencyService.Shelter], status, reason, FlaggedAt, null);

    public static Travel Flight(string flight = "KC 912", string? pickup = null) =>
        new(flight, "IST", "FRU", FlaggedAt.AddDays(10), "IOM Istanbul", "Certificate of return", pickup);

    public static Agency AgencyNamed(
        string id, AgencyKind kind = AgencyKind.Shelter, string country = "KG", string[]? regions = null,
        AgencyService[]? services = null, string[]? airports = null) =>
        new(id, id, kind, country, null, null, "Asia/Bishkek", regions ?? ["Chui"], airports ?? [], services ?? [AgencyService.Shelter, AgencyService.Legal]);

    /// <summary>What an event needs to be recorded at all: a closure its reason, any other event none.</summary>
    public static ClosureReason? ReasonFor(CaseEventType type) => type == CaseEventType.Closed ? ClosureReason.Reintegrated : null;

    public static Actor Staff(string agencyId) => new($"staff@{agencyId}", agencyId);

    public static DomainErrorKind Refusal(Action act) => Assert.Throws<DomainException>(act).Kind;
}
