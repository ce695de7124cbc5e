using System.ComponentModel.DataAnnotations;

namespace Coordination.Silo.Hosting;

/// <summary>Where this silo listens and which cluster it joins (section <c>Orleans</c>).</summary>
public sealed class SiloHostOptions
{
    public const string Section = "Orleans";

    [Required, RegularExpression("^[A-Za-z0-9_-]+$")]
    public string ClusterId { get; set; } = "coordination";

    [Required, RegularExpression("^[A-Za-z0-9_-]+$")]
    public string ServiceId { get; set; } = "coordination";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos and clients reach this one at.</summary>
    [Required]
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>How long start-up waits for PostgreSQL before giving up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DatabaseStartupTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
