using Coordination.Contracts.Agencies;
using Coordination.Contracts.Statistics;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Statistics;

public static class StatisticsApi
{
    public static WebApplication MapStatisticsApi(this WebApplication app)
    {
        app.MapGet("/api/statistics", Get)
            .RequireAuthorization(p => p.RequireRole(Roles.Analyst, Roles.CommitteeSecretary, Roles.CommitteeMember, Roles.Admin))
            .WithTags("Statistics");
        return app;
    }

    /// <summary>
    /// A country's case statistics over [from, to). Analysts and admins ask for any country; a
    /// committee's people see their own country's (the default when <c>country</c> is left out).
    /// </summary>
    private static async Task<Results<Ok<CaseStatistics>, ValidationProblem, ProblemHttpResult>> Get(
        HttpContext http, IClusterClient cluster, string? country = null, string? from = null, string? to = null)
    {
        var errors = new RequestErrors();
        var period = ReportingPeriods.Parse(from, to, errors);
        var requested = errors.Country("country", country, required: false);
        var username = http.User.FindFirst(CoordinationClaims.Username)?.Value ?? string.Empty;
        var agencyId = http.User.FindFirst(CoordinationClaims.Agency)?.Value;
        var seesEveryCountry = http.User.IsInRole(Roles.Analyst) || http.User.IsInRole(Roles.Admin);
        if (seesEveryCountry && requested is null)
        {
            errors.Add("country", "Required: the ISO 3166-1 code of the persons' citizenship, e.g. TM.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (!seesEveryCountry)
        {
            var own = agencyId is null ? null : await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(agencyId);
            if (own is null)
            {
                return FeedApi.NoAgency();
            }

            if (requested is not null && requested != own.Country)
            {
                return TypedResults.Problem(title: "Forbidden", statusCode: StatusCodes.Status403Forbidden,
                    detail: $"A committee sees the statistics of its own country ({own.Country}).");
            }

            requested = own.Country;
        }

        var statistics = await cluster.GetGrain<IStatisticsGrain>(0).Compute(new StatisticsQuery(requested!, period!), username, agencyId);
        return TypedResults.Ok(statistics);
    }
}
