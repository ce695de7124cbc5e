using System.Net;
using System.Text.RegularExpressions;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>The region's state languages in the dashboards: chosen in the picker or given to the account.</summary>
[Collection("browser")]
public sealed partial class LanguageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task An_NGO_worker_switches_the_dashboard_to_Kyrgyz_and_a_Kazakh_speaking_user_starts_in_Kazakh()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Naryn");
        var post = await field.AgencyAsync("kg-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        var ngo = await field.AgencyAsync("kg-naryn", Field.Receiving("Ngo", "KG", "Naryn", "Asia/Bishkek", [region], ["FRU"], ["Shelter", "Legal"]));
        using var consul = await field.UserAsync("consul", post, "ConsularOfficer");
        using var _ = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var caseId = (await consul.PostAsync("/api/cases", Field.Flag("Kyrgyz Test", "F", 1998, "KG", "TR", region, ["Shelter"], urgency: "Urgent")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();

        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(field.Id("worker"));
        await Expect(worker.Page.Locator("h1.view-title")).ToHaveTextAsync("Receiving agency");
        await Expect(worker.Page.Locator("#language-switch option[value=ky]")).ToHaveTextAsync("Кыргызча");
        await worker.Page.Locator("#language-switch").SelectOptionAsync("ky");
        await Expect(worker.Page.Locator("html")).ToHaveAttributeAsync("lang", "ky");
        await Expect(worker.Page.Locator("h1.view-title")).ToHaveTextAsync("Кабыл алуучу уюм");
        await Expect(worker.Page.Locator("#h-ngo-referrals")).ToHaveTextAsync("Келген жолдомолор");
        await Expect(worker.Page.Locator("#sign-out")).ToHaveTextAsync("Чыгуу");
        var referral = worker.Card("#referrals", caseId);
        await Expect(referral).ToContainTextAsync("Жолдомо келди");
        await Expect(referral.Locator("[data-action=accept]")).ToHaveTextAsync("Кабыл алуу");
        // A date in a Kyrgyz page carries no English (or Russian) month name, whether or not the browser has Kyrgyz locale data.
        await Expect(referral.Locator(".meta")).ToHaveTextAsync(Year());
        await Expect(referral.Locator(".meta")).Not.ToHaveTextAsync(EnglishOrRussianMonth());
        await worker.ScreenshotsAsync("ngo-ky");

        var kazakh = field.Id("kazakh");
        (await field.Admin.PostAsync("/api/users", new
        {
            username = kazakh, password = Field.Password, displayName = "Айжан Кызметкер", agencyId = ngo, roles = new[] { "NgoCaseworker" }, language = "kk",
        })).Expect(HttpStatusCode.Created);
        await using var second = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await second.SignInAsync(kazakh);
        await Expect(second.Page.Locator("html")).ToHaveAttributeAsync("lang", "kk");
        await Expect(second.Page.Locator("h1.view-title")).ToHaveTextAsync("Қабылдаушы ұйым");
        await Expect(second.Page.Locator("#language-switch")).ToHaveValueAsync("kk");
    }

    [GeneratedRegex(@"20\d\d")]
    private static partial Regex Year();

    [GeneratedRegex("(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|янв|фев|мар|апр|мая|июн|июл|авг|сен|окт|ноя|дек)")]
    private static partial Regex EnglishOrRussianMonth();
}
