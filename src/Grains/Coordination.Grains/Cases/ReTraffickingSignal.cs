using Coordination.Contracts.Cases;
using Coordination.Contracts.Feeds;
using Coordination.Grains.Statistics;

namespace Coordination.Grains.Cases;

/// <summary>
/// The re-trafficking signal. A new case whose person is the person of earlier cases — by the
/// statistics' rule (<see cref="PersonIdentity"/>) — tells the agencies that assisted that person in
/// an earlier case (those that accepted its referral) with a PossibleReTrafficking alert, when that
/// earlier case's consent currently allows contact. The alert names the two cases by id and nothing
/// else; nobody else learns of the match: the new case, its timeline and its agencies say nothing of
/// the earlier case, and an alert that escalates does so to its recipient only.
/// </summary>
public static class ReTraffickingSignal
{
    /// <summary>The alerts a newly flagged case raises, given the cases whose person has the same name mark (<see cref="CaseStore.CasesMarkedLikeAsync"/>).</summary>
    public static IReadOnlyList<NewFeedItem> For(CaseView flagged, IReadOnlyList<CaseView> candidates)
    {
        var same = PersonIdentity.SamePersonAs(Marks(flagged), candidates.Select(Marks).ToList()).Select(i => candidates[i]);
        return same
            .Where(earlier => earlier.Consent.Given)
            .SelectMany(earlier => AssistedBy(earlier).Select(agency => CaseAlerts.PossibleReTrafficking(flagged, earlier, agency)))
            .ToList();
    }

    /// <summary>The agencies that assisted the person in a case: those that accepted a referral of it.</summary>
    public static IEnumerable<string> AssistedBy(CaseView c) =>
        c.Referrals.Where(r => r.Status == ReferralStatus.Accepted).Select(r => r.ToAgencyId).Distinct(StringComparer.Ordinal);

    private static PersonMarks Marks(CaseView c) =>
        PersonIdentity.MarksOf(c.Citizenship, c.Person?.FullName, c.Person?.BirthYear, c.Person?.PassportNumber);
}
