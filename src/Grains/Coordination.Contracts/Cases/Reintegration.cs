namespace Coordination.Contracts.Cases;

/// <summary>How a returnee was found at a follow-up. <see cref="ReTrafficked"/> is the failure everyone fears, and the timeline says so.</summary>
[GenerateSerializer]
public enum FollowUpOutcome { Stable, AtRisk, LostContact, ReTrafficked }

/// <summary>What a reintegration plan offers the returnee.</summary>
[GenerateSerializer]
public enum ReintegrationService { VocationalTraining, SmallGrant, Employment, Education, Housing, Medical, Psychological, Legal, FamilyReunification, Other }

/// <summary>The plan a receiving agency records with <see cref="CaseEventType.ReintegrationStarted"/>; every part optional, so older requests stay valid.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.NewReintegrationPlan")]
public sealed record NewReintegrationPlan(
    [property: Id(0)] IReadOnlyList<ReintegrationService> Services,
    [property: Id(1)] string? Goals,
    [property: Id(2)] string? Caseworker);

/// <summary>The reintegration plan of a case: what the agency that started it offers, towards which goals, and who is responsible.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.ReintegrationPlan")]
public sealed record ReintegrationPlan(
    [property: Id(0)] IReadOnlyList<ReintegrationService> Services,
    [property: Id(1)] string? Goals,
    [property: Id(2)] string? Caseworker,
    [property: Id(3)] string AgencyId,
    [property: Id(4)] DateTimeOffset StartedAt);

/// <summary>
/// A follow-up of a returnee, numbered from 1 over the case's life. It falls due at <see cref="DueAt"/>
/// (09:00 in the agency's time zone) as a FollowUpDue item to <see cref="AgencyId"/>, and is overdue
/// when not recorded by <see cref="Deadline"/>. <see cref="Raised"/>: its item has been sent.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.FollowUp")]
public sealed record FollowUp(
    [property: Id(0)] int Number,
    [property: Id(1)] string AgencyId,
    [property: Id(2)] DateTimeOffset DueAt,
    [property: Id(3)] DateTimeOffset Deadline,
    [property: Id(4)] bool Raised,
    [property: Id(5)] FollowUpOutcome? Outcome,
    [property: Id(6)] string? Note,
    [property: Id(7)] DateTimeOffset? RecordedAt,
    [property: Id(8)] string? RecordedBy);
