namespace Coordination.Contracts.Common;

/// <summary>Who is acting: the signed-in user and the agency they act for.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.Actor")]
public sealed record Actor([property: Id(0)] string Username, [property: Id(1)] string AgencyId, [property: Id(2)] string? Address = null);

[GenerateSerializer]
public enum Urgency
{
    Routine,
    Urgent,
    Critical,
}
