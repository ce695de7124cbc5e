using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Coordination.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Coordination.Benchmarks;

/// <summary>
/// 7. Alert → e-mail accepted by the SMTP server: an NGO with a round-the-clock rota and a one-level
/// policy (the person on duty, at once), whose person has a verified address; Critical referrals (never
/// held for grouping) flagged one after another. For each: from the alert's commit (its feed item's
/// <c>occurred_at</c>) to the walker's record that the server accepted the e-mail (the notification
/// log's <c>at</c>, written as the server's answer comes back); every e-mail must be in smtp4dev's
/// inbox, once. Baseline: a raw MailKit send of a message of the same size to the same smtp4dev,
/// one connection per message as the system's sender makes — connect, send, disconnect.
/// </summary>
public static partial class EmailLatency
{
    public const string Id = "7";

    private const string District = "District Mail";

    public static async Task<ScenarioResult> RunAsync(BenchSystem system, Action<string> log)
    {
        var s = system.Settings;
        var (receiver, address) = await OnDutyNgoAsync(system);
        log(string.Create(CultureInfo.InvariantCulture, $"  {s.EmailAlerts} Critical referrals to an NGO whose person on duty is e-mailed at once; {s.EmailAlerts} raw MailKit sends"));

        // One e-mail first, unmeasured: the walker's and the sender's first use pays for their JIT.
        var warm = await system.FlagAsync(receiver, "Critical");
        await WaitForEmailsAsync(system, address, [warm.CaseId]);

        var cases = new List<string>();
        for (var i = 0; i < s.EmailAlerts; i++)
        {
            cases.Add((await system.FlagAsync(receiver, "Critical")).CaseId);
            await Task.Delay(s.EmailPause);
        }

        await WaitForEmailsAsync(system, address, cases);
        var latencies = await SystemLatenciesAsync(system, receiver.AgencyId, cases);
        var raw = await RawSendsAsync(system, address, s.EmailAlerts, s.EmailPause);

        log(string.Create(CultureInfo.InvariantCulture,
            $"  alert → accepted p50 {latencies.Percentile(50):F1} ms, p99 {latencies.Percentile(99):F1} ms; raw MailKit p50 {raw.Percentile(50):F1} ms, p99 {raw.Percentile(99):F1} ms"));
        return new ScenarioResult(Id, string.Create(CultureInfo.InvariantCulture, $"Alert → e-mail accepted by the SMTP server ({s.EmailAlerts} Critical alerts)"),
        [
            new("alert → e-mail accepted: p50", latencies.Percentile(50), raw.Percentile(50), "ms"),
            new("alert → e-mail accepted: p99", latencies.Percentile(99), raw.Percentile(99), "ms"),
            new("alert → e-mail accepted: max", latencies.Max, raw.Max, "ms"),
        ],
        [
            string.Create(CultureInfo.InvariantCulture,
                $"{cases.Count} alerts, {latencies.Count} e-mails accepted and logged once each, every one in smtp4dev's inbox; baseline: {raw.Count} raw MailKit sends (connect, send, disconnect) to the same smtp4dev"),
        ]);
    }

