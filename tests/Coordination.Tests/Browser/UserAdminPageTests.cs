using System.Net;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>Users' administration in a real headless Chromium: accounts created and edited from the page, and a password reset through its one-time link.</summary>
[Collection("browser")]
public sealed class UserAdminPageTests(BrowserFixture fixture)
{
    private const string NewPassword = "a-long-new-passphrase-for-osh";

    [Fact]
    public async Task An_administrator_issues_a_reset_link_and_the_user_sets_a_new_password_through_it_and_signs_in()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Osh");
        var ngo = await field.AgencyAsync("osh-reset-ngo", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [region], [], ["Shelter"]));
        using var _ = await field.UserAsync("forgetful-caseworker", ngo, "NgoCaseworker");
        var username = field.Id("forgetful-caseworker");

        await using var admin = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await admin.SignInAsAdministratorAsync(fixture.System.AdminPassword);
        await admin.Page.Locator("#user-filter").FillAsync(username);
        var row = admin.Page.Locator($"#admin-users tbody tr[data-username='{username}']");
        await Expect(row).ToContainTextAsync("NGO caseworker");
        var issued = await admin.SubmitAsync(row.Locator("[data-action=reset]"), "POST", $"/api/users/{username}/password-reset");
        Assert.Equal((int)HttpStatusCode.Created, issued.Status);
        var linkInput = admin.Page.Locator("#reset-link");
        await Expect(linkInput).ToBeFocusedAsync();
        await Expect(admin.Page.Locator("#reset-link-box")).ToContainTextAsync("once");
        var link = await linkInput.InputValueAsync();
        Assert.Contains("/#/reset/", link, StringComparison.Ordinal);
        await admin.ScreenshotsAsync("admin-users-reset-link");

        // The user opens the link in a browser of their own, where nobody is signed in.
        await using var user = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await user.Page.GotoAsync(link);
        await Expect(user.Page.Locator("h1")).ToHaveTextAsync("Choose a new password");
        await user.Input("password").FillAsync(NewPassword);
        await user.Input("repeat").FillAsync(NewPassword + "x");
        await user.Input("repeat").PressAsync("Enter");
        await Expect(user.Error("repeat")).ToContainTextAsync("differ");
        await user.Input("repeat").FillAsync(NewPassword);
        await user.ScreenshotsAsync("password-reset");
        var set = await user.SubmitAsync(user.Page.Locator("form [type=submit]"), "POST", "/api/auth/password-reset");
        Assert.Equal((int)HttpStatusCode.OK, set.Status);

        // Back at sign-in, the username filled in; the new password opens the NGO dashboard.
        await Expect(user.Page.Locator(".notice")).ToContainTextAsync("new password is set");
        await Expect(user.Input("username")).ToHaveValueAsync(username);
        await Expect(user.Input("password")).ToBeFocusedAsync();
        await user.Input("password").FillAsync(NewPassword);
        await user.Input("password").PressAsync("Enter");
        await Expect(user.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "connected");

        // The link is spent: opened again, it says so.
        await using var again = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await again.Page.GotoAsync(link);
        await again.Input("password").FillAsync("yet-another-long-passphrase");
        await again.Input("repeat").FillAsync("yet-another-long-passphrase");
        await again.Input("repeat").PressAsync("Enter");
        await Expect(again.Page.Locator("form .form-summary")).ToContainTextAsync("not valid any more");
    }

    [Fact]
    public async Task An_administrator_creates_a_user_and_changes_their_roles_from_the_page()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Naryn");
        var ngo = await field.AgencyAsync("naryn-users-ngo", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [region], [], ["Shelter"]));
        var username = field.Id("new-caseworker");

        await using var admin = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await admin.SignInAsAdministratorAsync(fixture.System.AdminPassword);
        await admin.Page.Locator("#user-create").ClickAsync();
        await Expect(admin.Page.Locator("#user-form h3")).ToBeFocusedAsync();
        await admin.Input("username").FillAsync(username);
        await admin.Input("password").FillAsync(Field.Password);
        await admin.Input("displayName").FillAsync("Aida Naryn");
        await admin.Input("agencyId").SelectOptionAsync(ngo);
        await admin.Input("language").SelectOptionAsync("ru");
        // No role chosen: the page says so before sending anything.
        await admin.Page.Locator("#user-form [type=submit]").ClickAsync();
        await Expect(admin.Error("roles")).ToContainTextAsync("at least one role");
        await admin.Choice("roles", "NgoCaseworker").CheckAsync();
        var created = await admin.SubmitAsync(admin.Page.Locator("#user-form [type=submit]"), "POST", "/api/users");
        Assert.Equal((int)HttpStatusCode.Created, created.Status);
        await admin.Page.Locator("#user-filter").FillAsync(username);
        var row = admin.Page.Locator($"#admin-users tbody tr[data-username='{username}']");
        await Expect(row).ToContainTextAsync("Aida Naryn");
        await Expect(row).ToContainTextAsync("Русский");

        await row.Locator("[data-action=edit]").ClickAsync();
        await admin.Choice("roles", "Analyst").CheckAsync();
        var saved = await admin.SubmitAsync(admin.Page.Locator("#user-form [type=submit]"), "PUT", $"/api/users/{username}");
        Assert.Equal((int)HttpStatusCode.OK, saved.Status);
        await Expect(row).ToContainTextAsync("Analyst");

        // The new account signs in with the password the administrator set.
        await using var user = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await user.SignInAsync(username);
    }

    [Fact]
    public async Task The_administrator_makes_a_country_administrator_whose_page_shows_and_manages_its_own_country_only()
    {
        var field = await Field.CreateAsync(fixture.System);
        var kgNgo = await field.AgencyAsync("talas-ca-ngo", Field.Receiving("Ngo", "KG", "Talas", "Asia/Bishkek", [field.Region("Talas")], [], ["Shelter"]));
        var tjNgo = await field.AgencyAsync("khujand-ca-ngo", Field.Receiving("Ngo", "TJ", "Khujand", "Asia/Dushanbe", [field.Region("Sughd")], [], ["Shelter"]));
        var countryAdmin = field.Id("kg-country-admin");

        await using (var admin = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl))
        {
            await admin.SignInAsAdministratorAsync(fixture.System.AdminPassword);
            await admin.Page.Locator("#user-create").ClickAsync();
            await admin.Input("username").FillAsync(countryAdmin);
            await admin.Input("password").FillAsync(Field.Password);
            await admin.Input("displayName").FillAsync("KG administrator");
            await admin.Choice("roles", "CountryAdmin").CheckAsync();
            // A country administrator needs its country: the page says so before sending anything.
            await admin.Page.Locator("#user-form [type=submit]").ClickAsync();
            await Expect(admin.Error("country")).ToBeVisibleAsync();
            await admin.Input("country").FillAsync("KG");
            var created = await admin.SubmitAsync(admin.Page.Locator("#user-form [type=submit]"), "POST", "/api/users");
            Assert.Equal((int)HttpStatusCode.Created, created.Status);
        }

        await using var page = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await page.Input("username").FillAsync(countryAdmin);
        await page.Input("password").FillAsync(Field.Password);
        await page.Input("password").PressAsync("Enter");
        await Expect(page.Page.Locator("#admin-country")).ToBeVisibleAsync();
        await Expect(page.Page.Locator($"#admin-agencies tbody tr[data-agency-id='{kgNgo}']")).ToBeVisibleAsync();
        await Expect(page.Page.Locator($"#admin-agencies tbody tr[data-agency-id='{tjNgo}']")).ToHaveCountAsync(0);

        // A new agency is of its own country, which it cannot change.
        await page.Page.Locator("#agency-create").ClickAsync();
        await Expect(page.Input("country")).ToHaveValueAsync("KG");
        await Expect(page.Input("country")).ToHaveAttributeAsync("readonly", "");
        await page.Page.Locator("#agency-form [type=button]").ClickAsync();

        // It creates a caseworker of its country's NGO, and cannot make anyone an administrator.
        var username = field.Id("talas-caseworker");
        await page.Page.Locator("#user-create").ClickAsync();
        await Expect(page.Choice("roles", "Admin")).ToHaveCountAsync(0);
        await Expect(page.Choice("roles", "CountryAdmin")).ToHaveCountAsync(0);
        await page.Input("username").FillAsync(username);
        await page.Input("password").FillAsync(Field.Password);
        await page.Input("displayName").FillAsync("Talas caseworker");
        await page.Input("agencyId").SelectOptionAsync(kgNgo);
        await page.Choice("roles", "NgoCaseworker").CheckAsync();
        var made = await page.SubmitAsync(page.Page.Locator("#user-form [type=submit]"), "POST", "/api/users");
        Assert.Equal((int)HttpStatusCode.Created, made.Status);
        await page.Page.Locator("#user-filter").FillAsync(username);
        await Expect(page.Page.Locator($"#admin-users tbody tr[data-username='{username}']")).ToContainTextAsync("Talas caseworker");
    }

    [Fact]
    public async Task An_agency_coordinator_adds_a_colleague_of_its_own_agency_on_the_team_page()
    {
        var field = await Field.CreateAsync(fixture.System);
        var ngo = await field.AgencyAsync("naryn-team-ngo", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [field.Region("Naryn")], [], ["Shelter"]));
        var otherNgo = await field.AgencyAsync("osh-team-ngo", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [field.Region("Osh")], [], ["Shelter"]));
        using var coordinatorApi = await field.UserAsync("naryn-coordinator", ngo, "AgencyCoordinator", "NgoCaseworker");
        using var otherApi = await field.UserAsync("osh-worker", otherNgo, "NgoCaseworker");

        await using var page = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await page.SignInAsync(field.Id("naryn-coordinator"));
        await page.Page.Locator("#view-switch a[href='#/team']").ClickAsync();
        await Expect(page.Page.Locator("#team-scope")).ToBeVisibleAsync();
        await Expect(page.Page.Locator($"#admin-users tbody tr[data-username='{field.Id("naryn-coordinator")}']")).ToBeVisibleAsync();
        await Expect(page.Page.Locator($"#admin-users tbody tr[data-username='{field.Id("osh-worker")}']")).ToHaveCountAsync(0);

        // Its own agency is the only one to choose, and no administrator's role is offered.
        var username = field.Id("naryn-newcomer");
        await page.Page.Locator("#user-create").ClickAsync();
        await Expect(page.Choice("roles", "Admin")).ToHaveCountAsync(0);
        await Expect(page.Choice("roles", "CountryAdmin")).ToHaveCountAsync(0);
        await Expect(page.Input("agencyId").Locator("option")).ToHaveCountAsync(1);
        await page.Input("username").FillAsync(username);
        await page.Input("password").FillAsync(Field.Password);
        await page.Input("displayName").FillAsync("Naryn newcomer");
        await page.Choice("roles", "NgoCaseworker").CheckAsync();
        await page.ScreenshotsAsync("team-page-coordinator");
        var made = await page.SubmitAsync(page.Page.Locator("#user-form [type=submit]"), "POST", "/api/users");
        Assert.Equal((int)HttpStatusCode.Created, made.Status);
        await Expect(page.Page.Locator($"#admin-users tbody tr[data-username='{username}']")).ToContainTextAsync("Naryn newcomer");
        var stored = (await coordinatorApi.GetAsync("/api/users")).Expect(HttpStatusCode.OK).Json!.AsArray().Single(u => u!["username"]!.GetValue<string>() == username)!;
        Assert.Equal(ngo, stored["agencyId"]!.GetValue<string>());
    }
}
