using Coordination.Tests.Browser;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Referrals;

/// <summary>
/// A shelter's coordinator publishes its free beds on the agency's dashboard, in a real headless
/// Chromium; a caseworker of the shelter sees them without the form, and the administrator's agency
/// list shows them.
/// </summary>
[Collection(ReferralSystemCollection.Name)]
public sealed class ShelterCapacityPageTests(ReferralSystemFixture fixture)
{
    [Fact]
    public async Task The_shelters_coordinator_publishes_free_beds_on_its_dashboard_and_the_administrator_sees_them_in_the_agency_list()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Chui");
        var shelter = await field.AgencyAsync("kg-shelter", Field.Receiving("Shelter", "KG", "Bishkek", "Asia/Bishkek", [region], [], ["Shelter", "ShelterMinors"]));
        using var _ = await field.UserAsync("coordinator", shelter, "AgencyCoordinator", "NgoCaseworker");
        using var __ = await field.UserAsync("worker", shelter, "NgoCaseworker");

        await using var coordinator = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await coordinator.SignInAsync(field.Id("coordinator"));
        var state = coordinator.Page.Locator("#capacity-state");
        await Expect(state).ToContainTextAsync("Not published");

        // A count that is no number of beds is refused in the form, and nothing is sent.
        await coordinator.Input("adults").FillAsync("-2");
        await coordinator.Input("minors").FillAsync("0");
        await coordinator.Page.Locator(".capacity-form [type=submit]").ClickAsync();
        await Expect(coordinator.Error("adults")).ToContainTextAsync("A whole number from 0 to 100000.");

        await coordinator.Input("adults").FillAsync("3");
        var saved = await coordinator.SubmitAsync(coordinator.Page.Locator(".capacity-form [type=submit]"), "PUT", "/capacity");
        Assert.Equal(200, saved.Status);
        await Expect(state).ToContainTextAsync("Adults: 3 · Minors: 0");
        await coordinator.ScreenshotAsync("shelter-capacity");

        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(field.Id("worker"));
        await Expect(worker.Page.Locator("#capacity-state")).ToContainTextAsync("Adults: 3 · Minors: 0");
        await Expect(worker.Page.Locator(".capacity-form")).ToHaveCountAsync(0);

        await using var admin = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await admin.SignInAsAdministratorAsync(fixture.System.AdminPassword);
        await admin.Page.Locator("#agency-filter").FillAsync(region);
        await Expect(admin.Page.Locator($"#admin-agencies tbody tr[data-agency-id='{shelter}'] td.beds")).ToHaveTextAsync("Adults: 3 · Minors: 0");
    }
}
