using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Committees;
using Coordination.Grains.Committees;

namespace Coordination.Tests.Committees;

/// <summary>The plan's rules on a plan built in memory: who works with it, what new tasks need, what an update may change.</summary>
public sealed class ActionPlanRulesTests
{
    private const string Committee = "kg-wg";
    private const string Owner = "kg-ngo";
    private static readonly DateTimeOffset Monday = new(2026, 1, 5, 0, 0, 0, TimeSpan.Zero);
    private static readonly WorkingWeek Week = new CommitteeOptions().Week();
    private static readonly Actor Secretary = new("secretary", Committee);
    private static readonly Actor OwnerStaff = new("worker", Owner);

    private static readonly Dictionary<string, Agency> Agencies = new[]
    {
        Agency(Owner, "KG"), Agency("kg-mfa", "KG"), Agency("tj-ngo", "TJ"),
    }.ToDictionary(a => a.Id);

    private static Agency Agency(string id, string country) =>
        new(id, id, AgencyKind.Ngo, country, null, null, "Asia/Bishkek", [], [], []);

    private static NewActionPlanTask NewTask(string owner = Owner, ActionPlanTaskStatus status = ActionPlanTaskStatus.NotStarted, Indicator? indicator = null) =>
        new("Shelter standards", ActionPlanArea.Protection, owner, new DateOnly(2026, 1, 9), indicator, status, IndicatorValue: 3);

    private static (CommitteeState Plan, PlanTaskState Task) PlanWithTask(Indicator? indicator = null)
    {
        var plan = new CommitteeState();
        var task = ActionPlanRules.AddTasks(plan, Committee, [NewTask(indicator: indicator)], Agencies, Secretary, Monday, null, Week).Single();
        return (plan, task);
    }

    private static DomainErrorKind Refusal(Action act) => Assert.Throws<DomainException>(act).Kind;

    [Theory]
    [InlineData(Committee, true, true, PlanAccess.Secretary)]
    [InlineData(Committee, true, false, PlanAccess.Secretary)]
    [InlineData(Committee, false, true, PlanAccess.Committee)]
    [InlineData(Owner, false, false, PlanAccess.OwnTasks)]
    [InlineData(Owner, true, true, PlanAccess.OwnTasks)] // roles count only within the committee itself
    public void Access_follows_the_callers_agency_and_role(string agencyId, bool secretary, bool member, PlanAccess expected)
    {
        Assert.Equal(expected, ActionPlanRules.Authorize(Committee, new CommitteeCaller(new Actor("u", agencyId), secretary, member), [Owner]));
    }

    [Fact]
    public void The_committees_own_people_without_a_role_get_403_and_strangers_are_told_it_does_not_exist()
    {
        Assert.Equal(DomainErrorKind.Forbidden, Refusal(() => ActionPlanRules.Authorize(Committee, new CommitteeCaller(Secretary, false, false), [Owner])));
        Assert.Equal(DomainErrorKind.NotFound, Refusal(() => ActionPlanRules.Authorize(Committee, new CommitteeCaller(new Actor("u", "kg-mfa"), true, true), [Owner])));
        Assert.Equal(DomainErrorKind.Forbidden, Refusal(() => ActionPlanRules.RequireSecretary(PlanAccess.Committee)));
        Assert.Equal(DomainErrorKind.Forbidden, Refusal(() => ActionPlanRules.RequireReportAccess(PlanAccess.OwnTasks)));
        ActionPlanRules.RequireReportAccess(PlanAccess.Committee);
    }

    [Fact]
    public void An_owner_agency_sees_only_its_own_tasks()
    {
        var (plan, task) = PlanWithTask();
        ActionPlanRules.AddTasks(plan, Committee, [NewTask("kg-mfa")], Agencies, Secretary, Monday, null, Week);
        var owner = new CommitteeCaller(OwnerStaff, false, false);

        Assert.Same(task, ActionPlanRules.Visible(plan, Committee, "t1", owner, PlanAccess.OwnTasks));
        Assert.Equal(DomainErrorKind.NotFound, Refusal(() => ActionPlanRules.Visible(plan, Committee, "t2", owner, PlanAccess.OwnTasks)));
        Assert.Equal("kg-mfa", ActionPlanRules.Visible(plan, Committee, "t2", new CommitteeCaller(Secretary, true, true), PlanAccess.Secretary).OwnerAgencyId);
    }

