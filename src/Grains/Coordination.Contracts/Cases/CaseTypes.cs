using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;

namespace Coordination.Contracts.Cases;

[GenerateSerializer] public enum Sex { F, M, X }

[GenerateSerializer] public enum Situation { Detained, Shelter, Hospital, WithEmployer, Hiding, Unknown }

/// <summary>
/// A form of exploitation, as the CTDC standard records them; a case records a set of them
/// (<see cref="CaseView.Exploitation"/>). <see cref="ForcedCriminality"/>: forced to commit crimes,
/// such as drug couriering.
/// </summary>
[GenerateSerializer] public enum ExploitationType { Sexual, Labour, Domestic, ForcedMarriage, Begging, Other, Unknown, ForcedCriminality }

[GenerateSerializer] public enum Need { Shelter, Legal, Medical, Psychological, TravelDocuments, Reintegration, Escort }

[GenerateSerializer] public enum ReportedBy { Self, Family, Ngo, Police, Consulate, Other }

/// <summary>Who identified the person as a possible victim: the door the case came in by.</summary>
[GenerateSerializer] public enum IdentificationChannel { Consulate, Hotline, Ngo, Police, Family, Self, Other }

/// <summary>
/// The way a case goes, from its data: <see cref="Return"/> when the person is found outside their
/// country of citizenship, <see cref="Internal"/> when found in it (a referral at home, no travel).
/// </summary>
[GenerateSerializer] public enum CaseRoute { Return, Internal }

[GenerateSerializer]
public enum CaseStatus
{
    Flagged,
    Verified,
    DocumentsIssued,
    TravelBooked,
    InTransit,
    Arrived,
    ReceivedByAgency,
    Sheltered,
    Rehabilitation,
    Reintegration,
    Closed,
    Withdrawn,
}

/// <summary>What happened to a case; the timeline is an append-only list of these.</summary>
[GenerateSerializer]
public enum CaseEventType
{
    Flagged,
    Referred,
    ReferralAccepted,
    ReferralDeclined,
    NoReceivingAgency,
    TravelBooked,
    Verified,
    DocumentsIssued,
    Departed,
    Arrived,
    ReceivedByAgency,
    Sheltered,
    RehabilitationStarted,
    ReintegrationStarted,
    Closed,
    Withdrawn,
    Reopened,
    ConsentWithdrawn,
    ConsentGiven,
    PersonalDataErased,
    Corrected,
    FollowUpDue,
    FollowUpRecorded,

    /// <summary>The person's consent recorded anew (<c>PUT /api/cases/{id}/consent</c>): its note says the answers.</summary>
    ConsentChanged,

    /// <summary>The case was not referred: there is no referral consent and no override, so it stays with its opening agency.</summary>
    ReferralWithheld,
    TravelDelayed,
    ArrivalNotConfirmed,

    /// <summary>A pending referral went unanswered past its answer deadline: it expired like a decline with reason "no answer".</summary>
    ReferralExpired,
}

/// <summary>
/// Where a referral stands. <see cref="Rerouted"/>: withdrawn before its agency answered, because a
/// correction of the case's facts routes the case to another agency. <see cref="Expired"/>: not answered
/// by its answer deadline; it counts as a decline with reason "no answer".
/// </summary>
[GenerateSerializer] public enum ReferralStatus { Pending, Accepted, Declined, Rerouted, Expired }

/// <summary>
/// Why a case was closed. A returnee who declines services on arrival is <see cref="ServicesDeclined"/>,
/// not withdrawn: they came home, and the statistics count them among the returned.
/// </summary>
[GenerateSerializer]
public enum ClosureReason { Reintegrated, ServicesDeclined, LostContact, TransferredToOtherProgramme, Deceased, Other }

/// <summary>
/// Who the person is. <see cref="FullName"/>, <see cref="PassportNumber"/> and <see cref="Phone"/>
/// identify them and are null once erased; sex, birth year and citizenship stay for statistics.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.Person")]
public sealed record Person(
    [property: Id(0)] string? FullName,
    [property: Id(1)] Sex Sex,
    [property: Id(2)] int BirthYear,
    [property: Id(3)] string Citizenship,
    [property: Id(4)] string? PassportNumber,
    [property: Id(5)] string? Phone);

