namespace Coordination.Contracts.Statistics;

/// <summary>A half-open period [From, To): an instant equal to <see cref="To"/> belongs to the next period.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.ReportingPeriod")]
public sealed record ReportingPeriod([property: Id(0)] DateTimeOffset From, [property: Id(1)] DateTimeOffset To)
{
    public bool Contains(DateTimeOffset at) => at >= From && at < To;
}

[GenerateSerializer, Immutable, Alias("Coordination.StatisticsQuery")]
public sealed record StatisticsQuery([property: Id(0)] string Country, [property: Id(1)] ReportingPeriod Period);

/// <summary>
/// Distinct persons among the cases flagged in the period (see <see cref="CaseStatistics"/>); <see cref="WithMoreThanOneCase"/>:
/// those of them with more than one of those cases. Null: suppressed.
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.PersonCounts")]
public sealed record PersonCounts(
    [property: Id(0)] int? Total,
    [property: Id(1)] int? Minors,
    [property: Id(2)] int? Female,
    [property: Id(3)] int? Male,
    [property: Id(4)] int? WithMoreThanOneCase = null);

/// <summary>
/// Cases flagged in the period by where they stand at its end (open + closed + withdrawn = total),
/// and the cases reopened during the period (whenever they were first flagged).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.CaseCounts")]
public sealed record CaseCounts(
    [property: Id(0)] int? Total,
    [property: Id(1)] int? Open,
    [property: Id(2)] int? Closed,
    [property: Id(3)] int? Withdrawn,
    [property: Id(4)] int? Reopened);

/// <summary>Distinct cases with the stage's event inside the period, whenever they were flagged.</summary>
[GenerateSerializer, Immutable, Alias("Coordination.Funnel")]
public sealed record Funnel(
    [property: Id(0)] int? Flagged,
    [property: Id(1)] int? Referred,
    [property: Id(2)] int? Returned,
    [property: Id(3)] int? Received,
    [property: Id(4)] int? Sheltered,
    [property: Id(5)] int? Reintegrated);

/// <summary>
/// Reintegration follow-ups of the country's cases in the period: <see cref="Due"/> fell due in it,
/// <see cref="Done"/> were recorded in it, <see cref="Overdue"/> reached their deadline in it (by the
/// statistics' asOf: the period's end, or now while it runs) without being recorded by then, and
/// <see cref="ByOutcome"/> counts the recorded ones by outcome (every outcome, zero included).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.FollowUpCounts")]
public sealed record FollowUpCounts(
    [property: Id(0)] int? Due,
    [property: Id(1)] int? Done,
    [property: Id(2)] int? Overdue,
    [property: Id(3)] IReadOnlyDictionary<string, int?> ByOutcome);

/// <summary>
/// A country's case statistics over an explicit period; aggregates only, never personal data.
/// The country is the persons' citizenship. Persons, cases, <see cref="ByExploitationType"/> and
/// <see cref="ByDestinationCountry"/> describe the cases flagged in the period; the funnel and the
/// median count events in the period. One person flagged twice is one person and two cases.
/// A count between 1 and the minimum cell − 1 is null, and so is any count it could be worked back
/// from within its group (and the median of fewer arrivals than the minimum cell); the JSON path
/// of each (<c>persons.female</c>, <c>byDestinationCountry.QA</c>) is listed in <see cref="Suppressed"/>.
/// <see cref="ClosuresByReason"/> counts the cases closed in the period by the reason of their last
/// closure in it: every <see cref="Coordination.Contracts.Cases.ClosureReason"/>, zero included, and <see cref="ClosureNotRecorded"/>
/// for cases closed before closures took a reason, when there are any. <see cref="FollowUps"/>: see <see cref="FollowUpCounts"/>.
/// <see cref="ByIdentificationChannel"/> (who identified the person) and <see cref="ByRoute"/> (Return, Internal)
/// count the cases flagged in the period like <see cref="ByExploitationType"/>, and so does
/// <see cref="ByReferralBasis"/>: what each may be referred on — the person's consent
/// (<see cref="ReferralConsent"/>), an override without it (<c>BestInterestsOfChild</c>,
/// <c>LifeThreatening</c>), or nothing, so it stays with its opening agency (<see cref="ReferralWithheld"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Coordination.CaseStatistics")]
public sealed record CaseStatistics(
    [property: Id(0)] string Country,
    [property: Id(1)] ReportingPeriod Period,
    [property: Id(2)] PersonCounts Persons,
    [property: Id(3)] CaseCounts Cases,
    [property: Id(4)] Funnel Funnel,
    [property: Id(5)] double? MedianDaysFlaggedToArrived,
    [property: Id(6)] IReadOnlyDictionary<string, int?> ByExploitationType,
    [property: Id(7)] IReadOnlyDictionary<string, int?> ByDestinationCountry,
    [property: Id(9)] IReadOnlyDictionary<string, int?> ClosuresByReason,
    [property: Id(10)] FollowUpCounts FollowUps,
    [property: Id(11)] IReadOnlyDictionary<string, int?> ByIdentificationChannel,
    [property: Id(12)] IReadOnlyDictionary<string, int?> ByRoute,
    [property: Id(13)] IReadOnlyDictionary<string, int?> ByReferralBasis,
    [property: Id(8)] IReadOnlyList<string> Suppressed)
{
    /// <summary>The key in <see cref="ByReferralBasis"/> of cases with the person's referral consent.</summary>
    public const string ReferralConsent = "Consent";

    /// <summary>The key in <see cref="ByReferralBasis"/> of cases with neither referral consent nor an override.</summary>
    public const string ReferralWithheld = "Withheld";

    /// <summary>The key in <see cref="ClosuresByReason"/> of closures recorded before closures took a reason.</summary>
    public const string ClosureNotRecorded = "NotRecorded";
}

/// <summary>Computes case statistics from the case tables. Stateless; any silo answers.</summary>
[Alias("Coordination.IStatisticsGrain")]
public interface IStatisticsGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The statistics for <paramref name="query"/>. The computation reads identity fields to tell
    /// persons apart, so it is audited once under <paramref name="requestedBy"/>.
    /// </summary>
    [Alias("Compute")]
    Task<CaseStatistics> Compute(StatisticsQuery query, string requestedBy, string? agencyId);
}
