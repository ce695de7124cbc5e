using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Statistics;
using Npgsql;
using Orleans.Core.Internal;

namespace Coordination.Tests.Committees;

/// <summary>
/// <see cref="ICommitteeGrain"/> on the fake clock: when overdue tasks are chased, how a crash between
/// the plan's write and the feeds' is made good without duplicates, and how a report reads the past.
/// </summary>
/// <remarks>
/// Acknowledgement deadlines of TaskAssigned items run on the same fake clock, so moving it by days
/// also raises AckOverdue items; the tests look at the item types they are about.
/// </remarks>
[Collection(CommitteeClusterCollection.Name)]
public sealed class CommitteeGrainTests(CommitteeClusterFixture fixture)
{
    [Fact]
    public async Task Task_past_its_due_date_is_chased_at_nine_on_each_of_the_owners_working_days_until_it_is_done()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var owner = await w.Agency("tm-mia");
        var wednesday = w.Next(DayOfWeek.Wednesday, owner);
        w.AdvanceTo(CommitteeWorld.At(wednesday, 10, 0, owner));
        var friday = wednesday.AddDays(2);
        var monday = friday.AddDays(3);
        var added = await w.Grain(committee).AddTasks(
            [CommitteeWorld.Task("Train investigators", owner, friday, ActionPlanArea.Prosecution)], CommitteeWorld.Secretary(committee), null);
        var task = Assert.Single(added.Tasks);

        // The due date itself, the weekend and Monday before nine: not yet.
        foreach (var quiet in new[] { At(friday, 23, 0), At(friday.AddDays(1), 10, 0), At(friday.AddDays(2), 10, 0), At(monday, 8, 59) })
        {
            w.AdvanceTo(quiet);
            await w.Grain(committee).CheckOverdue();
        }

        Assert.Empty(await w.Feed(owner, FeedItemType.TaskOverdue));
        Assert.Empty(await w.Feed(committee, FeedItemType.TaskOverdue));

        w.AdvanceTo(At(monday, 9, 0));
        await w.Grain(committee).CheckOverdue();

        foreach (var recipient in new[] { owner, committee })
        {
            var chase = Assert.Single(await w.Feed(recipient, FeedItemType.TaskOverdue));
            Assert.Equal(committee.Id, chase.CommitteeId);
            Assert.Equal(task.Id, chase.TaskId);
            Assert.Equal("3", chase.Data["daysOverdue"]);
            Assert.Equal(monday.ToString("yyyy-MM-dd"), chase.Data["workday"]);
            Assert.Equal(CommitteeWorld.At(monday, 9, 0, owner), chase.OccurredAt);
            Assert.Equal(FeedItemKind.Alert, chase.Kind);
        }

        // Checking again the same day changes nothing.
        w.AdvanceTo(At(monday, 15, 0));
        await w.Grain(committee).CheckOverdue();
        Assert.Single(await w.Feed(owner, FeedItemType.TaskOverdue));

        w.AdvanceTo(At(monday.AddDays(1), 9, 0));
        await w.Grain(committee).CheckOverdue();
        var chases = await w.Feed(owner, FeedItemType.TaskOverdue);
        Assert.Equal(["3", "4"], chases.Select(c => c.Data["daysOverdue"]));
        Assert.Equal(2, (await w.Feed(committee, FeedItemType.TaskOverdue)).Count);

        w.AdvanceTo(At(monday.AddDays(1), 12, 0));
        Assert.Null(Assert.Single(await w.Feed(owner, FeedItemType.TaskAssigned)).AcknowledgedAt);
        var done = await w.Grain(committee).UpdateTask(task.Id, new ActionPlanTaskUpdate(ActionPlanTaskStatus.Done, null, "Trained 60", null), CommitteeWorld.Staff(owner));
        Assert.False(done.Overdue);
        Assert.NotNull(done.AcknowledgedAt); // reporting on the task answers its assignment: no more AckOverdue for it
        Assert.Equal($"staff-{owner.Id}", Assert.Single(await w.Feed(owner, FeedItemType.TaskAssigned)).AcknowledgedBy);

        w.AdvanceTo(At(monday.AddDays(2), 9, 30));
        await w.Grain(committee).CheckOverdue();
        Assert.Equal(2, (await w.Feed(owner, FeedItemType.TaskOverdue)).Count);
        Assert.Equal(2, (await w.Feed(committee, FeedItemType.TaskOverdue)).Count);

