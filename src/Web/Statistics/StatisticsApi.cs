using Coordination.Contracts.Statistics;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Statistics;

public static class StatisticsApi
{
    public static WebApplication MapStatisticsApi(this WebApplication app)
    {
        app.MapGet("/api/statistics", Get)
            .RequireAuthorization(p => p.RequireRole(StatisticsScope.AllowedRoles))
            .WithTags("Statistics");
        return app;
    }

    /// <summary>A country's case statistics over [from, to), for the callers <see cref="StatisticsScope"/> allows.</summary>
    private static async Task<Results<Ok<CaseStatistics>, ValidationProblem, ProblemHttpResult>> Get(
        HttpContext http, IClusterClient cluster, string? country = null, string? from = null, string? to = null)
    {
        var request = await StatisticsScope.ReadAsync(http, cluster, country, from, to);
        if (request.Query is null)
        {
            return request.Invalid is not null ? request.Invalid : request.Refused!;
        }

        var statistics = await cluster.GetGrain<IStatisticsGrain>(0).Compute(request.Query, request.Username, request.AgencyId);
        return TypedResults.Ok(statistics);
    }
}
