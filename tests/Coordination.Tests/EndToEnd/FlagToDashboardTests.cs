using System.Net;
using System.Text.Json;
using Coordination.Contracts.Common;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.EndToEnd;

[Collection("system")]
public sealed class FlagToDashboardTests(SystemFixture fixture)
{
    private static readonly string[] PersonalData = ["Aigul", "Testova", "AC1234567", "555 111"];

    [Fact]
    public async Task Consul_flag_reaches_the_receiving_NGO_dashboard_live_and_travel_booking_requests_a_pickup()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-naryn", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [field.Region("Naryn")], ["FRU"], ["Shelter", "Legal", "Psychological"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        await using var dashboard = await DashboardClient.ConnectAsync(field.WebUrl, worker.Token!);

        var flagged = (await consul.PostAsync("/api/cases", Field.Flag("Aigul Testova", "F", 1998, "KG", "TR", field.Region("Naryn"), ["Shelter", "Legal"])))
            .Expect(HttpStatusCode.Created);
        var caseId = flagged.Json!["id"]!.GetValue<string>();
        Assert.Matches(@"^KG-\d{4}-\d{6}$", caseId);
        Assert.Equal($"/api/cases/{caseId}", flagged.Location?.OriginalString);
        Assert.Equal("Flagged", flagged.Json!["status"]!.GetValue<string>());
        Assert.Equal(ngo, flagged.Json!["referrals"]![0]!["toAgencyId"]!.GetValue<string>());

        var referral = await dashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        Assert.True(referral.RequiresAck);
        Assert.Equal(Urgency.Critical, referral.Urgency);
        Assert.Equal(FeedItemKind.Alert, referral.Kind);
        Assert.NotNull(referral.AckDeadline);
        AssertNoPersonalData(referral);

