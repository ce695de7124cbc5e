using System.Text.RegularExpressions;
using Coordination.Contracts.Agencies;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Agencies;

public sealed record CreateAgencyRequest(
    string? Id, string? Name, AgencyKind? Kind, string? Country, string? HostCountry, string? City, string? TimeZone,
    IReadOnlyList<string?>? ServesRegions, IReadOnlyList<string?>? Airports, IReadOnlyList<AgencyService?>? Services);

public static partial class AgencyApi
{
    public static WebApplication MapAgencyApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/agencies").WithTags("Agencies").RequireAuthorization();
        group.MapPost("/", Create).RequireAuthorization(p => p.RequireRole(Roles.Admin)).WithIdempotency();
        group.MapGet("/", async (IClusterClient cluster) => TypedResults.Ok(await cluster.GetGrain<IAgencyDirectoryGrain>(0).List()));
        return app;
    }

    private static async Task<Results<Created<Agency>, ValidationProblem>> Create(CreateAgencyRequest request, IClusterClient cluster)
    {
        var errors = new RequestErrors();
        var id = errors.Pattern("id", request.Id, IdPattern(), "3–64 characters: lower-case letters, digits and '-'.");
        var name = errors.Text("name", request.Name, 200);
        var kind = errors.Required("kind", request.Kind);
        var country = errors.Country("country", request.Country);
        var hostCountry = errors.Country("hostCountry", request.HostCountry, required: false);
        var city = errors.Text("city", request.City, 100, required: false);
        var timeZone = errors.TimeZone("timeZone", request.TimeZone);
        var regions = errors.List("servesRegions", request.ServesRegions, 100, required: false)
            .Select((r, i) => errors.Text($"servesRegions[{i}]", r, 100)!).ToList();
        var airports = errors.List("airports", request.Airports, 20, required: false)
            .Select((a, i) => errors.Airport($"airports[{i}]", a)!).ToList();
        var services = errors.List("services", request.Services?.Select(s => (object?)s).ToList(), 10, required: false)
            .Cast<AgencyService>().ToList();
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var agency = await cluster.GetGrain<IAgencyDirectoryGrain>(0).Create(
            new Agency(id!, name!, kind!.Value, country!, hostCountry, city, timeZone!, regions, airports, services));
        return TypedResults.Created($"/api/agencies/{agency.Id}", agency);
    }

    [GeneratedRegex(@"^[a-z0-9-]{3,64}\z")]
    private static partial Regex IdPattern();
}
