using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Feeds;
using Coordination.Contracts.Statistics;
using Coordination.Grains.Feeds;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Storage;

namespace Coordination.Grains.Committees;

/// <summary>
/// One committee and its live action plan, kept in Orleans grain storage.
/// <para>
/// Feed items cannot commit in the same transaction as grain state, so every change goes:
/// (1) change the state and put the feed items it causes in the state's outbox, (2) write the
/// state, (3) append the outbox to the feeds, (4) clear the outbox. A crash before (2) leaves
/// nothing; between (2) and (3) the items are re-sent by a retry timer, the reminder or the next
/// activation; between (3) and (4) they are re-sent too, and their dedupe keys turn the re-send
/// into a no-op. So each item reaches its feed exactly once.
/// </para>
/// </summary>
public sealed class CommitteeGrain(
    [PersistentState("committee", "coordination")] IPersistentState<CommitteeState> state,
    NpgsqlDataSource db,
    ICommitteeFeedWriter feedWriter,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    IOptions<CommitteeOptions> options,
    ILogger<CommitteeGrain> logger) : Grain, ICommitteeGrain, IRemindable
{
    private const string ReminderName = "committee-overdue";
    private const int CommandsKept = 500;

    private readonly WorkingWeek _week = options.Value.Week();
    private Agency? _committee;
    private IGrainReminder? _reminder;
    private bool _reminderLookedUp;
    private DateTimeOffset? _reminderDue;
    private IGrainTimer? _retryTimer;

    private enum Access
    {
        OwnTasks,
        Committee,
        Secretary,
    }

    private string CommitteeId => this.GetPrimaryKeyString();

    private bool HasUndelivered => Current.Outbox.Count > 0 || Current.Settlements.Count > 0;

    private CommitteeState Current => state.State;

    private IAgencyDirectoryGrain Directory => GrainFactory.GetGrain<IAgencyDirectoryGrain>(0);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Catch up on whatever fell due, or was left undelivered, while no silo held this committee.
        if (Current.Tasks.Count > 0 || HasUndelivered)
        {
            // Never fail the activation on the database or the reminder table (a failed activation
            // refuses every call for seconds, and not with the 503 of an outage): try again later.
            await CheckOverdueOrRetryAsync();
        }
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
            RetryLater();
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => CheckOverdueAsync();

    public Task<int> CheckOverdue() => CheckOverdueAsync();

    public async Task<MemberAdded> AddMember(string agencyId, CommitteeCaller caller)
    {
        await RequireSecretaryAsync(caller);
        if (Current.MemberAgencies.Contains(agencyId))
        {
            return new MemberAdded(Current.MemberAgencies.ToList(), Added: false);
        }

        var agency = await Directory.Get(agencyId) ?? throw DomainException.Invalid("agencyId", $"Agency '{agencyId}' does not exist.");
        var country = (await CommitteeAsync()).Country;
        if (agency.Country != country)
        {
            throw DomainException.Invalid("agencyId", $"Agency '{agencyId}' is of {agency.Country}; a committee of {country} lists agencies of {country}.");
        }

        Current.MemberAgencies.Add(agencyId);
        await CommitAsync([]);
        logger.LogInformation("Committee {CommitteeId}: agency {AgencyId} listed as a member", CommitteeId, agencyId);
        return new MemberAdded(Current.MemberAgencies.ToList(), Added: true);
    }

    public async Task<TasksAdded> AddTasks(IReadOnlyList<NewActionPlanTask> tasks, CommitteeCaller caller, IdempotentRequest? idempotency)
    {
        await RequireSecretaryAsync(caller);
        if (Replay(caller, idempotency) is { } previous)
        {
            return new TasksAdded(await ViewsAsync(previous.TaskIds), Created: false);
        }

        var created = await CreateTasksAsync(tasks, caller, meetingId: null);
        Remember(caller, idempotency, created, meetingId: null);
        await CommitAsync(AssignmentsOf(created));
        logger.LogInformation("Committee {CommitteeId}: {Count} tasks added by {AgencyId}", CommitteeId, created.Count, caller.Actor.AgencyId);
        return new TasksAdded(await ViewsAsync(created.Select(t => t.Id)), Created: true);
    }

    public async Task<MeetingRecorded> RecordMeeting(NewMeeting meeting, CommitteeCaller caller, IdempotentRequest? idempotency)
    {
        await RequireSecretaryAsync(caller);
        if (Replay(caller, idempotency) is { } previous)
        {
            var recorded = Current.Meetings.Single(m => m.Id == previous.MeetingId);
            return new MeetingRecorded(recorded, await ViewsAsync(recorded.TaskIds), Created: false);
        }

        var meetingId = $"m{Current.Meetings.Count + 1}";
        var created = await CreateTasksAsync(meeting.Decisions, caller, meetingId);
        var record = new Meeting(meetingId, meeting.Date, meeting.Title, created.Select(t => t.Id).ToList(), clock.GetUtcNow(), caller.Actor.Username);
        Current.Meetings.Add(record);
        Remember(caller, idempotency, created, meetingId);
        await CommitAsync(AssignmentsOf(created));
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
        var task = Visible(taskId, caller, access);
        var agency = caller.Actor.AgencyId;
        if (access != Access.Secretary && task.OwnerAgencyId != agency)
        {
            throw DomainException.Forbidden("Only the owner agency or the committee's secretary updates a task.");
        }

        if (update.DueDate is not null && access != Access.Secretary)
        {
            throw DomainException.Forbidden("Only the committee's secretary moves a due date.");
        }

        if (update.IndicatorValue is not null && task.Indicator is null)
        {
            throw DomainException.Invalid("indicatorValue", $"Task {taskId} has no indicator.");
        }

        var status = update.Status is { } s && s != task.Status ? s : (ActionPlanTaskStatus?)null;
        var due = update.DueDate is { } d && d != task.DueDate ? d : (DateOnly?)null;
        if (status is null && due is null && update.IndicatorValue is null && update.Note is null)
        {
            return await ViewAsync(task);
        }

        var now = clock.GetUtcNow();
        var previous = task.Status;
        var change = new TaskChange(task.History.Count + 1, TaskChangeKind.Updated, now, agency, caller.Actor.Username,
            status, update.IndicatorValue, due, update.Note);
        task.History.Add(change);
        task.Status = status ?? task.Status;
        task.IndicatorValue = update.IndicatorValue ?? task.IndicatorValue;
        task.DueDate = due ?? task.DueDate;
        task.UpdatedAt = now;
        Reschedule(task);

        // The owner at work on its task, or the task done, answers the assignment: it stops escalating.
        var settled = agency == task.OwnerAgencyId || task.Status == ActionPlanTaskStatus.Done
            ? new[] { CommitteeAlerts.Settles(CommitteeId, task, caller.Actor.Username) }
            : [];
        await CommitAsync(CommitteeAlerts.TaskUpdated(CommitteeId, (await CommitteeAsync()).Name, task, change, previous).ToList(), settled);
        logger.LogInformation("Committee {CommitteeId}: task {TaskId} updated by {AgencyId}, status {Status}", CommitteeId, taskId, agency, task.Status);
        return await ViewAsync(task);
    }

    public async Task<ActionPlan> Plan(CommitteeCaller caller)
    {
        var access = await AuthorizeAsync(caller);
        var committee = await CommitteeAsync();
        var tasks = Current.Tasks.Where(t => access != Access.OwnTasks || t.OwnerAgencyId == caller.Actor.AgencyId).ToList();
        var members = access == Access.OwnTasks ? [caller.Actor.AgencyId] : Current.MemberAgencies.ToList();
        return new ActionPlan(CommitteeId, committee.Country, clock.GetUtcNow(), members, await ViewsAsync(tasks.Select(t => t.Id)));
    }

    public async Task<ActionPlanTask> Task(string taskId, CommitteeCaller caller) =>
        await ViewAsync(Visible(taskId, caller, await AuthorizeAsync(caller)));

    public async Task<MonitoringReport> Report(ReportingPeriod period, CommitteeCaller caller)
    {
        if (await AuthorizeAsync(caller) == Access.OwnTasks)
        {
            throw DomainException.Forbidden("The monitoring report is for the committee's secretaries and members.");
        }

        var committee = await CommitteeAsync();
        var statistics = await GrainFactory.GetGrain<IStatisticsGrain>(0)
            .Compute(new StatisticsQuery(committee.Country, period), caller.Actor.Username, caller.Actor.AgencyId);
        var names = (await Directory.List()).ToDictionary(a => a.Id, a => a.Name, StringComparer.Ordinal);
        return MonitoringReports.Build(committee, period, clock.GetUtcNow(), Current.Tasks, Current.Meetings, names, statistics);
    }

    private async Task<List<PlanTaskState>> CreateTasksAsync(IReadOnlyList<NewActionPlanTask> tasks, CommitteeCaller caller, string? meetingId)
    {
        if (Current.Tasks.Count + tasks.Count > options.Value.MaxTasks)
        {
            throw DomainException.Invalid("tasks", $"A plan holds at most {options.Value.MaxTasks} tasks; this one has {Current.Tasks.Count}.");
        }

        for (var i = 0; i < tasks.Count; i++)
        {
            StrictEnum.RequireDefined($"tasks[{i}].area", tasks[i].Area);
            StrictEnum.RequireDefined($"tasks[{i}].status", tasks[i].Status);
        }

        var agencies = (await Directory.List()).ToDictionary(a => a.Id, StringComparer.Ordinal);
        var unknown = tasks.Select((t, i) => (t.OwnerAgencyId, i)).Where(t => !agencies.ContainsKey(t.OwnerAgencyId)).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Validation, "Invalid request", "Some owner agencies do not exist.",
                unknown.ToDictionary(u => $"tasks[{u.i}].ownerAgencyId", u => new[] { $"Agency '{u.OwnerAgencyId}' does not exist." }));
        }

        // Owning a task makes an agency a member and sends it the committee's alerts: only agencies of the committee's own country.
        var country = (await CommitteeAsync()).Country;
        var foreign = tasks.Select((t, i) => (Agency: agencies[t.OwnerAgencyId], i)).Where(t => t.Agency.Country != country).ToList();
        if (foreign.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Validation, "Invalid request", $"Tasks of a committee of {country} are owned by agencies of {country}.",
                foreign.ToDictionary(f => $"tasks[{f.i}].ownerAgencyId", f => new[] { $"Agency '{f.Agency.Id}' is of {f.Agency.Country}, not {country}." }));
        }

        var now = clock.GetUtcNow();
        var created = new List<PlanTaskState>();
        foreach (var t in tasks)
        {
            var task = new PlanTaskState
            {
                Id = $"t{++Current.LastTaskNumber}",
                Title = t.Title,
                Area = t.Area,
                OwnerAgencyId = t.OwnerAgencyId,
                OwnerTimeZone = agencies[t.OwnerAgencyId].TimeZone,
                DueDate = t.DueDate,
                Status = t.Status,
                Indicator = t.Indicator,
                IndicatorValue = t.Indicator is null ? null : t.IndicatorValue,
                CreatedAt = now,
                UpdatedAt = now,
                MeetingId = meetingId,
                History =
                [
                    new TaskChange(1, TaskChangeKind.Created, now, caller.Actor.AgencyId, caller.Actor.Username,
                        t.Status, t.Indicator is null ? null : t.IndicatorValue, t.DueDate, null),
                ],
            };
            Reschedule(task);
            created.Add(task);

            // Owning a task makes an agency a member: it reports on the plan from then on.
            if (t.OwnerAgencyId != CommitteeId && !Current.MemberAgencies.Contains(t.OwnerAgencyId))
            {
                Current.MemberAgencies.Add(t.OwnerAgencyId);
            }
        }

        Current.Tasks.AddRange(created);
        return created;
    }

    private List<NewFeedItem> AssignmentsOf(IEnumerable<PlanTaskState> tasks)
    {
        var name = _committee!.Name;
        return tasks.Where(t => t.Status != ActionPlanTaskStatus.Done).Select(t => CommitteeAlerts.TaskAssigned(CommitteeId, name, t)).ToList();
    }

    private async Task<int> CheckOverdueAsync()
    {
        await DeliverOutboxAsync();
        var raised = await CommitAsync([], onlyIfChanged: true);
        if (raised > 0)
        {
            logger.LogInformation("Committee {CommitteeId}: {Count} overdue task alerts raised", CommitteeId, raised);
        }

        return raised;
    }

    /// <summary>
    /// Raises whatever overdue alerts are due, writes the state with its outbox, delivers the outbox
    /// and schedules the next wake-up. Returns the number of TaskOverdue chases raised.
    /// </summary>
    private async Task<int> CommitAsync(IReadOnlyList<NewFeedItem> items, IReadOnlyList<FeedResolution>? settlements = null, bool onlyIfChanged = false)
    {
        var now = clock.GetUtcNow();
        var outbox = items.ToList();
        var raised = await RaiseOverdueAsync(now, outbox);
        if (!onlyIfChanged || raised > 0)
        {
            Current.Outbox.AddRange(outbox);
            Current.Settlements.AddRange(settlements ?? []);
            await WriteAsync();
            await DeliverOutboxAsync();
        }

        await ScheduleAsync(now);
        return raised;
    }

    private async Task<int> RaiseOverdueAsync(DateTimeOffset now, List<NewFeedItem> outbox)
    {
        var raised = 0;
        foreach (var task in Current.Tasks.Where(t => t.Status != ActionPlanTaskStatus.Done && t.NextOverdueAt <= now))
        {
            var zone = ActionPlanViews.Zone(task);
            var workday = OverdueSchedule.CurrentWorkday(now, zone, _week);
            if (workday > task.DueDate && (task.LastOverdueDate is null || workday > task.LastOverdueDate))
            {
                outbox.AddRange(CommitteeAlerts.TaskOverdue(CommitteeId, (await CommitteeAsync()).Name, task, workday));
                task.LastOverdueDate = workday;
                raised++;
            }

            Reschedule(task);
        }

        return raised;
    }

    private void Reschedule(PlanTaskState task) =>
        task.NextOverdueAt = task.Status == ActionPlanTaskStatus.Done
            ? null
            : OverdueSchedule.NextAlert(task.DueDate, task.LastOverdueDate, ActionPlanViews.Zone(task), _week);

    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // The in-memory plan is now ahead of storage: drop this activation so the next call
            // starts again from what is stored.
            DeactivateOnIdle();
            if (ex is InconsistentStateException)
            {
                throw DomainException.Conflict($"Committee {CommitteeId} was changed concurrently; try again.");
            }

            // The write may have reached the database and committed with its answer lost: the caller
            // must not be told nothing changed (an idempotent retry replays from the stored plan).
            if (IsDatabaseFailure(ex))
            {
                throw new CommitOutcomeUnknownException(ex);
            }

            throw;
        }
    }

    private static bool IsDatabaseFailure(Exception? ex) =>
        ex is not null && (ex is System.Data.Common.DbException or TimeoutException or IOException || IsDatabaseFailure(ex.InnerException));

    /// <summary>Appends the outbox to the feeds, settles what it settles, and pushes both live; on failure keeps them for a retry.</summary>
    private async Task DeliverOutboxAsync()
    {
        if (!HasUndelivered)
        {
            return;
        }

        var batch = Current.Outbox.ToList();
        var settlements = Current.Settlements.ToList();
        IReadOnlyList<(string AgencyId, FeedItem Item)> delivered;
        try
        {
            delivered = await feedWriter.WriteAsync(batch, settlements, clock.GetUtcNow());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Committee {CommitteeId}: {Count} feed items and {Settlements} settlements not delivered yet ({Error}); will retry",
                CommitteeId, batch.Count, settlements.Count, ex.GetType().Name);
            RetryLater();
            return;
        }

        // Grain calls do not interleave, so the outbox still starts with this batch.
        Current.Outbox.RemoveRange(0, batch.Count);
        Current.Settlements.RemoveRange(0, settlements.Count);
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Harmless: the items are in the feeds, and re-sending them is a no-op. The next write stores the empty outbox.
            logger.LogWarning("Committee {CommitteeId}: clearing the delivered outbox was not stored ({Error})", CommitteeId, ex.GetType().Name);
        }

        GrainFactory.NotifyAppended(delivered);
    }

    private void RetryLater() =>
        _retryTimer ??= this.RegisterGrainTimer(
            async _ =>
            {
                _retryTimer?.Dispose();
                _retryTimer = null;
                await CheckOverdueOrRetryAsync();
            },
            new GrainTimerCreationOptions { DueTime = options.Value.OutboxRetryDelay, Period = Timeout.InfiniteTimeSpan });

    /// <summary>Wakes the committee when the next overdue chase (or an outbox retry) falls due.</summary>
    private async Task ScheduleAsync(DateTimeOffset now)
    {
        var due = Current.Tasks.Where(t => t.Status != ActionPlanTaskStatus.Done).Min(t => t.NextOverdueAt);
        if (HasUndelivered && (due is null || now + options.Value.OutboxRetryDelay < due))
        {
            due = now + options.Value.OutboxRetryDelay;
        }

        if (due is null)
        {
            if (!_reminderLookedUp)
            {
                _reminder = await this.GetReminder(ReminderName);
                _reminderLookedUp = true;
            }

            if (_reminder is not null)
            {
                await this.UnregisterReminder(_reminder);
                _reminder = null;
            }

            _reminderDue = null;
            return;
        }

        if (_reminderDue == due)
        {
            return;
        }

        var dueTime = due.Value - now;
        _reminder = await this.RegisterOrUpdateReminder(
            ReminderName, dueTime > TimeSpan.Zero ? dueTime : TimeSpan.Zero, options.Value.ReminderPeriod);
        _reminderLookedUp = true;
        _reminderDue = due;
    }

    private async Task<Agency> CommitteeAsync()
    {
        if (_committee is null)
        {
            var agency = await Directory.Get(CommitteeId);
            if (agency is null || agency.Kind != AgencyKind.Committee)
            {
                throw NotFound();
            }

            _committee = agency;
        }

        return _committee;
    }

    private async Task<Access> AuthorizeAsync(CommitteeCaller caller)
    {
        await CommitteeAsync();
        var agency = caller.Actor.AgencyId;
        if (agency == CommitteeId)
        {
            if (caller.Secretary)
            {
                return Access.Secretary;
            }

            return caller.Member
                ? Access.Committee
                : throw DomainException.Forbidden("Only the committee's secretaries and members work with its plan.");
        }

        return Current.MemberAgencies.Contains(agency) ? Access.OwnTasks : throw NotFound();
    }

    private async Task RequireSecretaryAsync(CommitteeCaller caller)
    {
        if (await AuthorizeAsync(caller) != Access.Secretary)
        {
            throw DomainException.Forbidden("Only the committee's secretary changes the plan.");
        }
    }

    private PlanTaskState Visible(string taskId, CommitteeCaller caller, Access access) =>
        Current.Tasks.FirstOrDefault(t => t.Id == taskId && (access != Access.OwnTasks || t.OwnerAgencyId == caller.Actor.AgencyId))
        ?? throw DomainException.NotFound($"Task {taskId} of committee {CommitteeId}");

    /// <summary>One task with its history.</summary>
    private async Task<ActionPlanTask> ViewAsync(PlanTaskState task)
    {
        var acknowledged = await CommitteeStore.AcknowledgementsAsync(db, CommitteeId);
        return ActionPlanViews.View(task, clock.GetUtcNow(), acknowledged.TryGetValue(task.Id, out var at) ? at : null, withHistory: true);
    }

    private async Task<IReadOnlyList<ActionPlanTask>> ViewsAsync(IEnumerable<string> taskIds)
    {
        var now = clock.GetUtcNow();
        var acknowledged = await CommitteeStore.AcknowledgementsAsync(db, CommitteeId);
        var byId = Current.Tasks.ToDictionary(t => t.Id, StringComparer.Ordinal);
        return taskIds.Select(id => byId[id])
            .Select(t => ActionPlanViews.View(t, now, acknowledged.TryGetValue(t.Id, out var at) ? at : null, withHistory: false))
            .ToList();
    }

    private CommandRecord? Replay(CommitteeCaller caller, IdempotentRequest? idempotency)
    {
        if (idempotency is null)
        {
            return null;
        }

        var previous = Current.Commands.FirstOrDefault(c => c.AgencyId == caller.Actor.AgencyId && c.Key == idempotency.Key);
        if (previous is not null && previous.Hash != idempotency.Hash)
        {
            throw DomainException.Conflict("This Idempotency-Key was already used with a different request.");
        }

        return previous;
    }

    private void Remember(CommitteeCaller caller, IdempotentRequest? idempotency, IEnumerable<PlanTaskState> created, string? meetingId)
    {
        if (idempotency is null)
        {
            return;
        }

        Current.Commands.Add(new CommandRecord(caller.Actor.AgencyId, idempotency.Key, idempotency.Hash, created.Select(t => t.Id).ToList(), meetingId));
        if (Current.Commands.Count > CommandsKept)
        {
            Current.Commands.RemoveRange(0, Current.Commands.Count - CommandsKept);
        }
    }

    private DomainException NotFound() => DomainException.NotFound($"Committee {CommitteeId}");
}
