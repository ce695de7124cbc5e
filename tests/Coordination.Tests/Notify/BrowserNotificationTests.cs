using System.Net;
using System.Text.Json;
using Coordination.Tests.Browser;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Notify;

/// <summary>
/// Browser notifications in a real headless Chromium with notification permission granted: a new
/// alert arriving live while the dashboard is hidden shows a system notification through the service
/// worker, without anything of the person; one arriving while it is in front does not.
/// </summary>
[Collection("channels")]
public sealed class BrowserNotificationTests(ChannelFixture fixture)
{
    /// <summary>The notifications the dashboard's service worker shows now.</summary>
    private const string Shown = """
        async () => {
          const registration = await navigator.serviceWorker.ready;
          return (await registration.getNotifications()).map((n) => JSON.stringify({ title: n.title, body: n.body, tag: n.tag, itemId: n.data?.itemId }));
        }
        """;

    [Fact]
    public async Task A_new_critical_alert_while_the_dashboard_is_hidden_shows_a_system_notification_without_personal_data()
    {
        var field = fixture.Field;
        var region = field.Region("BrowserNotify");
        var post = await field.AgencyAsync("bn-post", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("bn-ngo", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [region], [], ["Shelter"]));
        using var consul = await field.UserAsync("bn-consul", post, "ConsularOfficer");
        using var workerApi = await field.UserAsync("bn-worker", ngo, "NgoCaseworker");

        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl, ["notifications"]);
        await worker.SignInAsync(field.Id("bn-worker"));
        await worker.Page.Locator("#channels-link").ClickAsync();
        await Expect(worker.Page.Locator("#browser-notify-status")).ToHaveAttributeAsync("data-state", "granted");
        await Expect(worker.Page.Locator("#browser-notify-status")).ToHaveTextAsync("On: this browser shows notifications of new alerts.");
        await Expect(worker.Page.Locator("#browser-notify-enable")).ToBeHiddenAsync();
        await worker.Page.GotoAsync("/#/ngo");
        await Expect(worker.Page.Locator("#referrals")).ToBeVisibleAsync();

        // In front: the alert is on the page, and no system notification.
        var seen = await FlagAsync(consul, region, "Visible Person");
        await Expect(worker.Card("#referrals", seen)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        Assert.Empty(await worker.Page.EvaluateAsync<string[]>(Shown));

        // Hidden (as a background tab or a minimised window is): the next one is a system notification.
        await worker.Page.EvaluateAsync("""
            () => {
              Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
              Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
              document.dispatchEvent(new Event('visibilitychange'));
            }
            """);
        var caseId = await FlagAsync(consul, region, "Aigul Testova");
        await Expect(worker.Card("#referrals", caseId)).ToBeAttachedAsync(new() { Timeout = 15_000 });
        string[] shown = [];
        await NotifyWorld.EventuallyAsync(async () => (shown = await worker.Page.EvaluateAsync<string[]>(Shown)).Length > 0);

        var notification = JsonDocument.Parse(Assert.Single(shown)).RootElement;
        Assert.Equal("Critical · Referral received", notification.GetProperty("title").GetString());
        Assert.Contains(caseId, notification.GetProperty("body").GetString(), StringComparison.Ordinal);
        var item = (await workerApi.GetAsync("/api/feed?limit=1000")).Expect(HttpStatusCode.OK).Json!.AsArray()
            .Single(i => i!["caseId"]?.GetValue<string>() == caseId && i["type"]!.GetValue<string>() == "ReferralReceived")!;
        Assert.Equal(item["id"]!.GetValue<string>(), notification.GetProperty("itemId").GetString());
        Assert.Equal(item["id"]!.GetValue<string>(), notification.GetProperty("tag").GetString());
        foreach (var personal in new[] { "Aigul", "Testova", "AC1234567", "555" })
        {
            Assert.DoesNotContain(personal, shown[0], StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_service_worker_is_served_from_the_root_as_javascript_revalidated_and_allowed_by_the_content_security_policy()
    {
        using var http = new HttpClient { BaseAddress = fixture.System.WebUrl };
        using var response = await http.GetAsync("/sw.js");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Equal("/", response.Headers.GetValues("Service-Worker-Allowed").Single());
        Assert.Contains("worker-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("notificationclick", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<string> FlagAsync(ApiClient consul, string region, string name) =>
        (await consul.PostAsync("/api/cases", Field.Flag(name, "F", 1994, "KG", "TR", region, ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
}
