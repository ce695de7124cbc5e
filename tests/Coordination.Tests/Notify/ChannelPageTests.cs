using System.Net;
using System.Text.RegularExpressions;
using Coordination.Tests.Browser;
using Coordination.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Notify;

/// <summary>"My channels" in a real headless Chromium: a caseworker enters an address and verifies it with the code from a real inbox.</summary>
[Collection("channels")]
public sealed partial class ChannelPageTests(ChannelFixture fixture)
{
    [Fact]
    public async Task A_caseworker_enters_an_address_and_verifies_it_with_the_code_from_the_inbox()
    {
        var field = fixture.Field;
        var ngo = await field.AgencyAsync("page-channels-ngo", Field.Receiving("Ngo", "KG", "Osh", "Asia/Bishkek", [field.Region("PageChannels")], [], ["Shelter"]));
        using var _ = await field.UserAsync("page-channels", ngo, "NgoCaseworker");
        var address = $"{field.Id("page-channels")}@ngo.example.org";

        await using var page = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await page.SignInAsync(field.Id("page-channels"));
        await page.Page.Locator("#channels-link").ClickAsync();
        await Expect(page.Page.Locator("h1")).ToHaveTextAsync("My channels");
        await Expect(page.Page.Locator("#channel-status")).ToHaveTextAsync("No address yet.");

        await page.Input("email").FillAsync("not an address");
        var refused = await page.SubmitAsync(page.Page.Locator("#channel-form [type=submit]"), "PUT", "/api/me/channels");
        Assert.Equal((int)HttpStatusCode.BadRequest, refused.Status);
        await Expect(page.Error("email")).ToBeVisibleAsync();

        await page.Input("email").FillAsync(address);
        var sent = await page.SubmitAsync(page.Page.Locator("#channel-form [type=submit]"), "PUT", "/api/me/channels");
        Assert.Equal((int)HttpStatusCode.OK, sent.Status);
        await Expect(page.Page.Locator("#channel-status")).ToContainTextAsync("Not verified yet");
        var code = Code().Match(Assert.Single(await fixture.Inbox.WaitForAsync(address)).Subject).Value;

        await page.Input("code").FillAsync(code == "000000" ? "000001" : "000000");
        var wrong = await page.SubmitAsync(page.Page.Locator("#verify-form [type=submit]"), "POST", "/api/me/channels/email/verify");
        Assert.Equal((int)HttpStatusCode.BadRequest, wrong.Status);
        await Expect(page.Error("code")).ToBeVisibleAsync();

        await page.Input("code").FillAsync(code);
        var verified = await page.SubmitAsync(page.Page.Locator("#verify-form [type=submit]"), "POST", "/api/me/channels/email/verify");
        Assert.Equal((int)HttpStatusCode.OK, verified.Status);
        await Expect(page.Page.Locator("#channel-status")).ToHaveTextAsync($"Verified: {address}");
        await page.ScreenshotsAsync("channels");
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Code();
}
