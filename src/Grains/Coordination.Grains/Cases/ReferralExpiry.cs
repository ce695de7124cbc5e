using System.Globalization;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;

namespace Coordination.Grains.Cases;

/// <summary>
/// The rules of referral expiry: a pending referral of an open case that its agency has neither
/// accepted nor declined by its answer deadline expires, like a decline with reason "no answer".
/// Acknowledging the alert does not stop the clock; only an answer does. Each referral runs on its
/// own clock, set when it is made from the case's urgency (<see cref="ReferralOptions"/>).
/// </summary>
public static class ReferralExpiry
{
    public const string NoAnswer = "no answer";

    /// <summary>The answer times of referrals stored before they had a deadline of their own (the defaults; migration 0029 reckons them so too).</summary>
    private static readonly AnswerWithinOptions Defaults = new();

    /// <summary>When <paramref name="r"/> expires unless answered.</summary>
    public static DateTimeOffset AnswerBy(Referral r, Urgency urgency) => r.AnswerBy ?? r.At + Defaults.For(urgency);

    /// <summary>The earliest answer deadline of the case's pending referrals, which its row keeps for the wake-ups (<c>cases.referral_due_at</c>); null when none is pending or the case has ended.</summary>
    public static DateTimeOffset? DueAt(CaseView c) =>
        CaseLifecycle.IsOpen(c.Status) && c.Referrals.Any(r => r.Status == ReferralStatus.Pending)
            ? c.Referrals.Where(r => r.Status == ReferralStatus.Pending).Min(r => AnswerBy(r, c.Urgency))
            : null;

    /// <summary>The pending referrals of the open case whose answer deadline has passed by <paramref name="now"/>.</summary>
    public static IReadOnlyList<Referral> Due(CaseView c, DateTimeOffset now) =>
        CaseLifecycle.IsOpen(c.Status)
            ? c.Referrals.Where(r => r.Status == ReferralStatus.Pending && AnswerBy(r, c.Urgency) <= now).ToList()
            : [];

    /// <summary>The case with <paramref name="due"/> expired.</summary>
    public static CaseView Expired(CaseView c, IReadOnlyList<Referral> due, DateTimeOffset now)
    {
        var ids = due.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
        return c with
        {
            Referrals = c.Referrals.Select(r => ids.Contains(r.Id) ? r with { Status = ReferralStatus.Expired, Reason = NoAnswer, At = now } : r).ToList(),
            UpdatedAt = now,
            Version = c.Version + 1,
        };
    }

    /// <summary>The agency that made the referral: the one named on it, else (the router's, and older referrals) the case's opening agency.</summary>
    public static string Referrer(CaseView c, Referral r) => r.ByAgencyId ?? c.FlaggedByAgencyId;

    /// <summary>
    /// Whether <paramref name="r"/> is an onward referral: made by an agency other than the case's opening
    /// agency (one that accepted the person). Expired, it is offered to the next agency for its own
    /// services; any other expires like a decline, and the case is routed again for its needs.
    /// </summary>
    public static bool IsOnward(CaseView c, Referral r) => r.ByAgencyId is { } by && by != c.FlaggedByAgencyId;

    /// <summary>
    /// The agencies routing does not offer the case to again: those that declined it or let it
    /// expire, and those that hold a pending or accepted referral of it already.
    /// </summary>
    public static IReadOnlySet<string> NotToOffer(CaseView c) =>
        c.Referrals.Where(r => r.Status is not ReferralStatus.Rerouted).Select(r => r.ToAgencyId).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// A referral the agency made went unanswered by its deadline and expired: the referring agency
    /// is told, as of a decline (reason "no answer"); the case has meanwhile been offered to the next
    /// matching agency, or the opening agency alerted that none matches.
    /// </summary>
    public static NewFeedItem Alert(CaseView c, Referral expired, DateTimeOffset answerBy, string referrer, Agency? to)
    {
        var data = CaseAlerts.Profile(c);
        data["referralId"] = expired.Id;
        data["toAgencyId"] = expired.ToAgencyId;
        data["reason"] = expired.Reason ?? NoAnswer;
        data["answerBy"] = answerBy.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);
        return new NewFeedItem(referrer, $"referral-expired:{c.Id}:{expired.Id}", FeedItemType.ReferralExpired, FeedItemKind.Alert,
            c.Id, null, null, $"{to?.Name ?? expired.ToAgencyId} did not answer the referral of {c.Id} by {answerBy.UtcDateTime:yyyy-MM-dd HH:mm}Z: it expired",
            c.Urgency, RequiresAck: false, null, data);
    }
}
