using Coordination.Contracts.Committees;
using Coordination.Grains.Committees;

namespace Coordination.Tests.Committees;

/// <summary>The overdue chase on its own: when it falls due, once per working day in the owner's time zone, and when the committee wakes.</summary>
public sealed class OverdueScheduleTests
{
    // Bishkek is UTC+6: its working day starts at 03:00 UTC.
    private static readonly WorkingWeek Week = new CommitteeOptions().Week();
    private static readonly DateTimeOffset TuesdayStart = new(2026, 1, 6, 3, 0, 0, TimeSpan.Zero);

    private static PlanTaskState Task(string id, ActionPlanTaskStatus status = ActionPlanTaskStatus.InProgress, int dueDay = 5)
    {
        var task = new PlanTaskState { Id = id, OwnerTimeZone = "Asia/Bishkek", DueDate = new DateOnly(2026, 1, dueDay), Status = status };
        OverdueSchedule.Reschedule(task, Week);
        return task;
    }

    [Fact]
    public void A_task_due_on_monday_is_first_chased_when_the_owners_tuesday_starts()
    {
        Assert.Equal(TuesdayStart, Task("t1").NextOverdueAt);
        Assert.Null(Task("t2", ActionPlanTaskStatus.Done).NextOverdueAt);
    }

    [Fact]
    public void Each_working_day_is_chased_once_and_the_weekend_is_skipped()
    {
        var task = Task("t1");

        Assert.Empty(OverdueSchedule.TakeDue([task], TuesdayStart.AddTicks(-1), Week));
        Assert.Equal(new DateOnly(2026, 1, 6), Assert.Single(OverdueSchedule.TakeDue([task], TuesdayStart, Week)).Workday);
        Assert.Empty(OverdueSchedule.TakeDue([task], TuesdayStart.AddHours(12), Week));

        var friday = TuesdayStart.AddDays(3);
        Assert.Equal(new DateOnly(2026, 1, 9), Assert.Single(OverdueSchedule.TakeDue([task], friday, Week)).Workday);
        Assert.Equal(new DateOnly(2026, 1, 9), task.LastOverdueDate);
        Assert.Equal(friday.AddDays(3), task.NextOverdueAt); // Monday 12 January
    }

    [Fact]
    public void A_done_task_or_one_not_yet_due_is_not_chased()
    {
        var done = Task("t1");
        done.Status = ActionPlanTaskStatus.Done;
        var notDue = Task("t2", dueDay: 20);

        Assert.Empty(OverdueSchedule.TakeDue([done, notDue], TuesdayStart.AddDays(1), Week));
        Assert.Null(done.LastOverdueDate);
    }

    [Fact]
    public void The_committee_wakes_at_its_next_chase_and_not_at_all_while_every_task_is_done()
    {
        PlanTaskState[] tasks = [Task("t1", dueDay: 20), Task("t2"), Task("t3", ActionPlanTaskStatus.Done)];

        Assert.Equal(TuesdayStart, OverdueSchedule.NextWakeUp(tasks));
        Assert.Null(OverdueSchedule.NextWakeUp([tasks[2]]));
        Assert.Null(OverdueSchedule.NextWakeUp([]));
    }
}
