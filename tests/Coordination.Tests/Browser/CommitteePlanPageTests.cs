using System.Net;
using System.Text;
using Coordination.Tests.Committees;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>The committee secretary runs the action plan from the page in a real headless Chromium: a new task, its edit, the plan exported and imported as CSV.</summary>
[Collection("browser")]
public sealed class CommitteePlanPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_secretary_adds_a_task_edits_and_reassigns_it_on_the_board_and_exports_and_imports_the_plan_as_csv()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Talas");
        var ngo = await field.AgencyAsync("talas-plan-ngo", Field.Receiving("Ngo", "KG", "Talas", "Asia/Bishkek", [region], [], ["Shelter"]));
        var ministry = await field.AgencyAsync("talas-plan-ministry", Plans.Agency("Ministry", "Ministry of Labour (Talas office)", "KG", "Asia/Bishkek"));
        var (committee, api) = await Plans.CommitteeWithSecretaryAsync(field, "kg-plan-page", "KG", "Asia/Bishkek");
        using var secretaryApi = api;
        var due = DateTime.UtcNow.Date.AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        await using var page = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await page.SignInAsync(field.Id("kg-plan-page-secretary"));
        await page.Page.Locator("#plan-new-task").ClickAsync();
        await Expect(page.Page.Locator("#task-form h3")).ToBeFocusedAsync();
        await page.Input("title").FillAsync("Hotline for returnees in Talas");
        await page.Input("area").SelectOptionAsync("Protection");
        await page.Input("dueDate").FillAsync(due);
        await page.Input("ownerAgencyId").SelectOptionAsync(ngo);
        await page.Input("indicator.name").FillAsync("Calls answered");
        await page.Input("indicator.unit").FillAsync("calls");
        await page.Input("indicator.baseline").FillAsync("0");
        await page.Input("indicator.target").FillAsync("ten");
        await page.Page.Locator("#task-form [type=submit]").ClickAsync();
        await Expect(page.Error("indicator.target")).ToContainTextAsync("A number");
        await page.Input("indicator.target").FillAsync("500");
        var created = await page.SubmitAsync(page.Page.Locator("#task-form [type=submit]"), "POST", $"/api/committees/{committee}/tasks");
        Assert.Equal((int)HttpStatusCode.Created, created.Status);
        var taskId = (await created.JsonAsync())!.Value.GetProperty("id").GetString()!;
        var card = page.Page.Locator($"#committee-board .task-card[data-task-id='{taskId}']");
        await Expect(card).ToHaveAttributeAsync("data-status", "NotStarted");

        // Edited on its card: the status moves it to its column.
        await card.Locator("[data-action=edit-task]").ClickAsync();
        await card.Locator("[data-field=status] select").SelectOptionAsync("Blocked");
        await card.Locator("[data-field=note] textarea").FillAsync("No phone line funded yet.");
        var edited = await page.SubmitAsync(card.Locator("[type=submit]"), "PATCH", $"/api/committees/{committee}/tasks/{taskId}");
        Assert.Equal((int)HttpStatusCode.OK, edited.Status);
        await Expect(card).ToHaveAttributeAsync("data-status", "Blocked");
        await page.ScreenshotsAsync("committee-plan-secretary");

        // Reassigned on its card: the owner picker lists the agencies, and the card names the new owner.
        await card.Locator("[data-action=edit-task]").ClickAsync();
        await card.Locator("[data-field=ownerAgencyId] select").SelectOptionAsync(ministry);
        // A change made elsewhere meanwhile (its push redraws the board, the card moves column) leaves the open form as it was.
        (await secretaryApi.SendAsync(HttpMethod.Patch, $"/api/committees/{committee}/tasks/{taskId}", new { status = "InProgress", indicatorValue = 42 }))
            .Expect(HttpStatusCode.OK);
        await Expect(card).ToHaveAttributeAsync("data-status", "InProgress");
        await Expect(card.Locator(".indicator")).ToContainTextAsync("42");
        await Expect(card.Locator("[data-field=ownerAgencyId] select")).ToHaveValueAsync(ministry);
        await page.ScreenshotsAsync("committee-task-reassign");
        var reassigned = await page.SubmitAsync(card.Locator("[type=submit]"), "PATCH", $"/api/committees/{committee}/tasks/{taskId}");
        Assert.Equal((int)HttpStatusCode.OK, reassigned.Status);
        await Expect(card).ToContainTextAsync("Ministry of Labour (Talas office)");
        // Only the owner was sent: the status and value changed meanwhile stay, not those the form was opened with.
        var afterReassign = (await secretaryApi.GetAsync($"/api/committees/{committee}/tasks/{taskId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal(ministry, afterReassign["ownerAgencyId"]!.GetValue<string>());
        Assert.Equal("InProgress", afterReassign["status"]!.GetValue<string>());
        Assert.Equal(42m, afterReassign["indicator"]!["value"]!.GetValue<decimal>());

        // Exported as CSV: the task is a row of it.
        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.Locator("#plan-export").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("id,title,area,ownerAgencyId,dueDate,status", csv, StringComparison.Ordinal);
        Assert.Contains("Hotline for returnees in Talas", csv, StringComparison.Ordinal);

        // Imported from CSV: each row becomes a task on the board.
        var plan = Plans.Csv(Plans.Row("Awareness in Talas schools", "Prevention", ngo, due), Plans.Row("Joint border checks", "Partnership", ngo, due));
        await page.Page.Locator("#plan-import input[type=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "plan.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(plan),
        });
        var imported = await page.SubmitAsync(page.Page.Locator("#plan-import [type=submit]"), "POST", $"/api/committees/{committee}/plan/import");
        Assert.Equal((int)HttpStatusCode.Created, imported.Status);
        await Expect(page.Page.Locator("#plan-result")).ToHaveTextAsync("Tasks imported: 2.");
        await Expect(page.Page.Locator("#committee-board .task-card")).ToHaveCountAsync(3);

        var stored = (await secretaryApi.GetAsync($"/api/committees/{committee}/tasks/{taskId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("InProgress", stored["status"]!.GetValue<string>());
        Assert.Equal(500m, stored["indicator"]!["target"]!.GetValue<decimal>());
    }
}
