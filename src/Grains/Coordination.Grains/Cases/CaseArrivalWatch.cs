using Coordination.Contracts.Agencies;
using Coordination.Contracts.Cases;

namespace Coordination.Grains.Cases;

/// <summary>
/// The rules of the arrival watch: while a journey is booked or under way and nobody has recorded the
/// arrival, its scheduled arrival is watched; once that time plus the grace has passed, the watch
/// raises ArrivalNotConfirmed once for that arrival. A delay moves the arrival and watches it anew;
/// Arrived (or an end of the case) ends the watch.
/// </summary>
public static class CaseArrivalWatch
{
    /// <summary>The scheduled arrival the case's row keeps for the wake-ups (<c>cases.arrival_watch_at</c>); null when nothing is watched.</summary>
    public static DateTimeOffset? Watched(CaseView c) =>
        c.Travel is { ArrivalWatchRaised: false } travel && CaseLifecycle.Travelling.Contains(c.Status) ? travel.ScheduledArrival : null;

    /// <summary>Whether the watch of the case's arrival has run out by <paramref name="now"/>.</summary>
    public static bool IsDue(CaseView c, DateTimeOffset now, TimeSpan grace) => Watched(c) is { } arrival && arrival + grace <= now;

    /// <summary>The case with the watch of its current arrival spent.</summary>
    public static CaseView Raised(CaseView c, DateTimeOffset now) =>
        c with { Travel = c.Travel! with { ArrivalWatchRaised = true }, UpdatedAt = now, Version = c.Version + 1 };

    /// <summary>
    /// Who is told that nobody confirmed the arrival: the agency meeting it, the consular post holding
    /// the case, and the agencies that accepted a referral to escort the person.
    /// </summary>
    public static IReadOnlyList<string> Recipients(CaseView c) =>
        new[] { c.Travel?.PickupAgencyId, c.FlaggedByAgencyId }
            .Concat(c.Referrals.Where(r => r.Status == ReferralStatus.Accepted && r.Services.Contains(AgencyService.Escort)).Select(r => r.ToAgencyId))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
