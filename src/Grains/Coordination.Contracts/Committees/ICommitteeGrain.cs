using Coordination.Contracts.Statistics;

namespace Coordination.Contracts.Committees;

/// <summary>
/// One interagency committee and its live action plan (key: the committee's agency id, an agency
/// of kind Committee). Users of the committee agency with committee roles see the whole plan and the
/// secretary changes it; users of member agencies see and report on their own tasks; anyone else is
/// told the committee does not exist.
/// </summary>
[Alias("Coordination.ICommitteeGrain")]
public interface ICommitteeGrain : IGrainWithStringKey
{
    /// <summary>Lists an agency as a member; returns the members and whether it was added now.</summary>
    [Alias("AddMember")]
    Task<MemberAdded> AddMember(string agencyId, CommitteeCaller caller);

    /// <summary>Adds tasks all at once or none (a plan import is one call); each owner is told with TaskAssigned.</summary>
    [Alias("AddTasks")]
    Task<TasksAdded> AddTasks(IReadOnlyList<NewActionPlanTask> tasks, CommitteeCaller caller, IdempotentRequest? idempotency);

    [Alias("UpdateTask")]
    Task<ActionPlanTask> UpdateTask(string taskId, ActionPlanTaskUpdate update, CommitteeCaller caller);

    /// <summary>Records a meeting; its decisions become tasks.</summary>
    [Alias("RecordMeeting")]
    Task<MeetingRecorded> RecordMeeting(NewMeeting meeting, CommitteeCaller caller, IdempotentRequest? idempotency);

    [Alias("Meetings")]
    Task<IReadOnlyList<Meeting>> Meetings(CommitteeCaller caller);

    [Alias("Plan")]
    Task<ActionPlan> Plan(CommitteeCaller caller);

    /// <summary>One task with its history.</summary>
    [Alias("Task")]
    Task<ActionPlanTask> Task(string taskId, CommitteeCaller caller);

    [Alias("Report")]
    Task<MonitoringReport> Report(ReportingPeriod period, CommitteeCaller caller);

    /// <summary>
    /// Delivers feed items a failure left undelivered, raises TaskOverdue for open tasks whose owner's
    /// working day has started since their due date passed, and schedules the next wake-up. The
    /// grain's reminder and activation call this; so may an operator or a test. Returns how many
    /// TaskOverdue items were raised.
    /// </summary>
    [Alias("CheckOverdue")]
    Task<int> CheckOverdue();
}
