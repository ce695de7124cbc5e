using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using OtpNet;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>
/// Two-step sign-in in a real headless Chromium: a caseworker sets up an authenticator app from the
/// header's page (the code computed from the key the page shows, as the app would), sees the
/// recovery codes once, and is asked for a code when signing in again.
/// </summary>
[Collection("browser")]
public sealed class SecondFactorPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_caseworker_sets_up_an_authenticator_app_and_then_signs_in_with_its_code()
    {
        var field = await Field.CreateAsync(fixture.System);
        var ngo = await field.AgencyAsync("kg-mfa", Field.Receiving("Ngo", "KG", "Talas", "Asia/Bishkek", [field.Region("Talas")], [], ["Shelter"]));
        using var _ = await field.UserAsync("worker", ngo, "NgoCaseworker");
        await using var worker = await DashboardPage.OpenAsync(fixture.Browser, field.WebUrl);
        await worker.SignInAsync(field.Id("worker"));

        await worker.Page.Locator("#mfa-link").ClickAsync();
        await Expect(worker.Page.Locator("#mfa-status")).ToContainTextAsync("Not set up");
        await worker.Page.Locator("#mfa-begin").ClickAsync();
        var key = Base32Encoding.ToBytes((await worker.Page.Locator("#mfa-key").TextContentAsync())!.Replace(" ", string.Empty, StringComparison.Ordinal));
        var now = DateTime.UtcNow;
        await worker.Input("code").FillAsync(new Totp(key).ComputeTotp(now));
        await worker.Page.Locator("#mfa-confirm [type=submit]").ClickAsync();
        await Expect(worker.Page.Locator("#mfa-recovery-codes li")).ToHaveCountAsync(10);
        await Expect(worker.Page.Locator("#mfa-status")).ToContainTextAsync("Recovery codes left: 10");
        await Expect(worker.Page.Locator("#mfa-begin")).ToBeHiddenAsync();
        await worker.ScreenshotsAsync("mfa-enrolled");

        // Signing in again: the password, then the app's code.
        await worker.SignOutAsync();
        await worker.Input("username").FillAsync(field.Id("worker"));
        await worker.Input("password").FillAsync(Field.Password);
        await worker.Input("password").PressAsync("Enter");
        await Expect(worker.Input("otp")).ToBeVisibleAsync();
        await worker.ScreenshotsAsync("signin-code");
        await worker.Input("otp").FillAsync(new Totp(key).ComputeTotp(now.AddSeconds(30)));
        await worker.Input("otp").PressAsync("Enter");
        await Expect(worker.Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "connected");
    }
}
