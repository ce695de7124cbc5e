using System.Security.Claims;
using System.Text.RegularExpressions;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Common;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Agencies;

public sealed record CreateAgencyRequest(
    string? Id, string? Name, AgencyKind? Kind, string? Country, string? HostCountry, string? City, string? TimeZone,
    IReadOnlyList<string?>? ServesRegions, IReadOnlyList<string?>? Airports, IReadOnlyList<AgencyService?>? Services);

/// <summary>What an administrator may change: id, kind and country are the agency's identity and are refused here as unknown fields.</summary>
public sealed record UpdateAgencyRequest(
    string? Name, string? City, string? TimeZone,
    IReadOnlyList<string?>? ServesRegions, IReadOnlyList<string?>? Airports, IReadOnlyList<AgencyService?>? Services);

public static partial class AgencyApi
{
    public static WebApplication MapAgencyApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/agencies").WithTags("Agencies").RequireAuthorization();
        group.MapPost("/", Create).RequireAuthorization(p => p.RequireRole(Roles.Administrators)).WithIdempotency();
        group.MapGet("/", List);
        group.MapPut("/{id}", Update).RequireAuthorization(p => p.RequireRole(Roles.Administrators));
        group.MapPost("/{id}/deactivate", (string id, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken) =>
            SetActive(id, false, http, users, cluster, cancellationToken)).RequireAuthorization(p => p.RequireRole(Roles.Administrators));
        group.MapPost("/{id}/activate", (string id, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken) =>
            SetActive(id, true, http, users, cluster, cancellationToken)).RequireAuthorization(p => p.RequireRole(Roles.Administrators));
        return app;
    }

    /// <summary>Every agency, for everyone but a country administrator, who sees its own country's only.</summary>
    private static async Task<Ok<IReadOnlyList<Agency>>> List(HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var all = await cluster.GetGrain<IAgencyDirectoryGrain>(0).List().WaitAsync(cancellationToken);
        if (!http.User.IsInRole(Roles.CountryAdmin))
        {
            return TypedResults.Ok(all);
        }

        var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<Agency>>(all.Where(reach.Covers).ToList());
    }

    private static async Task<Results<Created<Agency>, ValidationProblem>> Create(
        CreateAgencyRequest request, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
        var errors = new RequestErrors();
        var id = errors.Pattern("id", request.Id, IdPattern(), "3–64 characters: lower-case letters, digits and '-'.");
        var kind = errors.Required("kind", request.Kind);
        var country = errors.Country("country", request.Country);
        if (country is not null && !reach.IsGlobal && country != reach.Country)
        {
            errors.Add("country", $"A country administrator of {reach.Country} creates agencies of {reach.Country} only.");
        }

        var hostCountry = errors.Country("hostCountry", request.HostCountry, required: false);
        var edit = Editable(errors, id ?? string.Empty, request.Name, request.City, request.TimeZone, request.ServesRegions, request.Airports, request.Services);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var agency = await cluster.GetGrain<IAgencyDirectoryGrain>(0).Create(
            new Agency(id!, edit.Name, kind!.Value, country!, hostCountry, edit.City, edit.TimeZone, edit.ServesRegions, edit.Airports, edit.Services));
        return TypedResults.Created($"/api/agencies/{agency.Id}", agency);
    }

    private static async Task<Results<Ok<Agency>, ValidationProblem, ProblemHttpResult>> Update(
        string id, UpdateAgencyRequest request, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (!await ReachesAsync(id, http, users, cluster, cancellationToken))
        {
            return NotFound(id);
        }

        var errors = new RequestErrors();
        var edit = Editable(errors, id, request.Name, request.City, request.TimeZone, request.ServesRegions, request.Airports, request.Services);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        return await cluster.GetGrain<IAgencyDirectoryGrain>(0).Update(edit, Admin(http)).WaitAsync(cancellationToken) is { } agency
            ? TypedResults.Ok(agency)
            : NotFound(id);
    }

    private static async Task<Results<Ok<Agency>, ProblemHttpResult>> SetActive(
        string id, bool active, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken) =>
        await ReachesAsync(id, http, users, cluster, cancellationToken)
        && await cluster.GetGrain<IAgencyDirectoryGrain>(0).SetActive(id, active, Admin(http)).WaitAsync(cancellationToken) is { } agency
            ? TypedResults.Ok(agency)
            : NotFound(id);

    /// <summary>Whether the caller administers the agency: another country's is answered as if it did not exist.</summary>
    private static async Task<bool> ReachesAsync(string id, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
        return reach.IsGlobal || reach.Covers(await cluster.GetGrain<IAgencyDirectoryGrain>(0).Get(id).WaitAsync(cancellationToken));
    }

    /// <summary>The fields create and edit share, validated the same way for both.</summary>
    private static AgencyEdit Editable(
        RequestErrors errors, string id, string? name, string? city, string? timeZone,
        IReadOnlyList<string?>? servesRegions, IReadOnlyList<string?>? airports, IReadOnlyList<AgencyService?>? services)
    {
        var validName = errors.Text("name", name, 200);
        var validCity = errors.Text("city", city, 100, required: false);
        var validTimeZone = errors.TimeZone("timeZone", timeZone);
        var regions = errors.List("servesRegions", servesRegions, 100, required: false)
            .Select((r, i) => errors.Text($"servesRegions[{i}]", r, 100)!).ToList();
        var validAirports = errors.List("airports", airports, 20, required: false)
            .Select((a, i) => errors.Airport($"airports[{i}]", a)!).ToList();
        var validServices = errors.List("services", services?.Select(s => (object?)s).ToList(), 10, required: false)
            .Cast<AgencyService>().ToList();
        return new AgencyEdit(id, validName ?? string.Empty, validCity, validTimeZone ?? string.Empty, regions, validAirports, validServices);
    }

    /// <summary>The administrator as the audit log records them; the bootstrap admin belongs to no agency.</summary>
    private static Actor Admin(HttpContext http) => new(
        http.User.FindFirstValue(CoordinationClaims.Username) ?? string.Empty,
        http.User.FindFirstValue(CoordinationClaims.Agency) ?? string.Empty,
        http.Connection.RemoteIpAddress?.ToString());

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Not found", detail: $"Agency '{id}' was not found.", statusCode: StatusCodes.Status404NotFound);

    [GeneratedRegex(@"^[a-z0-9-]{3,64}\z")]
    private static partial Regex IdPattern();
}
