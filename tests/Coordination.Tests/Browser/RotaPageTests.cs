using System.Net;
using System.Text.RegularExpressions;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>The duty rota in a real headless Chromium: the coordinator edits it and is warned of gaps; every user of the agency sees who is on duty.</summary>
[Collection("browser")]
public sealed class RotaPageTests(BrowserFixture fixture)
{
    private static readonly string[] EveryDay = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    [Fact]
    public async Task The_coordinator_fills_the_nights_the_gap_warning_names_and_the_caseworker_sees_who_is_on_duty()
    {
        var field = await Field.CreateAsync(fixture.System);
        var ngo = await field.AgencyAsync("naryn-rota-ngo", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [field.Region("Naryn")], [], ["Shelter"]));
        using var _ = await field.UserAsync("rota-coordinator", ngo, "AgencyCoordinator", "NgoCaseworker");
        using var __ = await field.UserAsync("rota-caseworker", ngo, "NgoCaseworker");
        var coordinatorName = field.Id("rota-coordinator");
        var workerName = field.Id("rota-caseworker");

        await using var coordinator = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await coordinator.SignInAsync(coordinatorName);
        await Expect(coordinator.Page.Locator("#on-duty")).ToHaveTextAsync("Nobody on duty now");
        await coordinator.Page.Locator("#view-switch a[href='#/rota']").ClickAsync();
        await Expect(coordinator.Page.Locator("h1")).ToHaveTextAsync("Duty rota");
        await Expect(coordinator.Page.Locator(".rota .hint").First).ToContainTextAsync("Asia/Bishkek");

        // Days: the caseworker every day from 08:00 to 20:00.
        await coordinator.Page.Locator("#rota-add-shift").ClickAsync();
        foreach (var day in EveryDay)
        {
            await coordinator.Choice("shifts[0].days", day).CheckAsync();
        }

        await coordinator.Input("shifts[0].from").FillAsync("08:00");
        await coordinator.Input("shifts[0].to").FillAsync("20:00");
        await coordinator.Input("shifts[0].username").SelectOptionAsync(workerName);
        var saved = await coordinator.SubmitAsync(coordinator.Page.Locator("#rota-form > [type=submit]"), "PUT", $"/api/agencies/{ngo}/rota");
        Assert.Equal((int)HttpStatusCode.OK, saved.Status);
        await Expect(coordinator.Page.Locator("#rota-gaps[role=alert]")).ToContainTextAsync("Nobody is on duty");
        // Seven nights, and an eighth piece when the week starts or ends inside one.
        Assert.InRange(await coordinator.Page.Locator("#rota-gaps li").CountAsync(), 7, 8);

        // Nights: a shift without days is refused beside its days, and nothing is stored.
        await coordinator.Page.Locator("#rota-add-shift").ClickAsync();
        await coordinator.Input("shifts[1].from").FillAsync("20:00");
        await coordinator.Input("shifts[1].to").FillAsync("08:00");
        await coordinator.Input("shifts[1].username").SelectOptionAsync(coordinatorName);
        var refused = await coordinator.SubmitAsync(coordinator.Page.Locator("#rota-form > [type=submit]"), "PUT", $"/api/agencies/{ngo}/rota");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        await Expect(coordinator.Error("shifts[1].days")).ToContainTextAsync("At least one day");

        foreach (var day in EveryDay)
        {
            await coordinator.Choice("shifts[1].days", day).CheckAsync();
        }

        saved = await coordinator.SubmitAsync(coordinator.Page.Locator("#rota-form > [type=submit]"), "PUT", $"/api/agencies/{ngo}/rota");
        Assert.Equal((int)HttpStatusCode.OK, saved.Status);
        await Expect(coordinator.Page.Locator("#rota-gaps")).ToHaveTextAsync("Someone is on duty at every hour of the coming week.");
        await Expect(coordinator.Page.Locator("#on-duty")).ToHaveTextAsync(OnDutyUntil(coordinatorName, workerName));
        await coordinator.ScreenshotsAsync("rota");

        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(workerName);
        await Expect(worker.Page.Locator("#on-duty")).ToHaveTextAsync(OnDutyUntil(coordinatorName, workerName));
        Assert.Equal(0, await worker.Page.Locator("#view-switch a[href='#/rota']").CountAsync());
    }

    private static Regex OnDutyUntil(string first, string second) =>
        new($"^On duty now: ({Regex.Escape(first)}|{Regex.Escape(second)}) until .+$");
}
