using System.Net;
using System.Text.Json.Nodes;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>
/// The case view's casework: each role's daily path through it with no API call outside the page,
/// only the steps the server offers, manual referral with the picker filtered by the routing rules,
/// and a step on a case that changed unseen.
/// </summary>
public sealed partial class DashboardTests
{
    [Fact]
    public async Task A_consul_and_an_NGO_take_a_case_from_the_flag_to_reintegration_in_the_case_view_and_the_timeline_names_who_did_each_step()
    {
        var (field, post, ngo, region) = await KyrgyzAgenciesAsync();
        using var consulApi = await field.UserAsync("consul", post, "ConsularOfficer");
        using var workerApi = await field.UserAsync("worker", ngo, "NgoCaseworker");
        await using var consul = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await consul.SignInAsync(field.Id("consul"));
        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(field.Id("worker"));

        // The consul flags in the flag form and opens the new case from the confirmation.
        await FillValidFlagAsync(consul, "Daily Path", region, urgency: "Urgent");
        var flagged = await consul.SubmitAsync(consul.Page.Locator("#flag-form [type=submit]"), "POST", "/api/cases");
        Assert.Equal((int)HttpStatusCode.Created, flagged.Status);
        var caseId = (await flagged.JsonAsync())!.Value.GetProperty("id").GetString()!;
        await consul.Page.Locator(".form-result a").ClickAsync();
        await Expect(consul.Page.Locator(".status-holder")).ToHaveTextAsync("Flagged");
        Assert.Equal(new[] { "Verified", "Withdrawn", "ConsentWithdrawn" }, await StepsAsync(consul));

        // The NGO accepts the referral in its own case view.
        await worker.Page.GotoAsync($"/#/case/{caseId}");
        var accepted = await worker.SubmitAsync(worker.Page.Locator("#case-referrals [data-action=accept]"), "POST", "/accept");
        Assert.Equal((int)HttpStatusCode.OK, accepted.Status);
        await Expect(worker.Page.Locator("#case-referrals > li.referral")).ToHaveAttributeAsync("data-status", "Accepted");
        await Expect(consul.Page.Locator("#case-referrals > li.referral")).ToHaveAttributeAsync("data-status", "Accepted", new() { Timeout = 15_000 });

        // Verified with a note, by the keyboard; focus lands on the title with the new status.
        await StepAsync(consul, "Verified", "Identity confirmed with the embassy register", keyboard: true);
        await Expect(consul.Page.Locator(".status-holder")).ToHaveTextAsync("Verified");
        await Expect(consul.Page.Locator("h1")).ToBeFocusedAsync();
        await consul.ScreenshotsAsync("case-actions-consul");

        var arrivalDay = DateTime.UtcNow.Date.AddDays(2);
        await consul.Input("flightNumber").FillAsync("TK 345");
        await consul.Input("departureAirport").FillAsync("IST");
        await consul.Input("arrivalAirport").FillAsync("FRU");
        await consul.Input("scheduledArrival").FillAsync($"{arrivalDay:yyyy-MM-dd}T08:40");
        await consul.Input("escort").FillAsync("IOM Istanbul");
        await consul.Input("travelDocument").FillAsync("Certificate of return");
        var booked = await consul.SubmitAsync(consul.Page.Locator(".travel-form [type=submit]"), "POST", "/travel");
        Assert.Equal((int)HttpStatusCode.OK, booked.Status);
        await Expect(consul.Page.Locator(".status-holder")).ToHaveTextAsync("Travel booked");

        await StepAsync(consul, "Departed", "Boarded with the escort");
        await Expect(consul.Page.Locator(".status-holder")).ToHaveTextAsync("In transit");
        await Expect(consul.Page.Locator("#case-travel-form")).ToBeEmptyAsync();

        // The NGO's open case view follows by push; it records each step of the person's return.
        await Expect(worker.Page.Locator(".status-holder")).ToHaveTextAsync("In transit", new() { Timeout = 15_000 });
        Assert.Equal(new[] { "Arrived", "Withdrawn", "ConsentWithdrawn" }, await StepsAsync(worker));
        await StepAsync(worker, "Arrived", "Met at Manas airport");
        await Expect(worker.Page.Locator(".status-holder")).ToHaveTextAsync("Arrived");
        await StepAsync(worker, "ReceivedByAgency", "Intake interview done");
        await Expect(worker.Page.Locator(".status-holder")).ToHaveTextAsync("Received by agency");
        await worker.ScreenshotsAsync("case-actions-ngo");
        await StepAsync(worker, "Sheltered", "Room in the Naryn shelter");
        await Expect(worker.Page.Locator(".status-holder")).ToHaveTextAsync("Sheltered");

        var plan = worker.Page.Locator("#case-reintegration .plan-form");
        await plan.Locator("input[name=services][value=VocationalTraining]").CheckAsync();
        await plan.Locator("textarea[name=note]").FillAsync("Plan agreed with the returnee");
        var started = await worker.SubmitAsync(plan.Locator("[type=submit]"), "POST", "/events");
        Assert.Equal((int)HttpStatusCode.OK, started.Status);
        await Expect(worker.Page.Locator(".status-holder")).ToHaveTextAsync("Reintegration");

        // The timeline names who recorded each step, with its note.
        var consulUser = field.Id("consul");
        var workerUser = field.Id("worker");
        foreach (var (type, user, note) in new[]
        {
            ("Verified", consulUser, "Identity confirmed with the embassy register"), ("Departed", consulUser, "Boarded with the escort"),
            ("Arrived", workerUser, "Met at Manas airport"), ("ReceivedByAgency", workerUser, "Intake interview done"),
            ("Sheltered", workerUser, "Room in the Naryn shelter"), ("ReintegrationStarted", workerUser, "Plan agreed with the returnee"),
        })
        {
            var entry = worker.Page.Locator($"#case-timeline li[data-type={type}]");
            await Expect(entry.Locator(".by")).ToHaveTextAsync($"{user}, {(user == consulUser ? "Consulate of KG in Istanbul" : "Ngo in Naryn")}");
            await Expect(entry.Locator(".note")).ToContainTextAsync(note);
        }

        Assert.Equal("Reintegration", (await workerApi.GetAsync($"/api/cases/{caseId}")).Json!["status"]!.GetValue<string>());
        var timeline = (await consulApi.GetAsync($"/api/cases/{caseId}/timeline")).Json!.AsArray();
        var sheltered = Assert.Single(timeline, e => e!["type"]!.GetValue<string>() == "Sheltered")!;
        Assert.Equal(workerUser, sheltered["username"]!.GetValue<string>());
        Assert.Equal("Room in the Naryn shelter", sheltered["note"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_case_view_offers_only_what_the_agencys_relation_and_the_case_allow_and_a_step_on_a_changed_case_shows_it_anew()
    {
        var (field, post, ngo, region) = await KyrgyzAgenciesAsync();
        var legal = await field.AgencyAsync("kg-legal", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [], [], ["Legal"]));
        var kazakh = await field.AgencyAsync("kz-shelter", Field.Receiving("Shelter", "KZ", "Almaty", "Asia/Almaty", [], [], ["Shelter", "Legal"]));
        using var consulApi = await field.UserAsync("consul", post, "ConsularOfficer");
        using var workerApi = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var caseId = await InTransitAsync(consulApi, workerApi, Field.Flag("Roles Test", "F", 1994, "KG", "TR", region, ["Shelter", "Legal"], urgency: "Routine"));
        foreach (var type in new[] { "Arrived", "ReceivedByAgency" })
        {
            (await workerApi.PostAsync($"/api/cases/{caseId}/events", new { type })).Expect(HttpStatusCode.OK);
        }

        // The NGO holding the person moves the case on and may refer onward; it neither verifies nor books travel.
        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(field.Id("worker"));
        await worker.Page.GotoAsync($"/#/case/{caseId}");
        await Expect(worker.Page.Locator(".status-holder")).ToHaveTextAsync("Received by agency");
        Assert.Equal(new[] { "Sheltered", "RehabilitationStarted", "Withdrawn", "ConsentWithdrawn" }, await StepsAsync(worker));
        await Expect(worker.Page.Locator("#case-close .close-form")).ToBeVisibleAsync();
        await Expect(worker.Page.Locator("#case-refer h2")).ToHaveTextAsync("Refer onward");
        await Expect(worker.Page.Locator("#case-travel-form")).ToBeEmptyAsync();

        // The post may no longer shelter the person or book travel, but still refers by hand.
        await using var consul = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await consul.SignInAsync(field.Id("consul"));
        await consul.Page.GotoAsync($"/#/case/{caseId}");
        await Expect(consul.Page.Locator(".status-holder")).ToHaveTextAsync("Received by agency");
        Assert.Equal(new[] { "Withdrawn", "ConsentWithdrawn" }, await StepsAsync(consul));
        await Expect(consul.Page.Locator("#case-travel-form")).ToBeEmptyAsync();

        // The picker offers the person's country's receiving agencies without an open referral,
        // narrowed to those offering every chosen service.
        var refer = consul.Page.Locator("#case-refer .referral-form");
        var picker = refer.Locator("select[name=toAgencyId]");
        await Expect(picker.Locator($"option[value='{legal}']")).ToHaveCountAsync(1);
        await Expect(picker.Locator($"option[value='{kazakh}']")).ToHaveCountAsync(0);
        await Expect(picker.Locator($"option[value='{ngo}']")).ToHaveCountAsync(0);
        await refer.Locator("input[name=services][value=Shelter]").CheckAsync();
        await Expect(picker.Locator($"option[value='{legal}']")).ToHaveCountAsync(0);
        await refer.Locator("input[name=services][value=Shelter]").UncheckAsync();
        await refer.Locator("input[name=services][value=Legal]").CheckAsync();
        await picker.SelectOptionAsync(legal);
        await refer.Locator("textarea[name=note]").FillAsync("Needs a lawyer for the wage claim");
        var referred = await consul.SubmitAsync(refer.Locator("[type=submit]"), "POST", "/referrals");
        Assert.Equal((int)HttpStatusCode.Created, referred.Status);
        await Expect(consul.Page.Locator("#case-referrals > li.referral[data-status=Pending]")).ToContainTextAsync("Needs a lawyer for the wage claim");
        Assert.Contains((await consulApi.GetAsync($"/api/cases/{caseId}")).Json!["referrals"]!.AsArray(),
            r => r!["toAgencyId"]!.GetValue<string>() == legal && r["status"]!.GetValue<string>() == "Pending");

        // The NGO's own colleague shelters the person meanwhile (no push: it is the NGO's own change);
        // the page's step is refused, says so, and the case is shown anew.
        (await workerApi.PostAsync($"/api/cases/{caseId}/events", new { type = "Sheltered" })).Expect(HttpStatusCode.OK);
        var stale = await worker.SubmitAsync(worker.Page.Locator("#case-steps button[data-step=Sheltered]"), "POST", "/events");
        Assert.Equal((int)HttpStatusCode.Conflict, stale.Status);
        await Expect(worker.Page.Locator(".toast.error")).ToContainTextAsync($"Case {caseId} changed since this page showed it");
        await Expect(worker.Page.Locator(".status-holder")).ToHaveTextAsync("Sheltered");
        Assert.Equal(new[] { "RehabilitationStarted", "Withdrawn", "ConsentWithdrawn" }, await StepsAsync(worker));
        Assert.Single((await workerApi.GetAsync($"/api/cases/{caseId}/timeline")).Json!.AsArray(), e => e!["type"]!.GetValue<string>() == "Sheltered");
    }

    /// <summary>The steps the case view offers, in order (the closing and reintegration forms apart).</summary>
    private static async Task<string[]> StepsAsync(DashboardPage page)
    {
        await Expect(page.Page.Locator("#case-steps button[data-step]").First).ToBeVisibleAsync();
        return await page.Page.Locator("#case-steps button[data-step]").EvaluateAllAsync<string[]>("buttons => buttons.map(b => b.dataset.step)");
    }

    /// <summary>Records a step with a note through the case view's buttons, by click or by the keyboard.</summary>
    private static async Task StepAsync(DashboardPage page, string step, string note, bool keyboard = false)
    {
        var steps = page.Page.Locator("#case-steps");
        await steps.Locator("textarea").FillAsync(note);
        var button = steps.Locator($"button[data-step={step}]");
        var response = keyboard
            ? await page.Page.RunAndWaitForResponseAsync(async () =>
            {
                await button.FocusAsync();
                await page.Page.Keyboard.PressAsync("Enter");
            }, r => r.Request.Method == "POST" && r.Url.EndsWith("/events", StringComparison.Ordinal))
            : await page.SubmitAsync(button, "POST", "/events");
        Assert.Equal((int)HttpStatusCode.OK, response.Status);
    }
}
