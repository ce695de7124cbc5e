using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coordination.Tests.Browser;

/// <summary>One person's dashboard in its own browser context (own session and local storage).</summary>
public sealed class DashboardPage : IAsyncDisposable
{
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };
    public static readonly ViewportSize Phone = new() { Width = 375, Height = 812 };

    /// <summary>
    /// Deliberately far from every agency's zone: the dashboards must show times in the agency's
    /// own time zone, never the browser's.
    /// </summary>
    private const string BrowserTimeZone = "America/Sao_Paulo";

    private readonly IBrowserContext _context;

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Opens the dashboard in a new context; <paramref name="permissions"/> are granted to it (e.g. <c>notifications</c>).</summary>
    public static async Task<DashboardPage> OpenAsync(IBrowser browser, Uri webUrl, IEnumerable<string>? permissions = null)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = webUrl.ToString(),
            ViewportSize = Desktop,
            Locale = "en-US",
            TimezoneId = BrowserTimeZone,
            Permissions = permissions?.ToArray(),
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        return new DashboardPage(context, page);
    }

    /// <summary>
    /// Loads the vendored axe-core into every document of this context (an init script, so the
    /// dashboards' Content-Security-Policy, which allows no inline script, does not apply) and reloads.
    /// </summary>
    public async Task EnableAxeAsync()
    {
        await _context.AddInitScriptAsync(await File.ReadAllTextAsync(AxeScript));
        await Page.ReloadAsync();
    }

    /// <summary>What axe-core finds serious or critical on the page as it is now, one line per rule with up to three of its elements.</summary>
    public Task<string[]> SeriousAccessibilityViolationsAsync() => Page.EvaluateAsync<string[]>("""
        async () => {
          const result = await axe.run(document, { resultTypes: ['violations'] });
          return result.violations
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
        }
        """);

    private static string AxeScript => Path.Combine(CoordinationProcesses.RepositoryRoot, "tests", "Coordination.Tests", "Browser", "vendor", "axe.min.js");

    /// <summary>Signs in with the keyboard (Enter in the password field) and waits for the live connection.</summary>
    public async Task SignInAsync(string username, string password = Infrastructure.Field.Password)
    {
        await Input("username").FillAsync(username);
        await Input("password").FillAsync(password);
        await Input("password").PressAsync("Enter");
        await Expect(Page.Locator("#connection")).ToHaveAttributeAsync("data-state", "connected");
    }

    /// <summary>Signs in the bootstrap administrator, whose account belongs to no agency: no live feed to wait for, the administration page instead.</summary>
    public async Task SignInAsAdministratorAsync(string password)
    {
        await Input("username").FillAsync("admin");
        await Input("password").FillAsync(password);
        await Input("password").PressAsync("Enter");
        await Expect(Page.Locator("#admin-agencies")).ToBeVisibleAsync();
    }

    public async Task SignOutAsync()
    {
        await Page.Locator("#sign-out").ClickAsync();
        await Expect(Input("username")).ToBeVisibleAsync();
    }

    /// <summary>The wrapper of a form field, found by the request field it edits (e.g. <c>person.fullName</c>).</summary>
    public ILocator Field(string name) => Page.Locator($"[data-field='{name}']");

    public ILocator Input(string name) => Field(name).Locator("input, select, textarea").First;

    public ILocator Error(string name) => Field(name).Locator(".field-error");

    public ILocator Choice(string name, string value) => Field(name).Locator($"input[value='{value}']");

    /// <summary>Records on an intake or consent form that the person consents to all three uses.</summary>
    public async Task ConsentToAllAsync()
    {
        foreach (var use in new[] { "referral", "dataSharing", "research" })
        {
            await Choice("consent.uses", use).CheckAsync();
        }
    }

    /// <summary>Clicks a submit button and returns the response of the API call it makes.</summary>
    public Task<IResponse> SubmitAsync(ILocator button, string method, string pathEndsWith) =>
        Page.RunAndWaitForResponseAsync(
            () => button.ClickAsync(),
            r => r.Request.Method == method && new Uri(r.Url).AbsolutePath.EndsWith(pathEndsWith, StringComparison.Ordinal));

    /// <summary>A card of a list that links to the case.</summary>
    public ILocator Card(string listSelector, string caseId) =>
        Page.Locator($"{listSelector} > li", new PageLocatorOptions { Has = Page.Locator($"a.case-link:text-is('{caseId}')") });

    /// <summary>
    /// Writes {name}-desktop.png (1280×800) and {name}-phone.png (375×812) into
    /// <see cref="BrowserFixture.ScreenshotDirectory"/>, and
    /// checks that nothing is wider than the phone's screen.
    /// </summary>
    public async Task ScreenshotsAsync(string name)
    {
        await Page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{name}-desktop.png"), FullPage = true });

        await Page.SetViewportSizeAsync(Phone.Width, Phone.Height);
        var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"{name} is {overflow}px wider than a {Phone.Width}px phone screen");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{name}-phone.png"), FullPage = true });
        await Page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
    }

    /// <summary>Writes {name}.png, the whole page on the desktop, into <see cref="BrowserFixture.ScreenshotDirectory"/>.</summary>
    public async Task ScreenshotAsync(string name)
    {
        await Page.SetViewportSizeAsync(Desktop.Width, Desktop.Height);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, $"{name}.png"), FullPage = true });
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
