using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.EndToEnd;

/// <summary>
/// Intake by every door, over HTTP and SignalR: a hotline, the police and an NGO open cases, and the
/// route (return or internal) follows from where the person is. Consular posts sit in cities only
/// the test uses (<see cref="Field.Region"/>), since a reported return goes to the post in the
/// person's city and the database is shared with other tests.
/// </summary>
[Collection("system")]
public sealed class DoorsTests(SystemFixture fixture)
{
    [Fact]
    public async Task A_hotline_in_Bishkek_reports_a_Kyrgyz_woman_held_in_Istanbul_and_the_post_there_verifies_and_brings_her_home()
    {
        var field = await Field.CreateAsync(fixture.System);
        var istanbul = field.Region("Istanbul");
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", istanbul, "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-chui", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [field.Region("Chui")], ["FRU"], ["Shelter", "Legal"]));
        var hotline = await field.AgencyAsync("kg-189", new { name = "Hotline 189", kind = "Hotline", country = "KG", city = "Bishkek", timeZone = "Asia/Bishkek" });
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        using var operatorClient = await field.UserAsync("operator", hotline, "HotlineOperator");
        await using var postDashboard = await DashboardClient.ConnectAsync(field.WebUrl, consul.Token!);
        await using var hotlineDashboard = await DashboardClient.ConnectAsync(field.WebUrl, operatorClient.Token!);

        // Her sister called the hotline: she is held in a flat in Istanbul.
        var report = Field.Flag("Aigul Hotline", "F", 1998, "KG", "TR", field.Region("Chui"), ["Shelter", "Legal"], situation: "WithEmployer");
        report["currentRegion"] = istanbul;
        report["identifiedBy"] = "Family";
        report.Remove("reportedBy");
        var opened = (await operatorClient.PostAsync("/api/cases", report)).Expect(HttpStatusCode.Created).Json!;
        var caseId = opened["id"]!.GetValue<string>();
        Assert.StartsWith("KG-", caseId);
        Assert.Equal("Return", opened["route"]!.GetValue<string>());
        Assert.Equal("Family", opened["identifiedBy"]!.GetValue<string>());
        Assert.Equal(post, opened["flaggedByAgencyId"]!.GetValue<string>());
        Assert.Equal(hotline, opened["reportedByAgencyId"]!.GetValue<string>());
        Assert.Equal(ngo, opened["referrals"]![0]!["toAgencyId"]!.GetValue<string>());

        // The post in Istanbul is told, and must acknowledge; the case is its own now.
        var reported = await postDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.CaseReported);
        Assert.True(reported.RequiresAck);
        Assert.Equal(hotline, reported.Data["reportedByAgencyId"]);
        Assert.DoesNotContain("Aigul", reported.Summary, StringComparison.Ordinal);
        var postView = (await consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Aigul Hotline", postView["person"]!["fullName"]!.GetValue<string>());
        Assert.Contains("Verified", postView["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains(caseId, (await consul.GetAsync("/api/cases")).Expect(HttpStatusCode.OK).Json!.AsArray().Select(c => c!["id"]!.GetValue<string>()));

        // The hotline follows the case but does not act on it.
        var hotlineView = (await operatorClient.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Aigul Hotline", hotlineView["person"]!["fullName"]!.GetValue<string>());
        Assert.Empty(hotlineView["allowedActions"]!.AsArray());
        (await operatorClient.PostAsync($"/api/cases/{caseId}/events", new { type = "Verified" })).ExpectProblem(HttpStatusCode.Forbidden);

        // The post verifies: its alert is settled, and the hotline hears of the progress.
        (await consul.PostAsync($"/api/cases/{caseId}/events", new { type = "Verified" })).Expect(HttpStatusCode.OK);
        await postDashboard.WaitForAsync(i => i.Id == reported.Id && i.AcknowledgedAt is not null);
        var update = await hotlineDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.CaseUpdated);
        Assert.Equal("Verified", update.Data["event"]);

        // ...and the case proceeds as any return: referral accepted, flight home, pickup.
        (await worker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.OK);
        (await consul.PostAsync($"/api/cases/{caseId}/events", new { type = "DocumentsIssued" })).Expect(HttpStatusCode.OK);
        (await consul.PostAsync($"/api/cases/{caseId}/travel", new
        {
            flightNumber = "TK 345", departureAirport = "IST", arrivalAirport = "FRU", scheduledArrival = DateTimeOffset.UtcNow.AddDays(3),
            escort = "IOM Istanbul", travelDocument = "Certificate of return",
        })).Expect(HttpStatusCode.OK);
        var workerFeed = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.Single(workerFeed, i => i.CaseId == caseId && i.Type == FeedItemType.PickupRequested);
        var timeline = (await operatorClient.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(["Flagged", "Referred", "Verified", "ReferralAccepted", "DocumentsIssued", "TravelBooked"], timeline.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(hotline, timeline[0]!["agencyId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Kazakh_police_in_Almaty_open_cases_for_three_Uzbek_men_and_the_Uzbek_post_in_Almaty_and_the_Uzbek_NGO_are_alerted()
    {
        var field = await Field.CreateAsync(fixture.System);
        var almaty = field.Region("Almaty");
        var post = await field.AgencyAsync("uz-ala", Field.ConsularPost("UZ", "KZ", almaty, "Asia/Almaty"));
        var almaty2 = await field.PlaceAsync("ALMATY-2", "Almaty-2", "RailStation", "KZ", "Asia/Almaty");
        var tashkent = await field.PlaceAsync("TASHKENT", "Tashkent Central", "RailStation", "UZ", "Asia/Tashkent");
        // The NGO of Samarkand meets its returnees off the train in Tashkent.
        var ngo = await field.AgencyAsync("uz-sam", new
        {
            name = "Samarkand NGO", kind = "Ngo", country = "UZ", city = "Samarkand", timeZone = "Asia/Samarkand",
            servesRegions = new[] { field.Region("Samarkand") }, arrivalPoints = new[] { tashkent }, services = new[] { "Shelter", "Medical" },
        });
        var police = await field.AgencyAsync("kz-police", new { name = "Almaty police, migration unit", kind = "LawEnforcement", country = "KZ", city = "Almaty", timeZone = "Asia/Almaty" });
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        using var officer = await field.UserAsync("officer", police, "LawEnforcementOfficer");
        await using var postDashboard = await DashboardClient.ConnectAsync(field.WebUrl, consul.Token!);
        await using var ngoDashboard = await DashboardClient.ConnectAsync(field.WebUrl, worker.Token!);

        var cases = new List<string>();
        foreach (var (name, year) in new[] { ("Rustam", 1990), ("Sherzod", 1993), ("Ulugbek", 1987) })
        {
            var flag = Field.Flag($"{name} Raid", "M", year, "UZ", "KZ", field.Region("Samarkand"), ["Shelter", "Medical"], situation: "WithEmployer");
            flag["currentRegion"] = almaty;
            flag.Remove("reportedBy");
            var opened = (await officer.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created).Json!;
            Assert.Equal("Police", opened["identifiedBy"]!.GetValue<string>());
            Assert.Equal("Return", opened["route"]!.GetValue<string>());
            Assert.Equal(post, opened["flaggedByAgencyId"]!.GetValue<string>());
            cases.Add(opened["id"]!.GetValue<string>());
        }

        foreach (var caseId in cases)
        {
            Assert.StartsWith("UZ-", caseId);
            var reported = await postDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.CaseReported);
            Assert.Equal(police, reported.Data["reportedByAgencyId"]);
            await ngoDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        }

        // The police list the cases they opened, as the reporter of each.
        var listed = (await officer.GetAsync("/api/cases")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(cases.Order(), listed.Select(c => c!["id"]!.GetValue<string>()).Order());
        Assert.All(listed, c => Assert.Equal(police, c!["reportedByAgencyId"]!.GetValue<string>()));

        // The post sends the three men home by the night train from Almaty-2, due in Tashkent at 07:00 Tashkent time:
        // the NGO meeting arrivals at the station gets each pickup with the arrival in the station's time zone.
        var arrival = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(3).AddHours(2), TimeSpan.Zero);
        foreach (var caseId in cases)
        {
            (await consul.PostAsync($"/api/cases/{caseId}/travel", new
            {
                mode = "Rail", reference = "0377", departurePlace = almaty2, arrivalPlace = tashkent, scheduledArrival = arrival,
                escort = "IOM Almaty", travelDocument = "Certificate of return",
            })).Expect(HttpStatusCode.OK);
            var pickup = await ngoDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.PickupRequested);
            Assert.True(pickup.RequiresAck);
            Assert.Equal(("Rail", "0377", "Almaty-2", "Tashkent Central"),
                (pickup.Data["mode"], pickup.Data["reference"], pickup.Data["departurePlaceName"], pickup.Data["arrivalPlaceName"]));
            Assert.Equal("Asia/Tashkent", pickup.Data["timeZone"]);
            Assert.Equal($"{arrival:yyyy-MM-dd}T07:00:00+05:00", pickup.Data["scheduledArrivalLocal"]);
            Assert.Contains("07:00 (Asia/Tashkent)", pickup.Summary, StringComparison.Ordinal);
            Assert.DoesNotContain("Raid", pickup.Summary + string.Join(" ", pickup.Data.Values), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_Kyrgyz_NGO_in_Osh_opens_an_internal_case_referred_in_the_region_with_no_travel()
    {
        var field = await Field.CreateAsync(fixture.System);
        var osh = field.Region("Osh");
        var opener = await field.AgencyAsync("kg-osh-ngo", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [osh], [], ["Legal"]));
        var shelter = await field.AgencyAsync("kg-osh-shelter", Field.Receiving("Shelter", "KG", "Osh", "Asia/Bishkek", [osh], [], ["Shelter", "Psychological"]));
        using var outreach = await field.UserAsync("outreach", opener, "NgoCaseworker");
        using var shelterWorker = await field.UserAsync("shelter", shelter, "NgoCaseworker");
        await using var shelterDashboard = await DashboardClient.ConnectAsync(field.WebUrl, shelterWorker.Token!);

        // From Naryn, where nobody serves, found in Osh: routed where she is.
        var flag = Field.Flag("Nurgul Internal", "F", 2000, "KG", "KG", field.Region("Naryn"), ["Shelter", "Psychological"], situation: "Hiding");
        flag["currentRegion"] = osh;
        flag.Remove("reportedBy");
        var opened = (await outreach.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created).Json!;
        var caseId = opened["id"]!.GetValue<string>();
        Assert.Equal("Internal", opened["route"]!.GetValue<string>());
        Assert.Equal("Ngo", opened["identifiedBy"]!.GetValue<string>());
        Assert.Equal(opener, opened["flaggedByAgencyId"]!.GetValue<string>());
        Assert.Null(opened["reportedByAgencyId"]);
        Assert.Equal(shelter, opened["referrals"]![0]!["toAgencyId"]!.GetValue<string>());
        await shelterDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);

        // No journey: the opener is offered no travel, and its steps are refused.
        var view = (await outreach.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        var allowed = view["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.DoesNotContain("TravelBooked", allowed);
        Assert.DoesNotContain("DocumentsIssued", allowed);
        (await outreach.PostAsync($"/api/cases/{caseId}/events", new { type = "Verified" })).Expect(HttpStatusCode.OK);
        var refused = (await outreach.PostAsync($"/api/cases/{caseId}/events", new { type = "DocumentsIssued" })).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Contains("internal", refused.Json!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // The shelter takes her in straight away.
        (await shelterWorker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.OK);
        var received = (await shelterWorker.PostAsync($"/api/cases/{caseId}/events", new { type = "ReceivedByAgency" })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("ReceivedByAgency", received["status"]!.GetValue<string>());
        (await shelterWorker.PostAsync($"/api/cases/{caseId}/events", new { type = "Sheltered" })).Expect(HttpStatusCode.OK);
    }

    public static TheoryData<string, string, string, string, HttpStatusCode> OutsideTheRemit => new()
    {
        // who, agency kind and country, role, the person (citizenship → found in), expected
        { "an analyst of a post", "ConsularPost:KG", "Analyst", "KG>TR", HttpStatusCode.Forbidden },
        { "a committee member", "Committee:KG", "CommitteeMember", "KG>TR", HttpStatusCode.Forbidden },
        { "police for a person abroad", "LawEnforcement:KZ", "LawEnforcementOfficer", "KZ>RU", HttpStatusCode.Forbidden },
        { "an NGO for a foreigner abroad", "Ngo:KZ", "NgoCaseworker", "UZ>RU", HttpStatusCode.Forbidden },
        { "a hotline for a foreigner abroad", "Hotline:KG", "HotlineOperator", "TJ>RU", HttpStatusCode.Forbidden },
        { "a post for a citizen at home", "ConsularPost:KG", "ConsularOfficer", "KG>KG", HttpStatusCode.Forbidden },
        { "a post for another state's citizen", "ConsularPost:KG", "ConsularOfficer", "UZ>TR", HttpStatusCode.Forbidden },
        { "a caseworker of the police", "LawEnforcement:KZ", "NgoCaseworker", "UZ>KZ", HttpStatusCode.Forbidden },
        { "a hotline with no post where the person is", "Hotline:KG", "HotlineOperator", "KG>BR", HttpStatusCode.UnprocessableEntity },
    };

    [Theory]
    [MemberData(nameof(OutsideTheRemit))]
    public async Task A_case_outside_the_callers_remit_is_refused_and_nothing_is_stored(string who, string agency, string role, string person, HttpStatusCode expected)
    {
        var field = await Field.CreateAsync(fixture.System);
        var (kind, country) = (agency.Split(':')[0], agency.Split(':')[1]);
        var agencyId = kind == "ConsularPost"
            ? await field.AgencyAsync("caller", Field.ConsularPost(country, "TR", field.Region("Istanbul"), "Europe/Istanbul"))
            : await field.AgencyAsync("caller", new { name = who, kind, country, city = "Capital", timeZone = "Asia/Almaty" });
        using var caller = await field.UserAsync("caller", agencyId, role);
        var (citizenship, foundIn) = (person.Split('>')[0], person.Split('>')[1]);
        var before = await fixture.CountRowsAsync();

        var refused = (await caller.PostAsync("/api/cases", Field.Flag("Out Of Remit", "F", 1990, citizenship, foundIn, field.Region("Home"), ["Shelter"])))
            .ExpectProblem(expected);

        if (expected == HttpStatusCode.UnprocessableEntity)
        {
            Assert.Equal("NoConsularPost", refused.Json!["title"]!.GetValue<string>());
        }

        Assert.Equal(before, await fixture.CountRowsAsync());
    }

    [Theory]
    [InlineData("\"Neighbour\"")]
    [InlineData("3")]
    public async Task An_unknown_identification_channel_is_400_and_nothing_is_stored(string identifiedBy)
    {
        var field = await Field.CreateAsync(fixture.System);
        var hotline = await field.AgencyAsync("kg-189", new { name = "Hotline 189", kind = "Hotline", country = "KG", city = "Bishkek", timeZone = "Asia/Bishkek" });
        using var operatorClient = await field.UserAsync("operator", hotline, "HotlineOperator");
        var body = System.Text.Json.JsonSerializer.Serialize(Field.Flag("Bad Channel", "F", 1990, "KG", "KG", field.Region("Osh"), ["Shelter"]))
            .Replace("\"reportedBy\":\"Consulate\"", $"\"identifiedBy\":{identifiedBy}", StringComparison.Ordinal);
        var before = await fixture.CountRowsAsync();

        var refused = (await operatorClient.PostRawAsync("/api/cases", body)).ExpectProblem(HttpStatusCode.BadRequest);

        Assert.True(refused.Json!["errors"]!.AsObject().ContainsKey("identifiedBy"), refused.Body);
        Assert.Equal(before, await fixture.CountRowsAsync());
    }
}
