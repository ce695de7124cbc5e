using System.Net;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>The escalation policy in a real headless Chromium: the coordinator sets the levels and quiet hours; a bad delay is refused beside its field.</summary>
[Collection("browser")]
public sealed class EscalationPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_coordinator_names_the_person_on_duty_then_a_deputy_and_sets_quiet_hours()
    {
        var field = await Field.CreateAsync(fixture.System);
        var ngo = await field.AgencyAsync("naryn-escalation-ngo", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [field.Region("Naryn")], [], ["Shelter"]));
        using var coordinatorApi = await field.UserAsync("escalation-coordinator", ngo, "AgencyCoordinator");
        using var _ = await field.UserAsync("escalation-deputy", ngo, "NgoCaseworker");
        var deputy = field.Id("escalation-deputy");

        await using var coordinator = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await coordinator.SignInAsync(field.Id("escalation-coordinator"));
        await coordinator.Page.Locator("#view-switch a[href='#/escalation']").ClickAsync();
        await Expect(coordinator.Page.Locator("h1")).ToHaveTextAsync("Escalation");
        await Expect(coordinator.Page.Locator(".escalation")).ToContainTextAsync("Asia/Bishkek");

        await coordinator.Page.Locator("#escalation-add-level").ClickAsync();
        await coordinator.Page.Locator("#escalation-add-level").ClickAsync();
        await coordinator.Input("levels[1].after").FillAsync("a quarter");
        await coordinator.Input("levels[1].notify").SelectOptionAsync($"user:{deputy}");
        await coordinator.Input("quietHours.from").FillAsync("22:00");
        await coordinator.Input("quietHours.to").FillAsync("07:00");
        var submit = coordinator.Page.Locator("#escalation-form > [type=submit]");
        var refused = await coordinator.SubmitAsync(submit, "PUT", $"/api/agencies/{ngo}/escalation");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        await Expect(coordinator.Error("levels[1].after")).ToContainTextAsync("00:15:00");

        await coordinator.Input("levels[1].after").FillAsync("00:15:00");
        var saved = await coordinator.SubmitAsync(submit, "PUT", $"/api/agencies/{ngo}/escalation");
        Assert.Equal((int)HttpStatusCode.OK, saved.Status);
        await coordinator.ScreenshotsAsync("escalation");

        var stored = (await coordinatorApi.GetAsync($"/api/agencies/{ngo}/escalation")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(["OnDuty", $"user:{deputy}"], stored["levels"]!.AsArray().Select(l => l!["notify"]!.GetValue<string>()));
        Assert.Equal("00:15:00", stored["levels"]![1]!["after"]!.GetValue<string>());
        Assert.Equal("22:00", stored["quietHours"]!["from"]!.GetValue<string>());
        await Expect(coordinator.Input("levels[1].notify")).ToHaveValueAsync($"user:{deputy}");

        // The gateway's webhook: the secret goes in and is never shown again.
        await coordinator.Input("url").FillAsync("https://sms-gateway.example.org/coordination");
        await coordinator.Input("secret").FillAsync("a-long-shared-secret-for-the-gateway");
        var hooked = await coordinator.SubmitAsync(coordinator.Page.Locator("#webhook-form > [type=submit]"), "PUT", $"/api/agencies/{ngo}/webhook");
        Assert.Equal((int)HttpStatusCode.OK, hooked.Status);
        await Expect(coordinator.Page.Locator("#webhook-status")).ToHaveTextAsync("A secret is set. It is never shown again; enter it whenever you save the address.");
        await Expect(coordinator.Input("secret")).ToHaveValueAsync(string.Empty);
        var webhook = (await coordinatorApi.GetAsync($"/api/agencies/{ngo}/webhook")).Expect(HttpStatusCode.OK);
        Assert.DoesNotContain("a-long-shared-secret", webhook.Body, StringComparison.Ordinal);
        Assert.True(webhook.Json!["secretSet"]!.GetValue<bool>());
    }
}
