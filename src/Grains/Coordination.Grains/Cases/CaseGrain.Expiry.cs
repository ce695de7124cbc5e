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

        // Like a decline: the case goes to the next matching agency, never back to one that declined or let it expire.
        var system = new Actor("system", ReferralExpiry.Referrer(current, due[0]));
        next = await RouteAsync(next, system, events, feed, now, ReferralExpiry.NotToOffer(next));
        await SaveAsync(next, events, feed, now, settled);
        logger.LogWarning("Case {CaseId}: {Count} referrals expired unanswered ({Referrals})", CaseId, due.Count, string.Join(",", due.Select(r => r.Id)));
        return due.Count;
    }
}
