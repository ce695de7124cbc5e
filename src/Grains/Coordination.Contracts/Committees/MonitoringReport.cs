using Coordination.Contracts.Statistics;

namespace Coordination.Contracts.Committees;

[GenerateSerializer, Immutable, Alias("Coordination.AreaSummary")]
public sealed record AreaSummary(
    [property: Id(0)] ActionPlanArea Area,
    [property: Id(1)] int Total,
    [property: Id(2)] int NotStarted,
    [property: Id(3)] int InProgress,
    [property: Id(4)] int Done,
    [property: Id(5)] int Blocked,
    [property: Id(6)] int Overdue);

/// <summary>The plan's tasks as they stood at the report's <c>asOf</c>: totals by status, and the same by area.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.TaskSummary")]
public sealed record TaskSummary(
    [property: Id(0)] int Total,
    [property: Id(1)] int NotStarted,
    [property: Id(2)] int InProgress,
    [property: Id(3)] int Done,
    [property: Id(4)] int Blocked,
    [property: Id(5)] int Overdue,
    [property: Id(6)] int CompletedInPeriod,
    [property: Id(7)] IReadOnlyList<AreaSummary> ByArea);

/// <summary>One task of the plan as it stood at the report's <c>asOf</c>.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.ReportTask")]
public sealed record ReportTask(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string Title,
    [property: Id(2)] ActionPlanArea Area,
    [property: Id(3)] string OwnerAgencyId,
    [property: Id(4)] string OwnerName,
    [property: Id(5)] DateOnly DueDate,
    [property: Id(6)] ActionPlanTaskStatus Status,
    [property: Id(7)] int DaysOverdue);

[GenerateSerializer, Immutable, Alias("Coordination.IndicatorLine")]
public sealed record IndicatorLine(
    [property: Id(0)] string TaskId,
    [property: Id(1)] string Title,
    [property: Id(2)] ActionPlanArea Area,
    [property: Id(3)] string OwnerAgencyId,
    [property: Id(4)] string OwnerName,
    [property: Id(5)] ActionPlanTaskStatus Status,
    [property: Id(6)] IndicatorProgress Indicator);

/// <summary>
/// The monitoring report of a committee for a period. Tasks, indicators and overdue work are shown
/// as they stood at <see cref="AsOf"/> — the end of the period, or now while the period is running —
/// read back from each task's history (<see cref="Implementation"/> lists every task, by area); the case
/// statistics are the country's for the same period.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.MonitoringReport")]
public sealed record MonitoringReport(
    [property: Id(0)] string CommitteeId,
    [property: Id(1)] string CommitteeName,
    [property: Id(2)] string Country,
    [property: Id(3)] ReportingPeriod Period,
    [property: Id(4)] DateTimeOffset AsOf,
    [property: Id(5)] DateTimeOffset GeneratedAt,
    [property: Id(6)] TaskSummary Tasks,
    [property: Id(7)] IReadOnlyList<IndicatorLine> Indicators,
    [property: Id(8)] IReadOnlyList<ReportTask> Overdue,
    [property: Id(9)] IReadOnlyList<Meeting> Meetings,
    [property: Id(10)] CaseStatistics Statistics,
    [property: Id(11)] IReadOnlyList<ReportTask> Implementation);
