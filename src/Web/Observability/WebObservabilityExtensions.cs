using Microsoft.AspNetCore.SignalR;

namespace Coordination.Web.Observability;

public static class WebObservabilityExtensions
{
    /// <summary>The web host's part of the product's metrics: dashboards connected and delivery latency.</summary>
    public static WebApplicationBuilder AddWebObservability(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DashboardMetrics>();
        builder.Services.AddSingleton<DashboardConnectionFilter>();
        builder.Services.Configure<HubOptions>(o => o.AddFilter<DashboardConnectionFilter>());
        return builder;
    }

    /// <summary>
    /// The correlation and case ids of each request, in its logs, trace and response.
    /// Call right after <c>UseSerilogRequestLogging</c>, whose completion event then carries them too.
    /// </summary>
    public static WebApplication UseRequestCorrelation(this WebApplication app)
    {
        app.UseMiddleware<RequestCorrelation>();
        return app;
    }
}
