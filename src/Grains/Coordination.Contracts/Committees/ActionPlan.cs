using Coordination.Contracts.Common;

namespace Coordination.Contracts.Committees;

/// <summary>The "4P" areas of a national action plan against trafficking, plus coordination.</summary>
[GenerateSerializer]
public enum ActionPlanArea
{
    Prevention,
    Protection,
    Prosecution,
    Partnership,
    Coordination,
}

[GenerateSerializer]
public enum ActionPlanTaskStatus
{
    NotStarted,
    InProgress,
    Done,
    Blocked,
}

/// <summary>How a task's result is measured: from <see cref="Baseline"/> towards <see cref="Target"/> (up or down).</summary>
[GenerateSerializer, Immutable, Alias("Coordination.Indicator")]
public sealed record Indicator(
    [property: Id(0)] string Name,
    [property: Id(1)] string Unit,
    [property: Id(2)] decimal Baseline,
    [property: Id(3)] decimal Target);

/// <summary>
/// A task to add to the plan, already validated at the edge. An imported plan may carry the
/// task's current <see cref="Status"/> and <see cref="IndicatorValue"/>; a new one starts NotStarted.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.NewActionPlanTask")]
public sealed record NewActionPlanTask(
    [property: Id(0)] string Title,
    [property: Id(1)] ActionPlanArea Area,
    [property: Id(2)] string OwnerAgencyId,
    [property: Id(3)] DateOnly DueDate,
    [property: Id(4)] Indicator? Indicator,
    [property: Id(5)] ActionPlanTaskStatus Status = ActionPlanTaskStatus.NotStarted,
    [property: Id(6)] decimal? IndicatorValue = null);

/// <summary>A progress report on a task; null fields are left as they are. Only the secretary moves due dates.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.ActionPlanTaskUpdate")]
public sealed record ActionPlanTaskUpdate(
    [property: Id(0)] ActionPlanTaskStatus? Status,
    [property: Id(1)] decimal? IndicatorValue,
    [property: Id(2)] string? Note,
    [property: Id(3)] DateOnly? DueDate,
    [property: Id(4)] string? OwnerAgencyId = null);

[GenerateSerializer]
public enum TaskChangeKind
{
    Created,
    Updated,
}

/// <summary>
/// One entry of a task's history. Fields that did not change are null, so the state of a task at
/// any moment can be read back from its history (the report for a past period does exactly that).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.TaskChange")]
public sealed record TaskChange(
    [property: Id(0)] int Seq,
    [property: Id(1)] TaskChangeKind Kind,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string AgencyId,
    [property: Id(4)] string Username,
    [property: Id(5)] ActionPlanTaskStatus? Status,
    [property: Id(6)] decimal? IndicatorValue,
    [property: Id(7)] DateOnly? DueDate,
    [property: Id(8)] string? Note,
    [property: Id(9)] string? OwnerAgencyId = null);

/// <summary>An indicator with its latest reported value and how far it has come from baseline to target.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.IndicatorProgress")]
public sealed record IndicatorProgress(
    [property: Id(0)] string Name,
    [property: Id(1)] string Unit,
    [property: Id(2)] decimal Baseline,
    [property: Id(3)] decimal Target,
    [property: Id(4)] decimal? Value,
    [property: Id(5)] decimal? ProgressPercent,
    [property: Id(6)] bool Met);

/// <summary>A task as the plan shows it. <see cref="History"/> is filled only when one task is asked for.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.ActionPlanTask")]
public sealed record ActionPlanTask(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] ActionPlanArea Area,
    [property: Id(3)] string OwnerAgencyId,
    [property: Id(4)] DateOnly DueDate,
    [property: Id(5)] ActionPlanTaskStatus Status,
    [property: Id(6)] IndicatorProgress? Indicator,
    [property: Id(7)] bool Overdue,
    [property: Id(8)] int DaysOverdue,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt,
    [property: Id(11)] string? MeetingId,
    [property: Id(12)] DateTimeOffset? AcknowledgedAt,
    [property: Id(13)] IReadOnlyList<TaskChange>? History);

/// <summary>The live plan of a committee as the caller may see it (a member agency sees its own tasks).</summary>
[GenerateSerializer, Immutable, Alias("Coordination.ActionPlan")]
public sealed record ActionPlan(
    [property: Id(0)] string CommitteeId,
    [property: Id(1)] string Country,
    [property: Id(2)] DateTimeOffset AsOf,
    [property: Id(3)] IReadOnlyList<string> MemberAgencies,
    [property: Id(4)] IReadOnlyList<ActionPlanTask> Tasks);

/// <summary>A committee meeting as recorded: its decisions became the tasks listed.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.Meeting")]
public sealed record Meeting(
    [property: Id(0)] string Id,
    [property: Id(1)] DateOnly Date,
    [property: Id(2)] string Title,
    [property: Id(3)] IReadOnlyList<string> TaskIds,
    [property: Id(4)] DateTimeOffset RecordedAt,
    [property: Id(5)] string RecordedBy);

[GenerateSerializer, Immutable, Alias("Coordination.NewMeeting")]
public sealed record NewMeeting(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] string Title,
    [property: Id(2)] IReadOnlyList<NewActionPlanTask> Decisions);

/// <summary>
/// Who is calling a committee: the user and agency, and which committee roles the token grants.
/// Whether those roles count for this committee is the grain's decision (they must belong to it).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.CommitteeCaller")]
public sealed record CommitteeCaller(
    [property: Id(0)] Actor Actor,
    [property: Id(1)] bool Secretary,
    [property: Id(2)] bool Member);

[GenerateSerializer, Immutable, Alias("Coordination.MemberAdded")]
public sealed record MemberAdded(
    [property: Id(0)] IReadOnlyList<string> MemberAgencies,
    [property: Id(1)] bool Added);

/// <summary>Tasks added by one command, and whether this call added them (false on an idempotent replay).</summary>
[GenerateSerializer, Immutable, Alias("Coordination.TasksAdded")]
public sealed record TasksAdded(
    [property: Id(0)] IReadOnlyList<ActionPlanTask> Tasks,
    [property: Id(1)] bool Created);

[GenerateSerializer, Immutable, Alias("Coordination.MeetingRecorded")]
public sealed record MeetingRecorded(
    [property: Id(0)] Meeting Meeting,
    [property: Id(1)] IReadOnlyList<ActionPlanTask> Tasks,
    [property: Id(2)] bool Created);

/// <summary>An optional Idempotency-Key with the fingerprint of the request it was first used for.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.IdempotentRequest")]
public sealed record IdempotentRequest(
    [property: Id(0)] string Key,
    [property: Id(1)] string Hash);
