using Coordination.Contracts.Committees;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Committees;

namespace Coordination.Tests.Committees;

/// <summary>Who hears of what happens to a task.</summary>
public sealed class CommitteeAlertsTests
{
    private static PlanTaskState Task(string id, ActionPlanTaskStatus status = ActionPlanTaskStatus.NotStarted) =>
        new() { Id = id, Title = "Shelter standards", OwnerAgencyId = "kg-ngo", OwnerTimeZone = "Asia/Bishkek", DueDate = new DateOnly(2026, 1, 9), Status = status };

    [Fact]
    public void New_tasks_are_assigned_to_their_owners_unless_created_done()
    {
        var assignments = CommitteeAlerts.Assignments("kg-wg", "KG working group", [Task("t1"), Task("t2", ActionPlanTaskStatus.Done)]);

        var assigned = Assert.Single(assignments);
        Assert.Equal(("kg-ngo", FeedItemType.TaskAssigned, "task:kg-wg:t1:assigned"), (assigned.AgencyId, assigned.Type, assigned.DedupeKey));
        Assert.True(assigned.RequiresAck);
    }

    [Fact]
    public void An_overdue_chase_goes_to_the_owner_and_the_committee_once_per_working_day()
    {
        var chases = CommitteeAlerts.TaskOverdue("kg-wg", "KG working group", Task("t1"), new DateOnly(2026, 1, 12)).ToList();

        Assert.Equal(new[] { "kg-ngo", "kg-wg" }, chases.Select(c => c.AgencyId));
        Assert.All(chases, c => Assert.Equal("task:kg-wg:t1:overdue:2026-01-12", c.DedupeKey));
        Assert.All(chases, c => Assert.Equal("3", c.Data["daysOverdue"]));
    }
}
