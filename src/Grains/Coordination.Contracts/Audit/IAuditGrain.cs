namespace Coordination.Contracts.Audit;

/// <summary>An entry of the append-only audit log, as administrators read it.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Username,
    [property: Id(3)] string? AgencyId,
    [property: Id(4)] string? CaseId,
    [property: Id(5)] string Action,
    [property: Id(6)] IReadOnlyList<string> Fields,
    [property: Id(7)] string? Address,
    [property: Id(8)] string? Detail);

/// <summary>Entries oldest first with an id above <see cref="After"/>, in the half-open period [From, To), at most <see cref="Limit"/>.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.AuditQuery")]
public sealed record AuditQuery(
    [property: Id(0)] string? CaseId,
    [property: Id(1)] DateTimeOffset? From,
    [property: Id(2)] DateTimeOffset? To,
    [property: Id(3)] long After,
    [property: Id(4)] int Limit);

/// <summary>An administrator's change to an account: <see cref="Account"/> is the account changed, the rest says who changed it and from where.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.AccountEvent")]
public sealed record AccountEvent(
    [property: Id(0)] string Admin,
    [property: Id(1)] string? AgencyId,
    [property: Id(2)] string? Address,
    [property: Id(3)] string Action,
    [property: Id(4)] string Account);

/// <summary>
/// The web host's way to the audit log (stateless; any silo answers). Reads and changes of a case's
/// personal data are recorded by the case grains themselves, in the change's own transaction.
/// </summary>
[Alias("Coordination.IAuditGrain")]
public interface IAuditGrain : IGrainWithIntegerKey
{
    [Alias("AppendAccountEvent")]
    Task AppendAccountEvent(AccountEvent change);

    [Alias("Query")]
    Task<IReadOnlyList<AuditEntry>> Query(AuditQuery query);
}
