using Coordination.Contracts.Cases;

namespace Coordination.Grains.Cases;

/// <summary>
/// The lifecycle of api.md: Flagged → Verified → DocumentsIssued → TravelBooked → InTransit →
/// Arrived → ReceivedByAgency → Sheltered → Rehabilitation → Reintegration → Closed;
/// Withdrawn from any open state; Reopened from Withdrawn or Closed returns the case to Flagged.
/// Who may record each event is <see cref="CaseAccess"/>'s rule.
/// </summary>
public static class CaseLifecycle
{
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
        [CaseEventType.Closed] = ([CaseStatus.Reintegration], CaseStatus.Closed),
        [CaseEventType.Withdrawn] = (OpenStatuses, CaseStatus.Withdrawn),
        [CaseEventType.Reopened] = ([CaseStatus.Withdrawn, CaseStatus.Closed], CaseStatus.Flagged),
    };

    /// <summary>Statuses from which a consul may book (or re-book) the flight home.</summary>
    public static readonly CaseStatus[] TravelBookable =
        [CaseStatus.Flagged, CaseStatus.Verified, CaseStatus.DocumentsIssued, CaseStatus.TravelBooked];

    public static CaseStatus[] OpenStatuses =>
        Enum.GetValues<CaseStatus>().Where(s => s is not (CaseStatus.Closed or CaseStatus.Withdrawn)).ToArray();

    /// <summary>Event types a caller may record through the events endpoint.</summary>
    public static bool IsRecordable(CaseEventType type) => Transitions.ContainsKey(type) || IsConsentChange(type);

    public static bool IsConsentChange(CaseEventType type) => type is CaseEventType.ConsentWithdrawn or CaseEventType.ConsentGiven;

    /// <summary>The status after <paramref name="type"/>, or null when the transition is illegal.</summary>
    public static CaseStatus? Next(CaseStatus current, CaseEventType type)
    {
        if (IsConsentChange(type))
        {
            return current;
        }

        return Transitions.TryGetValue(type, out var t) && t.From.Contains(current) ? t.To : null;
    }
}
