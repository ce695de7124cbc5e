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

        var reported = await consul.Page.EvaluateAsync<string[]>("() => window.__cspViolations");
        reported = [.. reported, .. await worker.Page.EvaluateAsync<string[]>("() => window.__cspViolations")];
        Assert.Empty(violations.Concat(reported));
    }

    /// <summary>A dashboard page that records every CSP violation: the browser's console messages and the DOM's violation events.</summary>
    private async Task<DashboardPage> OpenWatchedAsync(Field field, List<string> violations)
    {
        var page = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        page.Page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                lock (violations)
                {
                    violations.Add(message.Text);
                }
            }
        };
        await page.Page.AddInitScriptAsync(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));");
        await page.Page.ReloadAsync();
        return page;
    }
}