/// <summary>
/// The opening of a case by any door (a consular post, hotline, NGO, shelter or police), already
/// validated at the edge. <see cref="IdentifiedBy"/> null: the caller's agency kind says it.
/// <see cref="CurrentRegion"/>: where in <see cref="CurrentCountry"/> the person is, which routes an
/// internal case when no agency serves the home region.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.FlagCase")]
public sealed record FlagCase(
    [property: Id(0)] Person Person,
    [property: Id(1)] string CurrentCountry,
    [property: Id(2)] string Location,
    [property: Id(3)] Situation Situation,
    [property: Id(4)] ExploitationType ExploitationType,
    [property: Id(5)] IReadOnlyList<Need> Needs,
    [property: Id(6)] Urgency Urgency,
    [property: Id(7)] string HomeRegion,
    [property: Id(8)] Consent Consent,
    [property: Id(9)] ReportedBy? ReportedBy,
    [property: Id(10)] IdentificationChannel? IdentifiedBy = null,
    [property: Id(11)] string? CurrentRegion = null,
    [property: Id(12)] IReadOnlyList<ExploitationType>? Exploitation = null);

/// <summary>
/// How the intake opens a case: its route, the agency that holds it as its opening agency (the
/// consular post of a return, the caller of an internal case), the agency that reported it when that
/// is another one, and the channel it was identified by.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.CaseOpening")]
public sealed record CaseOpening(
    [property: Id(0)] CaseRoute Route,
    [property: Id(1)] string OpeningAgencyId,
    [property: Id(2)] string? ReporterAgencyId,
    [property: Id(3)] IdentificationChannel IdentifiedBy);

/// <summary>
/// One referral of a case to a receiving agency. <see cref="At"/>: when it was made, then when it was
/// answered, expired or re-routed. <see cref="AnswerBy"/>: while pending, when it expires unless the
/// agency answers (null on referrals stored before expiry existed: see <c>ReferralExpiry.AnswerBy</c>).
/// <see cref="ByAgencyId"/>: the agency that made it, which hears when it expires (null on older
/// referrals: the case's opening agency, as for the router's).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.Referral")]
public sealed record Referral(
    [property: Id(0)] string Id,
    [property: Id(1)] string ToAgencyId,
    [property: Id(2)] IReadOnlyList<AgencyService> Services,
    [property: Id(3)] ReferralStatus Status,
    [property: Id(4)] string? Reason,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string? Note,
    [property: Id(7)] DateTimeOffset? AnswerBy = null,
    [property: Id(8)] string? ByAgencyId = null);

/// <summary>
/// The case as an involved agency sees it. <see cref="FlaggedByAgencyId"/> is its opening agency: the
/// consular post of a return (also when another agency reported it: <see cref="ReportedByAgencyId"/>),
/// the agency that opened an internal case. Cases stored before other doors existed have no
/// <see cref="IdentifiedBy"/> and are returns. <see cref="AllowedActions"/> is set only on a read
/// (<c>GET /api/cases/{id}</c>): what the reader's agency may do to the case now, each named by the
/// event it records (Referred: refer by hand, TravelBooked: book travel, TravelDelayed: move the
/// arrival, Corrected: correct the facts, any other: record it through the events endpoint), so a
/// client offers exactly those.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.CaseView")]
public sealed record CaseView(
    [property: Id(0)] string Id,
    [property: Id(1)] CaseStatus Status,
    [property: Id(2)] Person? Person,
    [property: Id(3)] string CurrentCountry,
    [property: Id(4)] string Location,
    [property: Id(5)] Situation Situation,
    [property: Id(6)] ExploitationType ExploitationType,
    [property: Id(7)] IReadOnlyList<Need> Needs,
    [property: Id(8)] Urgency Urgency,
    [property: Id(9)] string HomeRegion,
    [property: Id(10)] Consent Consent,
    [property: Id(11)] ReportedBy? ReportedBy,
    [property: Id(12)] bool Minor,
    [property: Id(13)] string FlaggedByAgencyId,
    [property: Id(14)] DateTimeOffset FlaggedAt,
    [property: Id(15)] DateTimeOffset UpdatedAt,
    [property: Id(16)] IReadOnlyList<Referral> Referrals,
    [property: Id(17)] Travel? Travel,
    [property: Id(18)] int Version,
    [property: Id(19)] string Citizenship,
    [property: Id(20)] DateTimeOffset? PersonalDataErasedAt = null,
    [property: Id(21)] ClosureReason? ClosureReason = null,
    [property: Id(22)] ReintegrationPlan? Reintegration = null,
    [property: Id(23)] IReadOnlyList<FollowUp>? FollowUps = null,
    [property: Id(24)] IReadOnlyList<CaseEventType>? AllowedActions = null,
    [property: Id(25)] CaseRoute Route = CaseRoute.Return,
    [property: Id(26)] IdentificationChannel? IdentifiedBy = null,
    [property: Id(27)] string? ReportedByAgencyId = null,
    [property: Id(28)] string? CurrentRegion = null,
    IReadOnlyList<ExploitationType>? Exploitation = null)
{
    /// <summary>
    /// The forms of exploitation the person suffered (CTDC-style, several at once), the first of them
    /// also <see cref="ExploitationType"/>. Cases stored before it existed have their one type.
    /// </summary>
    [Id(29)]
    public IReadOnlyList<ExploitationType>? Exploitation { get; init; } = Exploitation is { Count: > 0 } set ? set : [ExploitationType];
}

