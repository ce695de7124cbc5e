using System.Net;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>The dashboards work under the Content-Security-Policy the web host sends: the browser blocks nothing.</summary>
[Collection("browser")]
public sealed class ContentSecurityPolicyTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_dashboards_run_under_the_content_security_policy_without_a_single_violation()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Chui");
        var post = await field.AgencyAsync("kg-csp-post", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-csp-ngo", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [region], ["FRU"], ["Shelter"]));
        using var consulApi = await field.UserAsync("csp-consul", post, "ConsularOfficer");
        using var _ = await field.UserAsync("csp-worker", ngo, "NgoCaseworker");
        var caseId = (await consulApi.PostAsync("/api/cases", Field.Flag("Policy Person", "F", 1990, "KG", "TR", region, ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();

        var violations = new List<string>();
        await using var consul = await OpenWatchedAsync(field, violations);
        await consul.SignInAsync(field.Id("csp-consul"));
        await consul.Page.GotoAsync($"/#/case/{caseId}");
        await Expect(consul.Page.Locator("h1")).ToContainTextAsync(caseId);
        await Expect(consul.Page.Locator("#case-timeline li").First).ToBeVisibleAsync();

        await using var worker = await OpenWatchedAsync(field, violations);
        await worker.SignInAsync(field.Id("csp-worker"));
        await Expect(worker.Card("#referrals", caseId)).ToBeVisibleAsync();

        var (committee, secretaryApi) = await Committees.Plans.CommitteeWithSecretaryAsync(field, "kg-csp-wg", "KG", "Asia/Bishkek");
        using (secretaryApi)
        {
            (await secretaryApi.PostAsync($"/api/committees/{committee}/tasks", new { title = "Shelter standards", area = "Protection", ownerAgencyId = ngo, dueDate = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd") }))
                .Expect(HttpStatusCode.Created);
        }

        await using var secretary = await OpenWatchedAsync(field, violations);
        await secretary.SignInAsync(field.Id("kg-csp-wg-secretary"));
        await Expect(secretary.Page.Locator("#committee-board .task-card")).ToContainTextAsync("Shelter standards");
        // Bar widths are styles the page sets itself: through the CSSOM, which the policy allows.
        await Expect(secretary.Page.Locator("#committee-stats .funnel-bar").First).ToHaveAttributeAsync("style", new System.Text.RegularExpressions.Regex("width: [0-9.]+%"));
        // The printable report opens as a page of its own and keeps its own styles.
        var report = await secretary.Page.RunAndWaitForPopupAsync(() => secretary.Page.Locator("#committee-printable").ClickAsync());
        Watch(report, violations);
        await Expect(report.Locator("h1")).ToContainTextAsync("Monitoring report");
        Assert.Equal("collapse", await report.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('table')).borderCollapse"));

        // The administration page: its table, the confirmation of a routing change and the agency form.
        await using var administrator = await OpenWatchedAsync(field, violations);
        await administrator.SignInAsAdministratorAsync(fixture.System.AdminPassword);
        await administrator.Page.Locator($"#admin-agencies tr[data-agency-id='{ngo}'] [data-action=deactivate]").ClickAsync();
        await Expect(administrator.Page.Locator("#agency-confirmation")).ToBeVisibleAsync();
        await administrator.Page.Locator("#agency-create").ClickAsync();
        await Expect(administrator.Page.Locator("#agency-form")).ToBeVisibleAsync();

        string[] reported = [];
        foreach (var page in new[] { consul.Page, worker.Page, secretary.Page, administrator.Page })
        {
            reported = [.. reported, .. await page.EvaluateAsync<string[]>("() => window.__cspViolations")];
        }

        Assert.Empty(violations.Concat(reported));
    }

    private static void Watch(IPage page, List<string> violations) =>
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add(message.Text);
                }
            }
        };

    /// <summary>A dashboard page that records every CSP violation: the browser's console messages and the DOM's violation events.</summary>
    private async Task<DashboardPage> OpenWatchedAsync(Field field, List<string> violations)
    {
        var page = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        Watch(page.Page, violations);
        await page.Page.AddInitScriptAsync(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
        await page.Page.ReloadAsync();
        return page;
    }
}
