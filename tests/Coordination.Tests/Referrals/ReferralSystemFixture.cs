using Coordination.Tests.Browser;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Coordination.Tests.Referrals;

/// <summary>
/// One silo and one web host as real processes, and the headless Chromium, for the referral pages. A
/// Critical referral must be answered within seconds here and the case wake-ups look every second, so
/// an expiry can be watched happen on the referrer's dashboard; no other test's referrals share it.
/// </summary>
public sealed class ReferralSystemFixture : IAsyncLifetime
{
    public static readonly TimeSpan CriticalAnswer = TimeSpan.FromSeconds(15);

    private IPlaywright? _playwright;

    public CoordinationProcesses System { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System = await CoordinationProcesses.StartAsync("referrals", new Dictionary<string, string>
        {
            ["Coordination__Referral__AnswerWithin__Critical"] = CriticalAnswer.ToString(),
            ["Coordination__FollowUp__CheckEvery"] = "00:00:01",
        });
        _playwright = await Playwright.CreateAsync();
        Browser = await BrowserFixture.LaunchAsync(_playwright);
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
    }

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

[CollectionDefinition(Name)]
public sealed class ReferralSystemCollection : ICollectionFixture<ReferralSystemFixture>
{
    public const string Name = "Referral system";
}
