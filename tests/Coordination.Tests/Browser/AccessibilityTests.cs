using System.Net;
using Coordination.Tests.Committees;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>
/// axe-core (vendored, <c>vendor/axe.min.js</c>) finds no serious or critical violation on any page
/// of the dashboards: sign-in, the password-reset page, the post's and the NGO's dashboards with
/// their data, the case view, the committee's page with the secretary's tools, and administration.
/// </summary>
[Collection("browser")]
public sealed class AccessibilityTests(BrowserFixture fixture)
{
    [Fact]
    public async Task No_page_has_a_serious_or_critical_accessibility_violation()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Jalal-Abad");
        var post = await field.AgencyAsync("kg-a11y-post", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-a11y-ngo", Field.Receiving("Ngo", "KG", "Jalal-Abad", "Asia/Bishkek", [region], ["OSS"], ["Shelter", "Legal"]));
        var (committee, api) = await Plans.CommitteeWithSecretaryAsync(field, "kg-a11y-wg", "KG", "Asia/Bishkek");
        using var secretaryApi = api;
        using var consulApi = await field.UserAsync("a11y-consul", post, "ConsularOfficer");
        using var _ = await field.UserAsync("a11y-worker", ngo, "NgoCaseworker");
        var caseId = (await consulApi.PostAsync("/api/cases", Field.Flag("Access Ibility", "F", 1992, "KG", "TR", region, ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        var due = DateTime.UtcNow.Date.AddDays(20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        (await secretaryApi.PostAsync($"/api/committees/{committee}/tasks", new
        {
            title = "Referral standards", area = "Protection", ownerAgencyId = ngo, dueDate = due,
            indicator = new { name = "Agencies trained", unit = "agencies", baseline = 0, target = 10 },
        })).Expect(HttpStatusCode.Created);

        var found = new List<string>();
        async Task CheckAsync(DashboardPage page, string name)
        {
            found.AddRange((await page.SeriousAccessibilityViolationsAsync()).Select(v => $"{name}: {v}"));
        }

        await using (var anonymous = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl))
        {
            await anonymous.EnableAxeAsync();
            await Expect(anonymous.Input("username")).ToBeVisibleAsync();
            await CheckAsync(anonymous, "sign-in");
            await anonymous.Page.GotoAsync("/#/reset/not-a-real-token");
            await Expect(anonymous.Page.Locator("#h-reset")).ToBeVisibleAsync();
            await CheckAsync(anonymous, "password reset");
        }

        await using (var consul = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl))
        {
            await consul.EnableAxeAsync();
            await consul.SignInAsync(field.Id("a11y-consul"));
            await Expect(consul.Card("#cases", caseId)).ToBeVisibleAsync();
            await CheckAsync(consul, "consular dashboard");
            await consul.Page.GotoAsync($"/#/case/{caseId}");
            await Expect(consul.Page.Locator(".status-holder")).ToBeVisibleAsync();
            await CheckAsync(consul, "case view");
        }

        await using (var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl))
        {
            await worker.EnableAxeAsync();
            await worker.SignInAsync(field.Id("a11y-worker"));
            await Expect(worker.Page.Locator("#referrals li[data-type=ReferralReceived]")).ToBeVisibleAsync();
            await Expect(worker.Page.Locator("#other-alerts li[data-type=TaskAssigned]")).ToBeVisibleAsync();
            await CheckAsync(worker, "NGO dashboard");
        }

        await using (var secretary = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl))
        {
            await secretary.EnableAxeAsync();
            await secretary.SignInAsync(field.Id("kg-a11y-wg-secretary"));
            await Expect(secretary.Page.Locator("#committee-board .task-card")).ToBeVisibleAsync();
            await Expect(secretary.Page.Locator("#committee-report-body table").First).ToBeVisibleAsync();
            await CheckAsync(secretary, "committee");
        }

        await using (var admin = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl))
        {
            await admin.EnableAxeAsync();
            await admin.SignInAsAdministratorAsync(fixture.System.AdminPassword);
            await Expect(admin.Page.Locator("#admin-users tbody tr").First).ToBeVisibleAsync();
            await CheckAsync(admin, "administration");
        }

        Assert.Empty(found);
    }
}
