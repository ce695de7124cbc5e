using System.Net;
using System.Text.RegularExpressions;
using Coordination.Tests.Browser;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Notify;

/// <summary>
/// On the real processes, a real inbox and a headless Chromium: a flagged case's referral e-mails
/// the shelter's person on duty, whose link acknowledges it after sign-in, once, and the item's card
/// shows who was notified.
/// </summary>
[Collection("channels")]
public sealed partial class AckLinkPageTests(ChannelFixture fixture)
{
    private static readonly string[] EveryDay = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    [Fact]
    public async Task The_person_on_duty_is_emailed_without_the_persons_name_and_the_link_acknowledges_after_sign_in_once()
    {
        var field = fixture.Field;
        var region = field.Region("AckLink");
        var post = await field.AgencyAsync("ack-post", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("ack-ngo", Field.Receiving("Shelter", "KG", "Naryn", "Asia/Bishkek", [region], [], ["Shelter"]));
        using var consul = await field.UserAsync("ack-consul", post, "ConsularOfficer");
        using var coordinator = await field.UserAsync("ack-coordinator", ngo, "AgencyCoordinator");
        using var worker = await field.UserAsync("ack-worker", ngo, "NgoCaseworker");
        var workerName = field.Id("ack-worker");
        var address = $"{workerName}@ngo.example.org";

        (await worker.SendAsync(HttpMethod.Put, "/api/me/channels", new { email = address })).Expect(HttpStatusCode.OK);
        var code = Code().Match(Assert.Single(await fixture.Inbox.WaitForAsync(address)).Subject).Value;
        (await worker.PostAsync("/api/me/channels/email/verify", new { code })).Expect(HttpStatusCode.OK);
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{ngo}/rota", new
        {
            shifts = new[] { new { days = EveryDay, from = "00:00", to = "00:00", username = workerName } },
        })).Expect(HttpStatusCode.OK);
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{ngo}/escalation", new
        {
            levels = new[] { new { after = "00:00:00", notify = "OnDuty" } },
        })).Expect(HttpStatusCode.OK);

        var caseId = (await consul.PostAsync("/api/cases", Field.Flag("Gulnara Asanova", "F", 1996, "KG", "TR", region, ["Shelter"])))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        var alert = (await fixture.Inbox.WaitForAsync(address, 2))[1];
        var text = await fixture.Inbox.PlainTextAsync(alert);
        Assert.Contains(caseId, alert.Subject, StringComparison.Ordinal);
        Assert.Contains("ReferralReceived", text, StringComparison.Ordinal);
        foreach (var personal in new[] { "Gulnara", "Asanova", "AC1234567", "555 111" })
        {
            Assert.DoesNotContain(personal, alert.Subject + text, StringComparison.OrdinalIgnoreCase);
        }

        var token = AckLink().Match(text).Groups[1].Value;
        var item = (await worker.GetAsync("/api/feed?limit=1000")).Expect(HttpStatusCode.OK).Json!.AsArray()
            .Single(i => i!["caseId"]?.GetValue<string>() == caseId && i["type"]!.GetValue<string>() == "ReferralReceived")!;
        var log = (await worker.GetAsync($"/api/alerts/{item["id"]!.GetValue<string>()}/notifications")).Expect(HttpStatusCode.OK).Json!.AsArray();
        Assert.Equal("sent", Assert.Single(log)!["outcome"]!.GetValue<string>());
        Assert.Equal($"{address[0]}***@ngo.example.org", log[0]!["to"]!.GetValue<string>());

        // Another user of the agency cannot spend it: the same answer as for no link at all.
        (await coordinator.PostAsync($"/api/ack-links/{token}", null)).ExpectProblem(HttpStatusCode.NotFound);

        await using var page = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await page.Page.GotoAsync(new Uri(field.WebUrl, $"/#/ack/{token}").ToString());
        await page.SignInAsync(workerName);
        await Expect(page.Page.Locator("#ack-done")).ToHaveTextAsync("The alert is acknowledged: nobody else will be notified of it.");
        (await worker.PostAsync($"/api/ack-links/{token}", null)).ExpectProblem(HttpStatusCode.Conflict);

        await page.Page.Locator("#ack-back").ClickAsync();
        var card = page.Page.Locator($"li.feed-item[data-id='{item["id"]!.GetValue<string>()}']").First;
        await Expect(card.Locator(".ack-state")).ToContainTextAsync(workerName);
        await card.Locator("details.notifications summary").ClickAsync();
        await Expect(card.Locator(".notification-log")).ToContainTextAsync($"e-mailed {address[0]}***@ngo.example.org");
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Code();

    [GeneratedRegex("#/ack/([A-Za-z0-9_-]{43})")]
    private static partial Regex AckLink();
}
