using Coordination.Contracts.Cases;
using Coordination.Contracts.Statistics;
using Coordination.Grains.Cases;
using Npgsql;

namespace Coordination.Grains.Statistics;

/// <summary>A case flagged in the period, as statistics need it. Names and passports stop at <see cref="Marks"/>.</summary>
public sealed record CohortCase(
    string CaseId, DateTimeOffset FlaggedAt, PersonMarks Marks, string? Sex, bool Minor,
    string CurrentCountry, IReadOnlyList<string> Exploitation, CaseEventType? LastEnding, string IdentifiedBy, string Route, string ReferralBasis);

/// <summary>
/// The SQL of statistics and the research export, in one place. Cases are read whole through
/// <see cref="CaseStateCodec"/>, never by JSON path, so the stored shape has one reader; the
/// columns only choose the rows.
/// </summary>
public static class StatisticsStore
{
    /// <summary>Events that end a case or bring it back; the last one before the period's end says where it stands.</summary>
    private static readonly string[] Endings = [nameof(CaseEventType.Closed), nameof(CaseEventType.Withdrawn), nameof(CaseEventType.Reopened)];

    /// <summary>The cases of <paramref name="country"/> (the persons' citizenship) flagged in <paramref name="period"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<CaseView>> CasesFlaggedInAsync(
        NpgsqlDataSource db, CaseStateCodec codec, string country, ReportingPeriod period, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT state FROM cases WHERE citizenship = @country AND created_at >= @from AND created_at < @to ORDER BY created_at");
        Bind(command, country, period);
        var cases = new List<CaseView>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(codec.Deserialize(reader.GetString(0)));
        }

        return cases;
    }

    /// <summary>The cases flagged in the period, with where each stood at its end; passport numbers serve only to tell persons apart.</summary>
    public static async Task<IReadOnlyList<CohortCase>> FlaggedInAsync(
        NpgsqlDataSource db, CaseStateCodec codec, StatisticsQuery query, CancellationToken cancellationToken = default)
    {
        var cases = await CasesFlaggedInAsync(db, codec, query.Country, query.Period, cancellationToken);
        var endings = await LastEndingsAsync(db, query, cancellationToken);
        return cases.Select(c => new CohortCase(
                c.Id,
                c.FlaggedAt,
                new PersonMarks(
                    PersonIdentity.PassportKey(c.Citizenship, c.Person?.PassportNumber),
                    PersonIdentity.NameKey(c.Citizenship, c.Person?.FullName, c.Person?.BirthYear)),
                c.Person?.Sex.ToString(),
                c.Minor,
                c.CurrentCountry,
                (c.Exploitation ?? []).Select(e => e.ToString()).ToList(),
                endings.GetValueOrDefault(c.Id),
                // Before other doors existed only consular posts opened cases.
                (c.IdentifiedBy ?? IdentificationChannel.Consulate).ToString(),
                c.Route.ToString(),
                ReferralBasis(c.Consent)))
            .ToList();
    }

    /// <summary>
    /// What a case may be referred on, as <see cref="CaseStatistics.ByReferralBasis"/> counts it: the
    /// person's consent, an override (by its name), or nothing (<see cref="CaseStatistics.ReferralWithheld"/>).
    /// </summary>
    private static string ReferralBasis(Consent consent) =>
        consent.Referral ? CaseStatistics.ReferralConsent : consent.Override?.ToString() ?? CaseStatistics.ReferralWithheld;

    /// <summary>The last Closed, Withdrawn or Reopened event before the period's end of each case flagged in it.</summary>
    private static async Task<Dictionary<string, CaseEventType?>> LastEndingsAsync(
        NpgsqlDataSource db, StatisticsQuery query, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand(
            "SELECT DISTINCT ON (e.case_id) e.case_id, e.type FROM case_events e JOIN cases c ON c.id = e.case_id " +
            "WHERE c.citizenship = @country AND c.created_at >= @from AND c.created_at < @to " +
            "AND e.at < @to AND e.type = ANY (@endings) ORDER BY e.case_id, e.seq DESC");
        Bind(command, query);
        command.Parameters.AddWithValue("endings", Endings);
        var endings = new Dictionary<string, CaseEventType?>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            endings[reader.GetString(0)] = Enum.Parse<CaseEventType>(reader.GetString(1));
        }

        return endings;
    }

    /// <summary>How many distinct cases of the country had each of <paramref name="types"/> inside the period.</summary>
    public static async Task<IReadOnlyDictionary<CaseEventType, int>> CasesWithEventAsync(
        NpgsqlDataSource db, StatisticsQuery query, IReadOnlyList<CaseEventType> types, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT e.type, count(DISTINCT e.case_id) FROM case_events e JOIN cases c ON c.id = e.case_id " +
            "WHERE c.citizenship = @country AND e.at >= @from AND e.at < @to AND e.type = ANY (@types) GROUP BY e.type");
        Bind(command, query);
        command.Parameters.AddWithValue("types", types.Select(t => t.ToString()).ToArray());
        var counts = types.ToDictionary(t => t, _ => 0);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[Enum.Parse<CaseEventType>(reader.GetString(0))] = (int)reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>
    /// The reason of each case's last closure inside the period (null for a closure recorded before
    /// closures took a reason), over the cases of the country whenever they were flagged.
    /// </summary>
    public static async Task<IReadOnlyList<ClosureReason?>> ClosuresInAsync(NpgsqlDataSource db, StatisticsQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT DISTINCT ON (e.case_id) e.reason FROM case_events e JOIN cases c ON c.id = e.case_id " +
            "WHERE c.citizenship = @country AND e.type = 'Closed' AND e.at >= @from AND e.at < @to ORDER BY e.case_id, e.seq DESC");
        Bind(command, query);
        var reasons = new List<ClosureReason?>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            reasons.Add(reader.IsDBNull(0) ? null : Enum.Parse<ClosureReason>(reader.GetString(0)));
        }

        return reasons;
    }

    /// <summary>The follow-ups of the country's cases whose reintegration started before the period's end, whenever they were flagged.</summary>
    public static async Task<IReadOnlyList<FollowUp>> FollowUpsAsync(
        NpgsqlDataSource db, CaseStateCodec codec, StatisticsQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT c.state FROM cases c WHERE c.citizenship = @country AND EXISTS (" +
            "SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = 'ReintegrationStarted' AND e.at < @to)");
        Bind(command, query);
        var followUps = new List<FollowUp>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            followUps.AddRange(codec.Deserialize(reader.GetString(0)).FollowUps ?? []);
        }

        return followUps;
    }

    /// <summary>
    /// Median days from flag to arrival home, over the cases that arrived in the period: each case's
    /// first arrival in the period, measured from its latest Flagged or Reopened before that arrival.
    /// </summary>
    public static async Task<double?> MedianDaysFlaggedToArrivedAsync(NpgsqlDataSource db, StatisticsQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "WITH arrivals AS ( " +
            "  SELECT DISTINCT ON (e.case_id) e.case_id, e.seq, e.at FROM case_events e JOIN cases c ON c.id = e.case_id " +
            "  WHERE c.citizenship = @country AND e.type = 'Arrived' AND e.at >= @from AND e.at < @to " +
            "  ORDER BY e.case_id, e.seq) " +
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.at - s.at) / 86400.0) " +
            "FROM arrivals a CROSS JOIN LATERAL ( " +
            "  SELECT f.at FROM case_events f WHERE f.case_id = a.case_id AND f.seq < a.seq AND f.type IN ('Flagged', 'Reopened') " +
            "  ORDER BY f.seq DESC LIMIT 1) s");
        Bind(command, query);
        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is double median ? median : null;
    }

    private static void Bind(NpgsqlCommand command, StatisticsQuery query) => Bind(command, query.Country, query.Period);

    private static void Bind(NpgsqlCommand command, string country, ReportingPeriod period)
    {
        command.Parameters.AddWithValue("country", country);
        command.Parameters.AddWithValue("from", period.From.UtcDateTime);
        command.Parameters.AddWithValue("to", period.To.UtcDateTime);
    }
}
