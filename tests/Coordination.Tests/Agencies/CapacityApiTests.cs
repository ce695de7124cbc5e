using System.Net;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Security;

namespace Coordination.Tests.Agencies;

/// <summary>
/// A shelter's coordinator publishes its free beds through the API, against the real processes: its users
/// and the administrators within reach read them, the agency list shows them, bad counts are refused with
/// nothing stored, and each change is on record.
/// </summary>
[Collection("security")]
public sealed class CapacityApiTests(SecurityFixture fixture)
{
    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task The_coordinator_publishes_free_beds_its_agency_and_the_administrators_read_them_and_the_change_is_audited()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var field = World.Field;
        var shelter = await field.AgencyAsync("cap-shelter", Field.Receiving("Shelter", "KG", "Osh", "Asia/Bishkek", [field.Region("cap")], [], ["Shelter", "ShelterMinors"]));
        using var coordinator = await field.UserAsync("cap-coordinator", shelter, "AgencyCoordinator");
        using var worker = await field.UserAsync("cap-worker", shelter, "NgoCaseworker");

        var never = (await worker.GetAsync($"/api/agencies/{shelter}/capacity")).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(never["adults"]);
        Assert.Null(never["updatedAt"]);

        var saved = (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{shelter}/capacity", new { adults = 5, minors = 0 })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal((5, 0), (saved["adults"]!.GetValue<int>(), saved["minors"]!.GetValue<int>()));
        foreach (var reader in new[] { worker, World.Admin })
        {
            Assert.Equal(5, (await reader.GetAsync($"/api/agencies/{shelter}/capacity")).Expect(HttpStatusCode.OK).Json!["adults"]!.GetValue<int>());
        }

        // The agency list carries the beds, for the referral picker and the administration page.
        var listed = (await worker.GetAsync("/api/agencies")).Expect(HttpStatusCode.OK).Json!.AsArray().Single(a => a!["id"]!.GetValue<string>() == shelter)!;
        Assert.Equal(0, listed["capacity"]!["minors"]!.GetValue<int>());

        // The same beds again record nothing; the administrator's change is recorded as theirs.
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{shelter}/capacity", new { adults = 5, minors = 0 })).Expect(HttpStatusCode.OK);
        (await World.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{shelter}/capacity", new { adults = 5, minors = 2 })).Expect(HttpStatusCode.OK);
        var audit = (await World.Admin.GetAsync($"/api/audit?from={Uri.EscapeDataString(started.ToString("O"))}&limit=1000"))
            .Expect(HttpStatusCode.OK).Json!.AsArray().Where(e => e!["detail"]?.GetValue<string>() == shelter && e["action"]!.GetValue<string>() == "agency.capacity")
            .OrderBy(e => e!["at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(2, audit.Count);
        Assert.Equal(["adults", "minors"], audit[0]!["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(["minors"], audit[1]!["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public async Task Bad_counts_are_refused_with_nothing_stored_and_a_country_administrator_reaches_its_own_country_only()
    {
        var field = World.Field;
        var kg = await field.AgencyAsync("cap-kg", Field.Receiving("Shelter", "KG", "Naryn", "Asia/Bishkek", [field.Region("cap-kg")], [], ["Shelter"]));
        var tj = await field.AgencyAsync("cap-tj", Field.Receiving("Shelter", "TJ", "Khujand", "Asia/Dushanbe", [field.Region("cap-tj")], [], ["Shelter"]));
        using var coordinator = await field.UserAsync("cap-kg-coordinator", kg, "AgencyCoordinator");

        foreach (var (body, name) in new (object Body, string Field)[]
                 {
                     (new { adults = -1, minors = 0 }, "adults"),
                     (new { adults = 1, minors = 100_001 }, "minors"),
                     (new { adults = 1 }, "minors"),
                 })
        {
            var refused = await fixture.RefusedWithoutChangeAsync(
                () => coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{kg}/capacity", body), HttpStatusCode.BadRequest);
            Assert.True(refused.Json!["errors"]!.AsObject().ContainsKey(name), $"{name}: {refused.Body}");
        }

        var kgAdminName = field.Id("cap-kg-admin");
        (await World.Admin.PostAsync("/api/users",
            new { username = kgAdminName, password = Field.Password, displayName = "KG administrator", roles = new[] { "CountryAdmin" }, country = "KG", language = "ky" }))
            .Expect(HttpStatusCode.Created);
        using var kgAdmin = await ApiClient.LoginAsync(fixture.System.WebUrl, kgAdminName, Field.Password);
        (await kgAdmin.SendAsync(HttpMethod.Put, $"/api/agencies/{kg}/capacity", new { adults = 2, minors = 1 })).Expect(HttpStatusCode.OK);
        await fixture.RefusedWithoutChangeAsync(
            () => kgAdmin.SendAsync(HttpMethod.Put, $"/api/agencies/{tj}/capacity", new { adults = 2, minors = 1 }), HttpStatusCode.NotFound);
        (await kgAdmin.GetAsync($"/api/agencies/{tj}/capacity")).ExpectProblem(HttpStatusCode.NotFound);
        (await coordinator.GetAsync($"/api/agencies/{tj}/capacity")).ExpectProblem(HttpStatusCode.NotFound);
    }
}
