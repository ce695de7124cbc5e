using System.Net;
using System.Text.Json.Nodes;
using Coordination.Contracts.Cases;
using Coordination.Tests.Committees;
using Coordination.Tests.EndToEnd;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Statistics;

/// <summary>
/// Statistics on the default minimum cell (5): small counts are null and listed, counts they could
/// be worked back from go with them, and no period narrower than a UTC day can single a case out.
/// Sri Lankan cases of June 2024 are seeded by this test only.
/// </summary>
[Collection("system")]
public sealed class StatisticsSuppressionTests(SystemFixture fixture)
{
    private static readonly SemaphoreSlim Seeding = new(1, 1);
    private static bool _seeded;

    [Fact]
    public async Task Counts_below_the_minimum_cell_are_null_listed_and_cannot_be_subtracted_back()
    {
        await SeedOnceAsync();
        var field = await Field.CreateAsync(fixture.System);
        using var analyst = await AnalystAsync(field);

        var day = (await analyst.GetAsync("/api/statistics?country=LK&from=2024-06-10&to=2024-06-11")).Expect(HttpStatusCode.OK).Json!;

        // Six women and one man: the man is too few, and the women would give him away (7 − 6).
        Assert.Equal(7, Count(day, "persons", "total"));
        Assert.Equal(0, Count(day, "persons", "minors"));
        Assert.Null(Count(day, "persons", "female"));
        Assert.Null(Count(day, "persons", "male"));
        Assert.Equal(new int?[] { 7, 7, 0, 0, 0 }, new[] { "total", "open", "closed", "withdrawn", "reopened" }.Select(c => Count(day, "cases", c)));
        Assert.Equal(7, Count(day, "funnel", "flagged"));
        Assert.Equal(6, Count(day, "funnel", "referred"));
        Assert.Null(Count(day, "funnel", "returned"));
        Assert.Null(day["medianDaysFlaggedToArrived"]);
        Assert.Equal(["Labour", "Sexual"], day["byExploitationType"]!.AsObject().Select(p => p.Key));
        Assert.All(day["byExploitationType"]!.AsObject(), p => Assert.Null(p.Value));
        Assert.Equal(["AE", "QA"], day["byDestinationCountry"]!.AsObject().Select(p => p.Key));
        Assert.All(day["byDestinationCountry"]!.AsObject(), p => Assert.Null(p.Value));
        Assert.Equal(
            new[]
            {
                "byDestinationCountry.AE", "byDestinationCountry.QA", "byExploitationType.Labour", "byExploitationType.Sexual",
                "funnel.returned", "medianDaysFlaggedToArrived", "persons.female", "persons.male",
            },
            day["suppressed"]!.AsArray().Select(p => p!.GetValue<string>()).Order(StringComparer.Ordinal));

        // A day with one case: nothing about it is published but zeros.
        var lone = (await analyst.GetAsync("/api/statistics?country=LK&from=2024-06-12&to=2024-06-13")).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(Count(lone, "persons", "total"));
        Assert.Null(Count(lone, "cases", "total"));
        Assert.Null(Count(lone, "funnel", "flagged"));
        Assert.Null(lone["byDestinationCountry"]!["QA"]);
        Assert.Contains("persons.total", lone["suppressed"]!.AsArray().Select(p => p!.GetValue<string>()));

        // The committee's report reuses the same figures.
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "lk-committee", "LK", "Asia/Colombo");
        using var _ = secretary;
        var report = (await secretary.GetAsync($"/api/committees/{committee}/report?from=2024-06-10&to=2024-06-11")).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(Count(report["statistics"]!, "persons", "male"));
        Assert.Contains("persons.male", report["statistics"]!["suppressed"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public async Task Narrowing_the_window_below_a_day_widens_it_to_whole_days_so_one_case_is_never_alone()
    {
        await SeedOnceAsync();
        var field = await Field.CreateAsync(fixture.System);
        using var analyst = await AnalystAsync(field);

        // The man was flagged at 12:00:00; a one-second window around him is the whole day.
        var second = (await analyst.GetAsync("/api/statistics?country=LK&from=2024-06-10T12:00:00Z&to=2024-06-10T12:00:01Z")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("2024-06-10T00:00:00+00:00", second["period"]!["from"]!.GetValue<string>());
        Assert.Equal("2024-06-11T00:00:00+00:00", second["period"]!["to"]!.GetValue<string>());
        Assert.Equal(7, Count(second, "persons", "total"));
        Assert.Null(Count(second, "persons", "male"));
        Assert.Null(second["byDestinationCountry"]!["QA"]);

        var local = (await analyst.GetAsync("/api/statistics?country=LK&from=2024-06-10T17:30:00%2B05:30&to=2024-06-10T17:31:00%2B05:30")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("2024-06-10T00:00:00+00:00", local["period"]!["from"]!.GetValue<string>());
        Assert.Equal(7, Count(local, "persons", "total"));
    }

    private static async Task<ApiClient> AnalystAsync(Field field)
    {
        var agency = await field.AgencyAsync("lk-analysis", Plans.Agency("InternationalOrganization", "IOM South Asia", "LK", "Asia/Colombo"));
        return await field.UserAsync("analyst", agency, "Analyst");
    }

    private async Task SeedOnceAsync()
    {
        await Seeding.WaitAsync();
        try
        {
            if (_seeded)
            {
                return;
            }

            var cases = new CaseSeeder(fixture.System.ConnectionString);
            static DateTimeOffset At(int day, int hour) => new(2024, 6, day, hour, 0, 0, TimeSpan.Zero);
            for (var i = 0; i < 6; i++)
            {
                var woman = new Person($"Seeded Woman{i}", Sex.F, 1990 + i, "LK", $"N10000{i}", null);
                (CaseEventType, DateTimeOffset)[] timeline = i < 2
                    ? [(CaseEventType.Flagged, At(10, 8 + i)), (CaseEventType.Referred, At(10, 9 + i)), (CaseEventType.Arrived, At(10, 20 + i))]
                    : [(CaseEventType.Flagged, At(10, 8 + i)), (CaseEventType.Referred, At(10, 9 + i))];
                await cases.SeedAsync($"LK-2024-90000{i}", woman, "AE", ExploitationType.Labour, timeline);
            }

            await cases.SeedAsync("LK-2024-900006", new Person("Seeded Man", Sex.M, 1985, "LK", "N200000", null), "QA", ExploitationType.Sexual,
                (CaseEventType.Flagged, At(10, 12)));
            await cases.SeedAsync("LK-2024-900007", new Person("Seeded Lone", Sex.F, 1980, "LK", "N300000", null), "QA", ExploitationType.Domestic,
                (CaseEventType.Flagged, At(12, 12)));
            _seeded = true;
        }
        finally
        {
            Seeding.Release();
        }
    }

    private static int? Count(JsonNode statistics, string group, string name) => statistics[group]![name]?.GetValue<int>();
}
