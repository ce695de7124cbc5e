using System.Text.RegularExpressions;
using Coordination.Contracts.Agencies;
using Coordination.Contracts.Places;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Agencies;

public sealed record CreateAgencyRequest(
    string? Id, string? Name, AgencyKind? Kind, string? Country, string? HostCountry, string? City, string? TimeZone,
    IReadOnlyList<string?>? ServesRegions, IReadOnlyList<string?>? Airports, IReadOnlyList<AgencyService?>? Services,
    IReadOnlyList<string?>? ArrivalPoints = null);

/// <summary>What an administrator may change: id, kind and country are the agency's identity and are refused here as unknown fields.</summary>
public sealed record UpdateAgencyRequest(
    string? Name, string? City, string? TimeZone,
    IReadOnlyList<string?>? ServesRegions, IReadOnlyList<string?>? Airports, IReadOnlyList<AgencyService?>? Services,
    IReadOnlyList<string?>? ArrivalPoints = null);

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
        var places = await PlacesAsync(cluster);
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
        var points = ArrivalPoints(errors, request.ArrivalPoints, request.Airports is not null, edit.Airports, places);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var agency = await cluster.GetGrain<IAgencyDirectoryGrain>(0).Create(
            new Agency(id!, edit.Name, kind!.Value, country!, hostCountry, edit.City, edit.TimeZone, edit.ServesRegions,
                points?.Airports ?? edit.Airports, edit.Services, ArrivalPoints: points?.All ?? edit.Airports));
        return TypedResults.Created($"/api/agencies/{agency.Id}", agency);
    }

    private static async Task<Results<Ok<Agency>, ValidationProblem, ProblemHttpResult>> Update(
        string id, UpdateAgencyRequest request, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        if (!await ReachesAsync(id, http, users, cluster, cancellationToken))
        {
            return NotFound(id);
        }

        var places = await PlacesAsync(cluster);
        var errors = new RequestErrors();
        var edit = Editable(errors, id, request.Name, request.City, request.TimeZone, request.ServesRegions, request.Airports, request.Services);
        var points = ArrivalPoints(errors, request.ArrivalPoints, request.Airports is not null, edit.Airports, places);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var change = points is null ? edit : edit with { Airports = points.Airports, ArrivalPoints = points.All };
        return await cluster.GetGrain<IAgencyDirectoryGrain>(0).Update(change, http.User.ToAdministrator(http)).WaitAsync(cancellationToken) is { } agency
            ? TypedResults.Ok(agency)
            : NotFound(id);
    }

    private static async Task<Results<Ok<Agency>, ProblemHttpResult>> SetActive(
        string id, bool active, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken) =>
        await ReachesAsync(id, http, users, cluster, cancellationToken)
        && await cluster.GetGrain<IAgencyDirectoryGrain>(0).SetActive(id, active, http.User.ToAdministrator(http)).WaitAsync(cancellationToken) is { } agency
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

    /// <summary>The places of the directory by code, which arrival points may name besides airports.</summary>
    private static async Task<IReadOnlyDictionary<string, Place>> PlacesAsync(IClusterClient cluster) =>
        (await cluster.GetGrain<IPlaceDirectoryGrain>(0).List()).ToDictionary(p => p.Code, StringComparer.Ordinal);

    /// <summary>
    /// The arrival points given, each an IATA airport code or the code of a place of the directory
    /// (a place wins over an airport of the same letters), and the IATA airports among them; null when
    /// none were given, and the airports alone say where the agency meets arrivals. Airports given
    /// beside arrival points must be the airports among them.
    /// </summary>
    private static ArrivalPointsEdit? ArrivalPoints(
        RequestErrors errors, IReadOnlyList<string?>? given, bool airportsGiven, IReadOnlyList<string> airports, IReadOnlyDictionary<string, Place> places)
    {
        if (given is null)
        {
            return null;
        }

        var points = errors.List("arrivalPoints", given, 20, required: false)
            .Select((p, i) => (Field: $"arrivalPoints[{i}]", Code: errors.Pattern($"arrivalPoints[{i}]", p?.Trim(), PointPattern(),
                "An IATA airport code (e.g. FRU) or the code of a place of the directory (e.g. KORDAY-AKZHOL).")))
            .Where(p => p.Code is not null)
            .ToList();
        foreach (var (field, code) in points.Where(p => !places.ContainsKey(p.Code!) && !AirportPattern().IsMatch(p.Code!)))
        {
            errors.Add(field, $"'{code}' is neither an IATA airport code nor a place of the directory (GET /api/places).");
        }

        var all = points.Select(p => p.Code!).Distinct(StringComparer.Ordinal).ToList();
        var airportsAmong = all.Where(p => !places.ContainsKey(p) && AirportPattern().IsMatch(p)).ToList();
        if (airportsGiven && !airports.ToHashSet(StringComparer.Ordinal).SetEquals(airportsAmong))
        {
            errors.Add("airports", "Give the airports among arrivalPoints, or leave airports out.");
        }

        return new ArrivalPointsEdit(all, airportsAmong);
    }

    private sealed record ArrivalPointsEdit(IReadOnlyList<string> All, IReadOnlyList<string> Airports);

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Not found", detail: $"Agency '{id}' was not found.", statusCode: StatusCodes.Status404NotFound);

    [GeneratedRegex(@"^[a-z0-9-]{3,64}\z")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Z0-9-]{3,32}\z")]
    private static partial Regex PointPattern();

    [GeneratedRegex(@"^[A-Z]{3}\z")]
    private static partial Regex AirportPattern();
}
