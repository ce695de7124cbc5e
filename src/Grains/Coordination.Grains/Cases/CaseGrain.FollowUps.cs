using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;

namespace Coordination.Grains.Cases;

/// <summary>The case grain's reintegration follow-ups: recorded by the agency, raised when due (<see cref="CaseFollowUps"/>, <see cref="CaseWakeUps"/>).</summary>
public sealed partial class CaseGrain
{
    public async Task<CaseView> RecordFollowUp(int number, FollowUpOutcome outcome, string? note, Actor actor)
    {
        var current = Require(CaseAction.RecordFollowUp, actor);
        CaseViews.RefuseIdentifying(current, actor, "note", note);

        var now = clock.GetUtcNow();
        var (next, recorded) = CaseFollowUps.Recorded(current, number, outcome, note, actor.Username, now);
        var events = Events(CaseEventType.FollowUpRecorded, actor, now, note, followUp: number, outcome: outcome);
        var feed = CaseAlerts.UpdatesFor(next, events[0], exclude: [actor.AgencyId]).ToList();
        var audit = new CaseAudit(actor, "case.followup", ["followUp"], $"follow-up {number}: {outcome}");
        await SaveAsync(next, events, feed, now, [CaseAlerts.SettlesFollowUp(CaseId, recorded, actor.Username)], audit);
        logger.LogInformation("Case {CaseId}: follow-up {FollowUp} recorded by {AgencyId}: {Outcome}", CaseId, number, actor.AgencyId, outcome);
        return CaseViews.ForCommand(_stored.Case!);
    }

    public async Task<int> RaiseDueFollowUps()
    {
        if (_stored.Case is not { } current)
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var (next, raised) = CaseFollowUps.TakeDue(current, now);
        if (raised.Count == 0)
        {
            return 0;
        }

        var events = raised
            .Select((f, i) => new CaseEvent(_stored.LastEventSeq + i + 1, CaseEventType.FollowUpDue, now, f.AgencyId, "system", null, FollowUp: f.Number))
            .ToList();
        await SaveAsync(next, events, raised.Select(f => CaseAlerts.FollowUpDue(next, f)).ToList(), now);
        logger.LogInformation("Case {CaseId}: follow-ups {FollowUps} fell due", CaseId, raised.Select(f => f.Number));
        return raised.Count;
    }

    /// <summary>When the follow-ups of a reintegration started now by <paramref name="agencyId"/> fall due, in that agency's time zone.</summary>
    private async Task<IReadOnlyList<DateTimeOffset>> FollowUpTimesAsync(string agencyId, DateTimeOffset now)
    {
        var agency = await Directory.Get(agencyId) ?? throw DomainException.NotFound($"Agency {agencyId}");
        var options = followUpOptions.Value;
        return CaseFollowUps.DueTimes(now, TimeZoneInfo.FindSystemTimeZoneById(agency.TimeZone), options.Months(), options.At);
    }
}