    /// <summary>The NGO (its own district, so no other scenario's flags reach it), its person on duty around the clock, and their verified address.</summary>
    private static async Task<(Receiver Receiver, string Address)> OnDutyNgoAsync(BenchSystem system)
    {
        var field = system.Field;
        var country = system.Settings.Countries[0];
        var id = await field.AgencyAsync("mail-ngo", Field.Receiving("Ngo", country, District, "Asia/Bishkek", [District], [], ["Shelter", "Legal"]));
        using var worker = await field.UserAsync("mail-worker", id, "NgoCaseworker");
        using var coordinator = await field.UserAsync("mail-coordinator", id, "AgencyCoordinator");
        var username = field.Id("mail-worker");
        var address = $"{username}@ngo.example.org";
        (await worker.SendAsync(HttpMethod.Put, "/api/me/channels", new { email = address })).Expect(HttpStatusCode.OK);
        var code = Code().Match((await InboxAsync(system, address, 1))[0].Subject).Value;
        (await worker.PostAsync("/api/me/channels/email/verify", new { code })).Expect(HttpStatusCode.OK);
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{id}/rota", new
        {
            shifts = new[] { new { days = new[] { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" }, from = "00:00", to = "00:00", username } },
        })).Expect(HttpStatusCode.OK);
        (await coordinator.SendAsync(HttpMethod.Put, $"/api/agencies/{id}/escalation", new
        {
            levels = new[] { new { after = "00:00:00", notify = "OnDuty" } },
        })).Expect(HttpStatusCode.OK);
        return (new Receiver(-1, id, country, District, worker.Token!), address);
    }

    /// <summary>Waits until every case's e-mail is in the inbox; fails if one is missing or came twice.</summary>
    private static async Task WaitForEmailsAsync(BenchSystem system, string address, IReadOnlyCollection<string> cases)
    {
        var deadline = Stopwatch.GetTimestamp() + Load.Ticks(system.Settings.Patience);
        while (true)
        {
            var subjects = (await system.Inbox.MessagesToAsync(address)).Select(m => m.Subject).ToList();
            var counts = cases.ToDictionary(c => c, c => subjects.Count(subject => subject.Contains($"ReferralReceived {c}", StringComparison.Ordinal)));
            if (counts.Values.Any(n => n > 1))
            {
                throw new BenchmarkFailure($"e-mailed more than once: {string.Join(", ", counts.Where(c => c.Value > 1).Select(c => c.Key))}");
            }

            if (counts.Values.All(n => n == 1))
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new BenchmarkFailure($"{counts.Values.Count(n => n == 0)} of {cases.Count} alerts never reached the inbox");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<IReadOnlyList<InboxMessage>> InboxAsync(BenchSystem system, string address, int count)
    {
        var deadline = Stopwatch.GetTimestamp() + Load.Ticks(system.Settings.Patience);
        while (await system.Inbox.MessagesToAsync(address) is var messages && messages.Count < count)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new BenchmarkFailure($"no e-mail reached {address}");
            }

            await Task.Delay(100);
        }

        return await system.Inbox.MessagesToAsync(address);
    }

    /// <summary>Per alert: commit of its feed item → the level-0 e-mail's "sent" in the notification log, which exists once per alert.</summary>
    private static async Task<Samples> SystemLatenciesAsync(BenchSystem system, string agencyId, IReadOnlyList<string> cases)
    {
        await using var command = system.SystemDb.CreateCommand(
            "SELECT f.case_id, extract(epoch FROM l.at - f.occurred_at) * 1000 FROM feed_items f " +
            "JOIN notification_log l ON l.item_id = f.id AND l.channel = 'email' AND l.level = 0 AND l.outcome = 'sent' " +
            "WHERE f.agency_id = @agency AND f.type = 'ReferralReceived' AND f.case_id = ANY (@cases)");
        command.Parameters.AddWithValue("agency", agencyId);
        command.Parameters.AddWithValue("cases", cases.ToArray());
        var samples = new Samples();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (!seen.Add(reader.GetString(0)))
            {
                throw new BenchmarkFailure($"alert of {reader.GetString(0)} logged as sent twice");
            }

            samples.Add((double)reader.GetDecimal(1));
        }

        return seen.Count == cases.Count ? samples : throw new BenchmarkFailure($"{cases.Count - seen.Count} alerts without a sent e-mail in the log");
    }

    /// <summary>The baseline: MailKit straight to the same server, a new connection per message as the system's sender.</summary>
    private static async Task<Samples> RawSendsAsync(BenchSystem system, string address, int count, TimeSpan pause)
    {
        var samples = new Samples();
        var body = new string('x', 600);
        for (var i = 0; i < count; i++)
        {
            var message = new MimeMessage();
            message.From.Add(MailboxAddress.Parse("bench@localhost"));
            message.To.Add(MailboxAddress.Parse($"raw-{address}"));
            message.Subject = $"[Critical] ReferralReceived raw-{i}";
            message.Body = new TextPart("plain") { Text = body };
            var started = Stopwatch.GetTimestamp();
            using var client = new SmtpClient();
            await client.ConnectAsync("127.0.0.1", system.Inbox.SmtpPort, SecureSocketOptions.None);
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
            samples.AddElapsed(started, Stopwatch.GetTimestamp());
            await Task.Delay(pause);
        }

        return samples;
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex Code();
}
