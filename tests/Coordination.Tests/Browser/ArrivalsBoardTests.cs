using System.Net;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>
/// A return by road through a land border crossing in a real headless Chromium: the consul books it in
/// the travel form, which switches its fields with the mode, and the NGO meeting arrivals at the crossing
/// sees it on its arrivals board, in the crossing's time zone.
/// </summary>
[Collection("browser")]
public sealed class ArrivalsBoardTests(BrowserFixture fixture)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Live = new() { Timeout = 15_000 };

    [Fact]
    public async Task The_Uzbek_post_in_Almaty_books_a_bus_home_through_a_land_crossing_and_the_NGO_meeting_it_there_sees_it_on_its_arrivals_board()
    {
        var field = await Field.CreateAsync(fixture.System);
        var region = field.Region("Tashkent");
        var bus = await field.PlaceAsync("SAYAKHAT", "Almaty, Sayakhat bus station", "BusStation", "KZ", "Asia/Almaty");
        var crossing = await field.PlaceAsync("GISHT-KUPRIK", "Zhibek Zholy – Gisht Kuprik crossing", "BorderCrossing", "UZ", "Asia/Tashkent");
        var post = await field.AgencyAsync("uz-ala", Field.ConsularPost("UZ", "KZ", "Almaty", "Asia/Almaty"));
        var ngo = await field.AgencyAsync("uz-tas", new
        {
            name = "Tashkent reintegration centre", kind = "Ngo", country = "UZ", city = "Tashkent", timeZone = "Asia/Tashkent",
            servesRegions = new[] { region }, arrivalPoints = new[] { crossing }, services = new[] { "Shelter", "Medical" },
        });
        using var consulApi = await field.UserAsync("consul", post, "ConsularOfficer");
        using var __ = await field.UserAsync("worker", ngo, "NgoCaseworker");
        var caseId = (await consulApi.PostAsync("/api/cases", Field.Flag("Rustam Roadhome", "M", 1990, "UZ", "KZ", region, ["Shelter", "Medical"], situation: "WithEmployer")))
            .Expect(HttpStatusCode.Created).Json!["id"]!.GetValue<string>();

        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(field.Id("worker"));
        await using var consul = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await consul.SignInAsync(field.Id("consul"));
        await consul.Page.GotoAsync($"/#/case/{caseId}");

        // By road, the flight's fields give way to the reference and the places of the directory.
        await Expect(consul.Input("flightNumber")).ToBeVisibleAsync();
        await consul.Input("mode").SelectOptionAsync("Road");
        await Expect(consul.Input("flightNumber")).ToBeHiddenAsync();
        await consul.Input("reference").FillAsync("bus 512");
        await consul.Input("departurePlace").SelectOptionAsync(bus);
        await consul.Input("arrivalPlace").SelectOptionAsync(crossing);
        // 14:30 at the crossing, in Tashkent time (the default zone for an Uzbek citizen), is 09:30 UTC.
        var arrivalDay = DateTime.UtcNow.Date.AddDays(2);
        await consul.Input("scheduledArrival").FillAsync($"{arrivalDay:yyyy-MM-dd}T14:30");
        await Expect(consul.Input("timeZone")).ToHaveValueAsync("Asia/Tashkent");
        await consul.Input("escort").FillAsync("IOM Almaty");
        await consul.Input("travelDocument").FillAsync("Certificate of return");
        var booked = await consul.SubmitAsync(consul.Page.Locator(".travel-form [type=submit]"), "POST", "/travel");
        Assert.Equal((int)HttpStatusCode.OK, booked.Status);
        var travel = (await booked.JsonAsync())!.Value.GetProperty("travel");
        Assert.Equal("Road", travel.GetProperty("mode").GetString());
        Assert.Equal(new DateTimeOffset(arrivalDay.AddHours(9).AddMinutes(30), TimeSpan.Zero), travel.GetProperty("scheduledArrival").GetDateTimeOffset());
        await Expect(consul.Page.Locator("#case-travel")).ToContainTextAsync("Road bus 512: Almaty, Sayakhat bus station → Zhibek Zholy – Gisht Kuprik crossing");

        var arrival = worker.Card("#arrivals", caseId);
        await Expect(arrival).ToBeVisibleAsync(Live);
        await Expect(arrival.Locator(".arrival-time")).ToContainTextAsync("14:30");
        await Expect(arrival).ToContainTextAsync("Road bus 512: Almaty, Sayakhat bus station → Zhibek Zholy – Gisht Kuprik crossing");
        await Expect(arrival).Not.ToContainTextAsync("Roadhome");

        await worker.ScreenshotsAsync("ngo-arrivals-land");
        await consul.ScreenshotsAsync("case-travel-land");
    }
}
