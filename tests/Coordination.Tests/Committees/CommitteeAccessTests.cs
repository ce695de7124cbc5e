using System.Globalization;
using System.Net;
using Coordination.Contracts.Feeds;
using Coordination.Tests.Infrastructure;

namespace Coordination.Tests.Committees;

/// <summary>Who may see and change a plan: another committee's people are told it does not exist, wrong roles get 403.</summary>
[Collection(CommitteeSystemCollection.Name)]
public sealed class CommitteeAccessTests(CommitteeSystemFixture fixture)
{
    private static readonly string Due = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Members_of_one_committee_can_neither_see_nor_change_another_committees_plan()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (tm, tmSecretary) = await Plans.CommitteeWithSecretaryAsync(field, "tm-wg", "TM", "Asia/Ashgabat");
        var (kg, kgSecretary) = await Plans.CommitteeWithSecretaryAsync(field, "kg-wg", "KG", "Asia/Bishkek");
        var tmOwner = await field.AgencyAsync("tm-mfa", Plans.Agency("Ministry", "MFA of Turkmenistan", "TM", "Asia/Ashgabat"));
        var kgOwner = await field.AgencyAsync("kg-ngo", Plans.Agency("Ngo", "Tais Plus", "KG", "Asia/Bishkek"));
        using var kgMember = await field.UserAsync("kg-member", kg, "CommitteeMember");
        using var kgOwnerUser = await field.UserAsync("kg-owner", kgOwner, "NgoCaseworker");
        (await tmSecretary.PostAsync($"/api/committees/{tm}/tasks", Task("Consular guidance", tmOwner))).Expect(HttpStatusCode.Created);
        (await kgSecretary.PostAsync($"/api/committees/{kg}/tasks", Task("Shelter standards", kgOwner))).Expect(HttpStatusCode.Created);
        var kgOwnerFeedBefore = (await kgOwnerUser.GetAsync("/api/feed?after=0")).As<List<FeedItem>>().Count;
        var missing = field.Id("no-such-committee");

        foreach (var (client, who) in new[] { (kgSecretary, "secretary"), (kgMember, "member"), (kgOwnerUser, "owner agency") })
        {
            foreach (var committee in new[] { tm, missing })
            {
                var label = $"{who} of KG on {committee}";
                await NotFound(client.GetAsync($"/api/committees/{committee}/plan"), label);
                await NotFound(client.GetAsync($"/api/committees/{committee}/plan.csv"), label);
                await NotFound(client.GetAsync($"/api/committees/{committee}/tasks/t1"), label);
                await NotFound(client.GetAsync($"/api/committees/{committee}/meetings"), label);
                await NotFound(client.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/t1", new { status = "Done" }), label);
            }
        }

        foreach (var committee in new[] { tm, missing })
        {
            await NotFound(kgSecretary.PostAsync($"/api/committees/{committee}/tasks", Task("Hijack", kgOwner)), "KG secretary adds");
            await NotFound(kgSecretary.PostAsync($"/api/committees/{committee}/members", new { agencyId = kgOwner }), "KG secretary enrols");
            await NotFound(kgSecretary.PostRawAsync($"/api/committees/{committee}/plan/import", Plans.Csv(Plans.Row("Hijack", "Prevention", kgOwner, Due)), "text/csv"), "KG secretary imports");
            await NotFound(kgSecretary.PostAsync($"/api/committees/{committee}/meetings", new { date = Due, title = "Hijack", decisions = Array.Empty<object>() }), "KG secretary meets");
            await NotFound(kgSecretary.GetAsync($"/api/committees/{committee}/report?from=2026-01-01&to=2026-04-01"), "KG secretary reports");
            await NotFound(kgMember.GetAsync($"/api/committees/{committee}/report.html?from=2026-01-01&to=2026-04-01"), "KG member reports");
        }

        // The same answer whether the committee exists or not: nothing to learn from it.
        var hidden = (await kgSecretary.GetAsync($"/api/committees/{tm}/plan")).Json!["detail"]!.GetValue<string>();
        var absent = (await kgSecretary.GetAsync($"/api/committees/{missing}/plan")).Json!["detail"]!.GetValue<string>();
        Assert.Equal(hidden.Replace(tm, "{id}"), absent.Replace(missing, "{id}"));

        var tmPlan = (await tmSecretary.GetAsync($"/api/committees/{tm}/plan")).Expect(HttpStatusCode.OK).Json!;
        var task = Assert.Single(tmPlan["tasks"]!.AsArray())!;
        Assert.Equal(("Consular guidance", "NotStarted"), (task["title"]!.GetValue<string>(), task["status"]!.GetValue<string>()));
        Assert.Equal(kgOwnerFeedBefore, (await kgOwnerUser.GetAsync("/api/feed?after=0")).As<List<FeedItem>>().Count);
    }

