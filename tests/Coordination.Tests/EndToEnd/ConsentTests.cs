using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;
using Npgsql;

namespace Coordination.Tests.EndToEnd;

/// <summary>
/// Consent that gates referral, and the case pseudonymous until accepted, over HTTP and SignalR
/// against the real processes (api.md "Consent and protection"). Each test builds its own agencies
/// in regions only it uses (<see cref="Field.Region"/>); the export test uses a country no other
/// test flags, so its period holds exactly its cases.
/// </summary>
[Collection("system")]
public sealed class ConsentTests(SystemFixture fixture)
{
    [Fact]
    public async Task Without_referral_consent_the_case_stays_with_the_post_until_consent_is_recorded_and_then_it_is_referred()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Talas");
        var post = await field.AgencyAsync("kg-dxb", Field.ConsularPost("KG", "AE", field.Region("Dubai"), "Asia/Dubai"));
        var ngo = await field.AgencyAsync("kg-talas", Field.Receiving("Ngo", "KG", "Talas", "Asia/Bishkek", [region], ["FRU"], ["Shelter"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        await using var ngoDashboard = await DashboardClient.ConnectAsync(field.WebUrl, worker.Token!);

        var flag = Field.Flag("Cholpon Noconsent", "F", 1993, "KG", "AE", region, ["Shelter"]);
        flag["consent"] = new { referral = false, dataSharing = false, research = false };
        var opened = (await consul.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created).Json!;
        var caseId = opened["id"]!.GetValue<string>();

        Assert.Empty(opened["referrals"]!.AsArray());
        var timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Contains(timeline, e => e!["type"]!.GetValue<string>() == "ReferralWithheld");
        (await worker.GetAsync($"/api/cases/{caseId}")).ExpectProblem(HttpStatusCode.NotFound);
        // Referring by hand is refused as well, and changes nothing.
        var refused = (await consul.PostAsync($"/api/cases/{caseId}/referrals", new { toAgencyId = ngo, services = new[] { "Shelter" } }))
            .ExpectProblem(HttpStatusCode.Conflict);
        Assert.Contains("consent", refused.Json!["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // The person agrees to be referred, but not to be named to the agency: it gets the referral, pseudonymous.
        var changed = (await consul.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/consent",
            new { consent = new { referral = true, dataSharing = false, research = false }, expectedVersion = opened["version"]!.GetValue<int>() }))
            .Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(ngo, changed["referrals"]![0]!["toAgencyId"]!.GetValue<string>());
        var received = await ngoDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        Assert.DoesNotContain("Cholpon", received.Summary, StringComparison.Ordinal);
        Assert.Null((await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["person"]);

        timeline = (await consul.GetAsync($"/api/cases/{caseId}/timeline")).Expect(HttpStatusCode.OK).Json!.AsArray();
        var recorded = timeline.Single(e => e!["type"]!.GetValue<string>() == "ConsentChanged")!;
        Assert.Equal(field.Id("consul"), recorded["username"]!.GetValue<string>());
        Assert.Contains("referral yes, data sharing no, research no", recorded["note"]!.GetValue<string>(), StringComparison.Ordinal);
        var audit = (await field.Admin.GetAsync($"/api/audit?caseId={caseId}")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Contains(audit, e => e!["action"]!.GetValue<string>() == "case.consent.changed");
    }

    [Fact]
    public async Task A_pending_agency_never_sees_the_person_and_an_accepted_one_only_with_data_sharing_consent_which_it_may_withdraw_but_not_give()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Batken");
        var post = await field.AgencyAsync("kg-msk", Field.ConsularPost("KG", "RU", field.Region("Moscow"), "Europe/Moscow"));
        var ngo = await field.AgencyAsync("kg-batken", Field.Receiving("Ngo", "KG", "Batken", "Asia/Bishkek", [region], ["OSS"], ["Shelter"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var worker = await field.UserAsync("worker", ngo, "NgoCaseworker");
        await using var ngoDashboard = await DashboardClient.ConnectAsync(field.WebUrl, worker.Token!);

        // She consents to everything, yet the NGO that has not answered sees only her profile.
        var opened = (await consul.PostAsync("/api/cases", Field.Flag("Zamira Pending", "F", 1990, "KG", "RU", region, ["Shelter"]))).Expect(HttpStatusCode.Created).Json!;
        var caseId = opened["id"]!.GetValue<string>();
        var received = await ngoDashboard.WaitForAsync(i => i.CaseId == caseId && i.Type == FeedItemType.ReferralReceived);
        Assert.Equal("F", received.Data["sex"]);
        var pending = (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(pending["person"]);
        Assert.DoesNotContain(ListedPeople(await worker.GetAsync("/api/cases")), name => name == "Zamira Pending");

        (await worker.PostAsync($"/api/cases/{caseId}/referrals/r1/accept", null)).Expect(HttpStatusCode.OK);
        var accepted = (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Zamira Pending", accepted["person"]!["fullName"]!.GetValue<string>());
        Assert.Contains("Zamira Pending", ListedPeople(await worker.GetAsync("/api/cases")));

        // She no longer wants the NGO to know who she is: the NGO records that, and sees her no more...
        (await worker.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/consent", new { consent = new { referral = true, dataSharing = false, research = true } }))
            .Expect(HttpStatusCode.OK);
        Assert.Null((await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["person"]);
        Assert.Equal("Zamira Pending", (await consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["person"]!["fullName"]!.GetValue<string>());

        // ...and cannot give it back itself: only an agency that has met her, with her in its care, records consent given.
        var before = (await consul.GetAsync($"/api/cases/{caseId}")).Json!["version"]!.GetValue<int>();
        (await worker.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/consent", new { consent = new { given = true } })).ExpectProblem(HttpStatusCode.Forbidden);
        Assert.Equal(before, (await consul.GetAsync($"/api/cases/{caseId}")).Json!["version"]!.GetValue<int>());

        // The post that met her records it again: the NGO sees her.
        (await consul.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/consent", new { consent = new { given = true } })).Expect(HttpStatusCode.OK);
        Assert.Equal("Zamira Pending", (await worker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["person"]!["fullName"]!.GetValue<string>());
        // Repeating the same answers records nothing.
        var version = (await consul.GetAsync($"/api/cases/{caseId}")).Json!["version"]!.GetValue<int>();
        (await consul.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/consent", new { consent = new { given = true } })).Expect(HttpStatusCode.OK);
        Assert.Equal(version, (await consul.GetAsync($"/api/cases/{caseId}")).Json!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_minors_own_consent_is_refused_and_a_minor_without_a_guardian_is_referred_only_in_their_best_interests()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Sughd");
        var post = await field.AgencyAsync("tj-ist", Field.ConsularPost("TJ", "TR", field.Region("Istanbul"), "Europe/Istanbul"));
        var shelter = await field.AgencyAsync("tj-minors", Field.Receiving("Shelter", "TJ", "Khujand", "Asia/Dushanbe", [region], ["LBD"], ["ShelterMinors"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        var sixteen = DateTime.UtcNow.Year - 16;

        var byHerself = Field.Flag("Madina Minor", "F", sixteen, "TJ", "TR", region, ["Shelter"]);
        byHerself["consent"] = new { given = true };
        var refused = (await consul.PostAsync("/api/cases", byHerself)).ExpectProblem(HttpStatusCode.BadRequest);
        Assert.True(refused.Json!["errors"]!.AsObject().ContainsKey("consent.givenBy"));
        var listed = (await consul.GetAsync("/api/cases")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Empty(listed);

        // An adult's case is not referred in a child's best interests.
        var adult = Field.Flag("Madina Adult", "F", 1990, "TJ", "TR", region, ["Shelter"]);
        adult["consent"] = new { given = false, @override = "BestInterestsOfChild" };
        (await consul.PostAsync("/api/cases", adult)).ExpectProblem(HttpStatusCode.BadRequest);

        // Alone, with no guardian to ask, she is referred in her best interests, and that is on record.
        var alone = Field.Flag("Madina Minor", "F", sixteen, "TJ", "TR", region, ["Shelter"]);
        alone["consent"] = new { given = false, @override = "BestInterestsOfChild" };
        var opened = (await consul.PostAsync("/api/cases", alone)).Expect(HttpStatusCode.Created).Json!;
        Assert.Equal(shelter, opened["referrals"]![0]!["toAgencyId"]!.GetValue<string>());
        Assert.Equal("BestInterestsOfChild", opened["consent"]!["override"]!.GetValue<string>());
        Assert.Equal(field.Id("consul"), opened["consent"]!["recordedBy"]!.GetValue<string>());

        // Her mother is found and consents for her: recorded with who she is, which the shelter does not see while it has not accepted.
        var caseId = opened["id"]!.GetValue<string>();
        (await consul.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/consent", new
        {
            consent = new { given = true, givenBy = "Guardian", guardian = new { fullName = "Shahnoza Mother", relation = "mother" } },
        })).Expect(HttpStatusCode.OK);
        var seen = (await consul.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!["consent"]!;
        Assert.Equal("Shahnoza Mother", seen["guardian"]!["fullName"]!.GetValue<string>());
        Assert.Equal("Guardian", seen["givenBy"]!.GetValue<string>());
        Assert.DoesNotContain("Shahnoza", await StoredStateAsync(caseId), StringComparison.Ordinal);

        using var shelterWorker = await field.UserAsync("shelter", shelter, "NgoCaseworker");
        var pending = (await shelterWorker.GetAsync($"/api/cases/{caseId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Null(pending["consent"]!["guardian"]!["fullName"]);
        Assert.Equal("mother", pending["consent"]!["guardian"]!["relation"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_research_export_counts_only_people_who_consented_to_research()
    {
        var field = await Field.CreateAsync(fixture.System);
        var post = await field.AgencyAsync("ge-ist", Field.ConsularPost("GE", "TR", field.Region("Istanbul"), "Europe/Istanbul"));
        var ministry = await field.AgencyAsync("ge-ministry", new { name = "Ministry", kind = "Ministry", country = "GE", timeZone = "Asia/Tbilisi" });
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var analyst = await field.UserAsync("analyst", ministry, "Analyst");
        var from = DateTimeOffset.UtcNow.AddMinutes(-1);
        for (var i = 0; i < 10; i++)
        {
            var flag = Field.Flag($"Nino Beridze{i}", "F", 1992, "GE", "TR", "Kakheti", ["Shelter"], passport: $"GEO00000{i}");
            // Seven of ten allow research; three allow referral and data sharing only.
            flag["consent"] = new { referral = true, dataSharing = true, research = i < 7 };
            (await consul.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created);
        }

        var to = DateTimeOffset.UtcNow.AddMinutes(1);
        var csv = (await analyst.GetAsync($"/api/statistics/export.csv?country=GE&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&k=5"))
            .Expect(HttpStatusCode.OK).Body;

        Assert.Equal(7, csv.TrimEnd('\n').Split('\n').Length - 1);
    }

    private static IEnumerable<string> ListedPeople(ApiResponse list) =>
        list.Expect(HttpStatusCode.OK).Json!.AsArray().Select(c => c!["person"]?["fullName"]?.GetValue<string>()).OfType<string>();

    private async Task<string> StoredStateAsync(string caseId)
    {
        await using var connection = new NpgsqlConnection(fixture.System.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT state::text FROM cases WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", caseId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
