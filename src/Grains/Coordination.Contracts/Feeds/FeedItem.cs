using System.Text.Json.Serialization;
using Coordination.Contracts.Common;

namespace Coordination.Contracts.Feeds;

[GenerateSerializer]
public enum FeedItemType
{
    ReferralReceived,
    ReferralAccepted,
    ReferralDeclined,
    PickupRequested,
    CaseUpdated,
    NoReceivingAgency,
    AckOverdue,
    TaskAssigned,
    TaskUpdated,
    TaskOverdue,
    FollowUpDue,
    PossibleReTrafficking,
    CaseReported,
    PickupUpdated,
    ArrivalNotConfirmed,
    ReferralExpired,
}

[GenerateSerializer]
public enum FeedItemKind
{
    [JsonStringEnumMemberName("alert")] Alert,
    [JsonStringEnumMemberName("task")] Task,
    [JsonStringEnumMemberName("info")] Info,
}

/// <summary>
/// One entry of an agency's durable feed. <see cref="Seq"/> is strictly increasing per agency
/// without gaps, so a dashboard that knows its last seq can ask for exactly what it missed.
/// Never carries a person's name, passport or phone: cases are referred to by their id.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.FeedItem")]
public sealed record FeedItem(
    [property: Id(0)] long Seq,
    [property: Id(1)] Guid Id,
    [property: Id(2)] FeedItemType Type,
    [property: Id(3)] FeedItemKind Kind,
    [property: Id(4)] string? CaseId,
    [property: Id(5)] string? CommitteeId,
    [property: Id(6)] string? TaskId,
    [property: Id(7)] string Summary,
    [property: Id(8)] Urgency Urgency,
    [property: Id(9)] DateTimeOffset OccurredAt,
    [property: Id(10)] bool RequiresAck,
    [property: Id(11)] DateTimeOffset? AckDeadline,
    [property: Id(12)] DateTimeOffset? AcknowledgedAt,
    [property: Id(13)] string? AcknowledgedBy,
    [property: Id(14)] IReadOnlyDictionary<string, string> Data);

/// <summary>
/// An item to put in an agency's feed. <see cref="DedupeKey"/> names its cause
/// (e.g. <c>referral:KG-2026-000042:r1</c>) so that re-sending it never creates a second item.
/// <see cref="Checkpoints"/> are fixed times at which it escalates if still unacknowledged, besides
/// its deadline (e.g. 24 h and 2 h before a flight lands).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.NewFeedItem")]
public sealed record NewFeedItem(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string DedupeKey,
    [property: Id(2)] FeedItemType Type,
    [property: Id(3)] FeedItemKind Kind,
    [property: Id(4)] string? CaseId,
    [property: Id(5)] string? CommitteeId,
    [property: Id(6)] string? TaskId,
    [property: Id(7)] string Summary,
    [property: Id(8)] Urgency Urgency,
    [property: Id(9)] bool RequiresAck,
    [property: Id(10)] string? CausedByAgencyId,
    [property: Id(11)] IReadOnlyDictionary<string, string> Data,
    [property: Id(12)] IReadOnlyList<DateTimeOffset>? Checkpoints = null);

/// <summary>
/// Settles open items of an agency whose cause is dealt with (e.g. a referral answered, a person
/// received at the airport): they are acknowledged on the agency's behalf and stop escalating.
/// <see cref="DedupeKeyPrefix"/> ending in <c>:</c> settles every item whose key starts with it;
/// anything else settles the item with exactly that key (so <c>…:r1</c> never settles <c>…:r10</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.FeedResolution")]
public sealed record FeedSettlement(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string DedupeKeyPrefix,
    [property: Id(2)] string SettledBy);

/// <summary>
/// What one producer's change puts in one agency's feed: <see cref="Settlements"/> settled first, then
/// <see cref="Items"/> appended. <see cref="ChangeId"/> names the change's rows in the producer's
/// outbox (consumed by the feed's append); <see cref="CausedAt"/> is the producer's clock at the
/// change, from which the items' time and acknowledgement deadlines count however late they arrive.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.FeedDelivery")]
public sealed record FeedDelivery(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] Guid ChangeId,
    [property: Id(2)] DateTimeOffset CausedAt,
    [property: Id(3)] IReadOnlyList<FeedSettlement> Settlements,
    [property: Id(4)] IReadOnlyList<NewFeedItem> Items)
{
    /// <summary>One delivery per agency of what a change causes, in the order given.</summary>
    public static IReadOnlyList<FeedDelivery> Of(Guid changeId, DateTimeOffset causedAt, IEnumerable<FeedSettlement> settlements, IEnumerable<NewFeedItem> items)
    {
        var settle = settlements.ToLookup(r => r.AgencyId, StringComparer.Ordinal);
        var append = items.ToLookup(i => i.AgencyId, StringComparer.Ordinal);
        return settle.Select(g => g.Key).Union(append.Select(g => g.Key), StringComparer.Ordinal)
            .Select(agency => new FeedDelivery(agency, changeId, causedAt, [.. settle[agency]], [.. append[agency]]))
            .ToList();
    }
}

/// <summary>
/// The numbering a feed reserved for one producer's change (<see cref="IAgencyFeedGrain.Reserve"/>):
/// the producer writes exactly these items, numbered from <see cref="Head"/> on, in the transaction of
/// its own change, then tells the feed how that transaction ended (<see cref="IAgencyFeedGrain.Carried"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.FeedReservation")]
public sealed record FeedReservation(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] Guid ChangeId,
    [property: Id(2)] long Head,
    [property: Id(3)] IReadOnlyList<ReservedFeedItem> Items);

/// <summary>One item as its feed numbered it, with what its row holds besides the item.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.ReservedFeedItem")]
public sealed record ReservedFeedItem(
    [property: Id(0)] FeedItem Item,
    [property: Id(1)] string DedupeKey,
    [property: Id(2)] string? CausedByAgencyId,
    [property: Id(3)] DateTime[] Checkpoints);

/// <summary>How the transaction that carried a feed's reserved items ended.</summary>
[GenerateSerializer]
public enum CarriedOutcome
{
    /// <summary>Committed: the items are in the feed.</summary>
    Committed,

    /// <summary>Refused or rolled back: nothing of it is in the feed.</summary>
    NotCommitted,

    /// <summary>Its answer was lost: the feed reads its head again before it writes.</summary>
    Unknown,
}
