using System.Net;
using Coordination.Tests.Committees;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.EndToEnd;

[Collection("system")]
public sealed class ResearchExportTests(SystemFixture fixture)
{
    [Fact]
    public async Task The_research_export_has_no_identifiers_age_bands_and_no_class_smaller_than_k()
    {
        var field = await Field.CreateAsync(fixture.System);
        // Azerbaijan is used by no other test, so the period holds exactly these cases.
        var post = await field.AgencyAsync("az-ist", Field.ConsularPost("AZ", "TR", "Istanbul", "Europe/Istanbul"));
        var ministry = await field.AgencyAsync("az-ministry", new { name = "Ministry", kind = "Ministry", country = "AZ", timeZone = "Asia/Baku" });
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var analyst = await field.UserAsync("analyst", ministry, "Analyst");
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);

        var names = new List<string>();
        async Task FlagAsync(string name, string sex, int birthYear, string country, string region, string passport)
        {
            names.Add(name);
            var flag = Field.Flag(name, sex, birthYear, "AZ", country, region, ["Shelter"], passport: passport);
            (await consul.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created);
        }

        for (var i = 0; i < 6; i++)
        {
            await FlagAsync($"Leyla Aliyeva{i}", "F", 1995, "AE", "Ganja", $"AZE00000{i}");
        }

        for (var i = 0; i < 5; i++)
        {
            await FlagAsync($"Rashad Mammadov{i}", "M", 1980, "RU", i < 3 ? "Sumqayit" : "Shirvan", $"AZE11111{i}");
        }

        await FlagAsync("Unique Person", "F", 2012, "TR", "Lankaran", "AZE999999");
        var to = DateTimeOffset.UtcNow.AddMinutes(1);

        var response = (await analyst.GetAsync($"/api/statistics/export.csv?country=AZ&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&k=5"))
            .Expect(HttpStatusCode.OK);
        Assert.Equal("text/csv", response.MediaType);
        var lines = response.Body.TrimEnd('\n').Split('\n');
        Assert.Equal("year,citizenship,sex,ageBand,destinationCountry,exploitationType,homeRegion,outcome", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();

        Assert.Equal(11, rows.Count); // the unique 14-year-old is suppressed
        Assert.All(rows.GroupBy(r => string.Join(',', r)), g => Assert.True(g.Count() >= 5, $"class {g.Key} has {g.Count()} rows"));
        Assert.Equal(6, rows.Count(r => r[2] == "F" && r[3] == "25-34" && r[4] == "AE" && r[6] == "Ganja"));
        Assert.Equal(5, rows.Count(r => r[2] == "M" && r[3] == "45-59" && r[4] == "RU" && r[6] == "*"));
        foreach (var secret in names.Concat(["AZE", "KG-", "AZ-2"]))
        {
            Assert.DoesNotContain(secret, response.Body);
        }

        (await consul.GetAsync($"/api/statistics/export.csv?country=AZ&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}"))
            .ExpectProblem(HttpStatusCode.Forbidden);
        (await analyst.GetAsync("/api/statistics/export.csv?country=AZ")).ExpectProblem(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_export_is_scoped_like_statistics_never_below_k_5_and_every_export_is_audited()
    {
        var field = await Field.CreateAsync(fixture.System);
        // Moldova and Nepal are used by no other test, so the period holds exactly these cases.
        var post = await field.AgencyAsync("md-ist", Field.ConsularPost("MD", "TR", "Istanbul", "Europe/Istanbul"));
        var ministry = await field.AgencyAsync("md-ministry", new { name = "Ministry", kind = "Ministry", country = "MD", timeZone = "Europe/Chisinau" });
        using var nepaliSecretary = (await Plans.CommitteeWithSecretaryAsync(field, "np-committee", "NP", "Asia/Kathmandu")).Secretary;
        using var moldovanSecretary = (await Plans.CommitteeWithSecretaryAsync(field, "md-committee", "MD", "Europe/Chisinau")).Secretary;
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var analyst = await field.UserAsync("analyst", ministry, "Analyst");
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        for (var i = 0; i < 5; i++)
        {
            var flag = Field.Flag($"Ion Rusu{i}", "M", 1990, "MD", "TR", "Balti", ["Shelter"], passport: $"MDA00000{i}");
            (await consul.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created);
        }

        var period = $"from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))}";
        static int Rows(ApiResponse r) => r.Body.TrimEnd('\n').Split('\n').Length - 1;

        // Another country's committee gets 403, as for its statistics; left out, the country is its own.
        (await nepaliSecretary.GetAsync($"/api/statistics/export.csv?country=MD&{period}&k=5")).ExpectProblem(HttpStatusCode.Forbidden);
        (await nepaliSecretary.GetAsync($"/api/statistics?country=MD&{period}")).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal(0, Rows((await nepaliSecretary.GetAsync($"/api/statistics/export.csv?{period}&k=5")).Expect(HttpStatusCode.OK)));
        Assert.Equal(5, Rows((await moldovanSecretary.GetAsync($"/api/statistics/export.csv?{period}&k=5")).Expect(HttpStatusCode.OK)));
        // Analysts name the country, as for statistics.
        (await analyst.GetAsync($"/api/statistics/export.csv?{period}&k=5")).ExpectProblem(HttpStatusCode.BadRequest);

        // k is 11 unless asked otherwise, and never below 5: the five alike are one class too small.
        foreach (var k in new[] { "2", "4", "0", "-5", "101" })
        {
            var refused = (await analyst.GetAsync($"/api/statistics/export.csv?country=MD&{period}&k={k}")).ExpectProblem(HttpStatusCode.BadRequest);
            Assert.NotNull(refused.Json!["errors"]!["k"]);
        }

        var byDefault = (await analyst.GetAsync($"/api/statistics/export.csv?country=MD&{period}")).Expect(HttpStatusCode.OK);
        Assert.Equal(0, Rows(byDefault));
        Assert.Equal(5, Rows((await analyst.GetAsync($"/api/statistics/export.csv?country=MD&{period}&k=5")).Expect(HttpStatusCode.OK)));

        // Each export that ran is in the audit log: who, for which agency, the country, the period, k and the rows; refusals are not.
        var audit = (await field.Admin.GetAsync($"/api/audit?{period}&limit=1000")).Expect(HttpStatusCode.OK).Json!.AsArray()
            .Where(e => e!["action"]!.GetValue<string>().StartsWith("export.research:", StringComparison.Ordinal))
            .Select(e => (User: e!["username"]!.GetValue<string>(), Agency: e["agencyId"]?.GetValue<string>(),
                Action: e["action"]!.GetValue<string>(), Detail: e["detail"]!.GetValue<string>()))
            .Where(e => e.User.EndsWith(field.Id(""), StringComparison.Ordinal))
            .ToList();
        Assert.Equal(4, audit.Count);
        Assert.Equal(["export.research:NP", "export.research:MD", "export.research:MD", "export.research:MD"], audit.Select(e => e.Action));
        Assert.Equal(field.Id("analyst"), audit[2].User);
        Assert.Equal(ministry, audit[2].Agency);
        Assert.Contains($"period [{from.UtcDateTime:yyyy-MM-dd}T", audit[2].Detail);
        Assert.Contains("k=11 rows=0 suppressed=5", audit[2].Detail);
        Assert.Contains("k=5 rows=5 suppressed=0", audit[3].Detail);
    }
}
