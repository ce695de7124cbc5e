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
    /// <summary>
    /// The earlier cases of the person a flag names that the signal tells of, given the cases whose
    /// person has the same name mark (<see cref="CaseStore.ReadIntakeAsync"/>): the same person by the
    /// statistics' rule, data-sharing consent standing (the person allowed the agencies that
    /// help them to know who they are), and an agency that assisted.
    /// </summary>
    public static IReadOnlyList<EarlierCase> EarlierCasesOf(Person person, IReadOnlyList<CaseView> candidates)
    {
        var flagged = PersonIdentity.MarksOf(person.Citizenship, person.FullName, person.BirthYear, person.PassportNumber);
        return PersonIdentity.SamePersonAs(flagged, candidates.Select(Marks).ToList())
            .Select(i => candidates[i])
            .Where(earlier => earlier.Consent.DataSharing)
            .Select(earlier => new EarlierCase(earlier.Id, AssistedBy(earlier).ToList()))
            .Where(earlier => earlier.AssistedBy.Count > 0)
            .ToList();
    }

    /// <summary>The alerts a newly flagged case raises: one to each agency that assisted its person in an earlier case.</summary>
    public static IReadOnlyList<NewFeedItem> For(CaseView flagged, IReadOnlyList<EarlierCase> earlier) =>
        earlier.SelectMany(e => e.AssistedBy.Select(agency => CaseAlerts.PossibleReTrafficking(flagged, e.CaseId, agency)))
            .ToList();

    /// <summary>The agencies that assisted the person in a case: those that accepted a referral of it.</summary>
    public static IEnumerable<string> AssistedBy(CaseView c) =>
        c.Referrals.Where(r => r.Status == ReferralStatus.Accepted).Select(r => r.ToAgencyId).Distinct(StringComparer.Ordinal);

    private static PersonMarks Marks(CaseView c) =>
        PersonIdentity.MarksOf(c.Citizenship, c.Person?.FullName, c.Person?.BirthYear, c.Person?.PassportNumber);
}
