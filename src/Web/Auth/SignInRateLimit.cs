using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Coordination.Web.Auth;

/// <summary>
/// Password guessing is slowed twice: per account by the lockout, and per client address by this
/// limit on sign-in attempts (a fixed window of <see cref="AuthOptions.SignInPermitLimit"/> per
/// <see cref="AuthOptions.SignInWindow"/>), so one address cannot try a password against many accounts.
/// Behind a proxy the address is the client's only when forwarded headers are configured. The
/// refusal (429 problem details with Retry-After) is <see cref="RateLimits.ApiRateLimits"/>'s.
/// </summary>
public static class SignInRateLimit
{
    public const string Policy = "sign-in";

    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = configuration.GetSection(AuthOptions.Section).Get<AuthOptions>() ?? new AuthOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = auth.SignInPermitLimit, Window = auth.SignInWindow, QueueLimit = 0 }));
        });
        return services;
    }
}