        var arrival = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(3).AddHours(2).AddMinutes(40), TimeSpan.Zero);
        (await consul.PostAsync($"/api/cases/{caseId}/travel", new
        {
            flightNumber = "TK 345",
            departureAirport = "IST",
            arrivalAirport = "FRU",
            scheduledArrival = arrival,
            escort = "IOM Istanbul",
            travelDocument = "Certificate of return",
        })).Expect(HttpStatusCode.OK);

        var pickup = await dashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.PickupRequested);
        Assert.True(pickup.RequiresAck);
        Assert.Equal("TK 345", pickup.Data["flightNumber"]);
        var local = DateTimeOffset.Parse(pickup.Data["scheduledArrivalLocal"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(6), local.Offset); // Asia/Bishkek, the NGO's own time zone
        Assert.Equal(arrival, local);
        AssertNoPersonalData(pickup);

        var acknowledged = (await worker.PostAsync($"/api/alerts/{pickup.Id}/ack", null)).Expect(HttpStatusCode.OK).As<FeedItem>();
        Assert.NotNull(acknowledged.AcknowledgedAt);
        Assert.Equal(field.Id("worker"), acknowledged.AcknowledgedBy);
        var pushed = await dashboard.WaitForAsync(i => i.Id == pickup.Id && i.AcknowledgedAt is not null);
        Assert.Equal(pickup.Seq, pushed.Seq);

        var again = (await worker.PostAsync($"/api/alerts/{pickup.Id}/ack", null)).Expect(HttpStatusCode.OK).As<FeedItem>();
        Assert.Equal(acknowledged.AcknowledgedAt, again.AcknowledgedAt);

        var feed = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.Equal(Enumerable.Range(1, feed.Count).Select(i => (long)i), feed.Select(i => i.Seq));
        Assert.Contains(feed, i => i.Id == pickup.Id && i.AcknowledgedAt is not null);
    }

    [Fact]
    public async Task Minor_from_Khatlon_is_referred_to_the_shelter_for_minors_never_to_an_adult_shelter()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("tj-msk", Field.ConsularPost("TJ", "RU", "Moscow", "Europe/Moscow"));
        var adult = await field.AgencyAsync("tj-adult", Field.Receiving("Shelter", "TJ", "Bokhtar", "Asia/Dushanbe", [field.Region("Khatlon")], ["DYU"], ["Shelter", "Legal", "Medical", "Psychological"]));
        var minors = await field.AgencyAsync("tj-minors", Field.Receiving("Shelter", "TJ", "Bokhtar", "Asia/Dushanbe", [field.Region("Khatlon")], [], ["ShelterMinors"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var adultWorker = await field.UserAsync("adult", adult, "NgoCaseworker");
        using var minorsWorker = await field.UserAsync("minors", minors, "NgoCaseworker");

        var fifteen = DateTime.UtcNow.Year - 15;
        var flagged = (await consul.PostAsync("/api/cases", Field.Flag("Firuza Test", "F", fifteen, "TJ", "RU", field.Region("Khatlon"), ["Shelter", "Psychological"])))
            .Expect(HttpStatusCode.Created);
        var caseId = flagged.Json!["id"]!.GetValue<string>();
        Assert.True(flagged.Json!["minor"]!.GetValue<bool>());
        Assert.Equal(minors, flagged.Json!["referrals"]![0]!["toAgencyId"]!.GetValue<string>());

        var minorsFeed = (await minorsWorker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.Contains(minorsFeed, i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        Assert.Empty((await adultWorker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>());
        (await adultWorker.GetAsync($"/api/cases/{caseId}")).ExpectProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_a_matching_agency_the_post_is_told_and_the_case_stays_flagged()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("uz-dxb", Field.ConsularPost("UZ", "AE", "Dubai", "Asia/Dubai"));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        await using var dashboard = await DashboardClient.ConnectAsync(field.WebUrl, consul.Token!);

        var flagged = (await consul.PostAsync("/api/cases", Field.Flag("Dilnoza Test", "F", 1995, "UZ", "AE", field.Region("Karakalpakstan"), ["Shelter"])))
            .Expect(HttpStatusCode.Created);
        var caseId = flagged.Json!["id"]!.GetValue<string>();
        Assert.Equal("Flagged", flagged.Json!["status"]!.GetValue<string>());
        Assert.Empty(flagged.Json!["referrals"]!.AsArray());

        var alert = await dashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.NoReceivingAgency);
        Assert.True(alert.RequiresAck);
        AssertNoPersonalData(alert);
    }

    [Fact]
    public async Task An_agency_not_involved_in_a_case_can_neither_see_nor_list_it()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kz-ist", Field.ConsularPost("KZ", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kz-ngo", Field.Receiving("Ngo", "KZ", "Almaty", "Asia/Almaty", [field.Region("Almaty")], ["ALA"], ["Shelter"]));
        var other = await field.AgencyAsync("kz-other", Field.ConsularPost("KZ", "AE", "Dubai", "Asia/Dubai"));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var stranger = await field.UserAsync("stranger", other, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");

        var caseId = (await consul.PostAsync("/api/cases", Field.Flag("Aigerim Test", "F", 1990, "KZ", "TR", field.Region("Almaty"), ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();

        (await stranger.GetAsync($"/api/cases/{caseId}")).ExpectProblem(HttpStatusCode.NotFound);
        (await stranger.GetAsync($"/api/cases/{caseId}/timeline")).ExpectProblem(HttpStatusCode.NotFound);
        (await stranger.PostAsync($"/api/cases/{caseId}/events", new { type = "Withdrawn" })).ExpectProblem(HttpStatusCode.NotFound);
        Assert.DoesNotContain(caseId, (await stranger.GetAsync("/api/cases")).Expect(HttpStatusCode.OK).Body);

        Assert.Contains(caseId, (await consul.GetAsync("/api/cases")).Expect(HttpStatusCode.OK).Body);
        // The referred agency sees the case, pseudonymous until it accepts.
        var seen = (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK);
        Assert.Null(seen.Json!["person"]);
        var timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(["Flagged", "Referred"], timeline.Select(e => e!["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Retrying_a_flag_with_the_same_idempotency_key_returns_the_first_case_and_creates_nothing()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kg-dxb", Field.ConsularPost("KG", "AE", "Dubai", "Asia/Dubai"));
        var ngo = await field.AgencyAsync("kg-osh", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [field.Region("Osh")], ["OSS"], ["Shelter"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var flag = Field.Flag("Nurjan Test", "M", 1985, "KG", "AE", field.Region("Osh"), ["Shelter"]);
        var key = Guid.NewGuid().ToString();

        var first = (await consul.PostAsync("/api/cases", flag, key)).Expect(HttpStatusCode.Created);
        var retry = (await consul.PostAsync("/api/cases", flag, key)).Expect(HttpStatusCode.OK);
        Assert.Equal(first.Json!["id"]!.GetValue<string>(), retry.Json!["id"]!.GetValue<string>());

        flag["urgency"] = "Routine";
        (await consul.PostAsync("/api/cases", flag, key)).ExpectProblem(HttpStatusCode.Conflict);

        Assert.Single(JsonDocument.Parse((await consul.GetAsync("/api/cases")).Expect(HttpStatusCode.OK).Body).RootElement.EnumerateArray());
        Assert.Single((await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>());
    }

    private static void AssertNoPersonalData(FeedItem item)
    {
        var serialized = JsonSerializer.Serialize(item, CoordinationJson.Options);
        foreach (var secret in PersonalData)
        {
            Assert.DoesNotContain(secret, serialized, StringComparison.OrdinalIgnoreCase);
        }
    }
}
