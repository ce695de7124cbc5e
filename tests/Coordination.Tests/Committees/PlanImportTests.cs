using System.Globalization;
using System.Net;
using System.Text;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Committees;

/// <summary>Plans in and out as CSV: all rows or none, a report of every bad row, and a faithful round trip.</summary>
[Collection(CommitteeSystemCollection.Name)]
public sealed class PlanImportTests(CommitteeSystemFixture fixture)
{
    private static readonly string NextYear = (DateTime.UtcNow.Year + 1).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_malformed_plan_is_rejected_with_a_report_of_every_bad_row_and_imports_nothing()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kg-nap-wg", "KG", "Asia/Bishkek");
        var owner = await field.AgencyAsync("kg-mlsm", Plans.Agency("Ministry", "Ministry of Labour", "KG", "Asia/Bishkek"));
        using var ownerUser = await field.UserAsync("labour", owner, "CommitteeMember");
        var before = await fixture.CountRowsAsync();

        var csv = Plans.Csv(
            Plans.Row("Shelter standards", "Protection", owner, $"{NextYear}-06-30"),
            Plans.Row("Hotline", "Prevention", owner, $"{NextYear}-02-30"),
            Plans.Row("", "Prevention", owner, $"{NextYear}-06-30"),
            Plans.Row("Border guard training", "Prosecution", "no-such-agency", $"{NextYear}-06-30"),
            $"Coalition meetings,Partnership,{owner},{NextYear}-06-30,Meetings held,,,4",
            Plans.Row("Rehabilitation centres", "Rehabilitation", owner, $"{NextYear}-06-30"),
            $"Persons reached,Prevention,{owner},{NextYear}-06-30,Persons reached,persons,abc,5000",
            $"Missing fields,Protection,{owner}",
            Plans.Row("Data sharing", "Coordination", owner, "30.06.2027"));

        var response = (await secretary.PostRawAsync($"/api/committees/{committee}/plan/import", csv, "text/csv")).ExpectProblem(HttpStatusCode.BadRequest);

        var errors = response.Json!["errors"]!.AsObject().ToDictionary(e => e.Key, e => e.Value!.AsArray().Select(m => m!.GetValue<string>()).ToList());
        Assert.Equal(["row 10", "row 3", "row 4", "row 5", "row 6", "row 7", "row 8", "row 9"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("dueDate: '", Assert.Single(errors["row 3"]));
        Assert.Equal("title: Required.", Assert.Single(errors["row 4"]));
        Assert.Equal("ownerAgencyId: Agency 'no-such-agency' does not exist.", Assert.Single(errors["row 5"]));
        Assert.Equal(["unit: Required.", "baseline: Required."], errors["row 6"]);
        Assert.StartsWith("area: 'Rehabilitation' is not one of Prevention", Assert.Single(errors["row 7"]));
        Assert.Equal("baseline: 'abc' is not a number.", Assert.Single(errors["row 8"]));
        Assert.Equal("Expected 8 fields as in the header row, found 3.", Assert.Single(errors["row 9"]));
        Assert.Contains("yyyy-MM-dd", Assert.Single(errors["row 10"]));

        Assert.Empty((await secretary.GetAsync($"/api/committees/{committee}/plan")).Expect(HttpStatusCode.OK).Json!["tasks"]!.AsArray());
        Assert.Equal(before, await fixture.CountRowsAsync());
        Assert.Empty((await ownerUser.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>());
    }

    [Fact]
    public async Task Header_problems_wrong_media_type_and_oversized_files_are_refused()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "uz-nap-wg", "UZ", "Asia/Tashkent");
        var path = $"/api/committees/{committee}/plan/import";

        var header = (await secretary.PostRawAsync(path, "title,area,owner,dueDate,indicatorName,unit,baseline\r\nx,Prevention,a,2030-01-01,,,\r\n", "text/csv"))
            .ExpectProblem(HttpStatusCode.BadRequest).Json!["errors"]!["header"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains("Unknown column 'owner'; the columns are title, area, ownerAgencyId, dueDate, indicatorName, unit, baseline, target, status, indicatorValue.", header);
        Assert.Contains("Missing column 'ownerAgencyId'.", header);
        Assert.Contains("Missing column 'target'.", header);

        (await secretary.PostRawAsync(path, Plans.Header + "\r\n", "text/csv")).ExpectProblem(HttpStatusCode.BadRequest);
        (await secretary.PostRawAsync(path, "\"unclosed,quote\r\n", "text/csv")).ExpectProblem(HttpStatusCode.BadRequest);
        (await secretary.PostRawAsync(path, Plans.Csv(Plans.Row("A", "Prevention", committee, "2030-01-01")), "application/json"))
            .ExpectProblem(HttpStatusCode.UnsupportedMediaType);
        var tooBig = Plans.Csv(Enumerable.Range(0, 9000).Select(i => Plans.Row(new string('x', 250), "Prevention", committee, "2030-01-01")).ToArray());
        Assert.True(Encoding.UTF8.GetByteCount(tooBig) > 1024 * 1024);
        (await secretary.PostRawAsync(path, tooBig, "text/csv")).ExpectProblem(HttpStatusCode.RequestEntityTooLarge);

        Assert.Empty((await secretary.GetAsync($"/api/committees/{committee}/plan")).Expect(HttpStatusCode.OK).Json!["tasks"]!.AsArray());
    }

    [Fact]
    public async Task A_national_plan_larger_than_the_ordinary_request_limit_imports_once_even_when_the_upload_is_retried()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "tj-nap-wg", "TJ", "Asia/Dushanbe");
        var owner = await field.AgencyAsync("tj-mia", Plans.Agency("LawEnforcement", "Ministry of Internal Affairs", "TJ", "Asia/Dushanbe"));
        var csv = Plans.Csv(Enumerable.Range(1, 300)
            .Select(i => Plans.Row($"Measure {i}: {new string('m', 220)}", "Protection", owner, $"{NextYear}-12-31")).ToArray());
        Assert.True(Encoding.UTF8.GetByteCount(csv) > 64 * 1024);
        var key = Guid.NewGuid().ToString();