        DateTimeOffset At(DateOnly day, int hour, int minute) => CommitteeWorld.At(day, hour, minute, owner);
    }

    [Fact]
    public async Task Each_owner_is_chased_at_the_start_of_its_own_working_day_in_its_own_time_zone()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var bishkek = await w.Agency("tm-embassy-bishkek", "Asia/Bishkek");
        var moscow = await w.Agency("tm-embassy-moscow", "Europe/Moscow");
        var friday = w.Next(DayOfWeek.Friday, moscow);
        w.AdvanceTo(CommitteeWorld.At(friday, 12, 0, moscow));
        await w.Grain(committee).AddTasks(
            [CommitteeWorld.Task("Return escort protocol", bishkek, friday), CommitteeWorld.Task("Consular registry", moscow, friday)],
            CommitteeWorld.Secretary(committee), null);
        var monday = friday.AddDays(3);

        w.AdvanceTo(CommitteeWorld.At(monday, 9, 30, bishkek)); // 03:30 UTC, 06:30 in Moscow
        await w.Grain(committee).CheckOverdue();
        Assert.Single(await w.Feed(bishkek, FeedItemType.TaskOverdue));
        Assert.Empty(await w.Feed(moscow, FeedItemType.TaskOverdue));

        w.AdvanceTo(CommitteeWorld.At(monday, 9, 0, moscow));
        await w.Grain(committee).CheckOverdue();
        Assert.Single(await w.Feed(bishkek, FeedItemType.TaskOverdue));
        var chase = Assert.Single(await w.Feed(moscow, FeedItemType.TaskOverdue));
        Assert.Equal(new DateTimeOffset(monday.ToDateTime(new TimeOnly(6, 0)), TimeSpan.Zero), chase.OccurredAt);
        Assert.Equal(2, (await w.Feed(committee, FeedItemType.TaskOverdue)).Count);
    }

    [Fact]
    public async Task Moving_the_due_date_ahead_stops_the_chase_until_the_new_date_has_passed_and_only_the_secretary_may_move_it()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var owner = await w.Agency("tm-ngo", kind: Contracts.Agencies.AgencyKind.Ngo);
        var friday = w.Next(DayOfWeek.Friday, owner);
        w.AdvanceTo(CommitteeWorld.At(friday, 10, 0, owner));
        var task = (await w.Grain(committee).AddTasks([CommitteeWorld.Task("Shelter places", owner, friday)], CommitteeWorld.Secretary(committee), null)).Tasks[0];
        var monday = friday.AddDays(3);
        w.AdvanceTo(CommitteeWorld.At(monday, 9, 0, owner));
        await w.Grain(committee).CheckOverdue();
        Assert.Single(await w.Feed(owner, FeedItemType.TaskOverdue));

        w.AdvanceTo(CommitteeWorld.At(monday, 10, 0, owner));
        var wednesday = monday.AddDays(2);
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            w.Grain(committee).UpdateTask(task.Id, new ActionPlanTaskUpdate(null, null, null, wednesday), CommitteeWorld.Staff(owner)));
        Assert.Equal(DomainErrorKind.Forbidden, refused.Kind);
        var moved = await w.Grain(committee).UpdateTask(task.Id, new ActionPlanTaskUpdate(null, null, "Budget approved late", wednesday), CommitteeWorld.Secretary(committee));
        Assert.Equal(wednesday, moved.DueDate);
        Assert.False(moved.Overdue);

        foreach (var day in new[] { monday.AddDays(1), wednesday })
        {
            w.AdvanceTo(CommitteeWorld.At(day, 9, 5, owner));
            await w.Grain(committee).CheckOverdue();
        }

        Assert.Single(await w.Feed(owner, FeedItemType.TaskOverdue));

        var thursday = wednesday.AddDays(1);
        w.AdvanceTo(CommitteeWorld.At(thursday, 9, 0, owner));
        await w.Grain(committee).CheckOverdue();
        var chases = await w.Feed(owner, FeedItemType.TaskOverdue);
        Assert.Equal(2, chases.Count);
        Assert.Equal("1", chases[1].Data["daysOverdue"]);
        Assert.Equal(thursday.ToString("yyyy-MM-dd"), chases[1].Data["workday"]);
    }

    [Fact]
    public async Task Assignments_committed_with_the_plan_but_never_handed_to_the_feed_are_written_by_its_catch_up_exactly_once()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var owner = await w.Agency("tm-mfa");
        var due = w.Today(owner).AddDays(30);
        fixture.Faults.FailNextFor(committee.Id, FeedFault.BeforeAppend);

        var added = await w.Grain(committee).AddTasks(
            [CommitteeWorld.Task("Consular guidance", owner, due), CommitteeWorld.Task("Pre-departure briefings", owner, due, ActionPlanArea.Prevention)],
            CommitteeWorld.Secretary(committee), null);

        Assert.Equal(2, added.Tasks.Count);
        Assert.Equal((2L, 0L), await OutboxAndFeedRowsAsync(owner));

        // The plan is committed with its outbox: a new activation reads it...
        await w.Grain(committee).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        var plan = await w.Grain(committee).Plan(CommitteeWorld.Secretary(committee));
        Assert.Equal(added.Tasks.Select(t => t.Id), plan.Tasks.Select(t => t.Id));

        // ...and the owner's feed writes the assignments when it catches up: here on its activation by
        // the first read, otherwise by its retry timer or the deadline sweeper.
        var assigned = await w.Feed(owner, FeedItemType.TaskAssigned);
        var feed = w.Client.GetGrain<IAgencyFeedGrain>(owner.Id);
        Assert.Equal((0L, 2L), await OutboxAndFeedRowsAsync(owner));
        Assert.Equal(added.Tasks.Select(t => t.Id), assigned.Select(a => a.TaskId));
        Assert.All(assigned, a => Assert.True(a.RequiresAck));

        await feed.CatchUp();
        await w.Grain(committee).CheckOverdue();
        Assert.Equal(assigned.Select(a => a.Id), (await w.Feed(owner, FeedItemType.TaskAssigned)).Select(a => a.Id));
    }

    [Fact]
    public async Task Feed_items_committed_whose_answer_was_lost_are_not_duplicated_when_sent_again()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var owner = await w.Agency("tm-iom", kind: Contracts.Agencies.AgencyKind.InternationalOrganization);
        var task = (await w.Grain(committee).AddTasks([CommitteeWorld.Task("Reintegration grants", owner, w.Today(owner).AddDays(40))],
            CommitteeWorld.Secretary(committee), null)).Tasks[0];
        fixture.Faults.FailNextFor(committee.Id, FeedFault.AfterCommit);

        await w.Grain(committee).UpdateTask(task.Id, new ActionPlanTaskUpdate(ActionPlanTaskStatus.InProgress, null, "Call for proposals out", null), CommitteeWorld.Staff(owner));
        var first = Assert.Single(await w.Feed(committee, FeedItemType.TaskUpdated));

        await w.Client.GetGrain<IAgencyFeedGrain>(committee.Id).CatchUp();
        await w.Grain(committee).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await w.Grain(committee).CheckOverdue();

        var again = Assert.Single(await w.Feed(committee, FeedItemType.TaskUpdated));
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Seq, again.Seq);
        Assert.Empty(await w.Feed(owner, FeedItemType.TaskUpdated)); // the owner made the change itself
        var all = await FeedOf(w, committee).Since(0, 10_000);
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(i => i.Seq));
    }

    [Fact]
    public async Task Retrying_with_the_same_idempotency_key_returns_the_first_tasks_and_a_different_request_is_a_conflict()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var owner = await w.Agency("tm-mlsp");
        var tasks = new[] { CommitteeWorld.Task("Employment programme", owner, w.Today(owner).AddDays(90)) };
        var key = new IdempotentRequest("import-1", "hash-a");

        var first = await w.Grain(committee).AddTasks(tasks, CommitteeWorld.Secretary(committee), key);
        var replay = await w.Grain(committee).AddTasks(tasks, CommitteeWorld.Secretary(committee), key);

        Assert.True(first.Created);
        Assert.False(replay.Created);
        Assert.Equal(first.Tasks.Select(t => t.Id), replay.Tasks.Select(t => t.Id));
        Assert.Single((await w.Grain(committee).Plan(CommitteeWorld.Secretary(committee))).Tasks);
        Assert.Single(await w.Feed(owner, FeedItemType.TaskAssigned));
        var conflict = await Assert.ThrowsAsync<DomainException>(() =>
            w.Grain(committee).AddTasks(tasks, CommitteeWorld.Secretary(committee), key with { Hash = "hash-b" }));
        Assert.Equal(DomainErrorKind.Conflict, conflict.Kind);
    }

    [Fact]
    public async Task A_key_of_added_tasks_is_refused_for_a_meeting_and_the_same_tasks_without_a_key_are_added_again()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var owner = await w.Agency("tm-mfa-keys");
        var tasks = new[] { CommitteeWorld.Task("Shelter standards", owner, w.Today(owner).AddDays(60)) };
        var secretary = CommitteeWorld.Secretary(committee);
        var key = new IdempotentRequest("plan-1", "hash-a");

        await w.Grain(committee).AddTasks(tasks, secretary, key);
        var refused = await Assert.ThrowsAsync<DomainException>(() =>
            w.Grain(committee).RecordMeeting(new NewMeeting(w.Today(owner), "Quarterly meeting", tasks), secretary, key));

        Assert.Equal(DomainErrorKind.Conflict, refused.Kind);
        Assert.True((await w.Grain(committee).AddTasks(tasks, secretary, null)).Created);
        Assert.Equal(2, (await w.Grain(committee).Plan(secretary)).Tasks.Count);
        Assert.Empty(await w.Grain(committee).Meetings(secretary));
    }

    [Fact]
    public async Task Report_of_a_closed_period_shows_the_tasks_as_they_stood_at_its_end_not_as_they_are_now()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var owner = await w.Agency("tm-yenme", kind: Contracts.Agencies.AgencyKind.Ngo);
        var monday = w.Next(DayOfWeek.Monday, owner);
        var start = CommitteeWorld.At(monday, 10, 0, owner);
        w.AdvanceTo(start);
        var period = new ReportingPeriod(start.AddHours(-1), start.AddDays(7));
        var secretary = CommitteeWorld.Secretary(committee);
        var staff = CommitteeWorld.Staff(owner);
        var tasks = (await w.Grain(committee).AddTasks(
        [
            CommitteeWorld.Task("Awareness campaign", owner, monday.AddDays(30), ActionPlanArea.Prevention, new Indicator("Persons reached", "persons", 0, 5000)),
            CommitteeWorld.Task("NGO coalition charter", owner, monday.AddDays(30), ActionPlanArea.Partnership),
            CommitteeWorld.Task("Hotline tender", owner, monday.AddDays(2), ActionPlanArea.Prevention),
        ], secretary, null)).Tasks;
        var (campaign, charter, hotline) = (tasks[0].Id, tasks[1].Id, tasks[2].Id);

        w.AdvanceTo(start.AddDays(1));
        await w.Grain(committee).UpdateTask(campaign, new(ActionPlanTaskStatus.InProgress, 2000, null, null), staff);
        await w.Grain(committee).UpdateTask(charter, new(ActionPlanTaskStatus.Done, null, "Signed", null), staff);
        w.AdvanceTo(start.AddDays(3));
        await w.Grain(committee).UpdateTask(campaign, new(null, 3500, null, null), staff);
        w.AdvanceTo(start.AddDays(8));
        await w.Grain(committee).UpdateTask(campaign, new(ActionPlanTaskStatus.Done, 5200, null, null), staff);
        await w.Grain(committee).UpdateTask(hotline, new(ActionPlanTaskStatus.Done, null, null, null), staff);
        w.AdvanceTo(start.AddDays(9));

        var report = await w.Grain(committee).Report(period, secretary);

        Assert.Equal(period.To, report.AsOf);
        Assert.Equal((3, 1, 1, 1, 0, 1, 1), (report.Tasks.Total, report.Tasks.NotStarted, report.Tasks.InProgress, report.Tasks.Done,
            report.Tasks.Blocked, report.Tasks.Overdue, report.Tasks.CompletedInPeriod));
        var prevention = report.Tasks.ByArea.Single(a => a.Area == ActionPlanArea.Prevention);
        Assert.Equal((2, 1, 1, 0, 1), (prevention.Total, prevention.NotStarted, prevention.InProgress, prevention.Done, prevention.Overdue));
        var indicator = Assert.Single(report.Indicators);
        Assert.Equal((campaign, 3500m, 70.0m, false), (indicator.TaskId, indicator.Indicator.Value, indicator.Indicator.ProgressPercent, indicator.Indicator.Met));
        var overdue = Assert.Single(report.Overdue);
        Assert.Equal((hotline, 5, ActionPlanTaskStatus.NotStarted, owner.Name), (overdue.TaskId, overdue.DaysOverdue, overdue.Status, overdue.OwnerName));
        Assert.Equal("TM", report.Statistics.Country);
        Assert.Equal([(campaign, ActionPlanTaskStatus.InProgress), (hotline, ActionPlanTaskStatus.NotStarted), (charter, ActionPlanTaskStatus.Done)],
            report.Implementation.Select(t => (t.TaskId, t.Status)));

        var running = await w.Grain(committee).Report(new ReportingPeriod(period.From, start.AddDays(30)), secretary);
        Assert.Equal(w.Clock.GetUtcNow(), running.AsOf);
        Assert.Equal((3, 3, 0, 3), (running.Tasks.Total, running.Tasks.Done, running.Tasks.Overdue, running.Tasks.CompletedInPeriod));
        Assert.True(running.Indicators.Single().Indicator.Met);
    }

    [Fact]
    public async Task Owner_agencies_see_and_change_only_their_own_tasks_and_strangers_are_told_the_committee_does_not_exist()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var other = await w.Committee("kg-nap-wg", "KG", "Asia/Bishkek");
        var mine = await w.Agency("tm-owner-a");
        var theirs = await w.Agency("tm-owner-b");
        var due = w.Today(mine).AddDays(10);
        var tasks = (await w.Grain(committee).AddTasks([CommitteeWorld.Task("Mine", mine, due), CommitteeWorld.Task("Theirs", theirs, due)],
            CommitteeWorld.Secretary(committee), null)).Tasks;

        var seen = await w.Grain(committee).Plan(CommitteeWorld.Staff(mine));
        Assert.Equal([tasks[0].Id], seen.Tasks.Select(t => t.Id));
        await Refused(DomainErrorKind.NotFound, () => w.Grain(committee).Task(tasks[1].Id, CommitteeWorld.Staff(mine)));
        await Refused(DomainErrorKind.NotFound, () => w.Grain(committee).UpdateTask(tasks[1].Id, new(ActionPlanTaskStatus.Done, null, null, null), CommitteeWorld.Staff(mine)));
        await Refused(DomainErrorKind.Forbidden, () => w.Grain(committee).AddTasks([CommitteeWorld.Task("Sneaky", mine, due)], CommitteeWorld.Staff(mine), null));
        await Refused(DomainErrorKind.Forbidden, () => w.Grain(committee).Report(new ReportingPeriod(w.Clock.GetUtcNow(), w.Clock.GetUtcNow().AddDays(1)), CommitteeWorld.Staff(mine)));

        // The other committee's secretary, and the grain of an agency that is no committee, see nothing.
        await Refused(DomainErrorKind.NotFound, () => w.Grain(committee).Plan(CommitteeWorld.Secretary(other)));
        await Refused(DomainErrorKind.NotFound, () => w.Grain(committee).UpdateTask(tasks[0].Id, new(ActionPlanTaskStatus.Done, null, null, null), CommitteeWorld.Secretary(other)));
        await Refused(DomainErrorKind.NotFound, () => w.Grain(mine).Plan(CommitteeWorld.Secretary(mine)));
    }

    [Fact]
    public async Task The_grain_refuses_values_outside_an_enumeration_and_owners_of_another_country_whoever_calls_it()
    {
        var w = new CommitteeWorld(fixture);
        var committee = await w.Committee();
        var owner = await w.Agency("tm-owner");
        var foreign = await w.Agency("kz-owner", "Asia/Almaty", country: "KZ");
        var due = w.Today(owner).AddDays(10);
        var secretary = CommitteeWorld.Secretary(committee);

        // What "Prosecution, Coordination" became when it was read as flags.
        await Refused(DomainErrorKind.Validation, () => w.Grain(committee).AddTasks([CommitteeWorld.Task("Flags", owner, due, (ActionPlanArea)6)], secretary, null));
        await Refused(DomainErrorKind.Validation, () => w.Grain(committee).AddTasks([CommitteeWorld.Task("Abroad", foreign, due)], secretary, null));
        await Refused(DomainErrorKind.Validation, () => w.Grain(committee).AddMember(foreign.Id, secretary));
        var task = (await w.Grain(committee).AddTasks([CommitteeWorld.Task("Fine", owner, due)], secretary, null)).Tasks.Single();
        await Refused(DomainErrorKind.Validation, () => w.Grain(committee).UpdateTask(task.Id, new((ActionPlanTaskStatus)7, null, null, null), secretary));

        var plan = await w.Grain(committee).Plan(secretary);
        Assert.Equal([task.Id], plan.Tasks.Select(t => t.Id));
        Assert.Equal([owner.Id], plan.MemberAgencies);
    }

    private async Task<(long Outbox, long Feed)> OutboxAndFeedRowsAsync(Contracts.Agencies.Agency agency)
    {
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM feed_outbox WHERE agency_id = @agency), (SELECT count(*) FROM feed_items WHERE agency_id = @agency)", connection);
        command.Parameters.AddWithValue("agency", agency.Id);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

        private static IAgencyFeedGrain FeedOf(CommitteeWorld w, Contracts.Agencies.Agency agency) => w.Client.GetGrain<IAgencyFeedGrain>(agency.Id);

    private static async Task Refused(DomainErrorKind kind, Func<Task> action) =>
        Assert.Equal(kind, (await Assert.ThrowsAsync<DomainException>(action)).Kind);
}
