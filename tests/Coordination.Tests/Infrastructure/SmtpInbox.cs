using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Coordination.Tests.Infrastructure;

/// <summary>
/// A real SMTP server with a web inbox: smtp4dev, the repository's local dotnet tool
/// (.config/dotnet-tools.json), on free loopback ports, keeping messages in memory. Tests read
/// what arrived through its HTTP API.
/// </summary>
public sealed class SmtpInbox : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly HttpClient _http;

    private SmtpInbox(Process process, int smtpPort, Uri webUrl)
    {
        _process = process;
        SmtpPort = smtpPort;
        WebUrl = webUrl;
        _http = new HttpClient { BaseAddress = webUrl };
    }

    public int SmtpPort { get; }

    public Uri WebUrl { get; }

    /// <summary>The settings that point a silo at this server.</summary>
    public IReadOnlyDictionary<string, string> SiloSettings => new Dictionary<string, string>
    {
        ["Coordination__Smtp__Host"] = "127.0.0.1",
        ["Coordination__Smtp__Port"] = SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Coordination__Smtp__Tls"] = "None",
        // Grouping is tested with a fake clock; on real processes an e-mail waits a second, not 30.
        ["Coordination__Notify__GroupWait"] = "00:00:01",
    };

    public static async Task<SmtpInbox> StartAsync()
    {
        await RunAsync("dotnet", "tool", "restore");
        var smtpPort = CoordinationProcesses.FreePort();
        var webUrl = new Uri($"http://127.0.0.1:{CoordinationProcesses.FreePort()}");
        var info = new ProcessStartInfo("dotnet",
        [
            "tool", "run", "smtp4dev", "--", $"--urls={webUrl}", $"--smtpport={smtpPort}", "--bindaddress=127.0.0.1",
            "--db=", "--imapport=", "--pop3port=", "--nousersettings",
            // It keeps 100 by default: the benchmark's scenario 7 reads hundreds.
            "--messagestokeep=100000", "--sessionstokeep=100000",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = CoordinationProcesses.RepositoryRoot,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start smtp4dev.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var inbox = new SmtpInbox(process, smtpPort, webUrl);
        await inbox.WaitReadyAsync();
        return inbox;
    }

    /// <summary>The messages to <paramref name="address"/>, oldest first.</summary>
    public async Task<IReadOnlyList<InboxMessage>> MessagesToAsync(string address)
    {
        var messages = await AllMessagesAsync();
        return messages.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).OrderBy(m => m.ReceivedDate).ToList();
    }

    /// <summary>
    /// Every message in the inbox. smtp4dev lists them a page at a time, newest first: a single page
    /// of a long run (the 20-minute chaos run sends well over a thousand) would leave out the oldest.
    /// </summary>
    public async Task<IReadOnlyList<InboxMessage>> AllMessagesAsync(int pageSize = 1000)
    {
        var all = new List<InboxMessage>();
        for (var number = 1; ; number++)
        {
            var page = await _http.GetFromJsonAsync<MessagePage>($"/api/messages?pageSize={pageSize}&page={number}");
            all.AddRange(page!.Results);
            if (number >= page.PageCount)
            {
                // Messages that arrived while paging shift the pages; one listed twice counts once.
                return all.DistinctBy(m => m.Id).ToList();
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> messages to the address have arrived, and returns them.</summary>
    public async Task<IReadOnlyList<InboxMessage>> WaitForAsync(string address, int count = 1)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var messages = await MessagesToAsync(address);
            if (messages.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(messages.Count >= count, $"{messages.Count} of {count} e-mails to {address} arrived");
                return messages;
            }

            await Task.Delay(200);
        }
    }

    public Task<string> PlainTextAsync(InboxMessage message) => _http.GetStringAsync($"/api/messages/{message.Id}/plaintext");

    /// <summary>The message as the server received it (headers such as Message-ID included).</summary>
    public Task<string> SourceAsync(InboxMessage message) => _http.GetStringAsync($"/api/messages/{message.Id}/raw");

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"smtp4dev exited with {_process.ExitCode}.");
            }

            try
            {
                if ((await _http.GetAsync("/api/messages")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"smtp4dev at {WebUrl} was not ready within {StartTimeout}.");
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = CoordinationProcesses.RepositoryRoot,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed: {await output}{await error}");
    }

    private sealed record MessagePage(
        [property: JsonPropertyName("results")] List<InboxMessage> Results,
        [property: JsonPropertyName("pageCount")] int PageCount);
}

/// <summary>A message as smtp4dev lists it.</summary>
public sealed record InboxMessage(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("to")] string[] To,
    [property: JsonPropertyName("receivedDate")] DateTimeOffset ReceivedDate);
