using Coordination.Contracts.Committees;

namespace Coordination.Grains.Committees;

/// <summary>A task as it stood at some moment, read back from its history.</summary>
public sealed record TaskSnapshot(ActionPlanTaskStatus Status, decimal? IndicatorValue, DateOnly DueDate);

/// <summary>How tasks are shown: overdue days, indicator progress, and a task's state at any moment.</summary>
public static class ActionPlanViews
{
    public static ActionPlanTask View(PlanTaskState task, DateTimeOffset now, DateTimeOffset? acknowledgedAt, bool withHistory)
    {
        var days = DaysOverdue(task.Status, task.DueDate, OverdueSchedule.LocalDate(now, Zone(task)));
        return new ActionPlanTask(
            task.Id, task.Title, task.Area, task.OwnerAgencyId, task.DueDate, task.Status,
            task.Indicator is null ? null : Progress(task.Indicator, task.IndicatorValue),
            days > 0, days, task.CreatedAt, task.UpdatedAt, task.MeetingId, acknowledgedAt,
            withHistory ? task.History.ToList() : null);
    }

    /// <summary>The tasks of <paramref name="taskIds"/>, in that order, each with when its owner acknowledged its assignment.</summary>
    public static IReadOnlyList<ActionPlanTask> Views(
        IEnumerable<PlanTaskState> tasks, IEnumerable<string> taskIds, DateTimeOffset now, IReadOnlyDictionary<string, DateTimeOffset> acknowledged, bool withHistory)
    {
        var byId = tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        return taskIds.Select(id => byId[id])
            .Select(t => View(t, now, acknowledged.TryGetValue(t.Id, out var at) ? at : null, withHistory))
            .ToList();
    }

    /// <summary>Whole days past the due date in the owner's calendar; zero when done or not yet due.</summary>
    public static int DaysOverdue(ActionPlanTaskStatus status, DateOnly dueDate, DateOnly ownerToday) =>
        status != ActionPlanTaskStatus.Done && ownerToday > dueDate ? ownerToday.DayNumber - dueDate.DayNumber : 0;

    /// <summary>
    /// Progress from baseline to target in percent (not capped: beyond 100 overshoots, below 0 went
    /// backwards). Works for indicators that should fall as well as rise. Met when the value has
    /// reached the target in the indicator's direction.
    /// </summary>
    public static IndicatorProgress Progress(Indicator indicator, decimal? value)
    {
        decimal? percent = null;
        var met = false;
        if (value is { } v)
        {
            if (indicator.Target != indicator.Baseline)
            {
                percent = Math.Round((v - indicator.Baseline) / (indicator.Target - indicator.Baseline) * 100m, 1, MidpointRounding.AwayFromZero);
            }

            met = indicator.Target >= indicator.Baseline ? v >= indicator.Target : v <= indicator.Target;
        }

        return new IndicatorProgress(indicator.Name, indicator.Unit, indicator.Baseline, indicator.Target, value, percent, met);
    }

    /// <summary>The task as it stood just before <paramref name="before"/>; null if it did not exist yet.</summary>
    public static TaskSnapshot? Before(PlanTaskState task, DateTimeOffset before)
    {
        TaskSnapshot? snapshot = null;
        foreach (var change in task.History.Where(c => c.At < before).OrderBy(c => c.Seq))
        {
            snapshot = snapshot is null
                ? new TaskSnapshot(change.Status ?? ActionPlanTaskStatus.NotStarted, change.IndicatorValue, change.DueDate ?? task.DueDate)
                : new TaskSnapshot(change.Status ?? snapshot.Status, change.IndicatorValue ?? snapshot.IndicatorValue, change.DueDate ?? snapshot.DueDate);
        }

        return snapshot;
    }

    public static TimeZoneInfo Zone(PlanTaskState task) => TimeZoneInfo.FindSystemTimeZoneById(task.OwnerTimeZone);
}
