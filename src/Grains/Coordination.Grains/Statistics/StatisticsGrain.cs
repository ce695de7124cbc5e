using Coordination.Contracts.Cases;
using Coordination.Contracts.Statistics;
using Coordination.Grains.Cases;
using Microsoft.Extensions.Logging;
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
/// minor in any of them, sex as in the latest.</item>
/// <item>Funnel: distinct cases with the stage's event inside the period, whenever flagged:
/// flagged = Flagged, referred = Referred, returned = Arrived, received = ReceivedByAgency,
/// sheltered = Sheltered, reintegrated = ReintegrationStarted.</item>
/// <item>By exploitation type and by destination (the country the person was found in): the cases flagged in the period.</item>
/// </list>
/// </summary>
[StatelessWorker]
public sealed class StatisticsGrain(NpgsqlDataSource db, CaseStateCodec codec, ILogger<StatisticsGrain> logger) : Grain, IStatisticsGrain
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
        await StatisticsStore.AuditAsync(db, requestedBy, agencyId, $"statistics.compute:{query.Country}", IdentityFields, null);
        var cohort = await StatisticsStore.FlaggedInAsync(db, codec, query);
        var stages = await StatisticsStore.CasesWithEventAsync(db, query, FunnelStages);
        var median = await StatisticsStore.MedianDaysFlaggedToArrivedAsync(db, query);

        var persons = PersonIdentity.Persons(cohort.Select(c => c.Marks).ToList())
            .Select(group => group.Select(i => cohort[i]).ToList())
            .ToList();
        string? SexOf(List<CohortCase> cases) => cases.MaxBy(c => c.FlaggedAt)!.Sex;

        var statistics = new CaseStatistics(
            query.Country,
            query.Period,
            new PersonCounts(
                persons.Count,
                persons.Count(p => p.Any(c => c.Minor)),
                persons.Count(p => SexOf(p) == nameof(Sex.F)),
                persons.Count(p => SexOf(p) == nameof(Sex.M))),
            new CaseCounts(
                cohort.Count,
                cohort.Count(c => c.LastEnding is null or CaseEventType.Reopened),
                cohort.Count(c => c.LastEnding == CaseEventType.Closed),
                cohort.Count(c => c.LastEnding == CaseEventType.Withdrawn),
                stages[CaseEventType.Reopened]),
            new Funnel(
                stages[CaseEventType.Flagged], stages[CaseEventType.Referred], stages[CaseEventType.Arrived],
                stages[CaseEventType.ReceivedByAgency], stages[CaseEventType.Sheltered], stages[CaseEventType.ReintegrationStarted]),
            median is { } m ? Math.Round(m, 1, MidpointRounding.AwayFromZero) : null,
            Tally(cohort.Select(c => c.ExploitationType)),
            Tally(cohort.Select(c => c.CurrentCountry)));

        logger.LogInformation("Statistics for {Country} computed for {Username}: {Cases} cases", query.Country, requestedBy, cohort.Count);
        return statistics;
    }

    private static IReadOnlyDictionary<string, int> Tally(IEnumerable<string> values) =>
        values.GroupBy(v => v, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
