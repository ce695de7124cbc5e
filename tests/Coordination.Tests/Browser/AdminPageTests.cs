using System.Net;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>The administrator's page in a real headless Chromium: the agency directory run from the browser.</summary>
[Collection("browser")]
public sealed class AdminPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_administrator_deactivates_a_shelter_from_the_page_and_the_next_flag_is_routed_elsewhere()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Talas");
        var post = await field.AgencyAsync("kg-ist-admin", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        // The shelter covers more of the needs, so routing prefers it while it is active.
        var shelter = await field.AgencyAsync("talas-shelter", Field.Receiving("Shelter", "KG", "Talas", "Asia/Bishkek", [region], [], ["Shelter", "Legal"]));
        var ngo = await field.AgencyAsync("talas-ngo", Field.Receiving("Ngo", "KG", "Talas", "Asia/Bishkek", [region], [], ["Shelter"]));
        using var consul = await field.UserAsync("admin-page-consul", post, "ConsularOfficer");
        Assert.Equal(shelter, await FlagAsync(consul, region));

        await using var admin = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await admin.SignInAsAdministratorAsync(fixture.System.AdminPassword);
        await Expect(admin.Page.Locator("h1.view-title")).ToHaveTextAsync("Administration");

        // The filter narrows the table to this test's region.
        await admin.Page.Locator("#agency-filter").FillAsync(region);
        var rows = admin.Page.Locator("#admin-agencies tbody tr[data-agency-id]");
        await Expect(rows).ToHaveCountAsync(2);
        var shelterRow = Row(admin, shelter);
        await Expect(shelterRow).ToHaveAttributeAsync("data-active", "true");

        // Deactivating asks first, and says what happens to routing and to open referrals.
        await shelterRow.Locator("[data-action=deactivate]").ClickAsync();
        var confirmation = admin.Page.Locator("#agency-confirmation");
        await Expect(confirmation).ToContainTextAsync("no longer be chosen by automatic routing for new referrals");
        await Expect(confirmation).ToContainTextAsync("Open referrals stay with it; decline or re-route them.");
        await Expect(confirmation.Locator("[data-confirm]")).ToBeFocusedAsync();
        await admin.ScreenshotsAsync("admin-agencies");
        var deactivated = await admin.SubmitAsync(confirmation.Locator("[data-confirm]"), "POST", $"/api/agencies/{shelter}/deactivate");
        Assert.Equal((int)HttpStatusCode.OK, deactivated.Status);
        await Expect(shelterRow).ToHaveAttributeAsync("data-active", "false");
        await Expect(shelterRow).ToContainTextAsync("Inactive");

        Assert.Equal(ngo, await FlagAsync(consul, region));

        // Activated again from the page, it is chosen again.
        await shelterRow.Locator("[data-action=activate]").ClickAsync();
        await Expect(confirmation).ToContainTextAsync("will again be chosen by automatic routing");
        var activated = await admin.SubmitAsync(confirmation.Locator("[data-confirm]"), "POST", $"/api/agencies/{shelter}/activate");
        Assert.Equal((int)HttpStatusCode.OK, activated.Status);
        await Expect(shelterRow).ToHaveAttributeAsync("data-active", "true");
        Assert.Equal(shelter, await FlagAsync(consul, region));
    }

    [Fact]
    public async Task An_administrator_creates_and_edits_an_agency_with_the_forms_and_sees_the_servers_objections_beside_the_fields()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Issyk-Kul");
        var id = field.Id("karakol-ngo");

        await using var admin = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await admin.SignInAsAdministratorAsync(fixture.System.AdminPassword);
        await admin.Page.Locator("#agency-create").ClickAsync();
        await admin.Input("id").FillAsync(id);
        await admin.Input("kind").SelectOptionAsync("Ngo");
        await admin.Input("country").FillAsync("KG");
        await admin.Input("name").FillAsync("Karakol women's centre");
        await admin.Input("city").FillAsync("Karakol");
        await admin.Input("timeZone").FillAsync("Asia/Bishkek");
        await admin.Input("servesRegions").FillAsync(region);
        await admin.Choice("services", "Shelter").CheckAsync();
        var created = await admin.SubmitAsync(admin.Page.Locator("#agency-form [type=submit]"), "POST", "/api/agencies");
        Assert.Equal((int)HttpStatusCode.Created, created.Status);
        await Expect(Row(admin, id)).ToContainTextAsync("Karakol women's centre");

        await Row(admin, id).Locator("[data-action=edit]").ClickAsync();
        await Expect(admin.Input("name")).ToHaveValueAsync("Karakol women's centre");
        await admin.Input("timeZone").FillAsync("Mars/Olympus");
        var refused = await admin.SubmitAsync(admin.Page.Locator("#agency-form [type=submit]"), "PUT", $"/api/agencies/{id}");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        await Expect(admin.Error("timeZone")).ToBeVisibleAsync();

        await admin.Input("timeZone").FillAsync("Asia/Bishkek");
        await admin.Input("name").FillAsync("Karakol crisis centre");
        await admin.Input("arrivalPoints").FillAsync("ikU");
        var saved = await admin.SubmitAsync(admin.Page.Locator("#agency-form [type=submit]"), "PUT", $"/api/agencies/{id}");
        Assert.Equal((int)HttpStatusCode.OK, saved.Status);
        await Expect(Row(admin, id)).ToContainTextAsync("Karakol crisis centre");

        var listed = (await field.Admin.GetAsync("/api/agencies")).Expect(HttpStatusCode.OK).Json!.AsArray().Single(a => a!["id"]!.GetValue<string>() == id)!;
        Assert.Equal(["IKU"], listed["airports"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["IKU"], listed["arrivalPoints"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("Ngo", listed["kind"]!.GetValue<string>());
    }

    private static ILocator Row(DashboardPage page, string agencyId) => page.Page.Locator($"#admin-agencies tr[data-agency-id='{agencyId}']");

    private static async Task<string?> FlagAsync(ApiClient consul, string region) =>
        (await consul.PostAsync("/api/cases", Field.Flag("Admin Page Person", "F", 1994, "KG", "TR", region, ["Shelter", "Legal"])))
        .Expect(HttpStatusCode.Created).Json!["referrals"]!.AsArray().LastOrDefault()?["toAgencyId"]!.GetValue<string>();
}
