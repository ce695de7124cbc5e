using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coordination.Chaos.Checking;
using Coordination.Tests.Infrastructure;
using Coordination.Tests.Notify;
using Npgsql;

namespace Coordination.Chaos;

/// <summary>
/// Notifications under chaos: a real SMTP server (smtp4dev) and a real webhook receiver; the first
/// receiving NGO's worker is on duty around the clock with a verified address, its policy e-mails and
/// POSTs every unacknowledged item at once and again after <see cref="SecondLevel"/>, so silos die
/// mid-escalation; afterwards what arrived is read back for <see cref="NotificationChecker"/>.
/// </summary>
public sealed partial class ChaosNotifications : IAsyncDisposable
{
    public static readonly TimeSpan SecondLevel = TimeSpan.FromSeconds(20);

    /// <summary>A dead walker's claim is taken over after this: short, so that takeovers happen within a run.</summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(15);

    private readonly SmtpInbox _inbox;
    private readonly HttpReceiver _receiver;
    private string _address = string.Empty;
    private string _agencyId = string.Empty;

    private ChaosNotifications(SmtpInbox inbox, HttpReceiver receiver)
    {
        _inbox = inbox;
        _receiver = receiver;
    }

    public static async Task<ChaosNotifications> StartAsync() => new(await SmtpInbox.StartAsync(), HttpReceiver.Start(HttpStatusCode.NoContent));

    /// <summary>The hosts' settings: this inbox, no grouping (one message per level), a short lease and SMTP timeout.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(_inbox.SiloSettings)
    {
        ["Coordination__Notify__GroupWait"] = "00:00:00",
        ["Coordination__Notify__ClaimLease"] = ClaimLease.ToString("c", CultureInfo.InvariantCulture),
        ["Coordination__Smtp__Timeout"] = "00:00:10",
    };

    /// <summary>Verifies the worker's address with the code from the inbox, puts them on duty, and sets the policy and webhook.</summary>
    public async Task ConfigureAsync(ChaosSystem system)
    {
        var worker = system.Receivers[0].Via(0);
        var coordinator = system.Coordinator.Via(0);
        _agencyId = system.Receivers[0].AgencyId;
        var username = (await worker.GetAsync("/api/me")).Expect(HttpStatusCode.OK).Json!["username"]!.GetValue<string>();
        _address = $"{username}@ngo.example.org";
        (await worker.SendAsync(HttpMethod.Put, "/api/me/channels", new { email = _address })).Expect(HttpStatusCode.OK);
        var code = Code().Match((await _inbox.WaitForAsync(_address))[0].Subject).Value;
        (await worker.PostAsync("/api/me/channels/email/verify", new { code })).Expect(HttpStatusCode.OK);
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{_agencyId}/rota", new
        {
            shifts = new[] { new { days = new[] { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" }, from = "00:00", to = "00:00", username } },
        })).Expect(HttpStatusCode.OK);
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{_agencyId}/webhook", new { url = _receiver.Url, secret = "chaos-webhook-secret-0123456789" }))
            .Expect(HttpStatusCode.OK);
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{_agencyId}/escalation", new
        {
            levels = new[]
            {
                new { after = "00:00:00", notify = "OnDuty" },
                new { after = SecondLevel.ToString("c", CultureInfo.InvariantCulture), notify = "OnDuty" },
            },
        })).Expect(HttpStatusCode.OK);
    }

    /// <summary>What reached the inbox and the receiver, the agency's items that walk the levels, and every claim's attempts.</summary>
    public async Task<NotificationTruth> ReadAsync(NpgsqlDataSource db, DateTimeOffset readAt)
    {
        var items = new List<NotifiedItemRow>();
        await using (var command = db.CreateCommand(
            "SELECT id, occurred_at, acknowledged_at FROM feed_items WHERE agency_id = @agency AND requires_ack ORDER BY seq"))
        {
            command.Parameters.AddWithValue("agency", _agencyId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                items.Add(new NotifiedItemRow(reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        var attempts = await ClaimAttempts.ReadAsync(db);

        var emails = new List<(Guid, int)>();
        foreach (var message in (await _inbox.MessagesToAsync(_address)).Where(m => !m.Subject.StartsWith("Coordination verification code", StringComparison.Ordinal)))
        {
            var id = MessageId().Match(await _inbox.SourceAsync(message));
            emails.Add((Guid.ParseExact(id.Groups[1].Value, "N"), int.Parse(id.Groups[2].Value, CultureInfo.InvariantCulture)));
        }

        var webhooks = _receiver.Requests
            .Select(r => JsonNode.Parse(r.Body)!["notificationId"]!.GetValue<string>().Split('.'))
            .Select(parts => (Guid.ParseExact(parts[0], "N"), int.Parse(parts[1], CultureInfo.InvariantCulture)))
            .ToList();
        return new NotificationTruth(readAt, [TimeSpan.Zero, SecondLevel], items, emails, webhooks, attempts);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _inbox.DisposeAsync();
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Code();

    [GeneratedRegex(@"Message-ID:\s*<([0-9a-f]{32})\.([0-9]+)\.[0-9A-F]{16}@coordination>", RegexOptions.IgnoreCase)]
    private static partial Regex MessageId();
}
