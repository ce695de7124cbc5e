using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Microsoft.Extensions.Logging;

namespace Coordination.Grains.Cases;

/// <summary>The case grain's referrals that nobody answered in time (<see cref="ReferralExpiry"/>).</summary>
public sealed partial class CaseGrain
{
    public async Task<int> ExpireUnansweredReferrals()
    {
        var now = clock.GetUtcNow();
        if (_stored.Case is not { } current || ReferralExpiry.Due(current, now) is not { Count: > 0 } due)
        {
            return 0;
        }

        var next = ReferralExpiry.Expired(current, due, now);
        var events = new List<CaseEvent>();
        var feed = new List<NewFeedItem>();
        var settled = new List<FeedSettlement>();
        foreach (var expired in next.Referrals.Where(r => due.Any(d => d.Id == r.Id)))
        {
            var answerBy = ReferralExpiry.AnswerBy(due.First(d => d.Id == expired.Id), current.Urgency);
            events.Add(new CaseEvent(_stored.LastEventSeq + events.Count + 1, CaseEventType.ReferralExpired, now, expired.ToAgencyId, "system",
                $"{expired.Id} to {expired.ToAgencyId}: {ReferralExpiry.NoAnswer} by {answerBy.UtcDateTime:yyyy-MM-dd HH:mm}Z"));
            feed.Add(ReferralExpiry.Alert(next, expired, answerBy, ReferralExpiry.Referrer(current, expired), await Directory.Get(expired.ToAgencyId)));

            // The expired agency's alert stops escalating: the case is no longer its to answer.
            settled.Add(CaseAlerts.SettlesReferral(CaseId, expired.Id, expired.ToAgencyId, "system"));
        }

        // An onward referral goes to the next agency for its services, from the same referrer.
        foreach (var onward in due.Where(r => ReferralExpiry.IsOnward(current, r)))
        {
            next = await OfferOnwardAsync(next, onward, events, feed, now);
        }

        // Any other, like a decline: the case goes to the next matching agency, never back to one that declined or let it expire.
        if (due.FirstOrDefault(r => !ReferralExpiry.IsOnward(current, r)) is { } routed)
        {
            next = await RouteAsync(next, new Actor("system", ReferralExpiry.Referrer(current, routed)), events, feed, now, ReferralExpiry.NotToOffer(next));
        }

        await SaveAsync(next, events, feed, now, settled);
        logger.LogWarning("Case {CaseId}: {Count} referrals expired unanswered ({Referrals})", CaseId, due.Count, string.Join(",", due.Select(r => r.Id)));
        return due.Count;
    }

    /// <summary>
    /// Offers the services of an expired onward referral to the next agency (<see cref="ReferralRouter.ReferOnward"/>),
    /// within the person's referral consent; the timeline says where it went, or that none matches.
    /// </summary>
    private async Task<CaseView> OfferOnwardAsync(CaseView c, Referral expired, List<CaseEvent> events, List<NewFeedItem> feed, DateTimeOffset now)
    {
        if (!CaseConsent.AllowsReferral(c.Consent))
        {
            return c;
        }

        var routing = ReferralRouter.ReferOnward(c, expired, await Directory.List(), ReferralExpiry.NotToOffer(c), now, AnswerBy(c, now));
        events.Add(new CaseEvent(_stored.LastEventSeq + events.Count + 1, routing.Event, now, expired.ByAgencyId!, "system", routing.Note));
        if (routing.Referral is { } referral)
        {
            feed.Add(CaseAlerts.ReferralReceived(routing.Case, referral, expired.ByAgencyId!));
        }

        return routing.Case;
    }
}