        var first = (await secretary.PostRawAsync($"/api/committees/{committee}/plan/import", csv, "text/csv", key)).Expect(HttpStatusCode.Created);
        var retry = (await secretary.PostRawAsync($"/api/committees/{committee}/plan/import", csv, "text/csv", key)).Expect(HttpStatusCode.OK);

        Assert.Equal(300, first.Json!["tasks"]!.AsArray().Count);
        Assert.Equal(first.Json!["tasks"]!.ToJsonString(), retry.Json!["tasks"]!.ToJsonString());
        Assert.Equal(300, (await secretary.GetAsync($"/api/committees/{committee}/plan")).Json!["tasks"]!.AsArray().Count);
        (await secretary.PostRawAsync($"/api/committees/{committee}/plan/import", csv + Plans.Row("One more", "Protection", owner, $"{NextYear}-12-31"), "text/csv", key))
            .ExpectProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_exported_plan_imports_again_unchanged_quotes_formulas_and_Cyrillic_included()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kz-nap-wg", "KZ", "Asia/Almaty");
        var (copy, copySecretary) = await Plans.CommitteeWithSecretaryAsync(field, "kz-nap-copy", "KZ", "Asia/Almaty");
        var owner = await field.AgencyAsync("kz-mlsp", Plans.Agency("Ministry", "Ministry of Labour", "KZ", "Asia/Almaty"));
        string[] titles = ["Горячая линия для трудовых мигрантов", "Shelter \"Umit\", Almaty", "=HYPERLINK(\"http://x\")", "-5% waiting time"];
        var csv = Plans.Csv(
            $"\"{titles[0]}\",Prevention,{owner},{NextYear}-03-31,Звонки,звонков,0,1200",
            $"\"{titles[1].Replace("\"", "\"\"")}\",Protection,{owner},{NextYear}-06-30,Places,places,10,30",
            $"\"{titles[2].Replace("\"", "\"\"")}\",Coordination,{owner},{NextYear}-09-30,,,,",
            $"{titles[3]},Protection,{owner},{NextYear}-12-31,Days to return,days,40,10");
        (await secretary.PostRawAsync($"/api/committees/{committee}/plan/import", csv, "text/csv")).Expect(HttpStatusCode.Created);
        (await secretary.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/t4", new { status = "InProgress", indicatorValue = 25.5 }))
            .Expect(HttpStatusCode.OK);

        var exported = (await secretary.GetAsync($"/api/committees/{committee}/plan.csv")).Expect(HttpStatusCode.OK);
        Assert.Equal("text/csv", exported.MediaType);
        Assert.StartsWith("id,title,area,ownerAgencyId,dueDate,status,indicatorName,unit,baseline,target,indicatorValue,overdue\r\n", exported.Body.TrimStart('\uFEFF'));
        Assert.Contains("'=HYPERLINK", exported.Body); // a spreadsheet shows it as text instead of running it

        (await copySecretary.PostRawAsync($"/api/committees/{copy}/plan/import", exported.Body, "text/csv")).Expect(HttpStatusCode.Created);
        var original = (await secretary.GetAsync($"/api/committees/{committee}/plan")).Json!["tasks"]!.AsArray();
        var copied = (await copySecretary.GetAsync($"/api/committees/{copy}/plan")).Json!["tasks"]!.AsArray();
        Assert.Equal(titles, copied.Select(t => t!["title"]!.GetValue<string>()));
        foreach (var property in new[] { "area", "ownerAgencyId", "dueDate", "status", "indicator" })
        {
            Assert.Equal(original.Select(t => t![property]?.ToJsonString()), copied.Select(t => t![property]?.ToJsonString()));
        }

        Assert.Equal(25.5m, copied[3]!["indicator"]!["value"]!.GetValue<decimal>());
        Assert.Equal(48.3m, copied[3]!["indicator"]!["progressPercent"]!.GetValue<decimal>()); // (40 - 25.5) / (40 - 10)
    }

    [Fact]
    public async Task A_plan_saved_with_semicolons_and_decimal_commas_by_a_Russian_spreadsheet_imports()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kg-nap-ru", "KG", "Asia/Bishkek");
        var owner = await field.AgencyAsync("kg-mvd", Plans.Agency("LawEnforcement", "МВД", "KG", "Asia/Bishkek"));
        var csv = "\uFEFFtitle;area;ownerAgencyId;dueDate;indicatorName;unit;baseline;target;status;indicatorValue\r\n" +
                  $"Обучение следователей;Prosecution;{owner};{NextYear}-05-31;Доля обученных;%;12,5;80;InProgress;40,25\r\n";

        var imported = (await secretary.PostRawAsync($"/api/committees/{committee}/plan/import", csv, "text/csv")).Expect(HttpStatusCode.Created);

        var task = imported.Json!["tasks"]![0]!;
        Assert.Equal("Обучение следователей", task["title"]!.GetValue<string>());
        Assert.Equal("InProgress", task["status"]!.GetValue<string>());
        Assert.Equal(12.5m, task["indicator"]!["baseline"]!.GetValue<decimal>());
        Assert.Equal(40.25m, task["indicator"]!["value"]!.GetValue<decimal>());
    }
}
