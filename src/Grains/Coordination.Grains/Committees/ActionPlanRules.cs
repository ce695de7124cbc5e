using Coordination.Contracts.Agencies;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Common;

namespace Coordination.Grains.Committees;

/// <summary>How a caller stands to a plan.</summary>
public enum PlanAccess
{
    /// <summary>An owner agency: it sees, and reports on, its own tasks.</summary>
    OwnTasks,

    /// <summary>A member of the committee: it reads the whole plan.</summary>
    Committee,

    /// <summary>The committee's secretary: it changes the plan.</summary>
    Secretary,
}

/// <summary>
/// The rules of an action plan: who works with it, what new tasks need (owners of the committee's
/// own country, which become members), and what an update may change. The plan is the committee
/// grain's state, which these rules change in place; the grain stores it.
/// </summary>
public static class ActionPlanRules
{
    /// <summary>How the caller stands to the plan; 403 for the committee's own people in no role, 404 for anyone else not a member.</summary>
    public static PlanAccess Authorize(string committeeId, CommitteeCaller caller, IReadOnlyCollection<string> members)
    {
        var agency = caller.Actor.AgencyId;
        if (agency == committeeId)
        {
            if (caller.Secretary)
            {
                return PlanAccess.Secretary;
            }

            return caller.Member
                ? PlanAccess.Committee
                : throw DomainException.Forbidden("Only the committee's secretaries and members work with its plan.");
        }

        return members.Contains(agency) ? PlanAccess.OwnTasks : throw NotFound(committeeId);
    }

    public static void RequireSecretary(PlanAccess access)
    {
        if (access != PlanAccess.Secretary)
        {
            throw DomainException.Forbidden("Only the committee's secretary changes the plan.");
        }
    }

    /// <summary>Refuses the monitoring report to an owner agency: it is the committee's.</summary>
    public static void RequireReportAccess(PlanAccess access)
    {
        if (access == PlanAccess.OwnTasks)
        {
            throw DomainException.Forbidden("The monitoring report is for the committee's secretaries and members.");
        }
    }

    /// <summary>Refuses a member that does not exist or is of another country than the committee's.</summary>
    public static void RequireMemberOf(Agency committee, string agencyId, Agency? agency)
    {
        if (agency is null)
        {
            throw DomainException.Invalid("agencyId", $"Agency '{agencyId}' does not exist.");
        }

        if (agency.Country != committee.Country)
        {
            throw DomainException.Invalid("agencyId", $"Agency '{agencyId}' is of {agency.Country}; a committee of {committee.Country} lists agencies of {committee.Country}.");
        }
    }

    public static DomainException NotFound(string committeeId) => DomainException.NotFound($"Committee {committeeId}");

    /// <summary>A task the caller may see: an owner agency sees only its own.</summary>
    public static PlanTaskState Visible(CommitteeState plan, string committeeId, string taskId, CommitteeCaller caller, PlanAccess access) =>
        plan.Tasks.FirstOrDefault(t => t.Id == taskId && (access != PlanAccess.OwnTasks || t.OwnerAgencyId == caller.Actor.AgencyId))
        ?? throw DomainException.NotFound($"Task {taskId} of committee {committeeId}");

    /// <summary>Refuses more tasks than a plan holds, and areas or statuses outside their enumerations.</summary>
    public static void RequireAddable(CommitteeState plan, IReadOnlyList<NewActionPlanTask> tasks, int maxTasks)
    {
        if (plan.Tasks.Count + tasks.Count > maxTasks)
        {
            throw DomainException.Invalid("tasks", $"A plan holds at most {maxTasks} tasks; this one has {plan.Tasks.Count}.");
        }

        for (var i = 0; i < tasks.Count; i++)
        {
            StrictEnum.RequireDefined($"tasks[{i}].area", tasks[i].Area);
            StrictEnum.RequireDefined($"tasks[{i}].status", tasks[i].Status);
        }
    }

    /// <summary>Refuses owners that do not exist, then owners of another country than the committee's.</summary>
    public static void RequireOwners(IReadOnlyList<NewActionPlanTask> tasks, IReadOnlyDictionary<string, Agency> agencies, string country)
    {
        var unknown = tasks.Select((t, i) => (t.OwnerAgencyId, i)).Where(t => !agencies.ContainsKey(t.OwnerAgencyId)).ToList();
        if (unknown.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Validation, "Invalid request", "Some owner agencies do not exist.",
                unknown.ToDictionary(u => $"tasks[{u.i}].ownerAgencyId", u => new[] { $"Agency '{u.OwnerAgencyId}' does not exist." }));
        }

