using System.Globalization;
using Coordination.Contracts.Common;
using Coordination.Contracts.Committees;
using Coordination.Contracts.Feeds;

namespace Coordination.Grains.Committees;

/// <summary>
/// The feed items an action plan produces. Each dedupe key names its cause — the task, the history
/// entry, the owner's working day — so re-sending after a failure never creates a second item. Keys
/// start <c>task:{committee}:{task}:</c>, a prefix no other task's keys share (t1 is not a prefix of t10's).
/// </summary>
public static class CommitteeAlerts
{
    /// <summary>
    /// A task given to its owner, to acknowledge. A task reassigned later is a new assignment of the
    /// same task, so its key carries the change that made it (<paramref name="reassignment"/>): an
    /// agency that gets a task back after it was taken away is told again.
    /// </summary>
    public static NewFeedItem TaskAssigned(string committeeId, string committeeName, PlanTaskState task, int? reassignment = null)
    {
        var data = Describe(committeeId, task);
        data["area"] = task.Area.ToString();
        if (task.Indicator is { } indicator)
        {
            data["indicatorName"] = indicator.Name;
            data["indicatorUnit"] = indicator.Unit;
            data["indicatorBaseline"] = Number(indicator.Baseline);
            data["indicatorTarget"] = Number(indicator.Target);
        }

        if (task.MeetingId is not null)
        {
            data["meetingId"] = task.MeetingId;
        }

        var key = reassignment is { } seq ? $"{Prefix(committeeId, task)}assigned:{seq.ToString(CultureInfo.InvariantCulture)}" : $"{Prefix(committeeId, task)}assigned";
        return new NewFeedItem(task.OwnerAgencyId, key, FeedItemType.TaskAssigned, FeedItemKind.Task,
            null, committeeId, task.Id, $"{committeeName}: new task {task.Id} \"{task.Title}\" due {Date(task.DueDate)}",
            Urgency.Routine, RequiresAck: true, CausedByAgencyId: committeeId, data);
    }

    /// <summary>The assignments of new tasks to their owners; a task created done needs none.</summary>
    public static List<NewFeedItem> Assignments(string committeeId, string committeeName, IEnumerable<PlanTaskState> tasks) =>
        tasks.Where(t => t.Status != ActionPlanTaskStatus.Done).Select(t => TaskAssigned(committeeId, committeeName, t)).ToList();

    /// <summary>
    /// A change to a task, for the committee's feed and, when someone else made it, the owner's — and,
    /// when the task was reassigned, the feed of the owner it was taken from.
    /// </summary>
    public static IEnumerable<NewFeedItem> TaskUpdated(
        string committeeId, string committeeName, PlanTaskState task, TaskChange change, ActionPlanTaskStatus previous, string previousOwner)
    {
        var data = Describe(committeeId, task);
        data["status"] = task.Status.ToString();
        data["previousStatus"] = previous.ToString();
        data["byAgencyId"] = change.AgencyId;
        data["change"] = change.Seq.ToString(CultureInfo.InvariantCulture);
        var parts = new List<string>();
        if (change.Status is { } status)
        {
            parts.Add($"{previous} → {status}");
        }

        if (change.IndicatorValue is { } value)
        {
            data["indicatorValue"] = Number(value);
            parts.Add($"{task.Indicator?.Name ?? "indicator"} {Number(value)} {task.Indicator?.Unit}".TrimEnd());
        }

        if (change.DueDate is { } due)
        {
            parts.Add($"due {Date(due)}");
        }

        if (change.Note is { } note)
        {
            data["note"] = note;
            parts.Add("note");
        }

        if (change.OwnerAgencyId is not null)
        {
            data["previousOwnerAgencyId"] = previousOwner;
            parts.Add($"reassigned from {previousOwner} to {task.OwnerAgencyId}");
        }

        var summary = $"{committeeName}: task {task.Id} \"{task.Title}\" updated by {change.AgencyId}: {string.Join(", ", parts)}";
        var recipients = new[]
        {
            committeeId,
            change.AgencyId == task.OwnerAgencyId ? null : task.OwnerAgencyId,
            change.OwnerAgencyId is not null && change.AgencyId != previousOwner ? previousOwner : null,
        };
        return recipients.OfType<string>().Distinct(StringComparer.Ordinal).Select(recipient => new NewFeedItem(
            recipient, $"{Prefix(committeeId, task)}updated:{change.Seq}", FeedItemType.TaskUpdated, FeedItemKind.Info,
            null, committeeId, task.Id, summary, Urgency.Routine, RequiresAck: false, CausedByAgencyId: change.AgencyId, data));
    }

    /// <summary>The overdue chase of one working day, for the owner and for the committee's secretary.</summary>
    public static IEnumerable<NewFeedItem> TaskOverdue(string committeeId, string committeeName, PlanTaskState task, DateOnly workday)
    {
        var days = workday.DayNumber - task.DueDate.DayNumber;
        var data = Describe(committeeId, task);
        data["status"] = task.Status.ToString();
        data["daysOverdue"] = days.ToString(CultureInfo.InvariantCulture);
        data["workday"] = Date(workday);
        var summary = $"{committeeName}: task {task.Id} \"{task.Title}\" of {task.OwnerAgencyId} is {days} day{(days == 1 ? string.Empty : "s")} overdue (due {Date(task.DueDate)}, {task.Status})";
        return new[] { task.OwnerAgencyId, committeeId }.Distinct(StringComparer.Ordinal).Select(recipient => new NewFeedItem(
            recipient, $"{Prefix(committeeId, task)}overdue:{Date(workday)}", FeedItemType.TaskOverdue, FeedItemKind.Alert,
            null, committeeId, task.Id, summary, Urgency.Urgent, RequiresAck: false, CausedByAgencyId: null, data));
    }

    /// <summary>Settles the owner's assignment of the task, if still open: only TaskAssigned asks for acknowledgement.</summary>
    public static FeedSettlement Settles(string committeeId, PlanTaskState task, string username) =>
        Settles(committeeId, task.OwnerAgencyId, task, username);

    /// <summary>Settles <paramref name="ownerAgencyId"/>'s assignment of the task: the owner's own, or that of the owner a reassignment took it from.</summary>
    public static FeedSettlement Settles(string committeeId, string ownerAgencyId, PlanTaskState task, string username) =>
        new(ownerAgencyId, Prefix(committeeId, task), username);

    private static string Prefix(string committeeId, PlanTaskState task) => $"task:{committeeId}:{task.Id}:";

    private static Dictionary<string, string> Describe(string committeeId, PlanTaskState task) => new()
    {
        ["committeeId"] = committeeId,
        ["taskId"] = task.Id,
        ["title"] = task.Title,
        ["ownerAgencyId"] = task.OwnerAgencyId,
        ["dueDate"] = Date(task.DueDate),
    };

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
