using System.Net;
using System.Text.Json.Nodes;
using Coordination.Contracts.Cases;
using Coordination.Tests.Committees;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Statistics;

/// <summary>
/// GET /api/statistics over a seeded data set of Kazakh cases in the first quarter of 2025, every
/// expected figure worked out by hand below. No other test seeds Kazakh cases of 2025.
/// </summary>
[Collection(CommitteeSystemCollection.Name)]
public sealed class StatisticsApiTests(CommitteeSystemFixture fixture) : IAsyncLifetime
{
    private static readonly SemaphoreSlim Seeding = new(1, 1);
    private static bool _seeded;

    public async Task InitializeAsync()
    {
        await Seeding.WaitAsync();
        try
        {
            if (!_seeded)
            {
                await SeedAsync(fixture.Cases);
                _seeded = true;
            }
        }
        finally
        {
            Seeding.Release();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Persons_and_cases_are_counted_separately_over_an_explicit_half_open_period()
    {
        var field = await Field.CreateAsync(fixture.System);
        using var analyst = await AnalystAsync(field);

        var q1 = (await analyst.GetAsync("/api/statistics?country=KZ&from=2025-01-01&to=2025-04-01")).Expect(HttpStatusCode.OK).Json!;

        Assert.Equal("2025-01-01T00:00:00+00:00", q1["period"]!["from"]!.GetValue<string>());
        Assert.Equal("2025-04-01T00:00:00+00:00", q1["period"]!["to"]!.GetValue<string>());
        // Flagged in Q1: #1 #2 #3 #4 #7 (at 00:00 on 1 January, the period's first instant) #9 (a second before its end) #10.
        // Not: #5 and #8 (flagged in 2024), #6 (flagged at 00:00 on 1 April: the next period), the Turkmen case.
        // Persons: Aigerim (#1, #2: one passport written two ways), Dana (#3, #4: no passport, same name and year),
        // Ivan (#7), the person of #9, and the other Aigerim Seitova (#10: same name, another passport).
        Assert.Equal((5, 1, 3, 1), Persons(q1)); // Dana is a minor; #9 is X, neither female nor male
        // With more than one case in Q1: Aigerim (#1, #2) and Dana (#3, #4).
        Assert.Equal(2, Int(q1["persons"]!, "withMoreThanOneCase"));
        // At the end of Q1: #1 withdrawn, #10 closed; #7 was closed and reopened; #9 was closed only at 00:00 on 1 April.
        // Reopened during Q1: #7 and #8 (whenever first flagged).
        Assert.Equal((7, 5, 1, 1, 2), Cases(q1));
        // Events inside Q1: Flagged 7 (as above); Referred #1 #2 #3 #7 #10; Arrived #2 #3 #5; ReceivedByAgency #2 #5;
        // Sheltered #2 #5; ReintegrationStarted #5.
        Assert.Equal((7, 5, 3, 2, 2, 1), Funnel(q1));
        // Flag to arrival: #2 10 days, #3 20 days, #5 16 days (flagged in December, arrived in January): median 16.
        Assert.Equal(16.0, q1["medianDaysFlaggedToArrived"]!.GetValue<double>());
        Assert.Equal(new Dictionary<string, int> { ["Labour"] = 4, ["Sexual"] = 2, ["Domestic"] = 1 }, Counts(q1["byExploitationType"]!));
        Assert.Equal(new Dictionary<string, int> { ["TR"] = 4, ["AE"] = 2, ["RU"] = 1 }, Counts(q1["byDestinationCountry"]!));

        var text = q1.ToJsonString();
        foreach (var personal in new[] { "Aigerim", "Seitova", "Nurlanova", "Petrov", "N1234567", "N9999999", "1990", "KZ-2025-" })
        {
            Assert.DoesNotContain(personal, text);
        }

        // The next quarter holds #6, flagged at its first instant, and #9's closure; #9 itself belongs to Q1.
        var q2 = (await analyst.GetAsync("/api/statistics?country=KZ&from=2025-04-01&to=2025-07-01")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal((1, 0, 1, 0), Persons(q2));
        Assert.Equal(0, Int(q2["persons"]!, "withMoreThanOneCase"));
        Assert.Equal((1, 1, 0, 0, 0), Cases(q2));
        Assert.Equal((1, 0, 0, 0, 0, 0), Funnel(q2));
        Assert.Null(q2["medianDaysFlaggedToArrived"]);

        // Half a year at once: one period, so Aigerim is still one person, and #6 joins.
        var h1 = (await analyst.GetAsync("/api/statistics?country=KZ&from=2025-01-01T05:00:00%2B05:00&to=2025-07-01T00:00:00Z")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal((6, 1, 4, 1), Persons(h1));
        Assert.Equal(2, Int(h1["persons"]!, "withMoreThanOneCase"));
        Assert.Equal((8, 5, 2, 1, 2), Cases(h1));
    }

    [Fact]
    public async Task Closures_are_counted_by_reason_in_the_period_they_happened_and_the_committee_report_shows_them()
    {
        var field = await Field.CreateAsync(fixture.System);
        using var analyst = await AnalystAsync(field);

        // Closed inside Q1: #5 Reintegrated (flagged in December), #10 ServicesDeclined, and #7, closed before closures
        // took a reason (and reopened since: a closure in the period is counted all the same). #9 closed at the first instant of Q2.
        var q1 = (await analyst.GetAsync("/api/statistics?country=KZ&from=2025-01-01&to=2025-04-01")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(new Dictionary<string, int>
        {
            ["Reintegrated"] = 1, ["ServicesDeclined"] = 1, ["LostContact"] = 0, ["TransferredToOtherProgramme"] = 0, ["Deceased"] = 0, ["Other"] = 0,
            ["NotRecorded"] = 1,
        }, Counts(q1["closuresByReason"]!));
        var q2 = (await analyst.GetAsync("/api/statistics?country=KZ&from=2025-04-01&to=2025-07-01")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(new Dictionary<string, int>
        {
            ["Reintegrated"] = 0, ["ServicesDeclined"] = 0, ["LostContact"] = 0, ["TransferredToOtherProgramme"] = 0, ["Deceased"] = 0, ["Other"] = 1,
        }, Counts(q2["closuresByReason"]!));

        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kz-closures-wg", "KZ", "Asia/Almaty");
        var report = (await secretary.GetAsync($"/api/committees/{committee}/report?from=2025-01-01&to=2025-04-01")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(Counts(q1["closuresByReason"]!), Counts(report["statistics"]!["closuresByReason"]!));
        var page = (await secretary.GetAsync($"/api/committees/{committee}/report.html?from=2025-01-01&to=2025-04-01")).Expect(HttpStatusCode.OK).Body;
        Assert.Contains("<th>Closure reason</th>", page);
        Assert.Contains("<tr><td>Services declined</td><td class=\"n\">1</td></tr>", page);
        Assert.Contains("<tr><td>Not recorded (closed before reasons were kept)</td><td class=\"n\">1</td></tr>", page);
    }

    /// <summary>Uzbek cases of March 2023, which no other test seeds.</summary>
    [Fact]
    public async Task Cases_are_counted_by_identification_channel_and_route_and_persons_apart()
    {
        await Seeding.WaitAsync();
        try
        {
            if (!_doorsSeeded)
            {
                await SeedDoorsAsync(fixture.Cases);
                _doorsSeeded = true;
            }
        }
        finally
        {
            Seeding.Release();
        }

        var field = await Field.CreateAsync(fixture.System);
        using var analyst = await AnalystAsync(field);

        var march = (await analyst.GetAsync("/api/statistics?country=UZ&from=2023-03-01&to=2023-04-01")).Expect(HttpStatusCode.OK).Json!;

        // Five cases of three persons: Aziz twice (a consul's case from before other doors, then the police's),
        // Dilnoza twice (the hotline, at home and then abroad), Bobur once (an NGO at home). #6 falls in May.
        Assert.Equal(3, Int(march["persons"]!, "total"));
        Assert.Equal(2, Int(march["persons"]!, "withMoreThanOneCase"));
        Assert.Equal(5, Int(march["cases"]!, "total"));
        Assert.Equal(new Dictionary<string, int> { ["Hotline"] = 2, ["Consulate"] = 1, ["Ngo"] = 1, ["Police"] = 1 }, Counts(march["byIdentificationChannel"]!));
        Assert.Equal(new Dictionary<string, int> { ["Return"] = 3, ["Internal"] = 2 }, Counts(march["byRoute"]!));
        // Bobur was referred without his consent, his life being threatened; Dilnoza's case at home has no referral consent.
        Assert.Equal(new Dictionary<string, int> { ["Consent"] = 3, ["LifeThreatening"] = 1, ["Withheld"] = 1 }, Counts(march["byReferralBasis"]!));
    }

    private static bool _doorsSeeded;

    private static async Task SeedDoorsAsync(CaseSeeder cases)
    {
        var aziz = new Person("Aziz Karimov", Sex.M, 1988, "UZ", "FA1234567", null);
        var dilnoza = new Person("Dilnoza Yusupova", Sex.F, 1997, "UZ", "FA7654321", null);
        await cases.SeedAsync("UZ-2023-900001", aziz, "KZ", ExploitationType.Labour, (CaseEventType.Flagged, At(2023, 3, 1)));
        await cases.SeedAsync("UZ-2023-900002", aziz, "KZ", ExploitationType.Labour, (CaseEventType.Flagged, At(2023, 3, 5)));
        await cases.OpenedByAsync("UZ-2023-900002", IdentificationChannel.Police, CaseRoute.Return);
        await cases.SeedAsync("UZ-2023-900003", new Person("Bobur Aliyev", Sex.M, 2001, "UZ", "FA1111111", null), "UZ", ExploitationType.Labour,
            (CaseEventType.Flagged, At(2023, 3, 10)));
        await cases.OpenedByAsync("UZ-2023-900003", IdentificationChannel.Ngo, CaseRoute.Internal);
        await cases.ConsentAsync("UZ-2023-900003", new Consent(false, false, false, Override: ConsentOverride.LifeThreatening));
        await cases.SeedAsync("UZ-2023-900004", dilnoza, "UZ", ExploitationType.Sexual, (CaseEventType.Flagged, At(2023, 3, 12)));
        await cases.OpenedByAsync("UZ-2023-900004", IdentificationChannel.Hotline, CaseRoute.Internal);
        await cases.ConsentAsync("UZ-2023-900004", Consent.AllOrNone(false));
        await cases.SeedAsync("UZ-2023-900005", dilnoza, "RU", ExploitationType.Sexual, (CaseEventType.Flagged, At(2023, 3, 20)));
        await cases.OpenedByAsync("UZ-2023-900005", IdentificationChannel.Hotline, CaseRoute.Return);
        await cases.SeedAsync("UZ-2023-900006", new Person("Kamola Saidova", Sex.F, 1995, "UZ", "FA2222222", null), "UZ", ExploitationType.Domestic,
            (CaseEventType.Flagged, At(2023, 5, 1)));
        await cases.OpenedByAsync("UZ-2023-900006", IdentificationChannel.Family, CaseRoute.Internal);

        static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 9, 0, 0, TimeSpan.Zero);
    }

    [Fact]
    public async Task Statistics_need_an_explicit_period_and_a_country()
    {
        var field = await Field.CreateAsync(fixture.System);
        using var analyst = await AnalystAsync(field);

        foreach (var (query, field1) in new[]
        {
            ("country=KZ&to=2025-04-01", "from"),
            ("country=KZ&from=2025-01-01", "to"),
            ("country=KZ&from=2025-04-01&to=2025-01-01", "to"),
            ("country=KZ&from=2025-04-01&to=2025-04-01", "to"),
            ("country=KZ&from=yesterday&to=2025-04-01", "from"),
            ("country=KZ&from=2025-01-01T00:00:00&to=2025-04-01", "from"),
            ("country=KZ&from=1900-01-01&to=2025-04-01", "from"),
            ("from=2025-01-01&to=2025-04-01", "country"),
            ("country=&from=2025-01-01&to=2025-04-01", "country"),
            ("country=%20%20&from=2025-01-01&to=2025-04-01", "country"),
            ("country=kz&from=2025-01-01&to=2025-04-01", "country"),
            ("country=QQ&from=2025-01-01&to=2025-04-01", "country"),
        })
        {
            var response = (await analyst.GetAsync($"/api/statistics?{query}")).ExpectProblem(HttpStatusCode.BadRequest);
            Assert.True(response.Json!["errors"]![field1] is not null, $"{query}: {response.Body}");
        }
    }

    [Fact]
    public async Task A_committee_sees_its_own_countrys_statistics_and_other_roles_none()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kz-stats-wg", "KZ", "Asia/Almaty");
        using var member = await field.UserAsync("kz-member", committee, "CommitteeMember");
        var post = await field.AgencyAsync("kz-post", Field.ConsularPost("KZ", "TR", "Istanbul", "Europe/Istanbul"));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");

        var own = (await secretary.GetAsync("/api/statistics?from=2025-01-01&to=2025-04-01")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("KZ", own["country"]!.GetValue<string>());
        Assert.Equal(7, own["cases"]!["total"]!.GetValue<int>());
        (await member.GetAsync("/api/statistics?country=KZ&from=2025-01-01&to=2025-04-01")).Expect(HttpStatusCode.OK);
        (await member.GetAsync("/api/statistics?country=TM&from=2025-01-01&to=2025-04-01")).ExpectProblem(HttpStatusCode.Forbidden);
        (await consul.GetAsync("/api/statistics?country=KZ&from=2025-01-01&to=2025-04-01")).ExpectProblem(HttpStatusCode.Forbidden);
        (await field.Admin.GetAsync("/api/statistics?country=TM&from=2025-01-01&to=2025-04-01")).Expect(HttpStatusCode.OK);
        using var anonymous = new ApiClient(field.WebUrl);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/statistics?country=KZ&from=2025-01-01&to=2025-04-01")).Status);
    }

    private static async Task<ApiClient> AnalystAsync(Field field)
    {
        var agency = await field.AgencyAsync("iom-analysis", Plans.Agency("InternationalOrganization", "IOM Central Asia", "KZ", "Asia/Almaty"));
        return await field.UserAsync("analyst", agency, "Analyst");
    }

    /// <summary>The data set. Times are UTC; case numbers #n are the last digit of the id.</summary>
    private static async Task SeedAsync(CaseSeeder cases)
    {
        static DateTimeOffset At(int year, int month, int day, int hour = 9, int minute = 0, int second = 0) =>
            new(year, month, day, hour, minute, second, TimeSpan.Zero);

        var aigerim = new Person("Aigerim Seitova", Sex.F, 1990, "KZ", "N1234567", null);
        var dana = new Person("Dana Nurlanova", Sex.F, 2009, "KZ", null, null);
        var ivan = new Person("Ivan Petrov", Sex.M, 1983, "KZ", "N1111111", null);

        // #1 and #2: Aigerim asks for help, withdraws, and is flagged again a month later (her passport typed differently).
        await cases.SeedAsync("KZ-2025-900001", aigerim, "TR", ExploitationType.Labour,
            (CaseEventType.Flagged, At(2025, 1, 10)), (CaseEventType.Referred, At(2025, 1, 10)), (CaseEventType.Withdrawn, At(2025, 1, 20)));
        await cases.SeedAsync("KZ-2025-900002", aigerim with { PassportNumber = "n 1234567" }, "TR", ExploitationType.Labour,
            (CaseEventType.Flagged, At(2025, 2, 15)), (CaseEventType.Referred, At(2025, 2, 15)), (CaseEventType.Arrived, At(2025, 2, 25)),
            (CaseEventType.ReceivedByAgency, At(2025, 2, 25)), (CaseEventType.Sheltered, At(2025, 2, 26)));
        // #3 and #4: Dana, a minor without a passport, flagged twice; the second time her name is typed loosely.
        await cases.SeedAsync("KZ-2025-900003", dana, "AE", ExploitationType.Sexual,
            (CaseEventType.Flagged, At(2025, 3, 1)), (CaseEventType.Referred, At(2025, 3, 1)), (CaseEventType.Arrived, At(2025, 3, 21)));
        await cases.SeedAsync("KZ-2025-900004", dana with { FullName = "  dana   NURLANOVA " }, "AE", ExploitationType.Sexual,
            (CaseEventType.Flagged, At(2025, 3, 25)), (CaseEventType.NoReceivingAgency, At(2025, 3, 25)));
        // #5: flagged in December, returned, sheltered and reintegrating during Q1, closed in March.
        await cases.SeedAsync("KZ-2025-900005", new Person("Marat Ospanov", Sex.M, 1985, "KZ", "N7654321", null), "RU", ExploitationType.Labour,
            (CaseEventType.Flagged, At(2024, 12, 20)), (CaseEventType.Referred, At(2024, 12, 20)), (CaseEventType.Arrived, At(2025, 1, 5)),
            (CaseEventType.ReceivedByAgency, At(2025, 1, 5)), (CaseEventType.Sheltered, At(2025, 1, 6)),
            (CaseEventType.ReintegrationStarted, At(2025, 2, 1)), (CaseEventType.Closed, At(2025, 3, 15)));
        await cases.CloseForAsync("KZ-2025-900005", ClosureReason.Reintegrated);
        // #6: flagged at the very first instant of Q2.
        await cases.SeedAsync("KZ-2025-900006", new Person("Saule Akhmetova", Sex.F, 1999, "KZ", "N2222222", null), "TR", ExploitationType.Domestic,
            (CaseEventType.Flagged, At(2025, 4, 1, 0)));
        // #7: Ivan, flagged at the very first instant of Q1, closed in February (before closures took a reason) and reopened in March.
        await cases.SeedAsync("KZ-2025-900007", ivan, "RU", ExploitationType.Domestic,
            (CaseEventType.Flagged, At(2025, 1, 1, 0)), (CaseEventType.Referred, At(2025, 1, 1, 0)), (CaseEventType.Closed, At(2025, 2, 1)),
            (CaseEventType.Reopened, At(2025, 3, 1)));
        // #8: flagged and withdrawn in 2024, reopened in February.
        await cases.SeedAsync("KZ-2025-900008", new Person("Gulnara Test", Sex.F, 1970, "KZ", "N3333333", null), "AE", ExploitationType.Other,
            (CaseEventType.Flagged, At(2024, 11, 1)), (CaseEventType.Withdrawn, At(2024, 12, 1)), (CaseEventType.Reopened, At(2025, 2, 10)));
        // #9: flagged a second before Q1 ends, closed at the first instant of Q2.
        await cases.SeedAsync("KZ-2025-900009", new Person("Alex Test", Sex.X, 1995, "KZ", null, null), "TR", ExploitationType.Labour,
            (CaseEventType.Flagged, At(2025, 3, 31, 23, 59, 59)), (CaseEventType.Closed, At(2025, 4, 1, 0)));
        await cases.CloseForAsync("KZ-2025-900009", ClosureReason.Other);
        // #10: another woman of the same name and birth year, with another passport.
        await cases.SeedAsync("KZ-2025-900010", aigerim with { PassportNumber = "N9999999" }, "TR", ExploitationType.Labour,
            (CaseEventType.Flagged, At(2025, 3, 5)), (CaseEventType.Referred, At(2025, 3, 5)), (CaseEventType.Closed, At(2025, 3, 20)));
        await cases.CloseForAsync("KZ-2025-900010", ClosureReason.ServicesDeclined);
        // Not Kazakh: never counted for KZ.
        await cases.SeedAsync("TM-2025-900001", new Person("Aigerim Seitova", Sex.F, 1990, "TM", "N1234567", null), "TR", ExploitationType.Labour,
            (CaseEventType.Flagged, At(2025, 2, 1)), (CaseEventType.Referred, At(2025, 2, 1)));
    }

    private static (int Total, int Minors, int Female, int Male) Persons(JsonNode s) =>
        (Int(s["persons"]!, "total"), Int(s["persons"]!, "minors"), Int(s["persons"]!, "female"), Int(s["persons"]!, "male"));

    private static (int Total, int Open, int Closed, int Withdrawn, int Reopened) Cases(JsonNode s) =>
        (Int(s["cases"]!, "total"), Int(s["cases"]!, "open"), Int(s["cases"]!, "closed"), Int(s["cases"]!, "withdrawn"), Int(s["cases"]!, "reopened"));

    private static (int, int, int, int, int, int) Funnel(JsonNode s)
    {
        var f = s["funnel"]!;
        return (Int(f, "flagged"), Int(f, "referred"), Int(f, "returned"), Int(f, "received"), Int(f, "sheltered"), Int(f, "reintegrated"));
    }

    private static Dictionary<string, int> Counts(JsonNode node) =>
        node.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>());

    private static int Int(JsonNode node, string name) => node[name]!.GetValue<int>();
}
