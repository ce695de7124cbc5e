using System.Net;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>The post's case list in a real headless Chromium: found by part of a case id, filtered by status (with counts) and urgency.</summary>
[Collection("browser")]
public sealed class CaseListPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_consul_finds_a_case_by_part_of_its_id_and_filters_the_list_by_status_and_urgency()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Batken");
        var post = await field.AgencyAsync("kg-list-ist", Field.ConsularPost("KG", "TR", "Istanbul", "Europe/Istanbul"));
        await field.AgencyAsync("kg-list-batken", Field.Receiving("Ngo", "KG", "Batken", "Asia/Bishkek", [region], [], ["Shelter"]));
        using var consulApi = await field.UserAsync("list-consul", post, "ConsularOfficer");
        async Task<string> FlagAsync(string urgency) =>
            (await consulApi.PostAsync("/api/cases", Field.Flag("List Person", "F", 1990, "KG", "TR", region, ["Shelter"], urgency)))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();
        var critical = await FlagAsync("Critical");
        var routine = await FlagAsync("Routine");
        var withdrawn = await FlagAsync("Urgent");
        (await consulApi.PostAsync($"/api/cases/{withdrawn}/events", new { type = "Withdrawn" })).Expect(HttpStatusCode.OK);

        await using var consul = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await consul.SignInAsync(field.Id("list-consul"));
        var cards = consul.Page.Locator("#cases li.case-card");
        // Open cases by default, counted in the status filter.
        await Expect(cards).ToHaveCountAsync(2);
        await Expect(consul.Page.Locator("#case-status option[value=open]")).ToHaveTextAsync("Open cases (2)");
        await Expect(consul.Page.Locator("#case-status option[value=Withdrawn]")).ToHaveTextAsync("Withdrawn (1)");

        await consul.Page.Locator("#case-status").SelectOptionAsync("all");
        await Expect(cards).ToHaveCountAsync(3);
        await consul.Page.Locator("#case-status").SelectOptionAsync("Withdrawn");
        await Expect(cards).ToHaveCountAsync(1);
        await Expect(consul.Card("#cases", withdrawn)).ToBeVisibleAsync();

        await consul.Page.Locator("#case-status").SelectOptionAsync("open");
        await consul.Page.Locator("#case-urgency").SelectOptionAsync("Routine");
        await Expect(cards).ToHaveCountAsync(1);
        await Expect(consul.Card("#cases", routine)).ToBeVisibleAsync();

        // Part of the case id, typed as it is read out on the phone.
        await consul.Page.Locator("#case-urgency").SelectOptionAsync("");
        await consul.Page.Locator("#case-search").FillAsync(critical[^6..]);
        await Expect(cards).ToHaveCountAsync(1);
        await Expect(consul.Card("#cases", critical)).ToBeVisibleAsync();
        await Expect(consul.Page.Locator("#cases-shown")).ToHaveTextAsync("Shown: 1");
        await consul.ScreenshotsAsync("consular-case-search");

        await consul.Page.Locator("#case-search").FillAsync("XX-0000");
        await Expect(consul.Page.Locator("#cases .empty")).ToHaveTextAsync("No case matches these filters.");
    }
}
