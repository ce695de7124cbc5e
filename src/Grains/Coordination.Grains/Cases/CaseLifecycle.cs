using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Cases;

/// <summary>
/// The lifecycle of api.md: Flagged → Verified → DocumentsIssued → TravelBooked → InTransit →
/// Arrived → ReceivedByAgency → Sheltered → Rehabilitation → Reintegration → Closed;
/// Closed, for a reason (<see cref="ClosureReason"/>), from Arrived onward; Withdrawn from any open state; Reopened from Withdrawn or Closed returns the case to Flagged.
/// Each command's state is computed here from the case before it, and refused (409, or 400 for a
/// value out of bounds) when the case's status does not allow it. Who may act is
/// <see cref="CaseAccess"/>'s rule, and which agency a referral goes to <see cref="ReferralRouter"/>'s.
/// </summary>
public static partial class CaseLifecycle
{
    private const int AdultAge = 18;

    /// <summary>The oldest a person can be, as the edge checks a flag's birth year too.</summary>
    private const int MaxAge = 120;

    private static readonly Dictionary<CaseEventType, (CaseStatus[] From, CaseStatus To)> Transitions = new()
    {
        [CaseEventType.Verified] = ([CaseStatus.Flagged], CaseStatus.Verified),
        [CaseEventType.DocumentsIssued] = ([CaseStatus.Verified], CaseStatus.DocumentsIssued),
        [CaseEventType.Departed] = ([CaseStatus.TravelBooked], CaseStatus.InTransit),
        [CaseEventType.Arrived] = ([CaseStatus.InTransit], CaseStatus.Arrived),
        [CaseEventType.ReceivedByAgency] = ([CaseStatus.Arrived], CaseStatus.ReceivedByAgency),
        [CaseEventType.Sheltered] = ([CaseStatus.ReceivedByAgency], CaseStatus.Sheltered),
        [CaseEventType.RehabilitationStarted] = ([CaseStatus.ReceivedByAgency, CaseStatus.Sheltered], CaseStatus.Rehabilitation),
        [CaseEventType.ReintegrationStarted] = ([CaseStatus.Sheltered, CaseStatus.Rehabilitation], CaseStatus.Reintegration),
        [CaseEventType.Closed] = (HomeStatuses, CaseStatus.Closed),
        [CaseEventType.Withdrawn] = (OpenStatuses, CaseStatus.Withdrawn),
        [CaseEventType.Reopened] = ([CaseStatus.Withdrawn, CaseStatus.Closed], CaseStatus.Flagged),
    };

    /// <summary>The open statuses once the person is home: from here a case may close, e.g. when the returnee declines services at the airport.</summary>
    private static CaseStatus[] HomeStatuses =>
        [CaseStatus.Arrived, CaseStatus.ReceivedByAgency, CaseStatus.Sheltered, CaseStatus.Rehabilitation, CaseStatus.Reintegration];

    public static CaseStatus[] OpenStatuses =>
        Enum.GetValues<CaseStatus>().Where(IsOpen).ToArray();

    public static bool IsOpen(CaseStatus status) => status is not (CaseStatus.Closed or CaseStatus.Withdrawn);

    /// <summary>Event types a caller may record through the events endpoint.</summary>
    public static bool IsRecordable(CaseEventType type) => Transitions.ContainsKey(type) || IsConsentChange(type);

    /// <summary>Refuses an event type that does not exist or that only the system records.</summary>
    public static void RequireRecordable(CaseEventType type)
    {
        StrictEnum.RequireDefined("type", type);
        if (!IsRecordable(type))
        {
            throw DomainException.Invalid("type", $"'{type}' is recorded by the system, not through events.");
        }
    }

    public static bool IsConsentChange(CaseEventType type) => type is CaseEventType.ConsentWithdrawn or CaseEventType.ConsentGiven;

    /// <summary>The events of the journey abroad, which an internal case never has.</summary>
    private static readonly CaseEventType[] TravelEvents = [CaseEventType.DocumentsIssued, CaseEventType.Departed, CaseEventType.Arrived];

    /// <summary>The statuses from which an internal case's receiving agency takes the person in: there is no journey to wait for.</summary>
    private static readonly CaseStatus[] InternalReceivable = [CaseStatus.Flagged, CaseStatus.Verified];

