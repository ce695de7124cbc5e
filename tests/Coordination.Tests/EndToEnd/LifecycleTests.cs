using System.Net;
using System.Text.Json.Nodes;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.EndToEnd;

/// <summary>The whole repatriation, from a family's call to reintegration, over HTTP and SignalR.</summary>
[Collection("system")]
public sealed class LifecycleTests(SystemFixture fixture)
{
    [Fact]
    public async Task A_daughter_reported_by_her_mother_withdrawn_and_reopened_is_followed_home_to_reintegration()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("uz-dxb", Field.ConsularPost("UZ", "AE", "Dubai", "Asia/Dubai"));
        var ngo = await field.AgencyAsync("uz-tash", Field.Receiving("Ngo", "UZ", "Tashkent", "Asia/Tashkent", [field.Region("Tashkent")], ["TAS"],
            ["Shelter", "Legal", "Psychological", "Reintegration"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        await using var ngoDashboard = await DashboardClient.ConnectAsync(field.WebUrl, worker.Token!);
        await using var postDashboard = await DashboardClient.ConnectAsync(field.WebUrl, consul.Token!);

        var flag = Field.Flag("Malika Daughter", "F", 2001, "UZ", "AE", field.Region("Tashkent"), ["Shelter", "Legal", "Psychological"], urgency: "Urgent", situation: "Unknown");
        flag["reportedBy"] = "Family";
        var caseId = (await consul.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        await ngoDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        await worker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null);
        await postDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralAccepted);

        // The mother withdraws the request, then asks again.
        await EventAsync(consul, caseId, "Withdrawn", "family withdrew the request", "Withdrawn");
        var reopened = await EventAsync(consul, caseId, "Reopened", "mother asks again", "Flagged");
        Assert.Equal("r2", reopened["referrals"]![1]!["id"]!.GetValue<string>());
        await ngoDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived && i.Data["referralId"] == "r2");
        (await worker.PostAsync($"/api/cases/{caseId}/referrals/r2/accept", null)).Expect(HttpStatusCode.OK);

        // Found in immigration detention; verified, documented, flown home.
        await EventAsync(consul, caseId, "Verified", "found in immigration detention", "Verified");
        await EventAsync(consul, caseId, "DocumentsIssued", "certificate of return issued", "DocumentsIssued");
        var arrival = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(5).AddHours(4), TimeSpan.Zero);
        (await consul.PostAsync($"/api/cases/{caseId}/travel", new
        {
            flightNumber = "HY 302", departureAirport = "DXB", arrivalAirport = "TAS", scheduledArrival = arrival,
            escort = "IOM Dubai", travelDocument = "Certificate of return",
        })).Expect(HttpStatusCode.OK);
        var pickup = await ngoDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.PickupRequested);
        Assert.Equal("HY 302", pickup.Data["flightNumber"]);
        await EventAsync(consul, caseId, "Departed", null, "InTransit");

        // Received at the airport, sheltered, aided, reintegrated, closed — by the receiving NGO.
        await EventAsync(worker, caseId, "Arrived", null, "Arrived");
        var settled = await ngoDashboard.WaitForAsync(i => i.Id == pickup.Id && i.AcknowledgedAt is not null);
        Assert.Equal(field.Id("worker"), settled.AcknowledgedBy);
        await EventAsync(worker, caseId, "ReceivedByAgency", "met at TAS", "ReceivedByAgency");
        await EventAsync(worker, caseId, "Sheltered", null, "Sheltered");
        await EventAsync(worker, caseId, "RehabilitationStarted", "legal and psychological aid", "Rehabilitation");
        await EventAsync(worker, caseId, "ReintegrationStarted", "vocational training", "Reintegration");
        var closed = await EventAsync(worker, caseId, "Closed", null, "Closed", reason: "Reintegrated");
        Assert.Null(closed["person"]); // command answers carry no personal data; reading the case does
        Assert.Equal("Reintegrated", closed["closureReason"]!.GetValue<string>());
        Assert.Equal("Malika Daughter", (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["person"]!["fullName"]!.GetValue<string>());

        var timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(
            ["Flagged", "Referred", "ReferralAccepted", "Withdrawn", "Reopened", "Referred", "ReferralAccepted", "Verified", "DocumentsIssued",
             "TravelBooked", "Departed", "Arrived", "ReceivedByAgency", "Sheltered", "RehabilitationStarted", "ReintegrationStarted", "Closed"],
            timeline.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, timeline.Count), timeline.Select(e => e!["seq"]!.GetValue<int>()));
        Assert.Equal("Reintegrated", timeline[^1]!["reason"]!.GetValue<string>());
        Assert.All(timeline.Take(timeline.Count - 1), e => Assert.Null(e!["reason"]));

        var ngoFeed = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.Equal(2, ngoFeed.Count(i => i.Type == FeedItemType.ReferralReceived));
        Assert.Single(ngoFeed, i => i.Type == FeedItemType.PickupRequested);
        Assert.Equal(["Withdrawn", "Reopened", "Verified", "DocumentsIssued", "Departed"],
            ngoFeed.Where(i => i.Type == FeedItemType.CaseUpdated).Select(i => i.Data["event"]));
        var postFeed = (await consul.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.Equal(2, postFeed.Count(i => i.Type == FeedItemType.ReferralAccepted));
        Assert.Equal(["Arrived", "ReceivedByAgency", "Sheltered", "RehabilitationStarted", "ReintegrationStarted", "Closed"],
            postFeed.Where(i => i.Type == FeedItemType.CaseUpdated).Select(i => i.Data["event"]));
        Assert.All(ngoFeed.Where(i => i.RequiresAck), i => Assert.NotNull(i.AcknowledgedAt));
    }

    [Fact]
    public async Task Three_citizens_flagged_within_a_minute_give_the_airport_NGO_three_pickups_with_the_right_flights()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-fru", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [field.Region("Issyk-Kul")], ["FRU"], ["Shelter", "Legal"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        await using var dashboard = await DashboardClient.ConnectAsync(field.WebUrl, worker.Token!);

        var flights = new Dictionary<string, string>();
        foreach (var (name, flight) in new[] { ("Ainura", "TK 345"), ("Bakyt", "PC 744"), ("Cholpon", "KC 914") })
        {
            var caseId = (await consul.PostAsync("/api/cases", Field.Flag($"{name} Test", "F", 1994, "KG", "TR", field.Region("Issyk-Kul"), ["Shelter"])))
                .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
            (await consul.PostAsync($"/api/cases/{caseId}/travel", new
            {
                flightNumber = flight, departureAirport = "IST", arrivalAirport = "FRU", scheduledArrival = DateTimeOffset.UtcNow.AddDays(2),
                escort = "consular officer", travelDocument = "passport",
            })).Expect(HttpStatusCode.OK);
            flights[caseId] = flight;
        }

        foreach (var (caseId, flight) in flights)
        {
            var pickup = await dashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.PickupRequested);
            Assert.Equal(flight, pickup.Data["flightNumber"]);
        }

        var feed = (await worker.GetAsync("/api/feed?after=0")).Expect(HttpStatusCode.OK).As<List<FeedItem>>();
        Assert.Equal(3, feed.Count(i => i.Type == FeedItemType.PickupRequested));
    }

    [Fact]
    public async Task A_full_shelter_declines_and_the_case_goes_to_the_other_matching_agency_while_the_consul_sees_why()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kg-msk", Field.ConsularPost("KG", "RU", "Moscow", "Europe/Moscow"));
        var full = await field.AgencyAsync("a-naryn-full", Field.Receiving("Shelter", "KG", "Naryn", "Asia/Bishkek", [field.Region("Naryn")], [], ["Shelter", "Legal"]));
        var other = await field.AgencyAsync("b-naryn-other", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [field.Region("Naryn")], [], ["Shelter"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var fullWorker = await field.UserAsync("full", full, "NgoCaseworker");
        using var otherWorker = await field.UserAsync("other", other, "NgoCaseworker");
        await using var postDashboard = await DashboardClient.ConnectAsync(field.WebUrl, consul.Token!);

        var flagged = (await consul.PostAsync("/api/cases", Field.Flag("Gulnara Test", "F", 1989, "KG", "RU", field.Region("Naryn"), ["Shelter", "Legal"])))
            .Expect(HttpStatusCode.Created);
        var caseId = flagged.Json!["id"]!.GetValue<string>();
        Assert.Equal(full, flagged.Json!["referrals"]![0]!["toAgencyId"]!.GetValue<string>());

        (await fullWorker.PostAsync($"/api/cases/{caseId}/referrals/r1/decline", new { reason = "" })).ExpectProblem(HttpStatusCode.BadRequest);
        var declined = (await fullWorker.PostAsync($"/api/cases/{caseId}/referrals/r1/decline", new { reason = "no capacity until next month" }))
            .Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Declined", declined["referrals"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(other, declined["referrals"]![1]!["toAgencyId"]!.GetValue<string>());

        var told = await postDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralDeclined);
        Assert.Equal("no capacity until next month", told.Data["reason"]);
        Assert.Contains(((await otherWorker.GetAsync("/api/feed?after=0")).As<List<FeedItem>>()), i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        (await fullWorker.GetAsync($"/api/cases/{caseId}")).ExpectProblem(HttpStatusCode.NotFound);

        // The second agency declines too: nobody is left, and the post is told.
        (await otherWorker.PostAsync($"/api/cases/{caseId}/referrals/r2/decline", new { reason = "no shelter for women" })).Expect(HttpStatusCode.OK);
        await postDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.NoReceivingAgency);
        var fullFeed = (await fullWorker.GetAsync("/api/feed?after=0")).As<List<FeedItem>>();
        Assert.Single(fullFeed, i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
    }

    public static TheoryData<string[], string, string> IllegalTransitions => new()
    {
        // path of (actor:event) already applied, then the illegal event and who tries it
        { [], "DocumentsIssued", "post" },
        { [], "Departed", "post" },
        { [], "Arrived", "ngo" },
        { [], "ReceivedByAgency", "ngo" },
        { [], "Sheltered", "ngo" },
        { [], "RehabilitationStarted", "ngo" },
        { [], "ReintegrationStarted", "ngo" },
        { [], "Closed", "post" },
        { [], "Reopened", "post" },
        { ["post:Verified"], "Verified", "post" },
        { ["post:Verified"], "Departed", "post" },
        { ["post:Verified", "post:DocumentsIssued"], "Arrived", "ngo" },
        { ["post:Withdrawn"], "Verified", "post" },
        { ["post:Withdrawn"], "Withdrawn", "post" },
        { ["post:Withdrawn"], "Closed", "ngo" },
        { ["post:Verified", "post:DocumentsIssued", "travel", "post:Departed"], "Departed", "post" },
        { ["post:Verified", "post:DocumentsIssued", "travel", "post:Departed"], "Sheltered", "ngo" },
        { ["post:Verified", "post:DocumentsIssued", "travel", "post:Departed"], "Closed", "ngo" },
        { ["post:Verified", "post:DocumentsIssued", "travel", "post:Departed", "ngo:Arrived", "ngo:ReceivedByAgency"], "Reopened", "ngo" },
    };

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public async Task An_illegal_transition_is_refused_with_409_and_changes_nothing(string[] path, string illegal, string by)
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kz-ist", Field.ConsularPost("KZ", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kz-ala", Field.Receiving("Ngo", "KZ", "Almaty", "Asia/Almaty", [field.Region("Almaty")], ["ALA"], ["Shelter"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var caseId = (await consul.PostAsync("/api/cases", Field.Flag("Table Test", "M", 1980, "KZ", "TR", field.Region("Almaty"), ["Shelter"], urgency: "Routine")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        // Accepted, so that the agency may record what receivers record and only the transition is wrong.
        (await worker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.OK);

        foreach (var step in path)
        {
            if (step == "travel")
            {
                (await consul.PostAsync($"/api/cases/{caseId}/travel", new
                {
                    flightNumber = "KC 112", departureAirport = "IST", arrivalAirport = "ALA", scheduledArrival = DateTimeOffset.UtcNow.AddDays(1),
                    escort = "none", travelDocument = "passport",
                })).Expect(HttpStatusCode.OK);
                continue;
            }

            var (who, type) = (step.Split(':')[0], step.Split(':')[1]);
            (await (who == "post" ? consul : worker).PostAsync($"/api/cases/{caseId}/events", new { type })).Expect(HttpStatusCode.OK);
        }

        var before = (await consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        // A closure carries its reason, so that only the transition is wrong.
        var reason = illegal == "Closed" ? "Reintegrated" : null;
        (await (by == "post" ? consul : worker).PostAsync($"/api/cases/{caseId}/events", new { type = illegal, reason })).ExpectProblem(HttpStatusCode.Conflict);
        var after = (await consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(before["version"]!.GetValue<int>(), after["version"]!.GetValue<int>());
        Assert.Equal(before["status"]!.GetValue<string>(), after["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_stale_expected_version_is_409_and_the_wrong_party_is_403()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("tm-ist", Field.ConsularPost("TM", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("tm-asb", Field.Receiving("Ngo", "TM", "Ashgabat", "Asia/Ashgabat", [field.Region("Ahal")], ["ASB"], ["Shelter"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var caseId = (await consul.PostAsync("/api/cases", Field.Flag("Version Test", "F", 1990, "TM", "TR", field.Region("Ahal"), ["Shelter"], urgency: "Routine")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();

        (await consul.PostAsync($"/api/cases/{caseId}/events", new { type = "Verified", expectedVersion = 99 })).ExpectProblem(HttpStatusCode.Conflict);
        (await worker.PostAsync($"/api/cases/{caseId}/events", new { type = "Verified" })).ExpectProblem(HttpStatusCode.Forbidden);
        (await consul.PostAsync($"/api/cases/{caseId}/events", new { type = "Verified", expectedVersion = 1 })).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task After_consent_is_withdrawn_only_the_flagging_post_sees_who_the_person_is()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("tj-ist", Field.ConsularPost("TJ", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("tj-dyu", Field.Receiving("Ngo", "TJ", "Dushanbe", "Asia/Dushanbe", [field.Region("Sughd")], ["DYU"], ["Shelter"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var caseId = (await consul.PostAsync("/api/cases", Field.Flag("Consent Test", "F", 1990, "TJ", "TR", field.Region("Sughd"), ["Shelter"], urgency: "Routine")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        // Pending, the agency does not see the person and records no consent; once accepted, it sees
        // the person (who consented to sharing) and may record the withdrawal.
        Assert.Null((await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["person"]);
        (await worker.PostAsync($"/api/cases/{caseId}/events", new { type = "ConsentWithdrawn" })).ExpectProblem(HttpStatusCode.Forbidden);
        (await worker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.OK);
        Assert.Equal("Consent Test", (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["person"]!["fullName"]!.GetValue<string>());
        (await worker.PostAsync($"/api/cases/{caseId}/events", new { type = "ConsentWithdrawn", note = "asked by the person" })).Expect(HttpStatusCode.OK);

        var pseudonymous = (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK);
        Assert.Null(pseudonymous.Json!["person"]);
        Assert.DoesNotContain("Consent Test", (await worker.GetAsync("/api/cases")).Body);
        Assert.Equal("Consent Test", (await consul.GetAsync($"/api/cases/{caseId}")).Json!["person"]!["fullName"]!.GetValue<string>());
        Assert.False((await consul.GetAsync($"/api/cases/{caseId}")).Json!["consent"]!["given"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_returnee_who_declines_services_at_the_airport_is_closed_ServicesDeclined_and_a_closure_without_a_valid_reason_changes_nothing()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kg-dme", Field.ConsularPost("KG", "RU", "Moscow", "Europe/Moscow"));
        var ngo = await field.AgencyAsync("kg-osh", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [field.Region("Osh")], ["OSS"], ["Shelter"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var caseId = await InTransitAsync(consul, worker, Field.Flag("Declines Services", "M", 1988, "KG", "RU", field.Region("Osh"), ["Shelter"], urgency: "Routine"), "DME", "OSS");
        var arrived = await EventAsync(worker, caseId, "Arrived", null, "Arrived");

        foreach (var (body, errorField) in new (object Body, string Field)[]
        {
            (new { type = "Closed" }, "reason"),
            (new { type = "Closed", note = "declined at the airport" }, "reason"),
            (new { type = "Closed", reason = "Other" }, "note"),
            (new { type = "Withdrawn", reason = "ServicesDeclined" }, "reason"),
        })
        {
            var refused = (await worker.PostAsync($"/api/cases/{caseId}/events", body)).ExpectProblem(HttpStatusCode.BadRequest);
            Assert.NotNull(refused.Json!["errors"]![errorField]);
        }

        (await worker.PostRawAsync($"/api/cases/{caseId}/events", "{\"type\":\"Closed\",\"reason\":\"Bored\"}")).ExpectProblem(HttpStatusCode.BadRequest);
        var unchanged = (await consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(arrived["version"]!.GetValue<int>(), unchanged["version"]!.GetValue<int>());
        Assert.Equal("Arrived", unchanged["status"]!.GetValue<string>());

        var closed = await EventAsync(worker, caseId, "Closed", "declined shelter, went to family", "Closed", reason: "ServicesDeclined");
        Assert.Equal("ServicesDeclined", closed["closureReason"]!.GetValue<string>());
        var timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(("Closed", "ServicesDeclined", "declined shelter, went to family"),
            (timeline[^1]!["type"]!.GetValue<string>(), timeline[^1]!["reason"]!.GetValue<string>(), timeline[^1]!["note"]!.GetValue<string>()));

        // Reopening clears the reason: the case is open again.
        var reopened = await EventAsync(consul, caseId, "Reopened", "asks for help after all", "Flagged");
        Assert.Null(reopened["closureReason"]);
    }

    [Fact]
    public async Task A_correction_of_the_home_region_re_routes_a_not_yet_accepted_referral()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kg-svo", Field.ConsularPost("KG", "RU", "Moscow", "Europe/Moscow"));
        var osh = await field.AgencyAsync("kg-osh-ngo", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [field.Region("Osh")], [], ["Shelter", "Legal"]));
        var naryn = await field.AgencyAsync("kg-naryn-ngo", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [field.Region("Naryn")], [], ["Shelter", "Legal"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var oshWorker = await field.UserAsync("osh-worker", osh, "NgoCaseworker");
        using var narynWorker = await field.UserAsync("naryn-worker", naryn, "NgoCaseworker");
        await using var oshDashboard = await DashboardClient.ConnectAsync(field.WebUrl, oshWorker.Token!);
        await using var narynDashboard = await DashboardClient.ConnectAsync(field.WebUrl, narynWorker.Token!);

        var flagged = (await consul.PostAsync("/api/cases", Field.Flag("Correction Test", "F", 1992, "KG", "RU", field.Region("Osh"), ["Shelter"], urgency: "Urgent")))
            .Expect(HttpStatusCode.Created).Json!;
        var caseId = flagged["id"]!.GetValue<string>();
        var offered = await oshDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);

        // Bad corrections are refused and change nothing.
        var path = $"/api/cases/{caseId}/corrections";
        foreach (var (body, errorField) in new (object Body, string Field)[]
        {
            (new { homeRegion = field.Region("Naryn") }, "reason"),
            (new { reason = "nothing named" }, "correction"),
            (new { birthYear = 1800, reason = "typo" }, "birthYear"),
            (new { homeRegion = "  ", reason = "typo" }, "homeRegion"),
        })
        {
            var refused = (await consul.PostAsync(path, body)).ExpectProblem(HttpStatusCode.BadRequest);
            Assert.NotNull(refused.Json!["errors"]![errorField]);
        }

        (await consul.PostAsync(path, new { homeRegion = field.Region("Naryn"), reason = "stale", expectedVersion = 99 })).ExpectProblem(HttpStatusCode.Conflict);
        Assert.Equal(flagged["version"]!.GetValue<int>(), (await consul.GetAsync($"/api/cases/{caseId}")).Json!["version"]!.GetValue<int>());

        // The person is from Naryn, not Osh: the pending referral moves to the Naryn NGO.
        var corrected = (await consul.PostAsync(path, new { homeRegion = field.Region("Naryn"), reason = "the passport gives Naryn" }))
            .Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(field.Region("Naryn"), corrected["homeRegion"]!.GetValue<string>());
        Assert.Equal([("r1", osh, "Rerouted"), ("r2", naryn, "Pending")], corrected["referrals"]!.AsArray()
            .Select(r => (r!["id"]!.GetValue<string>(), r["toAgencyId"]!.GetValue<string>(), r["status"]!.GetValue<string>())));

        var received = await narynDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        Assert.Equal(("r2", field.Region("Naryn")), (received.Data["referralId"], received.Data["homeRegion"]));
        var settled = await oshDashboard.WaitForAsync(i => i.Id == offered.Id && i.AcknowledgedAt is not null);
        Assert.Equal(field.Id("consul"), settled.AcknowledgedBy);
        (await oshWorker.GetAsync($"/api/cases/{caseId}")).ExpectProblem(HttpStatusCode.NotFound);
        (await oshWorker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).ExpectProblem(HttpStatusCode.Conflict);

        var timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        var correction = timeline[^2]!;
        Assert.Equal(("Corrected", "the passport gives Naryn", field.Id("consul")),
            (correction["type"]!.GetValue<string>(), correction["note"]!.GetValue<string>(), correction["username"]!.GetValue<string>()));
        Assert.Equal(["homeRegion"], correction["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(("Referred", "system", $"to {naryn}"),
            (timeline[^1]!["type"]!.GetValue<string>(), timeline[^1]!["username"]!.GetValue<string>(), timeline[^1]!["note"]!.GetValue<string>()));
        var audit = (await field.Admin.GetAsync($"/api/audit?caseId={caseId}")).Expect(HttpStatusCode.OK).Json!.AsArray();
        var entry = Assert.Single(audit, e => e!["action"]!.GetValue<string>() == "case.correct")!;
        Assert.Equal(["homeRegion"], entry["fields"]!.AsArray().Select(f => f!.GetValue<string>()));

        // Once an agency has accepted, a correction changes the facts but never moves the person.
        (await narynWorker.PostAsync($"/api/cases/{caseId}/referrals/r2/accept", null)).Expect(HttpStatusCode.OK);
        var needs = (await narynWorker.PostAsync(path, new { homeRegion = field.Region("Osh"), needs = new[] { "Shelter", "Legal" }, reason = "told us at intake" }))
            .Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(2, needs["referrals"]!.AsArray().Count);
        Assert.Equal(["homeRegion", "needs"], (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Json!.AsArray()[^1]!["fields"]!.AsArray().Select(f => f!.GetValue<string>()));

        // The same correction again is no change at all.
        var again = (await narynWorker.PostAsync(path, new { homeRegion = field.Region("Osh"), needs = new[] { "Legal", "Shelter" }, reason = "told us at intake" }))
            .Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(needs["version"]!.GetValue<int>(), again["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Reintegration_keeps_its_plan_and_schedules_follow_ups_at_nine_in_the_NGOs_time_and_a_follow_up_that_cannot_be_recorded_changes_nothing()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-naryn", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [field.Region("Naryn")], ["FRU"], ["Shelter", "Reintegration"]));
        var other = await field.AgencyAsync("kg-talas", Field.Receiving("Ngo", "KG", "Talas", "Asia/Bishkek", [field.Region("Talas")], [], ["Shelter"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        using var stranger = await field.UserAsync("stranger", other, "NgoCaseworker");
        var caseId = await InTransitAsync(consul, worker, Field.Flag("Follow Up", "F", 1995, "KG", "TR", field.Region("Naryn"), ["Shelter"], urgency: "Routine"), "IST", "FRU");
        foreach (var (type, status) in new[] { ("Arrived", "Arrived"), ("ReceivedByAgency", "ReceivedByAgency"), ("Sheltered", "Sheltered") })
        {
            await EventAsync(worker, caseId, type, null, status);
        }

        // A plan goes with ReintegrationStarted only, and offers known services only.
        var events = $"/api/cases/{caseId}/events";
        Assert.NotNull((await worker.PostAsync(events, new { type = "RehabilitationStarted", plan = new { goals = "x" } })).ExpectProblem(HttpStatusCode.BadRequest).Json!["errors"]!["plan"]);
        (await worker.PostRawAsync(events, "{\"type\":\"ReintegrationStarted\",\"plan\":{\"services\":[\"Magic\"]}}")).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.Equal("Sheltered", (await consul.GetAsync($"/api/cases/{caseId}")).Json!["status"]!.GetValue<string>());

        var bishkek = TimeZoneInfo.FindSystemTimeZoneById("Asia/Bishkek");
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, bishkek).DateTime);
        var started = (await worker.PostAsync(events, new
        {
            type = "ReintegrationStarted", note = "plan agreed",
            plan = new { services = new[] { "VocationalTraining", "SmallGrant" }, goals = "Sewing course, then a workshop", caseworker = "Asel" },
        })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Reintegration", started["status"]!.GetValue<string>());
        Assert.Equal(["VocationalTraining", "SmallGrant"], started["reintegration"]!["services"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(("Sewing course, then a workshop", "Asel", ngo), (started["reintegration"]!["goals"]!.GetValue<string>(),
            started["reintegration"]!["caseworker"]!.GetValue<string>(), started["reintegration"]!["agencyId"]!.GetValue<string>()));
        var followUps = started["followUps"]!.AsArray();
        Assert.Equal(new[] { 3, 6, 12 }.Select(m => new DateTimeOffset(today.AddMonths(m).ToDateTime(new TimeOnly(3, 0)), TimeSpan.Zero)),
            followUps.Select(f => DateTimeOffset.Parse(f!["dueAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(followUps, f => Assert.False(f!["raised"]!.GetValue<bool>()));

        // Follow-ups that cannot be recorded are refused with a clear 4xx, and nothing changes.
        var version = started["version"]!.GetValue<int>();
        var path = $"/api/cases/{caseId}/followups";
        Assert.NotNull((await worker.PostAsync($"{path}/0", new { outcome = "Stable" })).ExpectProblem(HttpStatusCode.BadRequest).Json!["errors"]!["n"]);
        Assert.NotNull((await worker.PostAsync($"{path}/first", new { outcome = "Stable" })).ExpectProblem(HttpStatusCode.BadRequest).Json!["errors"]!["n"]);
        Assert.NotNull((await worker.PostAsync($"{path}/1", new { note = "no outcome" })).ExpectProblem(HttpStatusCode.BadRequest).Json!["errors"]!["outcome"]);
        (await worker.PostRawAsync($"{path}/1", "{\"outcome\":\"Fine\"}")).ExpectProblem(HttpStatusCode.BadRequest);
        (await worker.PostAsync($"{path}/4", new { outcome = "Stable" })).ExpectProblem(HttpStatusCode.NotFound);
        (await worker.PostAsync($"{path}/1", new { outcome = "Stable" })).ExpectProblem(HttpStatusCode.Conflict);
        (await stranger.PostAsync($"{path}/1", new { outcome = "Stable" })).ExpectProblem(HttpStatusCode.NotFound);
        (await consul.PostAsync($"{path}/1", new { outcome = "Stable" })).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal(version, (await consul.GetAsync($"/api/cases/{caseId}")).Json!["version"]!.GetValue<int>());

        var timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal(("ReintegrationStarted", "plan agreed"), (timeline[^1]!["type"]!.GetValue<string>(), timeline[^1]!["note"]!.GetValue<string>()));
    }

    /// <summary>Flags the case, has the NGO accept it, and flies the person home from <paramref name="from"/> to <paramref name="to"/>: the case is in transit.</summary>
    private static async Task<string> InTransitAsync(ApiClient consul, ApiClient worker, Dictionary<string, object?> flag, string from, string to)
    {
        var caseId = (await consul.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        (await worker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.OK);
        await EventAsync(consul, caseId, "Verified", null, "Verified");
        await EventAsync(consul, caseId, "DocumentsIssued", null, "DocumentsIssued");
        (await consul.PostAsync($"/api/cases/{caseId}/travel", new
        {
            flightNumber = "ZF 811", departureAirport = from, arrivalAirport = to, scheduledArrival = DateTimeOffset.UtcNow.AddDays(1),
            escort = "none", travelDocument = "Certificate of return",
        })).Expect(HttpStatusCode.OK);
        await EventAsync(consul, caseId, "Departed", null, "InTransit");
        return caseId;
    }

    private static async Task<JsonNode> EventAsync(ApiClient client, string caseId, string type, string? note, string expectedStatus, string? reason = null)
    {
        var result = (await client.PostAsync($"/api/cases/{caseId}/events", new { type, note, reason })).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(expectedStatus, result["status"]!.GetValue<string>());
        return result;
    }
}
