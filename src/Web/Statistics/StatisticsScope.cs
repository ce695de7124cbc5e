using Coordination.Contracts.Agencies;
using Coordination.Contracts.Statistics;
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

    /// <summary>
    /// A statistics request read once for every endpoint that serves figures: the period, the
    /// country the caller may have, and who asks; <paramref name="validate"/> adds the endpoint's
    /// own checks. Exactly one of <see cref="ScopedRequest.Query"/>, <see cref="ScopedRequest.Invalid"/>
    /// and <see cref="ScopedRequest.Refused"/> is set.
    /// </summary>
    public static async Task<ScopedRequest> ReadAsync(HttpContext http, IClusterClient cluster, string? country, string? from, string? to,
        Action<RequestErrors>? validate = null)
    {
        var errors = new RequestErrors();
        var period = ReportingPeriods.Parse(from, to, errors);
        var requested = Requested(http, country, errors);
        validate?.Invoke(errors);
        if (errors.Any)
        {
            return new ScopedRequest(null, TypedResults.ValidationProblem(errors.ToDictionary()), null, string.Empty, null);
        }

        var (scoped, refusal) = await ResolveAsync(http, cluster, requested);
        var username = http.User.FindFirst(CoordinationClaims.Username)?.Value ?? string.Empty;
        var agencyId = http.User.FindFirst(CoordinationClaims.Agency)?.Value;
        return refusal is not null
            ? new ScopedRequest(null, null, refusal, username, agencyId)
            : new ScopedRequest(new StatisticsQuery(scoped!, period!), null, null, username, agencyId);
    }

    private static bool SeesEveryCountry(HttpContext http) => http.User.IsInRole(Roles.Analyst) || http.User.IsInRole(Roles.Admin);
}

/// <summary>What <see cref="StatisticsScope.ReadAsync"/> made of a request.</summary>
public sealed record ScopedRequest(StatisticsQuery? Query, ValidationProblem? Invalid, ProblemHttpResult? Refused, string Username, string? AgencyId);
