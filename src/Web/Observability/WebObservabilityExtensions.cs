using Coordination.Observability;
using Microsoft.AspNetCore.SignalR;

namespace Coordination.Web.Observability;

public static class WebObservabilityExtensions
{
    /// <summary>Logs, metrics and traces of a web host, with the dashboard and delivery metrics.</summary>
    public static WebApplicationBuilder AddWebObservability(this WebApplicationBuilder builder)
    {
        builder.AddCoordinationObservability("web");
        builder.Services.AddSingleton<DashboardMetrics>();
        builder.Services.AddSingleton<DashboardConnectionFilter>();
        builder.Services.Configure<HubOptions>(o => o.AddFilter<DashboardConnectionFilter>());
        return builder;
    }

    /// <summary>
    /// The correlation and case ids of each request, in its logs, trace and response.
    /// Call after <c>UseSerilogRequestLogging</c>, whose completion event then carries them too.
    /// </summary>
    public static WebApplication UseRequestCorrelation(this WebApplication app)
    {
        app.UseMiddleware<RequestCorrelation>();
        return app;
    }
}
