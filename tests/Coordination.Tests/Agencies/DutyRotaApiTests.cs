using System.Net;
using System.Text.Json.Nodes;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Security;

namespace Coordination.Tests.Agencies;

/// <summary>
/// A coordinator keeps the agency's duty rota through the API, against the real processes: its
/// users see who is on duty and the gaps of the coming week, bad rotas are refused whole, and
/// each change is on record.
/// </summary>
[Collection("security")]
public sealed class DutyRotaApiTests(SecurityFixture fixture)
{
    private static readonly string[] EveryDay = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task The_coordinator_puts_someone_on_duty_around_the_clock_and_every_user_of_the_agency_sees_them()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (agency, coordinator, worker, workerName) = await AgencyWithPeopleAsync("rota-clock");

        var empty = (await worker.GetAsync($"/api/agencies/{agency}/oncall")).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(empty["onDuty"]);

        // Listed out of order on purpose: the rota keeps its days Monday first.
        var days = EveryDay.Reverse().ToArray();
        var saved = (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/rota", new
        {
            shifts = new[] { new { days, from = "08:00", to = "08:00", username = workerName } },
        })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(EveryDay, saved["shifts"]![0]!["days"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Empty(saved["gaps"]!.AsArray());
        Assert.Equal("Asia/Bishkek", saved["timeZone"]!.GetValue<string>());
        Assert.Contains(saved["members"]!.AsArray(), m => m!["username"]!.GetValue<string>() == workerName);

        var onCall = (await worker.GetAsync($"/api/agencies/{agency}/oncall")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(workerName, onCall["onDuty"]!.GetValue<string>());
        Assert.Null(onCall["until"]);
        Assert.Null(onCall["next"]);
        var read = (await worker.GetAsync($"/api/agencies/{agency}/rota")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(workerName, read["shifts"]![0]!["username"]!.GetValue<string>());

        // The same rota again changes nothing and records nothing.
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/rota", new
        {
            shifts = new[] { new { days = EveryDay, from = "08:00", to = "08:00", username = workerName } },
        })).Expect(HttpStatusCode.OK);
        var audit = Assert.Single((await World.Admin.GetAsync($"/api/audit?from={Uri.EscapeDataString(started.ToString("O"))}&limit=1000"))
            .Expect(HttpStatusCode.OK).Json!.AsArray(), e => e!["detail"]?.GetValue<string>() == agency);
        Assert.Equal("agency.rota", audit!["action"]!.GetValue<string>());
        Assert.Equal(["shifts"], audit["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public async Task A_rota_with_nobody_on_weekends_shows_the_gaps_of_the_coming_week()
    {
        var (agency, coordinator, _, workerName) = await AgencyWithPeopleAsync("rota-gaps");

        var saved = (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/rota", new
        {
            shifts = new[] { new { days = new[] { "Mon", "Tue", "Wed", "Thu", "Fri" }, from = "00:00", to = "00:00", username = workerName } },
        })).Expect(HttpStatusCode.OK).Json!;

        var gaps = saved["gaps"]!.AsArray().Select(g => (From: DateTimeOffset.Parse(g!["from"]!.GetValue<string>()), To: DateTimeOffset.Parse(g["to"]!.GetValue<string>()))).ToList();
        Assert.NotEmpty(gaps);
        // Whatever today is, the coming week holds one weekend: two days without anyone, at most split by its start.
        Assert.Equal(TimeSpan.FromDays(2), gaps.Aggregate(TimeSpan.Zero, (sum, g) => sum + (g.To - g.From)));
        var bishkek = TimeZoneInfo.FindSystemTimeZoneById("Asia/Bishkek");
        Assert.All(gaps, g => Assert.Contains(TimeZoneInfo.ConvertTime(g.From, bishkek).DayOfWeek, new[] { DayOfWeek.Saturday, DayOfWeek.Sunday, TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, bishkek).DayOfWeek }));
    }

    [Fact]
    public async Task A_rota_with_any_bad_entry_is_refused_whole_and_nothing_is_stored()
    {
        var (agency, coordinator, _, workerName) = await AgencyWithPeopleAsync("rota-bad");
        var stranger = World.Username("unrelated: NgoCaseworker");
        var good = new { days = new[] { "Mon" }, from = "09:00", to = "18:00", username = workerName };

        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { shifts = new object[] { good, new { days = new[] { "Monday" }, from = "09:00", to = "18:00", username = workerName } } }, "shifts[1].days"),
                     (new { shifts = new object[] { new { days = Array.Empty<string>(), from = "09:00", to = "18:00", username = workerName } } }, "shifts[0].days"),
                     (new { shifts = new object[] { new { days = new[] { "Mon" }, from = "25:00", to = "18:00", username = workerName } } }, "shifts[0].from"),
                     (new { shifts = new object[] { new { days = new[] { "Mon" }, from = "09:00", to = "6pm", username = workerName } } }, "shifts[0].to"),
                     (new { shifts = new object[] { new { days = new[] { "Mon" }, from = "09:00", to = "18:00", username = stranger } } }, "shifts[0].username"),
                     (new { shifts = new object[] { good }, overrides = new object[] { new { from = "2026-12-31T18:00:00+06:00", to = "2026-12-31T09:00:00+06:00", username = workerName } } }, "overrides[0].to"),
                     (new { overrides = new object[] { new { from = "2026-12-31T18:00:00+06:00", to = "2027-01-01T09:00:00+06:00", username = "nobody-at-all" } } }, "overrides[0].username"),
                 })
        {
            var refused = await fixture.RefusedWithoutChangeAsync(
                () => coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/rota", body), HttpStatusCode.BadRequest);
            Assert.True(refused.Json!["errors"]!.AsObject().ContainsKey(field), $"{field}: {refused.Body}");
        }

        // A time without its offset is ambiguous by hours: refused before the rota is read.
        await fixture.RefusedWithoutChangeAsync(
            () => coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/rota", new
            {
                overrides = new[] { new { from = "2026-12-31T18:00", to = "2027-01-01T09:00", username = workerName } },
            }),
            HttpStatusCode.BadRequest);
        Assert.Empty((await coordinator.GetAsync($"/api/agencies/{agency}/rota")).Expect(HttpStatusCode.OK).Json!["shifts"]!.AsArray());
    }

    /// <summary>A Kyrgyz NGO with a coordinator (who is also a caseworker) and a caseworker; returns the caseworker's username.</summary>
    private async Task<(string Agency, ApiClient Coordinator, ApiClient Worker, string WorkerName)> AgencyWithPeopleAsync(string name)
    {
        var agency = await World.Field.AgencyAsync(name, Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [World.Field.Region(name)], [], ["Shelter"]));
        var coordinator = await World.Field.UserAsync($"{name}-coordinator", agency, "AgencyCoordinator", "NgoCaseworker");
        var worker = await World.Field.UserAsync($"{name}-worker", agency, "NgoCaseworker");
        return (agency, coordinator, worker, World.Field.Id($"{name}-worker"));
    }
}