    /// <summary>The status after <paramref name="type"/> for the case's route, or null when the transition is illegal.</summary>
    public static CaseStatus? Next(CaseView c, CaseEventType type)
    {
        if (c.Route == CaseRoute.Internal)
        {
            if (TravelEvents.Contains(type))
            {
                return null;
            }

            if (type == CaseEventType.ReceivedByAgency && InternalReceivable.Contains(c.Status))
            {
                return CaseStatus.ReceivedByAgency;
            }
        }

        return Next(c.Status, type);
    }

    /// <summary>The status after <paramref name="type"/>, or null when the transition is illegal.</summary>
    public static CaseStatus? Next(CaseStatus current, CaseEventType type)
    {
        if (IsConsentChange(type))
        {
            return current;
        }

        return Transitions.TryGetValue(type, out var t) && t.From.Contains(current) ? t.To : null;
    }

    /// <summary>
    /// Whether recording <paramref name="type"/> now is allowed and changes the case: a transition
    /// from its status, consent given only when it is not (and withdrawn only when it is), and a
    /// reopening only while the person's data is kept (<see cref="Recorded"/> refuses the rest).
    /// </summary>
    public static bool Changes(CaseView c, CaseEventType type) => type switch
    {
        CaseEventType.ConsentGiven => !c.Consent.Given,
        CaseEventType.ConsentWithdrawn => c.Consent.Referral || c.Consent.DataSharing || c.Consent.Research,
        CaseEventType.Reopened => Next(c, type) is not null && c.PersonalDataErasedAt is null,
        _ => Next(c, type) is not null,
    };

    /// <summary>Whether a person born in <paramref name="birthYear"/> is a minor in the year of <paramref name="now"/>.</summary>
    public static bool IsMinor(int birthYear, DateTimeOffset now) => now.Year - birthYear < AdultAge;

    /// <summary>
    /// The consent after ConsentGiven (all three uses) or ConsentWithdrawn (none), by the same giver;
    /// an override stays, as it was decided apart from what the person said.
    /// </summary>
    private static Consent AllOrNone(Consent current, bool given) =>
        current with { Referral = given, DataSharing = given, Research = given };

    /// <summary>The case an intake opens, at version 1, held by the opening's agency; the person is a minor by the year of the flag.</summary>
    public static CaseView Flagged(string caseId, FlagCase command, CaseOpening opening, DateTimeOffset now) =>
        new(caseId, CaseStatus.Flagged, command.Person, command.CurrentCountry, command.Location, command.Situation,
            command.ExploitationType, command.Needs, command.Urgency, command.HomeRegion, command.Consent, command.ReportedBy,
            IsMinor(command.Person.BirthYear, now), opening.OpeningAgencyId, now, now, [], null, 1, command.Person.Citizenship,
            Route: opening.Route, IdentifiedBy: opening.IdentifiedBy, ReportedByAgencyId: opening.ReporterAgencyId, CurrentRegion: command.CurrentRegion,
            Exploitation: command.Exploitation);

    /// <summary>
    /// Refuses a closure without a reason, a reason out of the enumeration, <see cref="ClosureReason.Other"/>
    /// without a note to say what it was, and a reason on any event but <see cref="CaseEventType.Closed"/>.
    /// </summary>
    public static void RequireReason(CaseEventType type, ClosureReason? reason, string? note)
    {
        if (type != CaseEventType.Closed)
        {
            if (reason is not null)
            {
                throw DomainException.Invalid("reason", $"Only Closed takes a reason, not {type}.");
            }

            return;
        }

        if (reason is not { } r)
        {
            throw DomainException.Invalid("reason", $"Closing a case needs a reason: one of {string.Join(", ", Enum.GetNames<ClosureReason>())}.");
        }

        StrictEnum.RequireDefined("reason", r);
        if (r == ClosureReason.Other && string.IsNullOrWhiteSpace(note))
        {
            throw DomainException.Invalid("note", "A closure for another reason needs a note saying what it was.");
        }
    }

