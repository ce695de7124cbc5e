using Coordination.Contracts.Cases;

namespace Coordination.Grains.Cases;

/// <summary>Who does what to a case in the field: the post abroad, or the agency receiving the person.</summary>
public enum CaseParty
{
    FlaggingPost,
    ReceivingAgency,
    Either,
}

/// <summary>
/// The lifecycle of api.md: Flagged → Verified → DocumentsIssued → TravelBooked → InTransit →
/// Arrived → ReceivedByAgency → Sheltered → Rehabilitation → Reintegration → Closed;
/// Withdrawn from any open state; Reopened from Withdrawn or Closed returns the case to Flagged.
/// </summary>
public static class CaseLifecycle
{
    private static readonly Dictionary<CaseEventType, (CaseStatus[] From, CaseStatus To, CaseParty By)> Transitions = new()
    {
        [CaseEventType.Verified] = ([CaseStatus.Flagged], CaseStatus.Verified, CaseParty.FlaggingPost),
        [CaseEventType.DocumentsIssued] = ([CaseStatus.Verified], CaseStatus.DocumentsIssued, CaseParty.FlaggingPost),
        [CaseEventType.Departed] = ([CaseStatus.TravelBooked], CaseStatus.InTransit, CaseParty.FlaggingPost),
        [CaseEventType.Arrived] = ([CaseStatus.InTransit], CaseStatus.Arrived, CaseParty.ReceivingAgency),
        [CaseEventType.ReceivedByAgency] = ([CaseStatus.Arrived], CaseStatus.ReceivedByAgency, CaseParty.ReceivingAgency),
        [CaseEventType.Sheltered] = ([CaseStatus.ReceivedByAgency], CaseStatus.Sheltered, CaseParty.ReceivingAgency),
        [CaseEventType.RehabilitationStarted] = ([CaseStatus.ReceivedByAgency, CaseStatus.Sheltered], CaseStatus.Rehabilitation, CaseParty.ReceivingAgency),
        [CaseEventType.ReintegrationStarted] = ([CaseStatus.Sheltered, CaseStatus.Rehabilitation], CaseStatus.Reintegration, CaseParty.ReceivingAgency),
        [CaseEventType.Closed] = ([CaseStatus.Reintegration], CaseStatus.Closed, CaseParty.Either),
        [CaseEventType.Withdrawn] = (OpenStatuses, CaseStatus.Withdrawn, CaseParty.Either),
        [CaseEventType.Reopened] = ([CaseStatus.Withdrawn, CaseStatus.Closed], CaseStatus.Flagged, CaseParty.Either),
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

    public static CaseParty WhoMay(CaseEventType type) =>
        Transitions.TryGetValue(type, out var t) ? t.By : CaseParty.Either;
}