    [Fact]
    public void New_tasks_fit_the_plan_and_are_owned_by_existing_agencies_of_the_committees_country()
    {
        var (plan, _) = PlanWithTask();

        Assert.Equal(DomainErrorKind.Validation, Refusal(() => ActionPlanRules.RequireAddable(plan, [NewTask(), NewTask()], maxTasks: 2)));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => ActionPlanRules.RequireAddable(plan, [NewTask() with { Area = (ActionPlanArea)99 }], 10)));
        ActionPlanRules.RequireAddable(plan, [NewTask()], maxTasks: 2);

        var unknown = Assert.Throws<DomainException>(() => ActionPlanRules.RequireOwners([NewTask(), NewTask("kg-missing")], Agencies, "KG"));
        Assert.Equal(new[] { "tasks[1].ownerAgencyId" }, unknown.Errors!.Keys);
        var foreign = Assert.Throws<DomainException>(() => ActionPlanRules.RequireOwners([NewTask("tj-ngo")], Agencies, "KG"));
        Assert.Equal(new[] { "tasks[0].ownerAgencyId" }, foreign.Errors!.Keys);
        ActionPlanRules.RequireOwners([NewTask(), NewTask("kg-mfa")], Agencies, "KG");
    }

    [Fact]
    public void Added_tasks_are_numbered_on_scheduled_for_their_chase_and_make_their_owners_members()
    {
        var (plan, first) = PlanWithTask();

        var agencies = new Dictionary<string, Agency>(Agencies) { [Committee] = Agency(Committee, "KG") };
        var more = ActionPlanRules.AddTasks(plan, Committee, [NewTask("kg-mfa"), NewTask(Committee)], agencies, Secretary, Monday, "m1", Week);

        Assert.Equal(new[] { "t1", "t2", "t3" }, plan.Tasks.Select(t => t.Id));
        Assert.Equal(new[] { Owner, "kg-mfa" }, plan.MemberAgencies); // the committee owning a task is no member of itself
        Assert.Equal("m1", more[0].MeetingId);
        Assert.Null(first.IndicatorValue); // a value without an indicator is dropped
        Assert.Equal(TaskChangeKind.Created, Assert.Single(first.History).Kind);
        // Due Friday 9 January: chased from Monday 12 January, 09:00 in Bishkek (UTC+6).
        Assert.Equal(new DateTimeOffset(2026, 1, 12, 3, 0, 0, TimeSpan.Zero), first.NextOverdueAt);
    }

    [Fact]
    public void The_owner_or_the_secretary_updates_a_task_but_only_the_secretary_moves_its_due_date()
    {
        var (plan, task) = PlanWithTask();
        var done = new ActionPlanTaskUpdate(ActionPlanTaskStatus.Done, null, null, null);
        var moved = new ActionPlanTaskUpdate(null, null, null, new DateOnly(2026, 2, 2));

        Assert.Equal(DomainErrorKind.Forbidden, Refusal(() => ActionPlanRules.Update(plan, Committee, task, done, null, PlanAccess.OwnTasks, new Actor("u", "kg-mfa"), Monday, Week)));
        Assert.Equal(DomainErrorKind.Forbidden, Refusal(() => ActionPlanRules.Update(plan, Committee, task, done, null, PlanAccess.Committee, new Actor("u", Committee), Monday, Week)));
        Assert.Equal(DomainErrorKind.Forbidden, Refusal(() => ActionPlanRules.Update(plan, Committee, task, moved, null, PlanAccess.OwnTasks, OwnerStaff, Monday, Week)));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => ActionPlanRules.Update(plan, Committee, task, new(null, 5, null, null), null, PlanAccess.OwnTasks, OwnerStaff, Monday, Week)));

        var change = ActionPlanRules.Update(plan, Committee, task, moved, null, PlanAccess.Secretary, Secretary, Monday.AddHours(1), Week);

        Assert.Equal(new TaskChange(2, TaskChangeKind.Updated, Monday.AddHours(1), Committee, "secretary", null, null, new DateOnly(2026, 2, 2), null), change);
        Assert.Equal(new DateOnly(2026, 2, 2), task.DueDate);
        Assert.Equal(new DateTimeOffset(2026, 2, 3, 3, 0, 0, TimeSpan.Zero), task.NextOverdueAt);
    }

    [Fact]
    public void An_update_that_changes_nothing_is_not_recorded_and_a_done_task_is_no_longer_chased()
    {
        var (plan, task) = PlanWithTask(new Indicator("Shelter places", "places", 0, 30));

        Assert.Null(ActionPlanRules.Update(plan, Committee, task, new(ActionPlanTaskStatus.NotStarted, null, null, new DateOnly(2026, 1, 9)), null, PlanAccess.Secretary, Secretary, Monday, Week));
        Assert.Single(task.History);

        var change = ActionPlanRules.Update(plan, Committee, task, new(ActionPlanTaskStatus.Done, 30, "opened", null), null, PlanAccess.OwnTasks, OwnerStaff, Monday, Week);

        Assert.Equal(new TaskChange(2, TaskChangeKind.Updated, Monday, Owner, "worker", ActionPlanTaskStatus.Done, 30, null, "opened"), change);
        Assert.Equal(ActionPlanTaskStatus.Done, task.Status);
        Assert.Equal(30m, task.IndicatorValue);
        Assert.Null(task.NextOverdueAt);
        Assert.True(ActionPlanRules.SettlesAssignment(task, Committee));
    }

    [Fact]
    public void Only_the_secretary_reassigns_a_task_to_an_existing_agency_of_the_country_which_becomes_a_member_and_is_chased_in_its_time_zone()
    {
        var (plan, task) = PlanWithTask();
        var agencies = new Dictionary<string, Agency>(Agencies)
        {
            ["kg-police"] = Agency("kg-police", "KG") with { TimeZone = "Asia/Almaty" },
            ["uz-police"] = Agency("uz-police", "UZ"),
        };
        var reassign = new ActionPlanTaskUpdate(null, null, null, null, "kg-police");

        Assert.Null(ActionPlanRules.NewOwner(task, new ActionPlanTaskUpdate(null, null, "same owner", null, Owner), PlanAccess.OwnTasks, agencies, "KG"));
        Assert.Equal(DomainErrorKind.Forbidden, Refusal(() => ActionPlanRules.NewOwner(task, reassign, PlanAccess.OwnTasks, agencies, "KG")));
        Assert.Equal(DomainErrorKind.Forbidden, Refusal(() => ActionPlanRules.NewOwner(task, reassign, PlanAccess.Committee, agencies, "KG")));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => ActionPlanRules.NewOwner(task, reassign with { OwnerAgencyId = "nobody" }, PlanAccess.Secretary, agencies, "KG")));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => ActionPlanRules.NewOwner(task, reassign with { OwnerAgencyId = "uz-police" }, PlanAccess.Secretary, agencies, "KG")));

        var owner = ActionPlanRules.NewOwner(task, reassign, PlanAccess.Secretary, agencies, "KG");
        var change = ActionPlanRules.Update(plan, Committee, task, reassign, owner, PlanAccess.Secretary, Secretary, Monday, Week);

        Assert.Equal(new TaskChange(2, TaskChangeKind.Updated, Monday, Committee, "secretary", null, null, null, null, "kg-police"), change);
        Assert.Equal("kg-police", task.OwnerAgencyId);
        Assert.Equal("Asia/Almaty", task.OwnerTimeZone);
        Assert.Contains("kg-police", plan.MemberAgencies);
        Assert.True(ActionPlanRules.SettlesAssignment(task, "kg-police"));
        Assert.False(ActionPlanRules.SettlesAssignment(task, Owner));
    }

    [Fact]
    public void The_assignment_is_settled_by_its_owner_acting_or_by_the_task_being_done()
    {
        var (_, task) = PlanWithTask();

        Assert.True(ActionPlanRules.SettlesAssignment(task, Owner));
        Assert.False(ActionPlanRules.SettlesAssignment(task, Committee));
    }

    [Fact]
    public void A_member_is_an_existing_agency_of_the_committees_country()
    {
        var committee = Agency(Committee, "KG");

        Assert.Equal(DomainErrorKind.Validation, Refusal(() => ActionPlanRules.RequireMemberOf(committee, "kg-missing", null)));
        Assert.Equal(DomainErrorKind.Validation, Refusal(() => ActionPlanRules.RequireMemberOf(committee, "tj-ngo", Agencies["tj-ngo"])));
        ActionPlanRules.RequireMemberOf(committee, Owner, Agencies[Owner]);
    }
}
