using System.Net;
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
}
