using System.Text.RegularExpressions;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Statistics;
using Coordination.Grains.Cases;
using Coordination.Grains.Statistics;
using Coordination.ServiceDefaults;
using Coordination.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;

namespace Coordination.Tests.Statistics;

/// <summary>
/// Statistics and the research export read cases as the case grain stores them — through
/// <see cref="CaseStateCodec"/>, personal data encrypted — so renaming a property of the case
/// cannot silently empty a statistic, on a real PostgreSQL.
/// </summary>
public sealed partial class StatisticsStoreTests
{
    private static readonly DateTimeOffset March = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_cohort_says_what_the_stored_cases_say_with_passports_decrypted_and_endings_as_of_the_period_end()
    {
        var connectionString = await TestDatabase.CreateMigratedAsync("statstore");
        await using var db = CoordinationDatabase.CreateDataSource(connectionString);
        var keyRing = new EphemeralDataProtectionProvider();
        var codec = new CaseStateCodec(keyRing, new PersonMarkKey(db, keyRing));
        var seeder = new CaseSeeder(connectionString, codec);
        var asel = new Person("Asel Bekova", Sex.F, 1990, "KG", "AB 123", "+996 555 000 111");
        await seeder.SeedAsync("KG-2025-000001", asel, "RU", ExploitationType.Labour,
            (CaseEventType.Flagged, March.AddDays(1)), (CaseEventType.Closed, March.AddDays(5)));
        await seeder.SeedAsync("KG-2025-000002", asel with { FullName = "Asel Bekova-Omurova", PassportNumber = "ab-123" }, "KZ", ExploitationType.Sexual,
            (CaseEventType.Flagged, March.AddDays(2)), (CaseEventType.Withdrawn, March.AddDays(3)), (CaseEventType.Reopened, March.AddDays(4)));
        await seeder.SeedAsync("KG-2025-000003", new Person("Timur Asanov", Sex.M, 2010, "KG", null, null), "AE", ExploitationType.Labour,
            (CaseEventType.Flagged, March.AddDays(3)), (CaseEventType.Closed, March.AddMonths(2)));
        await seeder.SeedAsync("KG-2025-000004", asel, "RU", ExploitationType.Labour, (CaseEventType.Flagged, March.AddMonths(1)));
        await seeder.SeedAsync("TJ-2025-000001", asel with { Citizenship = "TJ" }, "RU", ExploitationType.Labour, (CaseEventType.Flagged, March.AddDays(1)));

        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM cases WHERE state::text LIKE '%AB 123%'"));
        Assert.Equal(0L, await ScalarAsync<long>(db, "SELECT count(*) FROM cases WHERE state::text LIKE '%Bekova%'"));

        var march = new ReportingPeriod(March, March.AddMonths(1));
        var cohort = (await StatisticsStore.FlaggedInAsync(db, codec, new StatisticsQuery("KG", march))).OrderBy(c => c.CaseId, StringComparer.Ordinal).ToList();

        Assert.Equal(["KG-2025-000001", "KG-2025-000002", "KG-2025-000003"], cohort.Select(c => c.CaseId));
        Assert.Equal([March.AddDays(1), March.AddDays(2), March.AddDays(3)], cohort.Select(c => c.FlaggedAt));
        Assert.Equal(["F", "F", "M"], cohort.Select(c => c.Sex));
        Assert.Equal([false, false, true], cohort.Select(c => c.Minor));
        Assert.Equal(["RU", "KZ", "AE"], cohort.Select(c => c.CurrentCountry));
        Assert.Equal(["Labour", "Sexual", "Labour"], cohort.Select(c => string.Join("+", c.Exploitation)));
        Assert.Equal([CaseEventType.Closed, CaseEventType.Reopened, null], cohort.Select(c => c.LastEnding));
        Assert.Equal(["KG|AB123", "KG|AB123", null], cohort.Select(c => c.Marks.PassportKey));
        Assert.Equal(["KG|asel bekova|1990", "KG|asel bekova omurova|1990", "KG|timur asanov|2010"], cohort.Select(c => c.Marks.NameKey));

        var exported = await StatisticsStore.CasesFlaggedInAsync(db, codec, "KG", march);
        Assert.Equal(["KG-2025-000001", "KG-2025-000002", "KG-2025-000003"], exported.Select(c => c.Id));
        Assert.Equal(["AB 123", "ab-123", null], exported.Select(c => c.Person?.PassportNumber));
    }

    [Fact]
    public void No_SQL_under_src_reads_the_case_JSON_by_a_path_that_mirrors_a_property_name()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(CoordinationProcesses.RepositoryRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, number: i + 1)))
            .Where(l => JsonPath().IsMatch(l.line) && !l.line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .Select(l => $"{Path.GetRelativePath(CoordinationProcesses.RepositoryRoot, l.path)}:{l.number}: {l.line.Trim()}")
            .ToList();

        Assert.Empty(offenders);
    }

    /// <summary>A JSON operator applied to <c>state</c> inside a string literal: <c>state->'person'</c>, <c>state->>'minor'</c>, <c>state #> '{…}'</c>.</summary>
    [GeneratedRegex("\"[^\"]*\\bstate\\s*(->|#>)")]
    private static partial Regex JsonPath();

    private static async Task<T> ScalarAsync<T>(Npgsql.NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
