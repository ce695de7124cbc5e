using Coordination.Contracts.Cases;
using Coordination.Contracts.Statistics;
using Coordination.Grains.Cases;
using Npgsql;
using NpgsqlTypes;

namespace Coordination.Grains.Statistics;

/// <summary>A case flagged in the period, as statistics need it. Names and passports stop at <see cref="Marks"/>.</summary>
public sealed record CohortCase(
    string CaseId, DateTimeOffset FlaggedAt, PersonMarks Marks, string? Sex, bool Minor,
    string CurrentCountry, string ExploitationType, CaseEventType? LastEnding);

/// <summary>The SQL of statistics, in one place. Reads the cases' JSON state and their timelines.</summary>
public static class StatisticsStore
{
    /// <summary>Events that end a case or bring it back; the last one before the period's end says where it stands.</summary>
    private static readonly string[] Endings = [nameof(CaseEventType.Closed), nameof(CaseEventType.Withdrawn), nameof(CaseEventType.Reopened)];

    /// <summary>The cases flagged in the period; passport numbers are decrypted by <paramref name="codec"/> only to tell persons apart.</summary>
    public static async Task<IReadOnlyList<CohortCase>> FlaggedInAsync(
        NpgsqlDataSource db, CaseStateCodec codec, StatisticsQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "SELECT c.id, c.created_at, c.citizenship, c.state->'person'->>'fullName', c.state->'person', " +
            "       c.state->'person'->>'birthYear', c.state->'person'->>'sex', c.state->>'minor', " +
            "       c.state->>'currentCountry', c.state->>'exploitationType', " +
            "       (SELECT e.type FROM case_events e WHERE e.case_id = c.id AND e.at < @to AND e.type = ANY (@endings) " +
            "        ORDER BY e.seq DESC LIMIT 1) " +
            "FROM cases c WHERE c.citizenship = @country AND c.created_at >= @from AND c.created_at < @to");
        Bind(command, query);
        command.Parameters.AddWithValue("endings", Endings);
        var cohort = new List<CohortCase>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var citizenship = reader.GetString(2);
            int? birthYear = int.TryParse(Text(reader, 5), out var y) ? y : null;
            cohort.Add(new CohortCase(
                reader.GetString(0),
                new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc)),
                new PersonMarks(
                    PersonIdentity.PassportKey(citizenship, codec.PassportNumberOf(Text(reader, 4))),
                    PersonIdentity.NameKey(citizenship, Text(reader, 3), birthYear)),
                Text(reader, 6),
                Text(reader, 7) == "true",
                Text(reader, 8) ?? "Unknown",
                Text(reader, 9) ?? nameof(ExploitationType.Unknown),
                Text(reader, 10) is { } ending ? Enum.Parse<CaseEventType>(ending) : null));
        }

        return cohort;
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

    /// <summary>
    /// One audit entry per aggregate read (statistics, research export): identity or quasi-identifying
    /// fields were read to build it, none returned as such; <paramref name="detail"/> says what was released.
    /// </summary>
    public static async Task AuditAsync(
        NpgsqlDataSource db, string username, string? agencyId, string action, string[] fields, string? detail, CancellationToken cancellationToken = default)
    {
        await using var command = db.CreateCommand(
            "INSERT INTO audit_log (username, agency_id, case_id, action, fields, detail) VALUES (@user, @agency, NULL, @action, @fields, @detail)");
        command.Parameters.AddWithValue("user", username);
        command.Parameters.AddWithValue("agency", NpgsqlDbType.Text, (object?)agencyId ?? DBNull.Value);
        command.Parameters.AddWithValue("action", action);
        command.Parameters.AddWithValue("fields", fields);
        command.Parameters.AddWithValue("detail", NpgsqlDbType.Text, (object?)detail ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Bind(NpgsqlCommand command, StatisticsQuery query)
    {
        command.Parameters.AddWithValue("country", query.Country);
        command.Parameters.AddWithValue("from", query.Period.From.UtcDateTime);
        command.Parameters.AddWithValue("to", query.Period.To.UtcDateTime);
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
