using Coordination.Contracts.Agencies;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Statistics;

namespace Coordination.Grains.Committees;

/// <summary>
/// Builds the monitoring report of a period. Every task is shown as it stood at the report's asOf
/// (the period's end, or now while it runs): changes at or after the end are left out, so the
/// report of a closed quarter does not change when work goes on.
/// </summary>
public static class MonitoringReports
{
    public static MonitoringReport Build(
        Agency committee, ReportingPeriod period, DateTimeOffset now, IReadOnlyList<PlanTaskState> tasks,
        IReadOnlyList<Meeting> meetings, IReadOnlyDictionary<string, string> agencyNames, CaseStatistics statistics)
    {
        var asOf = period.To < now ? period.To : now;
        var rows = tasks
            .Select(t => (Task: t, At: ActionPlanViews.Before(t, period.To)))
            .Where(r => r.At is not null)
            .Select(r => (r.Task, At: r.At!, Days: ActionPlanViews.DaysOverdue(
                r.At!.Status, r.At!.DueDate, OverdueSchedule.LocalDate(asOf, ActionPlanViews.Zone(r.Task)))))
            .ToList();

        string Name(string agencyId) => agencyNames.GetValueOrDefault(agencyId, agencyId);

        var byArea = Enum.GetValues<ActionPlanArea>()
            .Select(area => Summarise(area, rows.Where(r => r.Task.Area == area).Select(r => (r.At.Status, r.Days))))
            .ToList();
        var completed = tasks.Count(t => t.History.Any(c => c.Status == ActionPlanTaskStatus.Done && period.Contains(c.At)));

        var indicators = rows
            .Where(r => r.Task.Indicator is not null)
            .Select(r => new IndicatorLine(r.Task.Id, r.Task.Title, r.Task.Area, r.Task.OwnerAgencyId, Name(r.Task.OwnerAgencyId),
                r.At.Status, ActionPlanViews.Progress(r.Task.Indicator!, r.At.IndicatorValue)))
            .ToList();

        var implementation = rows
            .OrderBy(r => r.Task.Area)
            .Select(r => new ReportTask(r.Task.Id, r.Task.Title, r.Task.Area, r.Task.OwnerAgencyId, Name(r.Task.OwnerAgencyId),
                r.At.DueDate, r.At.Status, r.Days))
            .ToList();
        var overdue = implementation
            .Where(t => t.DaysOverdue > 0)
            .OrderByDescending(t => t.DaysOverdue)
            .ThenBy(t => t.OwnerAgencyId, StringComparer.Ordinal)
            .ToList();

        var held = meetings
            .Where(m => period.Contains(new DateTimeOffset(m.Date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)))
            .OrderBy(m => m.Date)
            .ToList();

        return new MonitoringReport(committee.Id, committee.Name, committee.Country, period, asOf, now,
            new TaskSummary(rows.Count, byArea.Sum(a => a.NotStarted), byArea.Sum(a => a.InProgress), byArea.Sum(a => a.Done),
                byArea.Sum(a => a.Blocked), byArea.Sum(a => a.Overdue), completed, byArea), indicators, overdue, held, statistics, implementation);
    }

    private static AreaSummary Summarise(ActionPlanArea area, IEnumerable<(ActionPlanTaskStatus Status, int Days)> tasks)
    {
        var list = tasks.ToList();
        int Count(ActionPlanTaskStatus s) => list.Count(t => t.Status == s);
        return new AreaSummary(area, list.Count,
            Count(ActionPlanTaskStatus.NotStarted), Count(ActionPlanTaskStatus.InProgress),
            Count(ActionPlanTaskStatus.Done), Count(ActionPlanTaskStatus.Blocked),
            list.Count(t => t.Days > 0));
    }
}
