using Coordination.Contracts.Cases;
using Coordination.Contracts.Statistics;
using Coordination.Grains.Audit;
using Coordination.Grains.Cases;
using Coordination.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Grains.Statistics;

/// <summary>
/// Case statistics of a country over a half-open period [from, to).
/// <list type="bullet">
/// <item>The country is the persons' citizenship.</item>
/// <item>Cases and persons: the cases flagged in the period (created in it). Open, closed and withdrawn
/// say where each stood at the period's end (its last Closed, Withdrawn or Reopened event before then);
/// reopened counts every case of the country reopened during the period, whenever first flagged.
/// Persons are those cases' distinct persons (<see cref="PersonIdentity"/>): a minor if flagged as a
/// minor in any of them, sex as in the latest; with more than one case: more than one of those cases.</item>
/// <item>Funnel: distinct cases with the stage's event inside the period, whenever flagged:
/// flagged = Flagged, referred = Referred, returned = Arrived, received = ReceivedByAgency,
/// sheltered = Sheltered, reintegrated = ReintegrationStarted.</item>
/// <item>By exploitation type, by destination (the country the person was found in), by identification
/// channel (cases from before other doors existed: Consulate) and by route (Return, Internal): the cases flagged in the period.</item>
/// <item>Closures by reason: distinct cases closed inside the period, whenever flagged, by the reason of
/// their last closure in it; closures recorded before reasons existed count as <c>NotRecorded</c>.</item>
/// <item>Follow-ups (<see cref="FollowUpCounts"/>): of every case of the country, due in the period, recorded in it,
/// and overdue in it — their deadline passed inside the period, by its end or now, whichever is sooner,
/// without being recorded by the deadline — and the recorded ones by outcome.</item>
/// </list>
/// </summary>
[StatelessWorker, Reentrant]
public sealed class StatisticsGrain(
    NpgsqlDataSource db,
    CaseStateCodec codec,
    IOptions<StatisticsOptions> options,
    [FromKeyedServices(CoordinationGrainsExtensions.ClockKey)] TimeProvider clock,
    ILogger<StatisticsGrain> logger) : Grain, IStatisticsGrain
{
    private static readonly CaseEventType[] FunnelStages =
    [
        CaseEventType.Flagged, CaseEventType.Referred, CaseEventType.Arrived, CaseEventType.ReceivedByAgency,
        CaseEventType.Sheltered, CaseEventType.ReintegrationStarted, CaseEventType.Reopened,
    ];

    /// <summary>What the computation reads to tell persons apart.</summary>
    private static readonly string[] IdentityFields = ["fullName", "birthYear", "passportNumber"];

    public async Task<CaseStatistics> Compute(StatisticsQuery query, string requestedBy, string? agencyId)
    {
        await AuditStore.AppendAsync(db, new NewAuditEntry(requestedBy, agencyId, [], $"statistics.compute:{query.Country}", IdentityFields, null, null));
        var cohort = await StatisticsStore.FlaggedInAsync(db, codec, query);
        var stages = await StatisticsStore.CasesWithEventAsync(db, query, FunnelStages);
        var median = await StatisticsStore.MedianDaysFlaggedToArrivedAsync(db, query);
        var closures = await StatisticsStore.ClosuresInAsync(db, query);
        var followUps = await StatisticsStore.FollowUpsAsync(db, codec, query);

        var persons = PersonIdentity.Persons(cohort.Select(c => c.Marks).ToList())
            .Select(group => group.Select(i => cohort[i]).ToList())
            .ToList();
        string? SexOf(List<CohortCase> cases) => cases.MaxBy(c => c.FlaggedAt)!.Sex;

        var cells = new SmallCells(options.Value.MinCell);
        var bySex = cells.Parts(persons.Count,
        [
            ("persons.female", persons.Count(p => SexOf(p) == nameof(Sex.F))),
            ("persons.male", persons.Count(p => SexOf(p) == nameof(Sex.M))),
        ]);
        var minors = cells.Parts(persons.Count, [("persons.minors", persons.Count(p => p.Any(c => c.Minor)))]);
        var repeated = cells.Parts(persons.Count, [("persons.withMoreThanOneCase", persons.Count(p => p.Count > 1))]);
        var byOutcome = cells.Parts(cohort.Count,
        [
            ("cases.open", cohort.Count(c => c.LastEnding is null or CaseEventType.Reopened)),
            ("cases.closed", cohort.Count(c => c.LastEnding == CaseEventType.Closed)),
            ("cases.withdrawn", cohort.Count(c => c.LastEnding == CaseEventType.Withdrawn)),
        ]);
        var statistics = new CaseStatistics(
            query.Country,
            query.Period,
            new PersonCounts(cells.Cell("persons.total", persons.Count), minors["persons.minors"], bySex["persons.female"], bySex["persons.male"],
                repeated["persons.withMoreThanOneCase"]),
            new CaseCounts(
                cells.Cell("cases.total", cohort.Count), byOutcome["cases.open"], byOutcome["cases.closed"], byOutcome["cases.withdrawn"],
                cells.Cell("cases.reopened", stages[CaseEventType.Reopened])),
            new Funnel(
                cells.Cell("funnel.flagged", stages[CaseEventType.Flagged]), cells.Cell("funnel.referred", stages[CaseEventType.Referred]),
                cells.Cell("funnel.returned", stages[CaseEventType.Arrived]), cells.Cell("funnel.received", stages[CaseEventType.ReceivedByAgency]),
                cells.Cell("funnel.sheltered", stages[CaseEventType.Sheltered]), cells.Cell("funnel.reintegrated", stages[CaseEventType.ReintegrationStarted])),
            Median(median, stages[CaseEventType.Arrived], cells),
            // A set per case: a case counts once under each of its types.
            Tally(cells, "byExploitationType", cohort.Count, cohort.SelectMany(c => c.Exploitation)),
            Tally(cells, "byDestinationCountry", cohort.Count, cohort.Select(c => c.CurrentCountry)),
            ByReason(cells, closures),
            FollowUpsIn(cells, query.Period, clock.GetUtcNow(), followUps),
            Tally(cells, "byIdentificationChannel", cohort.Count, cohort.Select(c => c.IdentifiedBy)),
            Tally(cells, "byRoute", cohort.Count, cohort.Select(c => c.Route)),
            Tally(cells, "byReferralBasis", cohort.Count, cohort.Select(c => c.ReferralBasis)),
            cells.Paths);

        logger.LogInformation("Statistics for {Country} computed for {Username}: {Cases} cases", query.Country, requestedBy, cohort.Count);
        return statistics;
    }

    /// <summary>
    /// Counts by value, largest first; they add up to <paramref name="total"/>, so they are suppressed as one group. Values
    /// of a set-valued field (a case counted under each) may add up to more: then no count is got back by subtraction.
    /// </summary>
    private static IReadOnlyDictionary<string, int?> Tally(SmallCells cells, string path, int total, IEnumerable<string> values)
    {
        var counts = values.GroupBy(v => v, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Count: g.Count()))
            .ToList();
        var published = cells.Parts(total, counts.Select(c => ($"{path}.{c.Key}", c.Count)).ToList());
        return counts.ToDictionary(c => c.Key, c => published[$"{path}.{c.Key}"], StringComparer.Ordinal);
    }

    /// <summary>
    /// Closures by reason: every reason, so a committee sees the zeros too, and <see cref="CaseStatistics.ClosureNotRecorded"/>
    /// only when old closures without one fall in the period. They add up to the closures of the
    /// period, so they are suppressed as one group.
    /// </summary>
    private static IReadOnlyDictionary<string, int?> ByReason(SmallCells cells, IReadOnlyList<ClosureReason?> closures)
    {
        var counts = Enum.GetValues<ClosureReason>()
            .Select(r => (Key: r.ToString(), Count: closures.Count(c => c == r)))
            .Concat(closures.Any(c => c is null) ? [(Key: CaseStatistics.ClosureNotRecorded, Count: closures.Count(c => c is null))] : [])
            .ToList();
        var published = cells.Parts(closures.Count, counts.Select(c => ($"closuresByReason.{c.Key}", c.Count)).ToList());
        return counts.ToDictionary(c => c.Key, c => published[$"closuresByReason.{c.Key}"], StringComparer.Ordinal);
    }

    /// <summary>Follow-ups due, done and overdue in the period, and the done ones by outcome, suppressed as one group.</summary>
    private static FollowUpCounts FollowUpsIn(SmallCells cells, ReportingPeriod period, DateTimeOffset now, IReadOnlyList<FollowUp> followUps)
    {
        var asOf = period.To < now ? period.To : now;
        var done = followUps.Where(f => f.RecordedAt is { } at && period.Contains(at)).ToList();
        var overdue = followUps.Count(f => f.Deadline >= period.From && f.Deadline < asOf && !(f.RecordedAt <= f.Deadline));
        var byOutcome = Enum.GetValues<FollowUpOutcome>().Select(o => (Key: o.ToString(), Count: done.Count(f => f.Outcome == o))).ToList();
        var published = cells.Parts(done.Count, byOutcome.Select(o => ($"followUps.byOutcome.{o.Key}", o.Count)).ToList());
        return new FollowUpCounts(
            cells.Cell("followUps.due", followUps.Count(f => period.Contains(f.DueAt))),
            cells.Cell("followUps.done", done.Count),
            cells.Cell("followUps.overdue", overdue),
            byOutcome.ToDictionary(o => o.Key, o => published[$"followUps.byOutcome.{o.Key}"], StringComparer.Ordinal));
    }

    /// <summary>The median of fewer arrivals than the minimum cell would describe a few persons' journeys.</summary>
    private static double? Median(double? median, int arrivals, SmallCells cells)
    {
        if (median is not { } m)
        {
            return null;
        }

        if (cells.IsSmall(arrivals))
        {
            cells.Cell("medianDaysFlaggedToArrived", arrivals);
            return null;
        }

        return Math.Round(m, 1, MidpointRounding.AwayFromZero);
    }
}
