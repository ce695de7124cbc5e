using MailKit.Net.Smtp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Coordination.Grains.Notify;

/// <summary>A failed hand-over of an e-mail to the SMTP server: nothing says it will arrive.</summary>
public sealed class EmailNotSentException(string message, Exception inner) : Exception(message, inner);

/// <summary>Hands e-mails to the configured SMTP server (MailKit), one connection per message.</summary>
public sealed class EmailSender(IOptions<SmtpOptions> options, ILogger<EmailSender> logger)
{
    /// <summary>
    /// Returns once the server has accepted the message; throws <see cref="EmailNotSentException"/>
    /// otherwise. A <paramref name="messageId"/> given marks repeats of one message as such.
    /// </summary>
    public async Task SendAsync(string to, string subject, string body, CancellationToken cancellationToken, string? messageId = null)
    {
        var smtp = options.Value;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = body };
        if (messageId is not null)
        {
            message.MessageId = messageId;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(smtp.Timeout);
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.SocketOptions, timeout.Token);
            if (smtp.Username is { Length: > 0 } username && smtp.Password is { } password)
            {
                await client.AuthenticateAsync(username, password, timeout.Token);
            }

            await client.SendAsync(message, timeout.Token);
            await client.DisconnectAsync(true, timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The address is personal data: the log names the server, not the recipient.
            logger.LogWarning(e, "E-mail not accepted by {SmtpHost}:{SmtpPort}", smtp.Host, smtp.Port);
            throw new EmailNotSentException($"The mail server {smtp.Host}:{smtp.Port} did not accept the e-mail.", e);
        }
    }
}
