using Coordination.Contracts.Committees;

namespace Coordination.Grains.Committees;

/// <summary>
/// When overdue tasks are chased: at the start of the owner's local working day, on every working
/// day after the due date until the task is done or its due date moves ahead.
/// </summary>
public static class OverdueSchedule
{
    public static DateOnly LocalDate(DateTimeOffset at, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    /// <summary>The instant <paramref name="day"/>'s working day starts in <paramref name="zone"/>.</summary>
    public static DateTimeOffset WorkdayStart(DateOnly day, TimeZoneInfo zone, TimeSpan start)
    {
        var local = day.ToDateTime(TimeOnly.FromTimeSpan(start));
        while (zone.IsInvalidTime(local))
        {
            // Inside a daylight-saving gap the day starts when the clocks allow.
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    public static DateOnly NextWorkday(DateOnly after, WorkingWeek week)
    {
        var day = after.AddDays(1);
        while (!week.Days.Contains(day.DayOfWeek))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    /// <summary>The latest working day that has started by <paramref name="now"/> in <paramref name="zone"/>.</summary>
    public static DateOnly CurrentWorkday(DateTimeOffset now, TimeZoneInfo zone, WorkingWeek week)
    {
        var day = LocalDate(now, zone);
        while (!week.Days.Contains(day.DayOfWeek) || WorkdayStart(day, zone, week.Start) > now)
        {
            day = day.AddDays(-1);
        }

        return day;
    }

    /// <summary>
    /// When the next TaskOverdue falls due: the start of the first working day after both the due
    /// date and the day last chased.
    /// </summary>
    public static DateTimeOffset NextAlert(DateOnly dueDate, DateOnly? lastAlerted, TimeZoneInfo zone, WorkingWeek week)
    {
        var after = lastAlerted is { } last && last > dueDate ? last : dueDate;
        return WorkdayStart(NextWorkday(after, week), zone, week.Start);
    }

    /// <summary>Sets when the task is next chased; never while it is done.</summary>
    public static void Reschedule(PlanTaskState task, WorkingWeek week) =>
        task.NextOverdueAt = task.Status == ActionPlanTaskStatus.Done
            ? null
            : NextAlert(task.DueDate, task.LastOverdueDate, ActionPlanViews.Zone(task), week);

    /// <summary>
    /// The chases due by <paramref name="now"/>: one per open task past its due date and working day
    /// not chased yet, each marked as chased. Every task whose chase fell due is rescheduled.
    /// </summary>
    public static List<(PlanTaskState Task, DateOnly Workday)> TakeDue(IEnumerable<PlanTaskState> tasks, DateTimeOffset now, WorkingWeek week)
    {
        var due = new List<(PlanTaskState Task, DateOnly Workday)>();
        foreach (var task in tasks.Where(t => t.Status != ActionPlanTaskStatus.Done && t.NextOverdueAt <= now).ToList())
        {
            var workday = CurrentWorkday(now, ActionPlanViews.Zone(task), week);
            if (workday > task.DueDate && (task.LastOverdueDate is null || workday > task.LastOverdueDate))
            {
                due.Add((task, workday));
                task.LastOverdueDate = workday;
            }

            Reschedule(task, week);
        }

        return due;
    }

    /// <summary>When the committee must wake next: its next chase; null while every task is done.</summary>
    public static DateTimeOffset? NextWakeUp(IEnumerable<PlanTaskState> tasks) =>
        tasks.Where(t => t.Status != ActionPlanTaskStatus.Done).Min(t => t.NextOverdueAt);
}
