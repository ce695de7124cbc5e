using System.ComponentModel.DataAnnotations;

namespace Coordination.Web.Hosting;

/// <summary>Which cluster this web host joins (section <c>Orleans</c>) and its request limits.</summary>
public sealed class WebHostOptions
{
    public const string Section = "Orleans";

    [Required, RegularExpression("^[A-Za-z0-9_-]+$")]
    public string ClusterId { get; set; } = "coordination";

    [Required, RegularExpression("^[A-Za-z0-9_-]+$")]
    public string ServiceId { get; set; } = "coordination";

    /// <summary>How long start-up keeps trying to reach a silo gateway.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long a request waits for a grain's answer before it gets a 503 (Orleans' own default is 30 s):
    /// when the silo a call went through dies, the consul learns within this, and retries.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// How long all the grain calls of one HTTP request may take together before it gets a 503
    /// (<see cref="RequestBudget"/>): a request makes several calls, each bounded by
    /// <see cref="ResponseTimeout"/>, and the person waiting cares about the sum.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestBudget { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// How often this host reads the silos' gateways from the membership table (Orleans' own default
    /// is a minute): until it does, a silo declared dead is still a gateway here, and requests whose
    /// grains hash to it wait on it; a silo that joined is not used.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class RequestLimitOptions
{
    public const string Section = "Coordination:Web";

    /// <summary>Largest request body accepted; larger gets 413.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>How a web host makes sure its dashboards get every item (section <c>Coordination:Web</c>).</summary>
public sealed class LivePushOptions
{
    public const string Section = "Coordination:Web";

    /// <summary>How often live pushes are checked against the feeds; a lost push arrives within about two of these.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan PushCheckEvery { get; set; } = TimeSpan.FromMilliseconds(500);
}
