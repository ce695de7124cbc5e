using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Idempotency;
using Coordination.Contracts.Statistics;
using Coordination.Grains.Cases;
using Coordination.Grains.Hosting;
using Coordination.Grains.Idempotency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Storage;

namespace Coordination.Grains.Committees;

/// <summary>
/// One committee and its live action plan, a row of <c>committees</c>. Each command is checked and
/// applied by the plan's rules (<see cref="ActionPlanRules"/>), raises the overdue chases that fell
/// due (<see cref="OverdueSchedule"/>), and commits together with its Idempotency-Key
/// (<see cref="CommitteeCommandKeys"/>) and the feed entries it causes (<see cref="CommitteeAlerts"/>)
/// in one transaction (<see cref="CommitteeStore.SaveAsync"/>); the entries are then handed to the
/// feeds, exactly as a case's are.
/// </summary>
public sealed class CommitteeGrain(
    NpgsqlDataSource db,
    ICommitteeFeedWriter feedWriter,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<CommitteeOptions> options,
    ILogger<CommitteeGrain> logger,
    [FromKeyedServices(LegacyCommitteeImport.Provider)] IGrainStorage? legacyStorage = null) : Grain, ICommitteeGrain, IRemindable
{
    private readonly WorkingWeek _week = options.Value.Week();
    private readonly StoredPlan _stored = new(db, feedWriter, legacyStorage, logger);
    private CommitteeWakeUps? _wakeUps;
    private Agency? _committee;

    private string CommitteeId => this.GetPrimaryKeyString();

    private CommitteeState Current => _stored.Plan;

    private CommitteeWakeUps WakeUps => _wakeUps ??= new(this, options.Value);

    private IAgencyDirectoryGrain Directory => GrainFactory.GetGrain<IAgencyDirectoryGrain>(0);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Catch up on whatever fell due while no silo held this committee. Never fail the activation
        // on the database or the reminder table (a failed activation refuses every call for seconds,
        // and not with the 503 of an outage): try again later.
        await CheckOverdueOrRetryAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckOverdueAsync();

    public Task<int> CheckOverdue() => CheckOverdueAsync();

    public async Task<MemberAdded> AddMember(string agencyId, CommitteeCaller caller)
    {
        ActionPlanRules.RequireSecretary(await AuthorizeAsync(caller));
        if (Current.MemberAgencies.Contains(agencyId))
        {
            return new MemberAdded(Current.MemberAgencies.ToList(), Added: false);
        }

        ActionPlanRules.RequireMemberOf(await CommitteeAsync(), agencyId, await Directory.Get(agencyId));
        Current.MemberAgencies.Add(agencyId);
        await CommitAsync([], key: null);
        logger.LogInformation("Committee {CommitteeId}: agency {AgencyId} listed as a member", CommitteeId, agencyId);
        return new MemberAdded(Current.MemberAgencies.ToList(), Added: true);
    }

    public async Task<TasksAdded> AddTasks(IReadOnlyList<NewActionPlanTask> tasks, CommitteeCaller caller, IdempotentRequest? idempotency)
    {
        ActionPlanRules.RequireSecretary(await AuthorizeAsync(caller));
        if (await ReplayAsync(caller, idempotency) is { } previous)
        {
            return new TasksAdded(await ViewsAsync(previous.TaskIds), Created: false);
        }

        var created = await CreateTasksAsync(tasks, caller, meetingId: null);
        var key = KeyOf(caller, idempotency, CommitteeCommandKeys.Tasks(CommitteeId, created.Select(t => t.Id)));
        if (await CommitAsync(CommitteeAlerts.Assignments(CommitteeId, _committee!.Name, created), key) is null)
        {
            return await AddTasks(tasks, caller, idempotency);
        }

        logger.LogInformation("Committee {CommitteeId}: {Count} tasks added by {AgencyId}", CommitteeId, created.Count, caller.Actor.AgencyId);
        return new TasksAdded(await ViewsAsync(created.Select(t => t.Id)), Created: true);
    }

    public async Task<MeetingRecorded> RecordMeeting(NewMeeting meeting, CommitteeCaller caller, IdempotentRequest? idempotency)
    {
        ActionPlanRules.RequireSecretary(await AuthorizeAsync(caller));
        if (await ReplayAsync(caller, idempotency) is { } previous)
        {
            var recorded = Current.Meetings.SingleOrDefault(m => m.Id == previous.MeetingId)
                ?? throw DomainException.Conflict("This Idempotency-Key was already used with a different request.");
            return new MeetingRecorded(recorded, await ViewsAsync(recorded.TaskIds), Created: false);
        }

        var meetingId = $"m{Current.Meetings.Count + 1}";
        var created = await CreateTasksAsync(meeting.Decisions, caller, meetingId);
        var record = new Meeting(meetingId, meeting.Date, meeting.Title, created.Select(t => t.Id).ToList(), clock.GetUtcNow(), caller.Actor.Username);
        Current.Meetings.Add(record);
        if (await CommitAsync(CommitteeAlerts.Assignments(CommitteeId, _committee!.Name, created), KeyOf(caller, idempotency, CommitteeCommandKeys.Meeting(CommitteeId, meetingId))) is null)
        {
            return await RecordMeeting(meeting, caller, idempotency);
        }

        logger.LogInformation("Committee {CommitteeId}: meeting {MeetingId} recorded with {Count} decisions", CommitteeId, meetingId, created.Count);
        return new MeetingRecorded(record, await ViewsAsync(record.TaskIds), Created: true);
    }

    public async Task<IReadOnlyList<Meeting>> Meetings(CommitteeCaller caller)
    {
        await AuthorizeAsync(caller);
        return Current.Meetings.ToList();
    }

    public async Task<ActionPlanTask> UpdateTask(string taskId, ActionPlanTaskUpdate update, CommitteeCaller caller)
    {
        if (update.Status is { } wanted)
        {
            StrictEnum.RequireDefined("status", wanted);
        }

        var access = await AuthorizeAsync(caller);
        var task = ActionPlanRules.Visible(Current, CommitteeId, taskId, caller, access);
        var previous = task.Status;
        var previousOwner = task.OwnerAgencyId;
        var committee = await CommitteeAsync();
        var newOwner = update.OwnerAgencyId is null
            ? null
            : ActionPlanRules.NewOwner(task, update, access, (await Directory.List()).ToDictionary(a => a.Id, StringComparer.Ordinal), committee.Country);
        if (ActionPlanRules.Update(Current, CommitteeId, task, update, newOwner, access, caller.Actor, clock.GetUtcNow(), _week) is not { } change)
        {
            return await ViewAsync(task);
        }

        // A reassigned task's assignment is the new owner's to answer: the old one's stops escalating.
        var settled = newOwner is not null || ActionPlanRules.SettlesAssignment(task, caller.Actor.AgencyId)
            ? new[] { CommitteeAlerts.Settles(CommitteeId, previousOwner, task, caller.Actor.Username) }
            : [];
        var feed = CommitteeAlerts.TaskUpdated(CommitteeId, committee.Name, task, change, previous, previousOwner).ToList();
        if (newOwner is not null && task.Status != ActionPlanTaskStatus.Done)
        {
            feed.Add(CommitteeAlerts.TaskAssigned(CommitteeId, committee.Name, task, reassignment: change.Seq));
        }

        await CommitAsync(feed, key: null, settled);
        logger.LogInformation("Committee {CommitteeId}: task {TaskId} updated by {AgencyId}, status {Status}, owner {OwnerAgencyId}",
            CommitteeId, taskId, caller.Actor.AgencyId, task.Status, task.OwnerAgencyId);
        return await ViewAsync(task);
    }

    public async Task<ActionPlan> Plan(CommitteeCaller caller)
    {
        var access = await AuthorizeAsync(caller);
        var committee = await CommitteeAsync();
        var tasks = Current.Tasks.Where(t => access != PlanAccess.OwnTasks || t.OwnerAgencyId == caller.Actor.AgencyId).ToList();
        var members = access == PlanAccess.OwnTasks ? [caller.Actor.AgencyId] : Current.MemberAgencies.ToList();
        return new ActionPlan(CommitteeId, committee.Country, clock.GetUtcNow(), members, await ViewsAsync(tasks.Select(t => t.Id)));
    }

    public async Task<ActionPlanTask> Task(string taskId, CommitteeCaller caller) =>
        await ViewAsync(ActionPlanRules.Visible(Current, CommitteeId, taskId, caller, await AuthorizeAsync(caller)));

    public async Task<MonitoringReport> Report(ReportingPeriod period, CommitteeCaller caller)
    {
        ActionPlanRules.RequireReportAccess(await AuthorizeAsync(caller));
        var committee = await CommitteeAsync();
        var statistics = await GrainFactory.GetGrain<IStatisticsGrain>(0)
            .Compute(new StatisticsQuery(committee.Country, period), caller.Actor.Username, caller.Actor.AgencyId);
        var names = (await Directory.List()).ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
        return MonitoringReports.Build(committee, period, clock.GetUtcNow(), Current.Tasks, Current.Meetings, names, statistics);
    }

    private async Task<List<PlanTaskState>> CreateTasksAsync(IReadOnlyList<NewActionPlanTask> tasks, CommitteeCaller caller, string? meetingId)
    {
        ActionPlanRules.RequireAddable(Current, tasks, options.Value.MaxTasks);
        var agencies = (await Directory.List()).ToDictionary(a => a.Id, StringComparer.Ordinal);
        ActionPlanRules.RequireOwners(tasks, agencies, (await CommitteeAsync()).Country);
        return ActionPlanRules.AddTasks(Current, CommitteeId, tasks, agencies, caller.Actor, clock.GetUtcNow(), meetingId, _week);
    }

    private async Task CheckOverdueOrRetryAsync()
    {
        try
        {
            await CheckOverdueAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not DomainException { Kind: not DomainErrorKind.Unavailable })
        {
            logger.LogWarning("Committee {CommitteeId}: checking overdue tasks failed ({Error}); will retry", CommitteeId, ex.GetType().Name);
            WakeUps.RetryLater(CheckOverdueOrRetryAsync);
        }
    }

    private async Task<int> CheckOverdueAsync()
    {
        await LoadAsync();
        if (Current.Tasks.Count == 0)
        {
            return 0;
        }

        var raised = await CommitAsync([], key: null, onlyIfDue: true) ?? 0;
        if (raised > 0)
        {
            logger.LogInformation("Committee {CommitteeId}: {Count} overdue task alerts raised", CommitteeId, raised);
        }

        return raised;
    }

    /// <summary>
    /// Raises whatever overdue chases are due, commits the plan with the feed entries of the change
    /// (and the command's key), hands them to the feeds and schedules the next wake-up. Returns the
    /// number of TaskOverdue chases raised; null when a command under the same key committed first:
    /// the plan is read again, and the caller answers as a retry.
    /// </summary>
    private async Task<int?> CommitAsync(
        IReadOnlyList<NewFeedItem> items, CommitteeCommandKey? key, IReadOnlyList<FeedSettlement>? settlements = null, bool onlyIfDue = false)
    {
        var now = clock.GetUtcNow();
        var feed = items.ToList();
        var due = OverdueSchedule.TakeDue(Current.Tasks, now, _week);
        if (due.Count > 0)
        {
            var name = (await CommitteeAsync()).Name;
            feed.AddRange(due.SelectMany(d => CommitteeAlerts.TaskOverdue(CommitteeId, name, d.Task, d.Workday)));
        }

        if ((!onlyIfDue || due.Count > 0) && !await _stored.SaveAsync(this.GetGrainId(), CommitteeId, feed, settlements ?? [], key, now))
        {
            return null;
        }

        await WakeUps.ScheduleAsync(OverdueSchedule.NextWakeUp(Current.Tasks), now);
        return due.Count;
    }

    private Task LoadAsync() => _stored.LoadIfStaleAsync(this.GetGrainId(), CommitteeId, clock.GetUtcNow());

    /// <summary>What an earlier command under the caller's key created, or null for a new key (409 for a key used otherwise).</summary>
    private async Task<CommandOutcome?> ReplayAsync(CommitteeCaller caller, IdempotentRequest? idempotency) =>
        idempotency is null
            ? null
            : CommitteeCommandKeys.Replay(
                await IdempotencyStore.FindAsync(db, IdempotencyScope.Agency(caller.Actor.AgencyId), idempotency.Key), CommitteeId, idempotency);

    private static CommitteeCommandKey? KeyOf(CommitteeCaller caller, IdempotentRequest? idempotency, string resourceId) =>
        idempotency is null ? null : new CommitteeCommandKey(caller.Actor.AgencyId, idempotency, resourceId);

    private async Task<Agency> CommitteeAsync()
    {
        if (_committee is null)
        {
            var agency = await Directory.Get(CommitteeId);
            if (agency is null || agency.Kind != AgencyKind.Committee)
            {
                throw ActionPlanRules.NotFound(CommitteeId);
            }

            _committee = agency;
        }

        return _committee;
    }

    private async Task<PlanAccess> AuthorizeAsync(CommitteeCaller caller)
    {
        await CommitteeAsync();
        await LoadAsync();
        return ActionPlanRules.Authorize(CommitteeId, caller, Current.MemberAgencies);
    }

    /// <summary>One task with its history.</summary>
    private async Task<ActionPlanTask> ViewAsync(PlanTaskState task) => (await ViewsAsync([task.Id], withHistory: true))[0];

    private async Task<IReadOnlyList<ActionPlanTask>> ViewsAsync(IEnumerable<string> taskIds, bool withHistory = false)
    {
        var now = clock.GetUtcNow();
        var acknowledged = await CommitteeStore.AcknowledgementsAsync(db, CommitteeId);
        return ActionPlanViews.Views(Current.Tasks, taskIds, now, acknowledged, withHistory);
    }
}
