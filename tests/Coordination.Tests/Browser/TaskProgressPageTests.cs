using System.Net;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>A committee task's owner reports progress from its own dashboard in a real headless Chromium, and the committee sees it.</summary>
[Collection("browser")]
public sealed class TaskProgressPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_task_owner_reports_status_indicator_value_and_a_note_from_the_NGO_dashboard()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Chui");
        var ngo = await field.AgencyAsync("chui-owner-ngo", Field.Receiving("Ngo", "KG", "Bishkek", "Asia/Bishkek", [region], [], ["Shelter"]));
        var (committee, api) = await Committees.Plans.CommitteeWithSecretaryAsync(field, "kg-owner-wg", "KG", "Asia/Bishkek");
        using var secretary = api;
        var due = DateTime.UtcNow.Date.AddDays(30).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var taskId = (await secretary.PostAsync($"/api/committees/{committee}/tasks", new
        {
            title = "Train shelter staff in Chui",
            area = "Protection",
            ownerAgencyId = ngo,
            dueDate = due,
            indicator = new { name = "Staff trained", unit = "people", baseline = 0, target = 40 },
        })).Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        using var _ = await field.UserAsync("owner-worker", ngo, "NgoCaseworker");

        await using var owner = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await owner.SignInAsync(field.Id("owner-worker"));
        var card = owner.Page.Locator("#other-alerts li[data-type=TaskAssigned]");
        await Expect(card).ToContainTextAsync("Train shelter staff in Chui");
        await card.Locator("[data-action=progress]").ClickAsync();
        var form = card.Locator("form.task-progress-form");
        await Expect(form.Locator("[data-field=status] select")).ToBeFocusedAsync();
        await Expect(form.Locator("[data-field=indicatorValue]")).ToContainTextAsync("Baseline 0, target 40 people.");

        // Not a number: said beside the field, nothing sent.
        await form.Locator("[data-field=indicatorValue] input").FillAsync("a dozen");
        await form.Locator("[type=submit]").ClickAsync();
        await Expect(form.Locator("[data-field=indicatorValue] .field-error")).ToContainTextAsync("A number");

        await form.Locator("[data-field=status] select").SelectOptionAsync("InProgress");
        await form.Locator("[data-field=indicatorValue] input").FillAsync("12");
        await form.Locator("[data-field=note] textarea").FillAsync("First two trainings held in Bishkek and Tokmok.");
        await owner.ScreenshotsAsync("ngo-task-progress");
        var sent = await owner.SubmitAsync(form.Locator("[type=submit]"), "PATCH", $"/api/committees/{committee}/tasks/{taskId}");
        Assert.Equal((int)HttpStatusCode.OK, sent.Status);
        await Expect(card.Locator(".task-progress .form-result")).ToContainTextAsync("In progress");
        await Expect(card.Locator("form.task-progress-form")).ToHaveCountAsync(0);

        var task = (await secretary.GetAsync($"/api/committees/{committee}/tasks/{taskId}")).Expect(HttpStatusCode.OK).Json!;
        Assert.Equal("InProgress", task["status"]!.GetValue<string>());
        Assert.Equal(12m, task["indicator"]!["value"]!.GetValue<decimal>());
        Assert.Contains(task["history"]!.AsArray(), c => c!["note"]?.GetValue<string>() == "First two trainings held in Bishkek and Tokmok.");
    }
}
