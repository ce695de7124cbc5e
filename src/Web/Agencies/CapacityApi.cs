using Coordination.Contracts.Agencies;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Feeds;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Agencies;

public sealed record CapacityRequest(int? Adults, int? Minors);

/// <summary>An agency's free beds; all null when it never published them (routing then never skips it for beds).</summary>
public sealed record CapacityResponse(string AgencyId, int? Adults, int? Minors, DateTimeOffset? UpdatedAt)
{
    public static CapacityResponse Of(Agency agency) =>
        new(agency.Id, agency.Capacity?.Adults, agency.Capacity?.Minors, agency.Capacity?.UpdatedAt);
}

/// <summary>
/// The free beds a shelter publishes for adults and minors: the agency's own coordinator writes them,
/// every user of the agency reads them, and an administrator within reach (any agency for the global
/// administrator, its own country's for a country administrator) does both. An account of no agency that
/// is not an administrator is refused (403); another agency's beds are not found (404), before the body is read.
/// </summary>
public static class CapacityApi
{
    public static WebApplication MapCapacityApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/agencies/{id}/capacity").WithTags("Shelter capacity").RequireAuthorization();
        group.MapPut("/", Replace).RequireAuthorization(p => p.RequireRole(Roles.AgencyCoordinator, Roles.Admin, Roles.CountryAdmin));
        group.MapGet("/", Get);
        return app;
    }

    private static async Task<Results<Ok<CapacityResponse>, ValidationProblem, ProblemHttpResult>> Replace(
        string id, CapacityRequest request, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (await RefusedAsync(http, id, users, cluster, cancellationToken) is { } refused)
        {
            return refused;
        }

        var errors = new RequestErrors();
        var adults = Beds(errors, "adults", request.Adults);
        var minors = Beds(errors, "minors", request.Minors);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var actor = http.User.ToActor(http) is { } member && member.AgencyId == id ? member : http.User.ToAdministrator(http);
        return await cluster.GetGrain<IAgencyDirectoryGrain>(0).SetCapacity(id, adults!.Value, minors!.Value, actor).WaitAsync(cancellationToken) is { } agency
            ? TypedResults.Ok(CapacityResponse.Of(agency))
            : NotFound(id);
    }

    private static async Task<Results<Ok<CapacityResponse>, ProblemHttpResult>> Get(
        string id, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (await RefusedAsync(http, id, users, cluster, cancellationToken) is { } refused)
        {
            return refused;
        }

        return await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(id).WaitAsync(cancellationToken) is { } agency
            ? TypedResults.Ok(CapacityResponse.Of(agency))
            : NotFound(id);
    }

    private static int? Beds(RequestErrors errors, string field, int? value)
    {
        if (errors.Required(field, value) is { } beds && beds is < 0 or > ShelterCapacity.Max)
        {
            errors.Add(field, $"A whole number of free beds from 0 to {ShelterCapacity.Max}.");
            return null;
        }

        return value;
    }

    /// <summary>
    /// Null when the caller is a user of agency <paramref name="id"/> or an administrator whose reach covers it;
    /// otherwise the refusal: 404 for an agency outside it, 403 for an account of no agency.
    /// </summary>
    private static async Task<ProblemHttpResult?> RefusedAsync(
        HttpContext http, string id, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (http.User.ToActor(http) is { } actor && string.Equals(actor.AgencyId, id, StringComparison.Ordinal))
        {
            return null;
        }

        if (http.User.IsInRole(Roles.Admin) || http.User.IsInRole(Roles.CountryAdmin))
        {
            var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
            return reach.Covers(await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(id).WaitAsync(cancellationToken)) ? null : NotFound(id);
        }

        return http.User.ToActor(http) is null ? FeedApi.NoAgency() : NotFound(id);
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Not found", detail: $"Your agency has no capacity for agency '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
