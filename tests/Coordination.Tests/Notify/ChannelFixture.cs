using Coordination.Tests.Browser;
using Coordination.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Coordination.Tests.Notify;

/// <summary>A real SMTP server (smtp4dev), the system's processes pointed at it, and a headless Chromium.</summary>
public sealed class ChannelFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public SmtpInbox Inbox { get; private set; } = null!;
    public CoordinationProcesses System { get; private set; } = null!;
    public Field Field { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Inbox = await SmtpInbox.StartAsync();
        System = await CoordinationProcesses.StartAsync("channels", Inbox.SiloSettings);
        Field = await Field.CreateAsync(System);
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
        await System.DisposeAsync();
        await Inbox.DisposeAsync();
    }
}

[CollectionDefinition("channels")]
public sealed class ChannelCollection : ICollectionFixture<ChannelFixture>;
