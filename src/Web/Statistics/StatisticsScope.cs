using Coordination.Contracts.Agencies;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Statistics;

/// <summary>
/// Whose figures a caller may have, the same for statistics and the research export: Analysts
/// and Admins name any country (they must name one); a committee's people have their own
/// country's only (the default when <c>country</c> is left out; another country is 403).
/// </summary>
public static class StatisticsScope
{
    public static readonly string[] AllowedRoles = [Roles.Analyst, Roles.CommitteeSecretary, Roles.CommitteeMember, Roles.Admin];

    /// <summary>The requested country, validated; left out is an error only for callers who see every country.</summary>
    public static string? Requested(HttpContext http, string? country, RequestErrors errors)
    {
        var requested = errors.Country("country", country, required: false);
        if (SeesEveryCountry(http) && requested is null)
        {
            errors.Add("country", "Required: the ISO 3166-1 code of the persons' citizenship, e.g. TM.");
        }

        return requested;
    }

    /// <summary>The country the caller gets, or the problem that refuses it. Call once the request is valid.</summary>
    public static async Task<(string? Country, ProblemHttpResult? Refusal)> ResolveAsync(HttpContext http, IClusterClient cluster, string? requested)
    {
        if (SeesEveryCountry(http))
        {
            return (requested, null);
        }

        var agencyId = http.User.FindFirst(CoordinationClaims.Agency)?.Value;
        var own = agencyId is null ? null : await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(agencyId);
        if (own is null)
        {
            return (null, FeedApi.NoAgency());
        }

        if (requested is not null && requested != own.Country)
        {
            return (null, TypedResults.Problem(title: "Forbidden", statusCode: StatusCodes.Status403Forbidden,
                detail: $"A committee sees the figures of its own country ({own.Country})."));
        }

        return (own.Country, null);
    }

    private static bool SeesEveryCountry(HttpContext http) => http.User.IsInRole(Roles.Analyst) || http.User.IsInRole(Roles.Admin);
}
