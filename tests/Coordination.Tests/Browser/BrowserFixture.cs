using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Coordination.Tests.Browser;

/// <summary>
/// The real system (one silo, one web host on a fresh database) and Debian's headless Chromium,
/// driven by Playwright, shared by the browser tests. Each test opens its own browser contexts,
/// so users never share cookies or storage.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Playwright's own browser download cannot work here: the tests drive the distribution's Chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private const string RoutineAckDeadline = "00:00:04";

    private IPlaywright? _playwright;

    public CoordinationProcesses System { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>
    /// Where the screenshots go: <c>.local/screenshots</c>, so that a test run leaves the checkout
    /// clean; <c>COORDINATION_SCREENSHOT_DIR=docs/screenshots</c> refreshes the committed ones.
    /// </summary>
    public static string ScreenshotDirectory { get; } = Path.GetFullPath(
        Environment.GetEnvironmentVariable("COORDINATION_SCREENSHOT_DIR") is { Length: > 0 } directory
            ? directory
            : Path.Combine(".local", "screenshots"),
        CoordinationProcesses.RepositoryRoot);

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install it with 'apt-get install -y chromium' (deploy/test.sh does).");
        }

        System = await CoordinationProcesses.StartAsync("browser", new Dictionary<string, string>
        {
            // Routine items fall due within seconds here, so overdue highlighting can be watched happen.
            ["Coordination__Ack__Routine"] = RoutineAckDeadline,
        });
        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync(_playwright);
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    /// <summary>The distribution's headless Chromium as every browser test drives it.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        // Plain Launch gives every run a fresh temporary profile (user-data dir).
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (System is not null)
        {
            await System.DisposeAsync();
        }
    }
}

[CollectionDefinition("browser")]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>;
