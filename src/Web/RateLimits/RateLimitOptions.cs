using System.ComponentModel.DataAnnotations;

namespace Coordination.Web.RateLimits;

/// <summary>
/// How much one user and one agency may ask of a web host (section <c>Coordination:Web:RateLimits</c>):
/// API requests and hub calls in a fixed window, and dashboard connections open at once.
/// The defaults leave a person's normal work far below the limits (docs/security.md).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Coordination:Web:RateLimits";

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Authenticated API requests and hub method calls one user may make per window.</summary>
    [Range(1, 10_000_000)]
    public int UserPermitLimit { get; set; } = 600;

    /// <summary>The same for all users of one agency together.</summary>
    [Range(1, 10_000_000)]
    public int AgencyPermitLimit { get; set; } = 3000;

    /// <summary>Dashboard (SignalR) connections one user may hold open at once on a web host.</summary>
    [Range(1, 100_000)]
    public int DashboardsPerUser { get; set; } = 10;

    /// <summary>Dashboard connections all users of one agency may hold open at once on a web host.</summary>
    [Range(1, 1_000_000)]
    public int DashboardsPerAgency { get; set; } = 200;
}
