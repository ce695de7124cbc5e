using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Coordination.Grains.Notify;

/// <summary>How the transport of a connection to the SMTP server is secured.</summary>
public enum SmtpTls
{
    /// <summary>Plain text: only for a server on the same machine (the local smtp4dev of deploy/run.sh).</summary>
    None,

    /// <summary>Connect in plain text and require STARTTLS (port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465).</summary>
    Implicit,
}

/// <summary>
/// The SMTP server that e-mails leave through. The defaults are the local smtp4dev that
/// deploy/run.sh starts; production points them at the agency's real server.
/// </summary>
public sealed class SmtpOptions
{
    public const string Section = "Coordination:Smtp";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 2525;

    /// <summary>The sender of every e-mail, e.g. <c>Coordination &lt;alerts@example.org&gt;</c>.</summary>
    public string From { get; set; } = "Coordination <coordination@localhost>";

    public SmtpTls Tls { get; set; } = SmtpTls.None;

    /// <summary>Sign in to the server when set (with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>How long a connection and a send may take before the attempt counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal SecureSocketOptions SocketOptions => Tls switch
    {
        SmtpTls.StartTls => SecureSocketOptions.StartTls,
        SmtpTls.Implicit => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.None,
    };

    internal static void Add(IServiceCollection services, IConfiguration configuration)
    {
        const string variables = "Coordination__Smtp__";
        services.AddOptions<SmtpOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Host), $"{Section}:Host is required, e.g. smtp.example.org ({variables}Host).")
            .Validate(o => o.Port is > 0 and <= 65535, $"{Section}:Port must be a port number from 1 to 65535 ({variables}Port).")
            .Validate(o => MailboxAddress.TryParse(o.From, out _), $"{Section}:From must be an e-mail address, e.g. Coordination <alerts@example.org> ({variables}From).")
            .Validate(o => Enum.IsDefined(o.Tls), $"{Section}:Tls must be None, StartTls or Implicit ({variables}Tls).")
            .Validate(o => string.IsNullOrEmpty(o.Username) == string.IsNullOrEmpty(o.Password),
                $"{Section}:Username and {Section}:Password go together ({variables}Username, {variables}Password).")
            .Validate(o => o.Timeout > TimeSpan.Zero, $"{Section}:Timeout must be a positive TimeSpan such as 00:00:30 ({variables}Timeout).")
            .ValidateOnStart();
    }
}

/// <summary>How a user's e-mail address is verified.</summary>
public sealed class ChannelOptions
{
    public const string Section = "Coordination:Channels";

    /// <summary>How long a verification code may be used.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How many wrong codes spend a code: six digits must not be guessable.</summary>
    public int CodeAttempts { get; set; } = 5;

    internal static void Add(IServiceCollection services, IConfiguration configuration) =>
        services.AddOptions<ChannelOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(o => o.CodeLifetime > TimeSpan.Zero, $"{Section}:CodeLifetime must be a positive TimeSpan such as 00:15:00 (Coordination__Channels__CodeLifetime).")
            .Validate(o => o.CodeAttempts is >= 1 and <= 10, $"{Section}:CodeAttempts must be a whole number from 1 to 10 (Coordination__Channels__CodeAttempts).")
            .ValidateOnStart();
}
