using System.Net;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>
/// Opening a case by every door in a real headless Chromium: a hotline operator's intake dashboard,
/// the consular post that verifies the case it was reported, and an NGO's form saying a case at home
/// is internal.
/// </summary>
[Collection("browser")]
public sealed class IntakePageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Live = new() { Timeout = 15_000 };

    [Fact]
    public async Task A_hotline_operator_reports_a_return_that_the_post_in_her_city_is_alerted_to_and_verifies_from_the_case_view()
    {
        var field = await Field.CreateAsync(fixture.System);
        var istanbul = field.Region("Istanbul");
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", istanbul, "Europe/Istanbul"));
        await field.AgencyAsync("kg-naryn", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [field.Region("Naryn")], ["FRU"], ["Shelter", "Legal"]));
        var hotline = await field.AgencyAsync("kg-189", new { name = "Hotline 189", kind = "Hotline", country = "KG", city = "Bishkek", timeZone = "Asia/Bishkek" });
        using var _ = await field.UserAsync("operator", hotline, "HotlineOperator");
        using var __ = await field.UserAsync("consul", post, "ConsularOfficer");
        await using var consul = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await consul.SignInAsync(field.Id("consul"));
        await using var operatorPage = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await operatorPage.SignInAsync(field.Id("operator"));

        // The hotline's dashboard is the intake form; citizenship and country start at home, as an internal case.
        await Expect(operatorPage.Page.Locator("h1")).ToHaveTextAsync("Case intake");
        await Expect(operatorPage.Input("identifiedBy")).ToHaveValueAsync("Hotline");
        await Expect(operatorPage.Page.Locator("#intake-route")).ToContainTextAsync("Internal case");

        await operatorPage.Input("person.fullName").FillAsync("Aigul Hotline");
        await operatorPage.Input("person.sex").SelectOptionAsync("F");
        await operatorPage.Input("person.birthYear").FillAsync("1998");
        await operatorPage.Input("currentCountry").FillAsync("TR");
        await operatorPage.Input("currentRegion").FillAsync(istanbul);
        await operatorPage.Input("homeRegion").FillAsync(field.Region("Naryn"));
        await operatorPage.Input("location").FillAsync("A flat in Fatih");
        await operatorPage.Input("situation").SelectOptionAsync("WithEmployer");
        await operatorPage.Choice("exploitation", "Labour").CheckAsync();
        await operatorPage.Choice("needs", "Shelter").CheckAsync();
        await operatorPage.Choice("urgency", "Urgent").CheckAsync();
        await operatorPage.Input("identifiedBy").SelectOptionAsync("Family");
        await operatorPage.ConsentToAllAsync();
        // The form says, before sending, which post will hold the case.
        await Expect(operatorPage.Page.Locator("#intake-route")).ToContainTextAsync($"Consulate of KG in {istanbul}");
        await operatorPage.ScreenshotsAsync("intake-hotline");

        var opened = await operatorPage.SubmitAsync(operatorPage.Page.Locator("#flag-form [type=submit]"), "POST", "/api/cases");
        Assert.Equal((int)HttpStatusCode.Created, opened.Status);
        var caseId = (await opened.JsonAsync())!.Value.GetProperty("id").GetString()!;
        await Expect(operatorPage.Page.Locator(".form-result")).ToContainTextAsync($"Consulate of KG in {istanbul} holds it");
        await Expect(operatorPage.Card("#cases", caseId)).ToBeVisibleAsync(Live);

        // The post is alerted live, opens the case, sees who reported it, and verifies it.
        var reported = consul.Page.Locator($"#post-alerts > li[data-type='CaseReported']", new() { Has = consul.Page.Locator($"a.case-link:text-is('{caseId}')") });
        await Expect(reported).ToBeVisibleAsync(Live);
        await Expect(reported).ToContainTextAsync("Case reported to verify");
        await reported.Locator("a.case-link").ClickAsync();
        var details = consul.Page.Locator(".details");
        await Expect(details).ToContainTextAsync("Return home");
        await Expect(details).ToContainTextAsync("Family");
        await Expect(details).ToContainTextAsync("Hotline 189");
        await consul.ScreenshotsAsync("case-reported-consul");
        var verified = await consul.SubmitAsync(consul.Page.Locator("#case-steps button[data-step=Verified]"), "POST", "/events");
        Assert.Equal((int)HttpStatusCode.OK, verified.Status);
        await Expect(consul.Page.Locator(".status-holder")).ToHaveTextAsync("Verified");

        // The hotline hears of it on its own dashboard.
        await Expect(operatorPage.Page.Locator("#post-alerts > li[data-type='CaseUpdated']", new() { Has = operatorPage.Page.Locator($"a.case-link:text-is('{caseId}')") }))
            .ToBeVisibleAsync(Live);
    }

    [Fact]
    public async Task An_NGO_caseworker_opens_a_case_from_its_dashboard_and_the_form_says_a_case_at_home_is_internal()
    {
        var field = await Field.CreateAsync(fixture.System);
        var osh = field.Region("Osh");
        var ngo = await field.AgencyAsync("kg-osh", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [osh], [], ["Legal"]));
        var shelter = await field.AgencyAsync("kg-osh-shelter", Field.Receiving("Shelter", "KG", "Osh", "Asia/Bishkek", [osh], [], ["Shelter"]));
        using var _ = await field.UserAsync("worker", ngo, "NgoCaseworker");
        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(field.Id("worker"));

        await worker.Input("person.fullName").FillAsync("Nurgul Internal");
        await worker.Input("person.sex").SelectOptionAsync("F");
        await worker.Input("person.birthYear").FillAsync("2000");
        await Expect(worker.Input("currentCountry")).ToHaveValueAsync("KG");
        await worker.Input("currentRegion").FillAsync(osh);
        await worker.Input("homeRegion").FillAsync(osh);
        await worker.Input("location").FillAsync("Osh bazaar");
        await worker.Input("situation").SelectOptionAsync("Hiding");
        await worker.Choice("exploitation", "Labour").CheckAsync();
        await worker.Choice("needs", "Shelter").CheckAsync();
        await worker.Choice("urgency", "Urgent").CheckAsync();
        await worker.ConsentToAllAsync();
        await Expect(worker.Page.Locator("#intake-route")).ToContainTextAsync("Internal case");
        await worker.ScreenshotsAsync("intake-ngo-internal");

        var opened = await worker.SubmitAsync(worker.Page.Locator("#flag-form [type=submit]"), "POST", "/api/cases");
        Assert.Equal((int)HttpStatusCode.Created, opened.Status);
        var body = (await opened.JsonAsync())!.Value;
        Assert.Equal("Internal", body.GetProperty("route").GetString());
        Assert.Equal(shelter, body.GetProperty("referrals")[0].GetProperty("toAgencyId").GetString());

        // The case view shows the route, and offers no travel.
        await worker.Page.Locator(".form-result a.case-link").ClickAsync();
        await Expect(worker.Page.Locator(".details")).ToContainTextAsync("Internal (in the home country)");
        await Expect(worker.Page.Locator("#case-steps button[data-step=Verified]")).ToBeVisibleAsync();
        await Expect(worker.Page.Locator("#case-steps button[data-step=DocumentsIssued]")).ToHaveCountAsync(0);
    }
}
