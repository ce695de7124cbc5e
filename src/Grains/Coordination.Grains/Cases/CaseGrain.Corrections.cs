using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;

namespace Coordination.Grains.Cases;

/// <summary>The case grain's changes of the facts on record: corrections (which may re-route a pending referral) and erasure of personal data.</summary>
public sealed partial class CaseGrain
{
    public async Task<CaseView> Correct(CaseCorrection correction, int? expectedVersion, Actor actor)
    {
        var current = Require(CaseAction.Correct, actor);
        CaseViews.RefuseIdentifying(current, actor, "reason", correction.Reason);
        CaseViews.RefuseIdentifying(current, actor, "homeRegion", correction.HomeRegion);
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Conflict($"Case {CaseId} is at version {current.Version}, not {expected}.");
        }

        var now = clock.GetUtcNow();
        var (next, fields) = CaseLifecycle.Corrected(current, correction, now);
        if (fields.Count == 0)
        {
            return CaseViews.ForCommand(current);
        }

        var events = Events(CaseEventType.Corrected, actor, now, correction.Reason, fields: fields);
        var feed = new List<NewFeedItem>();
        var settled = new List<FeedSettlement>();
        var alerted = new List<string> { actor.AgencyId };
        if (ReferralRouter.Reroute(next, await Directory.List(), now, AnswerBy(next, now)) is { } reroute)
        {
            var (routing, rerouted) = reroute;
            next = routing.Case;
            events.Add(new CaseEvent(_stored.LastEventSeq + events.Count + 1, routing.Event, now, actor.AgencyId, "system", routing.Note));
            feed.Add(CaseAlerts.Routed(routing));
            settled.Add(CaseAlerts.SettlesReferral(CaseId, rerouted.Id, rerouted.ToAgencyId, actor.Username));
            alerted.Add(routing.Referral!.ToAgencyId);
            logger.LogInformation("Case {CaseId} re-routed from {FromAgencyId} to {AgencyId} after a correction", CaseId, rerouted.ToAgencyId, routing.Referral.ToAgencyId);
        }

        feed.AddRange(CaseAlerts.UpdatesFor(next, events[0], exclude: alerted));
        // The audit names the corrected fields and keeps the reason; neither the log nor the audit keeps a value.
        await SaveAsync(next, events, feed, now, settled, new CaseAudit(actor, "case.correct", [.. fields], correction.Reason));
        logger.LogInformation("Case {CaseId} corrected by {AgencyId}: {Fields}", CaseId, actor.AgencyId, fields);
        return CaseViews.ForCommand(_stored.Case!);
    }

    public async Task<CaseView> ErasePersonalData(string reason, Actor admin)
    {
        var current = _stored.Case ?? throw DomainException.NotFound($"Case {CaseId}");
        if (current.PersonalDataErasedAt is not null)
        {
            return CaseViews.ForCommand(current);
        }

        var now = clock.GetUtcNow();
        var next = CaseLifecycle.Erased(current, now);
        var audit = new CaseAudit(admin, "case.erase", CaseViews.IdentifyingFields, reason);
        await SaveAsync(next, Events(CaseEventType.PersonalDataErased, admin, now, null), [], now, audit: audit);
        logger.LogInformation("Personal data of case {CaseId} erased by {Username}", CaseId, admin.Username);
        return CaseViews.ForCommand(_stored.Case!);
    }
}
