using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

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

    /// <summary>Within one attempt, how many more times a webhook POST is tried after a failed try.</summary>
    public int WebhookRetries { get; set; } = 3;

    /// <summary>The wait before a webhook's first retry, doubling (with jitter) for each next one.</summary>
    public TimeSpan WebhookBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one try of a webhook POST may take before it counts as failed.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an e-mail of a Routine or Urgent alert waits for others to the same person, to go out
    /// with them as one message (<see cref="GroupWaitOptions"/> sets it per urgency); zero sends each
    /// at once. A Critical alert is never held.
    /// </summary>
    public TimeSpan GroupWait { get; set; } = DefaultGroupWait;

    private static readonly TimeSpan DefaultGroupWait = TimeSpan.FromSeconds(30);

    internal static void Add(IServiceCollection services, IConfiguration configuration)
    {
        const string variables = "Coordination__Notify__";
        services.TryAddSingleton<WebhookSender>();
        services.AddTransient<WebhookAttempts>();
        // Retries outside, the timeout of one try inside them, and each try reported innermost.
        var webhooks = services.AddHttpClient(WebhookSender.ClientName);
        webhooks.AddResilienceHandler("webhook", (pipeline, context) =>
        {
            var notify = context.ServiceProvider.GetRequiredService<IOptions<NotifyOptions>>().Value;
            pipeline
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = notify.WebhookRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = notify.WebhookBackoff,
                })
                .AddTimeout(notify.WebhookTimeout);
        });
        webhooks.AddHttpMessageHandler<WebhookAttempts>();
        services.TryAddSingleton<GroupedEmails>();
        GroupWaitOptions.Add(services, configuration);
        services.TryAddSingleton<PushSender>();
        WebPushOptions.Add(services, configuration);
        services.AddHttpClient(PushSender.ClientName, (provider, client) =>
            client.Timeout = provider.GetRequiredService<IOptions<NotifyOptions>>().Value.WebhookTimeout);
        services.AddOptions<NotifyOptions>()
            .Bind(configuration.GetSection(Section))
            // GroupWait is both a value and the section of its per-urgency values: read the value itself.
            .PostConfigure(o => o.GroupWait = configuration.GetValue($"{Section}:GroupWait", DefaultGroupWait))
            .Validate(o => Uri.TryCreate(o.DashboardUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Query.Length == 0 && url.Fragment.Length == 0,
                $"{Section}:DashboardUrl must be the dashboard's http(s) address, e.g. https://coordination.example.org ({variables}DashboardUrl).")
            .Validate(o => o.ClaimLease > TimeSpan.Zero, $"{Section}:ClaimLease must be a positive TimeSpan such as 00:02:00 ({variables}ClaimLease).")
            .Validate(o => o.RetryEvery > TimeSpan.Zero, $"{Section}:RetryEvery must be a positive TimeSpan such as 00:01:00 ({variables}RetryEvery).")
            .Validate(o => o.Attempts is >= 1 and <= 20, $"{Section}:Attempts must be a whole number from 1 to 20 ({variables}Attempts).")
            .Validate(o => o.WebhookRetries is >= 1 and <= 10, $"{Section}:WebhookRetries must be a whole number from 1 to 10 ({variables}WebhookRetries).")
            .Validate(o => o.WebhookBackoff > TimeSpan.Zero, $"{Section}:WebhookBackoff must be a positive TimeSpan such as 00:00:02 ({variables}WebhookBackoff).")
            .Validate(o => o.WebhookTimeout > TimeSpan.Zero, $"{Section}:WebhookTimeout must be a positive TimeSpan such as 00:00:10 ({variables}WebhookTimeout).")
            .Validate(o => o.GroupWait >= TimeSpan.Zero && o.GroupWait <= GroupWaitOptions.Longest,
                $"{Section}:GroupWait must be a TimeSpan from 00:00:00 to 01:00:00 ({variables}GroupWait).")
            .ValidateOnStart();
    }
}
