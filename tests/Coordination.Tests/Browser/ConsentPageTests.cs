using System.Net;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>
/// Consent in a real headless Chromium: an NGO with a pending referral sees the case without the
/// person, and the post that met her records her consent anew from the case view.
/// </summary>
[Collection("browser")]
public sealed class ConsentPageTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Live = new() { Timeout = 15_000 };

    [Fact]
    public async Task A_pending_referral_shows_no_name_and_the_post_records_the_persons_consent_anew_from_the_case_view()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Naryn");
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", field.Region("Istanbul"), "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-naryn", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [region], ["FRU"], ["Shelter"]));
        using var consulApi = await field.UserAsync("consul", post, "ConsularOfficer");
        using var _ = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var flag = Field.Flag("Aizada Pseudonym", "F", 1999, "KG", "TR", region, ["Shelter"]);
        flag["consent"] = new { referral = true, dataSharing = true, research = false };
        var caseId = (await consulApi.PostAsync("/api/cases", flag)).Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();

        // The NGO has not answered: it works with her profile, and is told when it will see more.
        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(field.Id("worker"));
        await worker.Page.GotoAsync($"/#/case/{caseId}");
        await Expect(worker.Page.Locator("#case-person-withheld")).ToBeVisibleAsync(Live);
        await Expect(worker.Page.Locator("#case-person-withheld")).ToContainTextAsync("Shown once your agency has accepted the referral");
        await Expect(worker.Page.Locator("#case-consent")).ToContainTextAsync("Referral to an agency that can help");
        await Expect(worker.Page.Locator("#case-consent-panel")).ToBeHiddenAsync();
        Assert.DoesNotContain("Aizada", await worker.Page.ContentAsync(), StringComparison.Ordinal);
        await worker.ScreenshotsAsync("referral-pending-pseudonymous");

        // The post that met her records that she now also allows research, and that she keeps her name from the agencies.
        await using var consul = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await consul.SignInAsync(field.Id("consul"));
        await consul.Page.GotoAsync($"/#/case/{caseId}");
        var panel = consul.Page.Locator("#case-consent-panel");
        await Expect(panel).ToBeVisibleAsync(Live);
        await Expect(consul.Choice("consent.uses", "dataSharing")).ToBeCheckedAsync();
        await consul.Choice("consent.uses", "dataSharing").UncheckAsync();
        await consul.Choice("consent.uses", "research").CheckAsync();
        await consul.ScreenshotsAsync("consent-recorded-anew");
        var recorded = await consul.SubmitAsync(panel.Locator("[type=submit]"), "PUT", "/consent");
        Assert.Equal((int)HttpStatusCode.OK, recorded.Status);
        await Expect(consul.Page.Locator("#case-consent")).ToContainTextAsync("Being counted in anonymised research");
        await Expect(consul.Page.Locator("#case-consent")).Not.ToContainTextAsync("knowing who they are");
        await Expect(consul.Page.Locator("#case-timeline")).ToContainTextAsync("Consent recorded anew");
    }
}
