using System.Net;
using System.Text.Json.Nodes;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Security;

namespace Coordination.Tests.Agencies;

/// <summary>
/// An administrator edits, deactivates and activates agencies through the API, against the real
/// processes: automatic routing follows at once, open referrals stay, and each change is on record.
/// </summary>
[Collection("security")]
public sealed class AgencyAdministrationTests(SecurityFixture fixture)
{
    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task A_deactivated_shelter_gets_no_new_referrals_keeps_its_open_ones_and_gets_them_again_once_activated()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var region = World.Field.Region("Closing");
        var onlyHere = World.Field.Region("ClosingOnly");
        // The shelter covers more of the needs than the NGO, so routing prefers it while it is active.
        var shelter = await World.Field.AgencyAsync("closing-shelter",
            Field.Receiving("Shelter", "KG", "Osh", "Asia/Bishkek", [region, onlyHere], [], ["Shelter", "Legal"]));
        var ngo = await World.Field.AgencyAsync("closing-fallback", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [region], [], ["Shelter"]));

        var before = await FlagAsync("Before Closing", region);
        Assert.Equal(shelter, ReferredTo(before));

        var deactivated = (await World.Admin.PostAsync($"/api/agencies/{shelter}/deactivate", null)).Expect(HttpStatusCode.OK).Json!;
        Assert.False(deactivated["active"]!.GetValue<bool>());
        Assert.False(Listed(await ListAsync(), shelter)["active"]!.GetValue<bool>());
        Assert.True(Listed(await ListAsync(), ngo)["active"]!.GetValue<bool>());

        Assert.Equal(ngo, ReferredTo(await FlagAsync("While Closed", region)));
        var nowhere = await FlagAsync("Nowhere To Go", onlyHere);
        Assert.Empty(nowhere["referrals"]!.AsArray());
        Assert.Equal("Flagged", nowhere["status"]!.GetValue<string>());

        // The shelter's open referral stays with it: it can still accept the case.
        using var worker = await World.Field.UserAsync("closing-worker", shelter, "NgoCaseworker");
        var caseId = before["id"]!.GetValue<string>();
        (await worker.PostAsync($"/api/cases/{caseId}/referrals/{before["referrals"]![0]!["id"]!.GetValue<string>()}/accept", null))
            .Expect(HttpStatusCode.OK);

        (await World.Admin.PostAsync($"/api/agencies/{shelter}/activate", null)).Expect(HttpStatusCode.OK);
        Assert.True(Listed(await ListAsync(), shelter)["active"]!.GetValue<bool>());
        Assert.Equal(shelter, ReferredTo(await FlagAsync("After Reopening", region)));

        var changes = await AgencyAuditAsync(started, shelter);
        Assert.Equal(["agency.deactivate", "agency.activate"], changes.Select(e => e["action"]!.GetValue<string>()));
        Assert.All(changes, e =>
        {
            Assert.Equal("admin", e["username"]!.GetValue<string>());
            Assert.Equal(["active"], e["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        });
    }

    [Fact]
    public async Task An_edit_changes_only_what_the_administrator_may_change_and_routing_follows_it()
    {
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var oldRegion = World.Field.Region("EditOld");
        var newRegion = World.Field.Region("EditNew");
        var shelter = await World.Field.AgencyAsync("edited-shelter",
            Field.Receiving("Shelter", "KG", "Naryn", "Asia/Bishkek", [oldRegion], [], ["Shelter"]));

        var edited = (await World.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{shelter}", new
        {
            name = "Shelter of Naryn (new building)", city = "Naryn", timeZone = "Asia/Bishkek",
            servesRegions = new[] { newRegion }, airports = new[] { "FRU" }, services = new[] { "Shelter", "Medical" },
        })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Shelter of Naryn (new building)", edited["name"]!.GetValue<string>());
        Assert.Equal("Shelter", edited["kind"]!.GetValue<string>());
        Assert.Equal("KG", edited["country"]!.GetValue<string>());
        Assert.Equal([newRegion], Listed(await ListAsync(), shelter)["servesRegions"]!.AsArray().Select(r => r!.GetValue<string>()));

        Assert.Equal(shelter, ReferredTo(await FlagAsync("Moved Region", newRegion)));
        Assert.Empty((await FlagAsync("Left Region", oldRegion))["referrals"]!.AsArray());

        var update = Assert.Single(await AgencyAuditAsync(started, shelter));
        Assert.Equal("agency.update", update["action"]!.GetValue<string>());
        Assert.Equal(["name", "servesRegions", "airports", "arrivalPoints", "services"], update["fields"]!.AsArray().Select(f => f!.GetValue<string>()));

        // Bad input, an unknown service, an identity field, or an unknown agency: a clear 4xx that changes nothing.
        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { name = "", timeZone = "Asia/Bishkek" }, "name"),
                     (new { name = "Shelter", timeZone = "Mars/Olympus" }, "timeZone"),
                     (new { name = "Shelter", timeZone = "Asia/Bishkek", airports = new[] { "not an airport" } }, "airports[0]"),
                 })
        {
            var refused = await fixture.RefusedWithoutChangeAsync(
                () => World.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{shelter}", body), HttpStatusCode.BadRequest);
            Assert.True(refused.Json!["errors"]!.AsObject().ContainsKey(field), $"{field}: {refused.Body}");
        }

        foreach (var unacceptable in new object[]
                 {
                     new { name = "Shelter", timeZone = "Asia/Bishkek", services = new[] { "Catering" } },
                     new { name = "Shelter", timeZone = "Asia/Bishkek", kind = "Ngo" },
                     new { name = "Shelter", timeZone = "Asia/Bishkek", country = "TJ" },
                 })
        {
            await fixture.RefusedWithoutChangeAsync(
                () => World.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{shelter}", unacceptable), HttpStatusCode.BadRequest);
        }

        await fixture.RefusedWithoutChangeAsync(
            () => World.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{World.Field.Id("never-created")}", new { name = "Shelter", timeZone = "Asia/Bishkek" }),
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Arrival_points_name_airports_and_places_and_airports_stay_their_air_only_alias()
    {
        var region = World.Field.Region("Arrivals");
        var station = await World.Field.PlaceAsync("BISHKEK-2", "Bishkek-2 railway station", "RailStation", "KG", "Asia/Bishkek");
        var ngo = await World.Field.AgencyAsync("meets-trains", new
        {
            name = "NGO meeting planes and trains", kind = "Ngo", country = "KG", city = "Bishkek", timeZone = "Asia/Bishkek",
            servesRegions = new[] { region }, arrivalPoints = new[] { "FRU", station }, services = new[] { "Shelter" },
        });
        Assert.Equal(["FRU"], Strings(Listed(await ListAsync(), ngo)["airports"]));
        Assert.Equal(["FRU", station], Strings(Listed(await ListAsync(), ngo)["arrivalPoints"]));

        // A flight to an airport among the arrival points is met by the agency, as with airports before.
        var flagged = await FlagAsync("Arrives By Air", region);
        var caseId = flagged["id"]!.GetValue<string>();
        (await World.Consul.PostAsync($"/api/cases/{caseId}/travel", new
        {
            flightNumber = "TK 345", departureAirport = "IST", arrivalAirport = "FRU", scheduledArrival = DateTimeOffset.UtcNow.AddDays(3),
            escort = "IOM Istanbul", travelDocument = "Certificate of return",
        })).Expect(HttpStatusCode.OK);
        using var worker = await World.Field.UserAsync("trains-worker", ngo, "NgoCaseworker");
        Assert.Single((await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>(),
            i => i.CaseId == caseId && i.Type == FeedItemType.PickupRequested);

        // An older client writes airports alone: the airports change, the station stays.
        var edited = (await World.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{ngo}", new
        {
            name = "NGO meeting planes and trains", timeZone = "Asia/Bishkek", servesRegions = new[] { region }, airports = new[] { "OSS" }, services = new[] { "Shelter" },
        })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(["OSS"], Strings(edited["airports"]));
        Assert.Equal(["OSS", station], Strings(edited["arrivalPoints"]));

        // Arrival points replace every point, airports among them.
        edited = (await World.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{ngo}", new
        {
            name = "NGO meeting planes and trains", timeZone = "Asia/Bishkek", servesRegions = new[] { region }, arrivalPoints = new[] { station }, services = new[] { "Shelter" },
        })).Expect(HttpStatusCode.OK).Json!;
        Assert.Empty(edited["airports"]!.AsArray());
        Assert.Equal([station], Strings(Listed(await ListAsync(), ngo)["arrivalPoints"]));

        foreach (var (body, field) in new (object Body, string Field)[]
                 {
                     (new { name = "N", timeZone = "Asia/Bishkek", arrivalPoints = new[] { World.Field.PlaceCode("NOWHERE") } }, "arrivalPoints[0]"),
                     (new { name = "N", timeZone = "Asia/Bishkek", arrivalPoints = new[] { "fru" } }, "arrivalPoints[0]"),
                     (new { name = "N", timeZone = "Asia/Bishkek", arrivalPoints = new[] { station }, airports = new[] { "FRU" } }, "airports"),
                 })
        {
            var refused = await fixture.RefusedWithoutChangeAsync(
                () => World.Admin.SendAsync(HttpMethod.Put, $"/api/agencies/{ngo}", body), HttpStatusCode.BadRequest);
            Assert.True(refused.Json!["errors"]!.AsObject().ContainsKey(field), $"{field}: {refused.Body}");
        }
    }

    private static List<string> Strings(JsonNode? array) => array!.AsArray().Select(a => a!.GetValue<string>()).ToList();

    private async Task<JsonNode> FlagAsync(string fullName, string region) =>
        (await World.Consul.PostAsync("/api/cases", Field.Flag(fullName, "F", 1990, "KG", "TR", region, ["Shelter", "Legal"])))
        .Expect(HttpStatusCode.Created).Json!;

    private static string? ReferredTo(JsonNode flagged) =>
        flagged["referrals"]!.AsArray().LastOrDefault()?["toAgencyId"]!.GetValue<string>();

    private async Task<JsonArray> ListAsync() => (await World.Admin.GetAsync("/api/agencies")).Expect(HttpStatusCode.OK).Json!.AsArray();

    private static JsonNode Listed(JsonArray agencies, string id) => agencies.Single(a => a!["id"]!.GetValue<string>() == id)!;

    private async Task<IReadOnlyList<JsonNode>> AgencyAuditAsync(DateTimeOffset from, string agencyId) =>
        (await World.Admin.GetAsync($"/api/audit?from={Uri.EscapeDataString(from.ToString("O"))}&limit=1000"))
        .Expect(HttpStatusCode.OK).Json!.AsArray()
        .Where(e => e!["detail"]?.GetValue<string>() == agencyId)
        .Select(e => e!)
        .ToList();
}
