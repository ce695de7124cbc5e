using System.Net;
using System.Text.Json.Nodes;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Security;

namespace Coordination.Tests.Journeys;

/// <summary>
/// Journeys home by road and rail between places of the directory, against the real processes: the
/// agency meeting arrivals at the arrival place gets the pickup with the arrival in that place's time
/// zone, and a journey naming what the directory does not hold, or mixing the modes' fields, changes nothing.
/// </summary>
[Collection("security")]
public sealed class RoadAndRailTests(SecurityFixture fixture)
{
    private SecurityWorld World => fixture.World;

    [Fact]
    public async Task A_train_home_is_met_at_its_arrival_station_with_the_arrival_in_the_stations_time_zone()
    {
        var region = World.Field.Region("ByTrain");
        var from = await World.Field.PlaceAsync("ALMATY-2", "Almaty-2", "RailStation", "KZ", "Asia/Almaty");
        // The station keeps Tashkent time, an hour behind the agency's own zone: the pickup shows the station's.
        var to = await World.Field.PlaceAsync("BORDER-STATION", "Border station", "RailStation", "KG", "Asia/Tashkent");
        var ngo = await World.Field.AgencyAsync("meets-the-train", new
        {
            name = "NGO at the border station", kind = "Ngo", country = "KG", city = "Osh", timeZone = "Asia/Bishkek",
            servesRegions = new[] { region }, arrivalPoints = new[] { to }, services = new[] { "Shelter" },
        });
        using var worker = await World.Field.UserAsync("train-worker", ngo, "NgoCaseworker");
        var caseId = (await World.Consul.PostAsync("/api/cases", Field.Flag("Comes By Train", "M", 1989, "KG", "TR", region, ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();

        var arrival = new DateTimeOffset(DateTimeOffset.UtcNow.AddDays(4).Date, TimeSpan.Zero).AddHours(3).AddMinutes(40);
        var booked = (await World.Consul.PostAsync($"/api/cases/{caseId}/travel", new
        {
            mode = "Rail", reference = "0123", departurePlace = from, arrivalPlace = to, scheduledArrival = arrival,
            escort = "IOM Almaty", travelDocument = "Certificate of return",
        })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("TravelBooked", booked["status"]!.GetValue<string>());
        var travel = booked["travel"]!;
        Assert.Equal(("Rail", "0123", from, to, ngo),
            (travel["mode"]!.GetValue<string>(), travel["reference"]!.GetValue<string>(), travel["departurePlace"]!.GetValue<string>(),
                travel["arrivalPlace"]!.GetValue<string>(), travel["pickupAgencyId"]!.GetValue<string>()));
        Assert.Null(travel["flightNumber"]);

        var pickup = Assert.Single((await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>(),
            i => i.CaseId == caseId && i.Type == FeedItemType.PickupRequested);
        Assert.True(pickup.RequiresAck);
        Assert.Equal("Rail", pickup.Data["mode"]);
        Assert.Equal("0123", pickup.Data["reference"]);
        Assert.Equal(("Almaty-2", "Border station"), (pickup.Data["departurePlaceName"], pickup.Data["arrivalPlaceName"]));
        Assert.Equal("Asia/Tashkent", pickup.Data["timeZone"]);
        Assert.Equal(arrival.ToOffset(TimeSpan.FromHours(5)).ToString("yyyy-MM-ddTHH:mm:sszzz"), pickup.Data["scheduledArrivalLocal"]);
        Assert.Contains($"{arrival.ToOffset(TimeSpan.FromHours(5)):yyyy-MM-dd HH:mm} (Asia/Tashkent)", pickup.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("Comes By Train", pickup.Summary, StringComparison.Ordinal);
        Assert.DoesNotContain("flightNumber", pickup.Data.Keys);

        var timeline = (await World.Consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal("Rail 0123 Almaty-2 – Border station", timeline.Last()!["note"]!.GetValue<string>());
        var read = (await World.Consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Contains("TravelDelayed", read["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()));

        // The train is late: the station's agency gets the new time; a delay without a time changes nothing.
        await fixture.RefusedWithoutChangeAsync(() => World.Consul.PostAsync($"/api/cases/{caseId}/travel/delay", new { }), HttpStatusCode.BadRequest);
        var delayed = (await World.Consul.PostAsync($"/api/cases/{caseId}/travel/delay", new { scheduledArrival = arrival.AddHours(3) }))
            .Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(arrival.AddHours(3), delayed["travel"]!["scheduledArrival"]!.GetValue<DateTimeOffset>());
        var updated = Assert.Single((await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>(),
            i => i.CaseId == caseId && i.Type == FeedItemType.PickupUpdated);
        Assert.Equal(arrival.AddHours(3).ToOffset(TimeSpan.FromHours(5)).ToString("yyyy-MM-ddTHH:mm:sszzz"), updated.Data["scheduledArrivalLocal"]);
        (await worker.PostAsync($"/api/cases/{caseId}/travel/delay", new { scheduledArrival = arrival.AddHours(4) })).ExpectProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_journey_naming_a_place_the_directory_lacks_or_mixing_the_modes_fields_is_refused_naming_the_field()
    {
        var region = World.Field.Region("Refused");
        var from = await World.Field.PlaceAsync("ROAD-CROSSING", "Korday – Ak-Zhol", "BorderCrossing", "KZ", "Asia/Almaty");
        var caseId = (await World.Consul.PostAsync("/api/cases", Field.Flag("Refused Journey", "F", 1992, "KG", "TR", region, ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        var valid = new JsonObject
        {
            ["mode"] = "Road", ["departurePlace"] = from, ["arrivalPlace"] = World.Field.PlaceCode("NOT-REGISTERED"),
            ["scheduledArrival"] = DateTimeOffset.UtcNow.AddDays(2), ["escort"] = "IOM", ["travelDocument"] = "Certificate of return",
        };

        foreach (var (field, change) in new (string Field, Action<JsonObject> Change)[]
                 {
                     ("arrivalPlace", _ => { }),
                     ("departurePlace", b => { b["departurePlace"] = World.Field.PlaceCode("ALSO-MISSING"); b["arrivalPlace"] = from; }),
                     ("departurePlace", b => b.Remove("departurePlace")),
                     ("arrivalPlace", b => b["arrivalPlace"] = "not a code"),
                     ("arrivalPlace", b => b["arrivalPlace"] = from),
                     ("flightNumber", b => b["flightNumber"] = "TK 345"),
                     ("reference", b => b["reference"] = new string('9', 21)),
                     ("mode", b => b["mode"] = "Boat"),
                     ("departurePlace", b => { b["mode"] = "Air"; b["flightNumber"] = "TK 345"; b["departureAirport"] = "IST"; b["arrivalAirport"] = "FRU"; }),
                 })
        {
            var body = valid.DeepClone().AsObject();
            change(body);
            var refused = await fixture.RefusedWithoutChangeAsync(() => World.Consul.PostAsync($"/api/cases/{caseId}/travel", body), HttpStatusCode.BadRequest);
            Assert.True(refused.Json!["errors"]?.AsObject().ContainsKey(field) ?? refused.Body.Contains(field, StringComparison.Ordinal), $"{field}: {refused.Body}");
        }
    }
}
