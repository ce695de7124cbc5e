using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Coordination.Grains.Notify;

/// <summary>How notifications of unacknowledged items are sent and retried.</summary>
public sealed class NotifyOptions
{
    public const string Section = "Coordination:Notify";

    /// <summary>
    /// The dashboard's address as recipients open it: acknowledgement links are
    /// <c>{DashboardUrl}/#/ack/{token}</c>. The default is the first web host of deploy/run.sh.
    /// </summary>
    public string DashboardUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// How long a level's claim is held while it is being sent: a walker that died holding it (its
    /// silo was killed) is replaced after this long. Longer than an SMTP attempt may take.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>After a failed send, the level is tried again this long later.</summary>
    public TimeSpan RetryEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many times a level's notification is tried before its outcome is "failed" and the walk goes on.</summary>
    public int Attempts { get; set; } = 5;

    internal static void Add(IServiceCollection services, IConfiguration configuration)
    {
        const string variables = "Coordination__Notify__";
        services.AddOptions<NotifyOptions>()
            .Bind(configuration.GetSection(Section))
            .Validate(o => Uri.TryCreate(o.DashboardUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Query.Length == 0 && url.Fragment.Length == 0,
                $"{Section}:DashboardUrl must be the dashboard's http(s) address, e.g. https://coordination.example.org ({variables}DashboardUrl).")
            .Validate(o => o.ClaimLease > TimeSpan.Zero, $"{Section}:ClaimLease must be a positive TimeSpan such as 00:02:00 ({variables}ClaimLease).")
            .Validate(o => o.RetryEvery > TimeSpan.Zero, $"{Section}:RetryEvery must be a positive TimeSpan such as 00:01:00 ({variables}RetryEvery).")
            .Validate(o => o.Attempts is >= 1 and <= 20, $"{Section}:Attempts must be a whole number from 1 to 20 ({variables}Attempts).")
            .ValidateOnStart();
    }
}
