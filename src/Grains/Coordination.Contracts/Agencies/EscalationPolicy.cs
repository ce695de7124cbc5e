using Coordination.Contracts.Common;

namespace Coordination.Contracts.Agencies;

/// <summary>
/// One level of an escalation policy: <see cref="After"/> the item was raised, notify
/// <see cref="Notify"/>: <c>OnDuty</c> (the agency's person on duty then), <c>user:{username}</c>
/// (a named person of the agency) or <c>agency:{id}</c> (that agency's person on duty).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.EscalationLevel")]
public sealed record EscalationLevel([property: Id(0)] TimeSpan After, [property: Id(1)] string Notify)
{
    public const string OnDuty = "OnDuty";
    public const string UserPrefix = "user:";
    public const string AgencyPrefix = "agency:";
}

/// <summary>
/// Hours ("HH:mm", the agency's time zone) in which notifications that are not <c>Critical</c> wait
/// for the end; a <see cref="From"/> after <see cref="To"/> crosses midnight (22:00–07:00).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.QuietHours")]
public sealed record QuietHours([property: Id(0)] string From, [property: Id(1)] string To);

/// <summary>Whom an agency's unacknowledged items notify, and when: the levels in order of <see cref="EscalationLevel.After"/>.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.EscalationPolicy")]
public sealed record EscalationPolicy(
    [property: Id(0)] IReadOnlyList<EscalationLevel> Levels,
    [property: Id(1)] QuietHours? QuietHours)
{
    public static readonly EscalationPolicy Empty = new([], null);
}

/// <summary>An agency's escalation policy as its users read it, with the time zone its quiet hours are in.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.EscalationPolicyView")]
public sealed record EscalationPolicyView(
    [property: Id(0)] string AgencyId,
    [property: Id(1)] string TimeZone,
    [property: Id(2)] IReadOnlyList<EscalationLevel> Levels,
    [property: Id(3)] QuietHours? QuietHours);

/// <summary>One agency's escalation policy (key: the agency id), kept in the <c>escalation_policies</c> table.</summary>
[Alias("Coordination.IEscalationPolicyGrain")]
public interface IEscalationPolicyGrain : IGrainWithStringKey
{
    /// <summary>The policy (empty when it never had one); null when there is no such agency.</summary>
    [Alias("Get"), ReadOnly]
    Task<EscalationPolicyView?> Get();

    /// <summary>Replaces the whole policy (validated by the caller) and records who did it; null when there is no such agency.</summary>
    [Alias("Replace")]
    Task<EscalationPolicyView?> Replace(EscalationPolicy policy, Actor actor);
}