[GenerateSerializer, Immutable, Alias("Coordination.CaseEvent")]
public sealed record CaseEvent(
    [property: Id(0)] int Seq,
    [property: Id(1)] CaseEventType Type,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string AgencyId,
    [property: Id(4)] string Username,
    [property: Id(5)] string? Note,
    [property: Id(6)] ClosureReason? Reason = null,
    [property: Id(7)] IReadOnlyList<string>? Fields = null,
    [property: Id(8)] int? FollowUp = null,
    [property: Id(9)] FollowUpOutcome? Outcome = null);

/// <summary>
/// A correction of facts recorded wrongly: each fact given replaces the case's (null: unchanged).
/// <see cref="Reason"/> is mandatory; it goes on the timeline and in the audit log.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.CaseCorrection")]
public sealed record CaseCorrection(
    [property: Id(0)] string? HomeRegion,
    [property: Id(1)] int? BirthYear,
    [property: Id(2)] IReadOnlyList<Need>? Needs,
    [property: Id(3)] string Reason);

[GenerateSerializer, Immutable, Alias("Coordination.ManualReferral")]
public sealed record ManualReferral(
    [property: Id(0)] string ToAgencyId,
    [property: Id(1)] IReadOnlyList<AgencyService> Services,
    [property: Id(2)] string? Note);

/// <summary>
/// Which of an agency's cases a list shows, by case id after <see cref="After"/>: of a status, of an
/// urgency, whose id contains <see cref="Search"/>, only open ones, or only those with an alert in the
/// agency's feed past its acknowledgement deadline.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.CaseSummary")]
public sealed record CaseListQuery(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] CaseStatus? Status,
    [property: Id(2)] string? After,
    [property: Id(3)] int Limit,
    [property: Id(4)] string? Search = null,
    [property: Id(5)] Urgency? Urgency = null,
    [property: Id(6)] bool OpenOnly = false,
    [property: Id(7)] bool OverdueOnly = false,
    [property: Id(8)] CaseRoute? Route = null);

/// <summary>Result of a flag: the case, and whether this call created it (false on an idempotent replay).</summary>
[GenerateSerializer, Immutable, Alias("Coordination.FlagResult")]
public sealed record FlagResult([property: Id(0)] CaseView Case, [property: Id(1)] bool Created);

/// <summary>
/// An earlier case of a person being flagged again, as the re-trafficking signal needs it: its id and
/// the agencies that assisted the person in it. No personal data: the intake finds these, and the new
/// case's grain alerts those agencies.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.EarlierCase")]
public sealed record EarlierCase([property: Id(0)] string CaseId, [property: Id(1)] IReadOnlyList<string> AssistedBy);