    [Fact]
    public async Task Owner_agencies_see_and_report_on_their_own_tasks_only_and_committee_roles_decide_the_rest()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "uz-wg", "UZ", "Asia/Tashkent");
        var labour = await field.AgencyAsync("uz-labour", Plans.Agency("Ministry", "Agency for External Labour Migration", "UZ", "Asia/Tashkent"));
        var police = await field.AgencyAsync("uz-mvd", Plans.Agency("LawEnforcement", "Ministry of Internal Affairs", "UZ", "Asia/Tashkent"));
        using var labourUser = await field.UserAsync("labour", labour, "NgoCaseworker");
        using var member = await field.UserAsync("member", committee, "CommitteeMember");
        using var analystInCommittee = await field.UserAsync("analyst", committee, "Analyst");
        var labourTask = (await secretary.PostAsync($"/api/committees/{committee}/tasks", Task("Pre-departure orientation", labour)))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        var policeTask = (await secretary.PostAsync($"/api/committees/{committee}/tasks", Task("Investigator training", police)))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();

        var own = (await labourUser.GetAsync($"/api/committees/{committee}/plan")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal([labourTask], own["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()));
        Assert.Equal([labour], own["memberAgencies"]!.AsArray().Select(t => t!.GetValue<string>()));
        (await labourUser.GetAsync($"/api/committees/{committee}/tasks/{policeTask}")).ExpectProblem(HttpStatusCode.NotFound);
        (await labourUser.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/{policeTask}", new { status = "Done" })).ExpectProblem(HttpStatusCode.NotFound);
        var reported = (await labourUser.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/{labourTask}", new { status = "Blocked", note = "No budget line" }))
            .Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("Blocked", reported["status"]!.GetValue<string>());
        Assert.Equal(2, reported["history"]!.AsArray().Count);
        (await labourUser.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/{labourTask}", new { dueDate = Due })).ExpectProblem(HttpStatusCode.Forbidden);
        (await labourUser.GetAsync($"/api/committees/{committee}/report?from=2026-01-01&to=2026-04-01")).ExpectProblem(HttpStatusCode.Forbidden);
        (await labourUser.PostAsync($"/api/committees/{committee}/tasks", Task("Self-assigned", labour))).ExpectProblem(HttpStatusCode.Forbidden);

        // A committee member reads everything but changes only what its own agency owns.
        Assert.Equal(2, (await member.GetAsync($"/api/committees/{committee}/plan")).Expect(HttpStatusCode.OK).Json!["tasks"]!.AsArray().Count);
        (await member.GetAsync($"/api/committees/{committee}/report?from=2026-01-01&to=2026-04-01")).Expect(HttpStatusCode.OK);
        (await member.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/{policeTask}", new { status = "Done" })).ExpectProblem(HttpStatusCode.Forbidden);
        (await member.PostAsync($"/api/committees/{committee}/tasks", Task("Not mine to add", police))).ExpectProblem(HttpStatusCode.Forbidden);
        (await member.PostRawAsync($"/api/committees/{committee}/plan/import", Plans.Csv(Plans.Row("x", "Prevention", police, Due)), "text/csv")).ExpectProblem(HttpStatusCode.Forbidden);

        // A user of the committee agency without a committee role works with no plan.
        (await analystInCommittee.GetAsync($"/api/committees/{committee}/plan")).ExpectProblem(HttpStatusCode.Forbidden);
        (await analystInCommittee.GetAsync($"/api/committees/{committee}/report?from=2026-01-01&to=2026-04-01")).ExpectProblem(HttpStatusCode.Forbidden);

        // The secretary changes anything, and the owner hears of it.
        await using var labourBoard = await DashboardClient.ConnectAsync(field.WebUrl, labourUser.Token!);
        (await secretary.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/{labourTask}", new { status = "InProgress", dueDate = Due, note = "Budget found" }))
            .Expect(HttpStatusCode.OK);
        var told = await labourBoard.WaitForAsync(i => i.Type == FeedItemType.TaskUpdated && i.TaskId == labourTask);
        Assert.Equal(committee, told.Data["byAgencyId"]);
        Assert.Equal("Blocked", told.Data["previousStatus"]);
    }

    [Fact]
    public async Task Bad_task_requests_are_problem_details_naming_every_bad_field()
    {
        var field = await Field.CreateAsync(fixture.System);
        var (committee, secretary) = await Plans.CommitteeWithSecretaryAsync(field, "kz-wg", "KZ", "Asia/Almaty");
        var owner = await field.AgencyAsync("kz-mvd", Plans.Agency("LawEnforcement", "MVD", "KZ", "Asia/Almaty"));

        var errors = (await secretary.PostAsync($"/api/committees/{committee}/tasks",
                new { title = "", area = "Prevention", ownerAgencyId = "nobody", dueDate = "2200-01-01", indicator = new { name = "x", unit = "y" } }))
            .ExpectProblem(HttpStatusCode.BadRequest).Json!["errors"]!.AsObject();
        Assert.Equal(["dueDate", "indicator.baseline", "indicator.target", "ownerAgencyId", "title"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        (await secretary.PostRawAsync($"/api/committees/{committee}/tasks", "{\"title\":\"x\",\"area\":\"Rehabilitation\"}")).ExpectProblem(HttpStatusCode.BadRequest);
        (await secretary.PostRawAsync($"/api/committees/{committee}/tasks", "{\"title\":\"x\",\"dueDate\":\"2027-02-30\"}")).ExpectProblem(HttpStatusCode.BadRequest);
        (await secretary.PostAsync($"/api/committees/{committee}/members", new { agencyId = "nobody" })).ExpectProblem(HttpStatusCode.BadRequest);
        (await secretary.PostAsync($"/api/committees/{committee}/members", new { agencyId = owner })).Expect(HttpStatusCode.Created);
        (await secretary.PostAsync($"/api/committees/{committee}/members", new { agencyId = owner })).Expect(HttpStatusCode.OK);

        var task = (await secretary.PostAsync($"/api/committees/{committee}/tasks", Task("Hotline", owner))).Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        (await secretary.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/{task}", new { })).ExpectProblem(HttpStatusCode.BadRequest);
        (await secretary.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/{task}", new { indicatorValue = 3 })).ExpectProblem(HttpStatusCode.BadRequest);
        (await secretary.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/t999", new { status = "Done" })).ExpectProblem(HttpStatusCode.NotFound);
        (await secretary.GetAsync($"/api/committees/{committee}/report?from=2026-04-01&to=2026-01-01")).ExpectProblem(HttpStatusCode.BadRequest);
        (await secretary.GetAsync($"/api/committees/{committee}/report")).ExpectProblem(HttpStatusCode.BadRequest);
    }

    private static object Task(string title, string owner) => new { title, area = "Protection", ownerAgencyId = owner, dueDate = Due };

    private static async Task NotFound(Task<ApiResponse> call, string who)
    {
        var response = await call;
        Assert.True(response.Status == HttpStatusCode.NotFound, $"{who}: expected 404 but got {(int)response.Status}: {response.Body}");
        response.ExpectProblem(HttpStatusCode.NotFound);
    }
}
