using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;

namespace Coordination.Grains.Cases;

/// <summary>The case grain's record of the person's consent (<see cref="CaseConsent"/>), and the referral it allows.</summary>
public sealed partial class CaseGrain
{
    public async Task<CaseView> ChangeConsent(Consent consent, int? expectedVersion, Actor actor)
    {
        // Narrowing is the lesser right (an accepted receiver has it); widening needs one who met the person.
        var current = Require(CaseAction.NarrowConsent, actor);
        if (CaseConsent.Widens(current.Consent, consent))
        {
            CaseAccess.Authorize(current, CaseAction.GiveConsent, actor);
        }

        CaseConsent.Require(consent, current.Minor);
        CaseViews.RefuseIdentifying(current, actor, "consent.scope", consent.Scope);
        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Conflict($"Case {CaseId} is at version {current.Version}, not {expected}.");
        }

        if (CaseConsent.SameAnswers(current.Consent, consent))
        {
            return CaseViews.ForCommand(current);
        }

        var now = clock.GetUtcNow();
        var next = current with { Consent = CaseConsent.Recorded(consent, actor, now), UpdatedAt = now, Version = current.Version + 1 };
        var events = Events(CaseEventType.ConsentChanged, actor, now, CaseConsent.Describe(consent));
        var feed = new List<NewFeedItem>();
        if (IsReferralNowAllowed(current, next))
        {
            next = await RouteAsync(next, actor, events, feed, now, excluded: new HashSet<string>());
        }

        feed.AddRange(CaseAlerts.UpdatesFor(next, events[0], exclude: [actor.AgencyId]));
        await SaveAsync(next, events, feed, now, audit: new CaseAudit(actor, "case.consent.changed", ["consent"]));
        logger.LogInformation("Case {CaseId}: consent recorded anew by {AgencyId} (referral {Referral}, data sharing {DataSharing}, research {Research}, override {Override})",
            CaseId, actor.AgencyId, consent.Referral, consent.DataSharing, consent.Research, consent.Override);
        return CaseViews.ForCommand(_stored.Case!);
    }

    /// <summary>
    /// Whether a consent change has just made an open case referable that no agency holds: it was
    /// withheld for want of consent, and is routed now.
    /// </summary>
    private static bool IsReferralNowAllowed(CaseView before, CaseView after) =>
        !CaseConsent.AllowsReferral(before.Consent) && CaseConsent.AllowsReferral(after.Consent) && CaseLifecycle.IsOpen(after.Status)
        && !after.Referrals.Any(r => r.Status is ReferralStatus.Pending or ReferralStatus.Accepted);
}
