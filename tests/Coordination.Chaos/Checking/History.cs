namespace Coordination.Chaos.Checking;

/// <summary>The commands the chaos load sends; each has its own "took effect" check.</summary>
public enum Operation
{
    Flag,
    Accept,
    Decline,
    BookTravel,
    Acknowledge,
    UpdateTask,
}

/// <summary>
/// One attempt of a request. A request retried with the same Idempotency-Key (after a network
/// error, a timeout or a 5xx) is several attempts with one <see cref="RequestId"/>.
/// </summary>
/// <param name="Target">What it acts on: the flag's key, <c>{case}/{referral}</c>, the case, the feed item, the task.</param>
/// <param name="Status">HTTP status, or null when no answer came (<see cref="Error"/> says why).</param>
/// <param name="Result">What a 2xx established: the flag's case id, the task status that was set.</param>
public sealed record Attempt(
    long RequestId, Operation Operation, string Host, string? IdempotencyKey, string Target,
    DateTimeOffset SentAt, DateTimeOffset AnsweredAt, int? Status, string? Error, string? Result)
{
    public bool Succeeded => Status is >= 200 and < 300;
    public TimeSpan Waited => AnsweredAt - SentAt;
}

/// <summary>How a dashboard got an item: pushed, fetched because a later push showed a hole, or fetched after a reconnect.</summary>
public enum Delivery
{
    Live,
    GapFill,
    Reconnect,
}

public sealed record Receipt(string Dashboard, long Seq, Guid ItemId, DateTimeOffset At, Delivery How);

/// <summary>A time a dashboard's connection was down (<see cref="To"/> null: still down at the end).</summary>
public sealed record Disconnection(string Dashboard, DateTimeOffset From, DateTimeOffset? To);

public sealed record Dashboard(string Name, string AgencyId);

public enum FaultKind
{
    SiloKill,
    WebKill,
    DatabaseStop,
    SiloPause,
}

/// <summary>
/// One injected fault: from <see cref="Start"/> until <see cref="Healed"/> (restarted and ready,
/// database started, process continued). <see cref="DeclaredDead"/>: when the membership table
/// first showed a silo fault's silo dead.
/// </summary>
public sealed record Fault(FaultKind Kind, string Target, DateTimeOffset Start, DateTimeOffset Healed, DateTimeOffset? DeclaredDead);

public sealed record History(
    string Seed, DateTimeOffset Start, DateTimeOffset LoadEnd,
    IReadOnlyList<Attempt> Attempts, IReadOnlyList<Receipt> Receipts, IReadOnlyList<Disconnection> Disconnections,
    IReadOnlyList<Fault> Faults, IReadOnlyList<Dashboard> Dashboards);

/// <summary>A feed row as the database holds it; for an AckOverdue, the item and round it escalates.</summary>
public sealed record FeedRow(
    string AgencyId, long Seq, Guid Id, string DedupeKey, string Type, string? CaseId, DateTimeOffset OccurredAt,
    bool RequiresAck, DateTimeOffset? AckDeadline, DateTimeOffset? AcknowledgedAt, Guid? EscalatedItem, int? Round);

public sealed record ReferralRow(string Id, string ToAgencyId, string Status);

/// <summary>A case as the API shows it, with the flag Idempotency-Keys the database holds for it.</summary>
public sealed record CaseRow(string CaseId, IReadOnlyList<string> IdempotencyKeys, string Status, IReadOnlyList<ReferralRow> Referrals, bool HasTravel);

public sealed record TaskRow(string TaskId, string Status);

/// <summary>What the database and the API hold after the quiet period, read at <see cref="ReadAt"/>.</summary>
public sealed record Truth(DateTimeOffset ReadAt, IReadOnlyList<FeedRow> Feed, IReadOnlyList<CaseRow> Cases, IReadOnlyList<TaskRow> Tasks);
