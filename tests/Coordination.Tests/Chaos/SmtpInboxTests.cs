using Coordination.Tests.Infrastructure;
using MailKit.Net.Smtp;
using MimeKit;

namespace Coordination.Tests.Chaos;

/// <summary>
/// The inbox the notification checker reads: every message, not the newest page of them (a 20-minute
/// chaos run sends over a thousand e-mails, and smtp4dev lists a page at a time, newest first).
/// </summary>
public sealed class SmtpInboxTests
{
    [Fact]
    public async Task The_inbox_lists_every_message_across_its_pages_oldest_included()
    {
        await using var inbox = await SmtpInbox.StartAsync();
        using (var smtp = new SmtpClient())
        {
            await smtp.ConnectAsync("127.0.0.1", inbox.SmtpPort, MailKit.Security.SecureSocketOptions.None);
            for (var i = 0; i < 5; i++)
            {
                var message = new MimeMessage { Subject = $"message {i}", Body = new TextPart("plain") { Text = $"body {i}" } };
                message.From.Add(MailboxAddress.Parse("system@coordination.test"));
                message.To.Add(MailboxAddress.Parse("worker@ngo.test"));
                await smtp.SendAsync(message);
            }

            await smtp.DisconnectAsync(quit: true);
        }

        await inbox.WaitForAsync("worker@ngo.test", 5);
        var paged = await inbox.AllMessagesAsync(pageSize: 2);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"message {i}"), paged.Select(m => m.Subject).Order());
    }
}
