using Coordination.Contracts.Common;

namespace Coordination.Contracts.Notify;

/// <summary>
/// One attempt to notify someone of an item: when, which level of the escalation policy, the channel
/// (<c>email</c>), to whom (masked: <c>a***@ngo.kg</c>), the how-many-th attempt, and what came of it
/// (<c>sent</c>, <c>failed</c>, <c>no channel</c>, <c>nobody on duty</c>); when the e-mail was one
/// message for several items (grouping), how many other items it carried.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.NotificationAttempt")]
public sealed record NotificationAttempt(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int Level,
    [property: Id(2)] string Channel,
    [property: Id(3)] string To,
    [property: Id(4)] int Attempt,
    [property: Id(5)] string Outcome,
    [property: Id(6)] int? GroupedWith = null);

/// <summary>What using an acknowledgement link came to.</summary>
[GenerateSerializer]
public enum AckLinkOutcome
{
    /// <summary>The item is acknowledged (by this use, or already before it).</summary>
    Acknowledged,

    /// <summary>No such link for this user.</summary>
    Unknown,

    /// <summary>The link was used before.</summary>
    Spent,
}

/// <summary>An acknowledgement link's use: the outcome and, when acknowledged, the item's agency and id.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.AckLinkUse")]
public sealed record AckLinkUse(
    [property: Id(0)] AckLinkOutcome Outcome,
    [property: Id(1)] string? AgencyId,
    [property: Id(2)] Guid? ItemId);

/// <summary>
/// Walks one item (key: the item id) through its agency's escalation levels, one level per call: the
/// agency's feed hands it each level when due, and it reports back to the feed where the walk goes next.
/// </summary>
[Alias("Coordination.INotificationWalkGrain")]
public interface INotificationWalkGrain : IGrainWithGuidKey
{
    /// <summary>Sends <paramref name="level"/> of the item of <paramref name="agencyId"/>'s feed, if it is due and the item still unacknowledged.</summary>
    [Alias("Walk"), OneWay]
    Task Walk(string agencyId, int level);
}

/// <summary>The notification log and acknowledgement links (stateless, key 0).</summary>
[Alias("Coordination.INotificationsGrain")]
public interface INotificationsGrain : IGrainWithIntegerKey
{
    /// <summary>Every attempt to notify of the item, oldest first; null when <paramref name="agencyId"/>'s feed has no such item.</summary>
    [Alias("Log"), ReadOnly]
    Task<IReadOnlyList<NotificationAttempt>?> Log(string agencyId, Guid itemId);

    /// <summary>Uses the link with <paramref name="token"/> as <paramref name="username"/>: acknowledges its item, once.</summary>
    [Alias("UseAckLink")]
    Task<AckLinkUse> UseAckLink(string token, string username);
}
