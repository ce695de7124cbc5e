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
        var errors = new RequestErrors();
        var period = ReportingPeriods.Parse(from, to, errors);
        var requested = StatisticsScope.Requested(http, country, errors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var (scoped, refusal) = await StatisticsScope.ResolveAsync(http, cluster, requested);
        if (refusal is not null)
        {
            return refusal;
        }

        var username = http.User.FindFirst(CoordinationClaims.Username)?.Value ?? string.Empty;
        var agencyId = http.User.FindFirst(CoordinationClaims.Agency)?.Value;
        var statistics = await cluster.GetGrain<IStatisticsGrain>(0).Compute(new StatisticsQuery(scoped!, period!), username, agencyId);
        return TypedResults.Ok(statistics);
    }
}