    /// <summary>
    /// The case after a recorded event: its new status, for a consent event its consent, and for a
    /// closure its reason (which a reopening clears); a closure or withdrawal cancels the follow-ups not yet due. The reason is checked before the status, so a
    /// request that could never succeed is told so (400) rather than that it came at the wrong time.
    /// </summary>
    public static CaseView Recorded(CaseView current, CaseEventType type, DateTimeOffset now, ClosureReason? reason = null, string? note = null)
    {
        RequireReason(type, reason, note);
        var status = Next(current, type)
            ?? throw DomainException.Conflict(current.Route == CaseRoute.Internal && TravelEvents.Contains(type)
                ? $"Case {current.Id} is internal: the person is in their own country and there is no journey home to record."
                : $"{type} is not allowed while case {current.Id} is {current.Status}.");

        if (type == CaseEventType.Reopened && current.PersonalDataErasedAt is not null)
        {
            throw DomainException.Conflict($"The person's data of case {current.Id} was erased; flag a new case instead of reopening it.");
        }

        var next = current with
        {
            Status = status,
            Consent = IsConsentChange(type) ? AllOrNone(current.Consent, type == CaseEventType.ConsentGiven) : current.Consent,
            ClosureReason = type switch
            {
                CaseEventType.Closed => reason,
                CaseEventType.Reopened => null,
                _ => current.ClosureReason,
            },
            UpdatedAt = now,
            Version = current.Version + 1,
        };
        return type is CaseEventType.Closed or CaseEventType.Withdrawn ? CaseFollowUps.Ended(next) : next;
    }

    /// <summary>
    /// The case with its facts corrected, and the names of the facts that changed; none when the
    /// correction only repeats what the case says, and then nothing is recorded. A corrected birth
    /// year decides again whether the person was a minor in the year of the flag. Refuses a
    /// correction without a reason or without any fact, and a fact out of bounds.
    /// </summary>
    public static (CaseView Case, IReadOnlyList<string> Fields) Corrected(CaseView current, CaseCorrection correction, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(correction.Reason))
        {
            throw DomainException.Invalid("reason", "A correction needs a reason: what was recorded wrongly, and how it is known.");
        }

        if (correction is { HomeRegion: null, BirthYear: null, Needs: null })
        {
            throw DomainException.Invalid("correction", "Name at least one fact to correct: homeRegion, birthYear or needs.");
        }

        if (correction.HomeRegion is { } region && string.IsNullOrWhiteSpace(region))
        {
            throw DomainException.Invalid("homeRegion", "A home region, not blank.");
        }

        if (correction.BirthYear is { } year && (year > current.FlaggedAt.Year || year < current.FlaggedAt.Year - MaxAge))
        {
            throw DomainException.Invalid("birthYear", $"A year between {current.FlaggedAt.Year - MaxAge} and {current.FlaggedAt.Year}, the year of the flag.");
        }

        foreach (var need in correction.Needs ?? [])
        {
            StrictEnum.RequireDefined("needs", need);
        }

        var person = current.Person!;
        var fields = new List<string>();
        var next = current;
        if (correction.HomeRegion is { } homeRegion && homeRegion != current.HomeRegion)
        {
            fields.Add("homeRegion");
            next = next with { HomeRegion = homeRegion };
        }

        if (correction.BirthYear is { } birthYear && birthYear != person.BirthYear)
        {
            fields.Add("birthYear");
            next = next with { Person = person with { BirthYear = birthYear }, Minor = current.FlaggedAt.Year - birthYear < AdultAge };
        }

        if (correction.Needs is { } needs && !needs.ToHashSet().SetEquals(current.Needs))
        {
            fields.Add("needs");
            next = next with { Needs = needs.Distinct().ToList() };
        }

        return fields.Count == 0 ? (current, fields) : (next with { UpdatedAt = now, Version = current.Version + 1 }, fields);
    }

    /// <summary>
    /// The case with what identifies the person (<see cref="CaseViews.IdentifyingFields"/>) removed; the
    /// rest stays for statistics. Only a closed or withdrawn case's personal data is erased.
    /// </summary>
    public static CaseView Erased(CaseView current, DateTimeOffset now)
    {
        if (IsOpen(current.Status))
        {
            throw DomainException.Conflict($"Case {current.Id} is {current.Status}; only a closed or withdrawn case's personal data can be erased.");
        }

        return current with
        {
            Person = current.Person! with { FullName = null, PassportNumber = null, Phone = null },
            Consent = current.Consent.Guardian is { } guardian ? current.Consent with { Guardian = guardian with { FullName = null } } : current.Consent,
            PersonalDataErasedAt = now,
            UpdatedAt = now,
            Version = current.Version + 1,
        };
    }
}