        // Owning a task makes an agency a member and sends it the committee's alerts: only agencies of the committee's own country.
        var foreign = tasks.Select((t, i) => (Agency: agencies[t.OwnerAgencyId], i)).Where(t => t.Agency.Country != country).ToList();
        if (foreign.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Validation, "Invalid request", $"Tasks of a committee of {country} are owned by agencies of {country}.",
                foreign.ToDictionary(f => $"tasks[{f.i}].ownerAgencyId", f => new[] { $"Agency '{f.Agency.Id}' is of {f.Agency.Country}, not {country}." }));
        }
    }

    /// <summary>Adds the tasks to the plan, numbered on from its last, each scheduled for its overdue chase; their owners become members.</summary>
    public static List<PlanTaskState> AddTasks(
        CommitteeState plan, string committeeId, IReadOnlyList<NewActionPlanTask> tasks, IReadOnlyDictionary<string, Agency> agencies,
        Actor actor, DateTimeOffset now, string? meetingId, WorkingWeek week)
    {
        var created = new List<PlanTaskState>();
        foreach (var t in tasks)
        {
            var task = new PlanTaskState
            {
                Id = $"t{++plan.LastTaskNumber}",
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
                    new TaskChange(1, TaskChangeKind.Created, now, actor.AgencyId, actor.Username,
                        t.Status, t.Indicator is null ? null : t.IndicatorValue, t.DueDate, null),
                ],
            };
            OverdueSchedule.Reschedule(task, week);
            created.Add(task);

            // Owning a task makes an agency a member: it reports on the plan from then on.
            if (t.OwnerAgencyId != committeeId && !plan.MemberAgencies.Contains(t.OwnerAgencyId))
            {
                plan.MemberAgencies.Add(t.OwnerAgencyId);
            }
        }

        plan.Tasks.AddRange(created);
        return created;
    }

    /// <summary>
    /// The agency a task is to be reassigned to, when the update reassigns it: null when it names no
    /// owner or the owner the task has. Only the secretary reassigns; the new owner must exist and be
    /// of the committee's country, as any owner must (<see cref="RequireOwners"/>).
    /// </summary>
    public static Agency? NewOwner(PlanTaskState task, ActionPlanTaskUpdate update, PlanAccess access, IReadOnlyDictionary<string, Agency> agencies, string country)
    {
        if (update.OwnerAgencyId is not { } ownerId || ownerId == task.OwnerAgencyId)
        {
            return null;
        }

        if (access != PlanAccess.Secretary)
        {
            throw DomainException.Forbidden("Only the committee's secretary reassigns a task.");
        }

        if (!agencies.TryGetValue(ownerId, out var owner))
        {
            throw DomainException.Invalid("ownerAgencyId", $"Agency '{ownerId}' does not exist.");
        }

        if (owner.Country != country)
        {
            throw DomainException.Invalid("ownerAgencyId", $"Agency '{ownerId}' is of {owner.Country}, not {country}: tasks of a committee of {country} are owned by agencies of {country}.");
        }

        return owner;
    }

    /// <summary>
    /// Applies an update to the task and records it in its history; null when it changes nothing.
    /// The owner agency or the secretary updates a task, only the secretary moves its due date or
    /// reassigns it (<paramref name="newOwner"/>, from <see cref="NewOwner"/>: the new owner becomes a
    /// member and the overdue chase follows it), and only a task with an indicator takes a value.
    /// </summary>
    public static TaskChange? Update(
        CommitteeState plan, string committeeId, PlanTaskState task, ActionPlanTaskUpdate update, Agency? newOwner, PlanAccess access, Actor actor,
        DateTimeOffset now, WorkingWeek week)
    {
        if (access != PlanAccess.Secretary && task.OwnerAgencyId != actor.AgencyId)
        {
            throw DomainException.Forbidden("Only the owner agency or the committee's secretary updates a task.");
        }

        if (update.DueDate is not null && access != PlanAccess.Secretary)
        {
            throw DomainException.Forbidden("Only the committee's secretary moves a due date.");
        }

        if (update.IndicatorValue is not null && task.Indicator is null)
        {
            throw DomainException.Invalid("indicatorValue", $"Task {task.Id} has no indicator.");
        }

        var status = update.Status is { } s && s != task.Status ? s : (ActionPlanTaskStatus?)null;
        var due = update.DueDate is { } d && d != task.DueDate ? d : (DateOnly?)null;
        if (status is null && due is null && update.IndicatorValue is null && update.Note is null && newOwner is null)
        {
            return null;
        }

        var change = new TaskChange(task.History.Count + 1, TaskChangeKind.Updated, now, actor.AgencyId, actor.Username,
            status, update.IndicatorValue, due, update.Note, newOwner?.Id);
        task.History.Add(change);
        if (newOwner is not null)
        {
            task.OwnerAgencyId = newOwner.Id;
            task.OwnerTimeZone = newOwner.TimeZone;
            if (newOwner.Id != committeeId && !plan.MemberAgencies.Contains(newOwner.Id))
            {
                plan.MemberAgencies.Add(newOwner.Id);
            }
        }

        task.Status = status ?? task.Status;
        task.IndicatorValue = update.IndicatorValue ?? task.IndicatorValue;
        task.DueDate = due ?? task.DueDate;
        task.UpdatedAt = now;
        OverdueSchedule.Reschedule(task, week);
        return change;
    }

    /// <summary>The owner at work on its task, or the task done, answers the assignment: it stops escalating.</summary>
    public static bool SettlesAssignment(PlanTaskState task, string agencyId) =>
        agencyId == task.OwnerAgencyId || task.Status == ActionPlanTaskStatus.Done;
}
