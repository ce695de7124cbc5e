using System.Net;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Security;

namespace Coordination.Tests.Agencies;

/// <summary>
/// A coordinator keeps the agency's escalation policy through the API, against the real processes:
/// its users and the administrator read it, bad policies are refused whole, and each change is on record.
/// </summary>
[Collection("security")]
public sealed class EscalationPolicyApiTests(SecurityFixture fixture)
{
    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task The_coordinator_sets_three_levels_and_quiet_hours_and_the_agency_and_the_administrator_read_them()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (agency, coordinator, worker, workerName) = await AgencyWithPeopleAsync("esc-levels");
        var secretariat = await World.Field.AgencyAsync("esc-secretariat", new { name = "Secretariat", kind = "Committee", country = "KG", timeZone = "Asia/Bishkek" });

        var empty = (await worker.GetAsync($"/api/agencies/{agency}/escalation")).Expect(HttpStatusCode.OK).Json!;
        Assert.Empty(empty["levels"]!.AsArray());
        Assert.Null(empty["quietHours"]);

        var policy = new
        {
            levels = new object[]
            {
                new { after = "00:00:00", notify = "OnDuty" },
                new { after = "00:15:00", notify = $"user:{workerName}" },
                new { after = "1.00:00:00", notify = $"agency:{secretariat}" },
            },
            quietHours = new { from = "22:00", to = "07:00" },
        };
        var saved = (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/escalation", policy)).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(["00:00:00", "00:15:00", "1.00:00:00"], saved["levels"]!.AsArray().Select(l => l!["after"]!.GetValue<string>()));
        Assert.Equal($"agency:{secretariat}", saved["levels"]![2]!["notify"]!.GetValue<string>());
        Assert.Equal("22:00", saved["quietHours"]!["from"]!.GetValue<string>());
        Assert.Equal("Asia/Bishkek", saved["timeZone"]!.GetValue<string>());
        Assert.Contains(saved["members"]!.AsArray(), m => m!["username"]!.GetValue<string>() == workerName);

        foreach (var reader in new[] { worker, World.Admin })
        {
            var read = (await reader.GetAsync($"/api/agencies/{agency}/escalation")).Expect(HttpStatusCode.OK).Json!;
            Assert.Equal($"user:{workerName}", read["levels"]![1]!["notify"]!.GetValue<string>());
            Assert.Equal("07:00", read["quietHours"]!["to"]!.GetValue<string>());
        }

        // The same policy again changes nothing and records nothing; the administrator's change is recorded as theirs.
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/escalation", policy)).Expect(HttpStatusCode.OK);
        var cleared = (await World.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/escalation", new { levels = policy.levels })).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(cleared["quietHours"]);
        var audit = (await World.Admin.GetAsync($"/api/audit?from={Uri.EscapeDataString(started.ToString("O"))}&limit=1000"))
            .Expect(HttpStatusCode.OK).Json!.AsArray().Where(e => e!["detail"]?.GetValue<string>() == agency && e["action"]!.GetValue<string>() == "agency.escalation")
            .OrderBy(e => e!["at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(2, audit.Count);
        Assert.Equal(["levels", "quietHours"], audit[0]!["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(["quietHours"], audit[1]!["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public async Task A_policy_with_any_bad_entry_is_refused_whole_and_nothing_is_stored()
    {
        var (agency, coordinator, _, workerName) = await AgencyWithPeopleAsync("esc-bad");
        var stranger = World.Username("unrelated: NgoCaseworker");
        var good = new { after = "00:00:00", notify = "OnDuty" };

        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { levels = new object[] { good, new { after = "15 minutes", notify = "OnDuty" } } }, "levels[1].after"),
                     (new { levels = new object[] { new { after = "8.00:00:00", notify = "OnDuty" } } }, "levels[0].after"),
                     (new { levels = new object[] { new { after = "-00:05:00", notify = "OnDuty" } } }, "levels[0].after"),
                     (new { levels = new object[] { new { after = "00:30:00", notify = "OnDuty" }, new { after = "00:15:00", notify = $"user:{workerName}" } } }, "levels[1].after"),
                     (new { levels = new object[] { new { after = "00:00:00", notify = "Everyone" } } }, "levels[0].notify"),
                     (new { levels = new object[] { new { after = "00:00:00", notify = $"user:{stranger}" } } }, "levels[0].notify"),
                     (new { levels = new object[] { new { after = "00:00:00", notify = "agency:no-such-agency" } } }, "levels[0].notify"),
                     (new { levels = new object[] { good, null! } }, "levels[1]"),
                     (new { levels = Enumerable.Repeat(good, 11).ToArray() }, "levels"),
                     (new { levels = new object[] { good }, quietHours = new { from = "22:00", to = "7am" } }, "quietHours.to"),
                     (new { levels = new object[] { good }, quietHours = new { from = "22:00", to = "22:00" } }, "quietHours.to"),
                     (new { quietHours = new { from = "22:00", to = "07:00" } }, "levels"),
                 })
        {
            var refused = await fixture.RefusedWithoutChangeAsync(
                () => coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{agency}/escalation", body), HttpStatusCode.BadRequest);
            Assert.True(refused.Json!["errors"]!.AsObject().ContainsKey(field), $"{field}: {refused.Body}");
        }

        Assert.Empty((await coordinator.GetAsync($"/api/agencies/{agency}/escalation")).Expect(HttpStatusCode.OK).Json!["levels"]!.AsArray());
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
