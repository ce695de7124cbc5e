using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Coordination.Web.Auth;
using Coordination.Web.Feeds;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Coordination.Web.RateLimits;

/// <summary>
/// Per-user and per-agency limits, from the token's claims, on everything an authenticated caller
/// does on this web host: API requests (ASP.NET Core's global rate limiter) and dashboard hub calls
/// (<see cref="HubCallLimit"/>) draw on the same allowance, and dashboard connections are capped
/// (<see cref="DashboardConnections"/>). Beyond a limit: 429 problem details with Retry-After, a
/// hub error for a call, a refused connection. Anonymous requests are left to the sign-in limit.
/// </summary>
public static class ApiRateLimits
{
    public static IServiceCollection AddApiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CallerLimiter>();
        services.AddRateLimiter(o => o.OnRejected = (context, _) =>
        {
            var signIn = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == SignInRateLimit.Policy;
            return new ValueTask(TooManyAsync(context.HttpContext, context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null,
                signIn
                    ? "Too many sign-in attempts from this address; wait a while and try again."
                    : "Too many requests from this account or its agency; wait a while and try again."));
        });
        services.AddOptions<RateLimiterOptions>().Configure<CallerLimiter>((o, limiter) => o.GlobalLimiter = limiter.ForRequests);
        services.AddSingleton<HubCallLimit>();
        services.Configure<HubOptions>(o => o.AddFilter<HubCallLimit>());
        return services;
    }

    /// <summary>
    /// Refuses a new dashboard connection when its user or agency holds as many as allowed: at
    /// negotiation, or at connection when a client skips negotiation. Requests of a connection
    /// already negotiated (they carry its <c>id</c>, e.g. long polling) pass.
    /// </summary>
    public static WebApplication UseDashboardConnectionCaps(this WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            var opensConnection = http.Request.Path.StartsWithSegments($"{FeedApi.HubPath}/negotiate")
                || (http.Request.Path == FeedApi.HubPath && !http.Request.Query.ContainsKey("id"));
            if (opensConnection && Caller.Of(http.User) is { } caller
                && http.RequestServices.GetRequiredService<DashboardConnections>().IsFull(caller.Username, caller.AgencyId))
            {
                await TooManyAsync(http, null, "This account or its agency already has as many dashboards open as allowed; close one first.");
                return;
            }

            await next(http);
        });
        return app;
    }

    /// <summary>The 429 of every limit: problem details, with Retry-After when the limiter knows it.</summary>
    public static async Task TooManyAsync(HttpContext http, TimeSpan? retryAfter, string detail)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        if (retryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }
}

/// <summary>Who is asking, from the token: the user, and the agency when the account has one.</summary>
public sealed record Caller(string Username, string? AgencyId)
{
    public static Caller? Of(ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true && user.FindFirst(CoordinationClaims.Username)?.Value is { } username
            ? new Caller(username, user.FindFirst(CoordinationClaims.Agency)?.Value)
            : null;
}

/// <summary>One fixed-window allowance per user and one per agency, shared by API requests and hub calls.</summary>
public sealed class CallerLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<Caller?> _limiter;

    public CallerLimiter(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        FixedWindowRateLimiterOptions Window(int permits) => new() { PermitLimit = permits, Window = o.Window, QueueLimit = 0 };
        _limiter = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<Caller?, string>(c => c is null
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.GetFixedWindowLimiter($"user:{c.Username}", _ => Window(o.UserPermitLimit))),
            PartitionedRateLimiter.Create<Caller?, string>(c => c?.AgencyId is not { } agency
                ? RateLimitPartition.GetNoLimiter(string.Empty)
                : RateLimitPartition.GetFixedWindowLimiter($"agency:{agency}", _ => Window(o.AgencyPermitLimit))));
        ForRequests = _limiter.WithTranslatedKey<HttpContext>(http => Caller.Of(http.User), leaveOpen: true);
    }

    public PartitionedRateLimiter<HttpContext> ForRequests { get; }

    public RateLimitLease Acquire(Caller caller) => _limiter.AttemptAcquire(caller);

    public void Dispose()
    {
        ForRequests.Dispose();
        _limiter.Dispose();
    }
}

/// <summary>Hub method calls count against the caller's allowance like API requests; beyond it the call fails, the connection stays.</summary>
public sealed class HubCallLimit(CallerLimiter limiter) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (Caller.Of(invocationContext.Context.User) is { } caller)
        {
            using var lease = limiter.Acquire(caller);
            if (!lease.IsAcquired)
            {
                throw new HubException("Too many requests from this account or its agency; wait a while and try again.");
            }
        }

        return await next(invocationContext);
    }
}
