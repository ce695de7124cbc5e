using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Grains.Committees;

namespace Coordination.Grains.Cases;

/// <summary>
/// The rules of reintegration follow-ups: ReintegrationStarted records the plan and schedules them
/// (months after the start, at the agency's local hour); each is raised once when due, while the
/// case is open; it is recorded once, with an outcome, from the moment it is due. Closing or
/// withdrawing a case cancels the follow-ups not yet due; one already due may still be recorded.
/// </summary>
public static class CaseFollowUps
{
    /// <summary>When each follow-up falls due: <paramref name="months"/> after the local date of <paramref name="start"/>, at <paramref name="at"/> local time.</summary>
    public static IReadOnlyList<DateTimeOffset> DueTimes(DateTimeOffset start, TimeZoneInfo zone, IReadOnlyList<int> months, TimeSpan at)
    {
        var day = OverdueSchedule.LocalDate(start, zone);
        return months.Select(m => OverdueSchedule.WorkdayStart(day.AddMonths(m), zone, at)).ToList();
    }

    /// <summary>Refuses a plan on any event but ReintegrationStarted, and services out of the enumeration.</summary>
    public static void RequirePlan(CaseEventType type, NewReintegrationPlan? plan)
    {
        if (plan is null)
        {
            return;
        }

        if (type != CaseEventType.ReintegrationStarted)
        {
            throw DomainException.Invalid("plan", $"Only ReintegrationStarted takes a plan, not {type}.");
        }

        foreach (var service in plan.Services)
        {
            StrictEnum.RequireDefined("plan.services", service);
        }
    }

    /// <summary>
    /// The case with its reintegration plan and follow-ups scheduled, numbered on from any of an
    /// earlier reintegration (a reopened case keeps its history). <paramref name="recordWithin"/>:
    /// how long after falling due a follow-up is overdue, the deadline of its FollowUpDue item.
    /// </summary>
    public static CaseView Planned(
        CaseView started, NewReintegrationPlan? plan, string agencyId, DateTimeOffset now, IReadOnlyList<DateTimeOffset> dueTimes, TimeSpan recordWithin)
    {
        var earlier = started.FollowUps ?? [];
        var scheduled = dueTimes.Select((due, i) => new FollowUp(earlier.Count + i + 1, agencyId, due, due + recordWithin, false, null, null, null, null));
        return started with
        {
            Reintegration = new ReintegrationPlan(plan?.Services.Distinct().ToList() ?? [], plan?.Goals, plan?.Caseworker, agencyId, now),
            FollowUps = [.. earlier, .. scheduled],
        };
    }

    /// <summary>The case after a closure or withdrawal: the follow-ups not yet due are cancelled, the rest stay.</summary>
    public static CaseView Ended(CaseView ended) =>
        ended.FollowUps is { } followUps ? ended with { FollowUps = followUps.Where(f => f.Raised).ToList() } : ended;

    /// <summary>The follow-ups of an open case whose time has come and that were not raised yet, marked raised; none: the case unchanged.</summary>
    public static (CaseView Case, IReadOnlyList<FollowUp> Raised) TakeDue(CaseView current, DateTimeOffset now)
    {
        var due = CaseLifecycle.IsOpen(current.Status)
            ? (current.FollowUps ?? []).Where(f => !f.Raised && f.DueAt <= now).ToList()
            : [];
        if (due.Count == 0)
        {
            return (current, []);
        }

        var raised = due.Select(f => f with { Raised = true }).ToList();
        return (Replace(current, raised, now), raised);
    }

    /// <summary>When the case must next be woken to raise a follow-up; null when none is pending.</summary>
    public static DateTimeOffset? NextDue(CaseView c) =>
        CaseLifecycle.IsOpen(c.Status) ? (c.FollowUps ?? []).Where(f => !f.Raised).Min(f => (DateTimeOffset?)f.DueAt) : null;

    /// <summary>
    /// The case with follow-up <paramref name="number"/> recorded. Refuses an outcome out of the
    /// enumeration (400), any follow-up of a case whose reintegration never started (409), a number
    /// the case does not have (404), one not due yet or already recorded (409).
    /// </summary>
    public static (CaseView Case, FollowUp Recorded) Recorded(
        CaseView current, int number, FollowUpOutcome outcome, string? note, string username, DateTimeOffset now)
    {
        StrictEnum.RequireDefined("outcome", outcome);
        if (current.FollowUps is not { Count: > 0 })
        {
            throw DomainException.Conflict($"Case {current.Id} has no follow-ups: they are scheduled when its reintegration starts.");
        }

        var followUp = (current.FollowUps ?? []).FirstOrDefault(f => f.Number == number)
            ?? throw DomainException.NotFound($"Follow-up {number} of case {current.Id}");
        if (followUp.Outcome is { } recorded)
        {
            throw DomainException.Conflict($"Follow-up {number} of case {current.Id} is already recorded ({recorded}).");
        }

        if (followUp.DueAt > now)
        {
            throw DomainException.Conflict($"Follow-up {number} of case {current.Id} falls due at {followUp.DueAt:yyyy-MM-dd HH:mm}Z; it cannot be recorded before.");
        }

        var done = followUp with { Raised = true, Outcome = outcome, Note = note, RecordedAt = now, RecordedBy = username };
        return (Replace(current, [done], now), done);
    }

    private static CaseView Replace(CaseView current, IReadOnlyList<FollowUp> changed, DateTimeOffset now)
    {
        var byNumber = changed.ToDictionary(f => f.Number);
        return current with
        {
            FollowUps = current.FollowUps!.Select(f => byNumber.GetValueOrDefault(f.Number, f)).ToList(),
            UpdatedAt = now,
            Version = current.Version + 1,
        };
    }
}
