using Coordination.Contracts.Common;

namespace Coordination.Contracts.Cases;

/// <summary>One case: its live state, lifecycle rules and timeline. Key: the case id, e.g. KG-2026-000042.</summary>
[Alias("Coordination.ICaseGrain")]
public interface ICaseGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the case; with an idempotency key, a replay returns the case created first.
    /// <paramref name="earlier"/>: the person's earlier cases whose agencies the re-trafficking signal
    /// alerts, as the intake found them in the read that drew the case's number; <paramref name="opening"/>:
    /// the route, opening agency and reporter the intake chose from the data.
    /// </summary>
    [Alias("Flag")]
    Task<FlagResult> Flag(FlagCase command, Actor actor, string? idempotencyKey, string? requestHash, IReadOnlyList<EarlierCase> earlier, CaseOpening opening);

    /// <summary>The case as <paramref name="viewer"/>'s agency may see it, or null when it is not involved.</summary>
    [Alias("Get")]
    Task<CaseView?> Get(Actor viewer);

    [Alias("Refer")]
    Task<CaseView> Refer(ManualReferral referral, Actor actor);

    [Alias("AnswerReferral")]
    Task<CaseView> AnswerReferral(string referralId, bool accept, string? reason, Actor actor);

    [Alias("BookTravel")]
    Task<CaseView> BookTravel(Travel travel, Actor actor);

    /// <summary>
    /// Moves the arrival of the journey under way (booked or departed) to <paramref name="scheduledArrival"/>:
    /// the pickup agency gets PickupUpdated, and every deadline tied to the arrival moves with it. The
    /// same arrival again changes nothing.
    /// </summary>
    [Alias("DelayTravel")]
    Task<CaseView> DelayTravel(DateTimeOffset scheduledArrival, Actor actor);

    /// <summary>
    /// Records a lifecycle or consent event; <see cref="CaseEventType.Closed"/> needs <paramref name="reason"/>, every other type refuses one.
    /// <see cref="CaseEventType.ReintegrationStarted"/> takes an optional <paramref name="plan"/> and schedules the follow-ups.
    /// </summary>
    [Alias("RecordEvent")]
    Task<CaseView> RecordEvent(
        CaseEventType type, string? note, int? expectedVersion, Actor actor, ClosureReason? reason = null, NewReintegrationPlan? plan = null);

    /// <summary>
    /// Records the person's consent anew (<see cref="CaseEventType.ConsentChanged"/>): only those who
    /// have met the person may widen it, an accepted receiver may narrow it. Repeating the case's
    /// answers changes nothing. Referral consent given to a case that has no active referral refers it.
    /// </summary>
    [Alias("ChangeConsent")]
    Task<CaseView> ChangeConsent(Consent consent, int? expectedVersion, Actor actor);

    /// <summary>Records the outcome of follow-up <paramref name="number"/> once it has fallen due; a recorded follow-up takes no second outcome.</summary>
    [Alias("RecordFollowUp")]
    Task<CaseView> RecordFollowUp(int number, FollowUpOutcome outcome, string? note, Actor actor);

    /// <summary>
    /// Sends the FollowUpDue item of every follow-up whose time has come (the system calls this, see
    /// CaseWakeUps); returns how many. Idempotent: a follow-up is raised once.
    /// </summary>
    [Alias("RaiseDueFollowUps")]
    Task<int> RaiseDueFollowUps();

    /// <summary>
    /// Raises ArrivalNotConfirmed to the pickup agency, the consular post and the escorting agencies
    /// once the journey's scheduled arrival plus the grace has passed with neither Arrived nor a delay
    /// recorded (the system calls this, see CaseWakeUps); returns how many agencies were told.
    /// Idempotent: once per scheduled arrival.
    /// </summary>
    [Alias("RaiseArrivalNotConfirmed")]
    Task<int> RaiseArrivalNotConfirmed();

    /// <summary>
    /// Expires every pending referral whose answer deadline has passed (the system calls this, see
    /// CaseWakeUps): like a decline with reason "no answer", the referring agency gets ReferralExpired
    /// and the case is offered to the next matching agency. Returns how many expired. Idempotent: an
    /// expired referral is no longer pending.
    /// </summary>
    [Alias("ExpireUnansweredReferrals")]
    Task<int> ExpireUnansweredReferrals();

    /// <summary>
    /// Corrects the case's facts (home region, birth year, needs) for a reason; a correction that
    /// changes nothing changes nothing. When no agency has accepted the case and routing of the
    /// corrected facts picks another agency, the pending referral is re-routed to it.
    /// </summary>
    [Alias("Correct")]
    Task<CaseView> Correct(CaseCorrection correction, int? expectedVersion, Actor actor);

    [Alias("Timeline")]
    Task<IReadOnlyList<CaseEvent>> Timeline(Actor viewer);

    /// <summary>
    /// Erases the person's name, passport and phone from a closed or withdrawn case on a lawful
    /// request; the pseudonymous rest stays, so statistics do not change. Idempotent. Admin only:
    /// the web host checks the role, the grain does not know roles.
    /// </summary>
    [Alias("ErasePersonalData")]
    Task<CaseView> ErasePersonalData(string reason, Actor admin);
}

/// <summary>
/// Stateless front for case intake and queries that span cases: allocates case numbers,
/// honours idempotency keys, lists the cases an agency may see.
/// </summary>
[Alias("Coordination.ICaseIntakeGrain")]
public interface ICaseIntakeGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Opens a case. <paramref name="opensFor"/>: the kinds of agency the caller's roles open cases for,
    /// as the web host reads them from the caller's token; a caller whose agency is of none of them is
    /// refused (403), checked here against the directory rather than by a round trip of the web host's own.
    /// </summary>
    [Alias("Flag")]
    Task<FlagResult> Flag(FlagCase command, Actor actor, IReadOnlyList<Agencies.AgencyKind> opensFor, string? idempotencyKey, string? requestHash);

    [Alias("List")]
    Task<IReadOnlyList<CaseView>> List(CaseListQuery query, Actor viewer);

    /// <summary>How many of the viewer's agency's cases are in each status.</summary>
    [Alias("CountByStatus")]
    Task<IReadOnlyDictionary<CaseStatus, int>> CountByStatus(Actor viewer);
}
