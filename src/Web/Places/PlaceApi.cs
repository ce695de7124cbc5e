using System.Text.RegularExpressions;
using Coordination.Contracts.Places;
using Coordination.Web.Auth;
using Coordination.Web.Errors;
using Coordination.Web.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Web.Places;

public sealed record CreatePlaceRequest(string? Code, string? Name, PlaceKind? Kind, string? Country, string? TimeZone);

/// <summary>
/// The directory of places: registered by <see cref="Roles.PlaceRegistrars"/> (a country administrator
/// registers its own country's), read by every signed-in user.
/// </summary>
public static partial class PlaceApi
{
    public static WebApplication MapPlaceApi(this WebApplication app)
    {
        var group = app.MapGroup("/api/places").WithTags("Places").RequireAuthorization();
        group.MapPost("/", Create).RequireAuthorization(p => p.RequireRole(Roles.PlaceRegistrars)).WithIdempotency();
        group.MapGet("/", async (IClusterClient cluster, CancellationToken cancellationToken) =>
            TypedResults.Ok(await cluster.GetGrain<IPlaceDirectoryGrain>(0).List().WaitAsync(cancellationToken)));
        return app;
    }

    private static async Task<Results<Created<Place>, ValidationProblem>> Create(
        CreatePlaceRequest request, HttpContext http, UserAccounts users, IClusterClient cluster, CancellationToken cancellationToken)
    {
        var reach = await AdminReach.OfAsync(http.User, users, cancellationToken);
        var errors = new RequestErrors();
        var code = errors.Pattern("code", request.Code?.Trim(), CodePattern(), "3–32 capital letters, digits and '-', e.g. KORDAY-AKZHOL.");
        var name = errors.Text("name", request.Name, 200);
        var kind = errors.Required("kind", request.Kind);
        var country = errors.Country("country", request.Country);
        var timeZone = errors.TimeZone("timeZone", request.TimeZone);
        if (country is not null && !reach.IsGlobal && country != reach.Country)
        {
            errors.Add("country", $"A country administrator of {reach.Country} registers places of {reach.Country} only.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var place = await cluster.GetGrain<IPlaceDirectoryGrain>(0)
            .Create(new Place(code!, name!, kind!.Value, country!, timeZone!), http.User.ToAdministrator(http)).WaitAsync(cancellationToken);
        return TypedResults.Created($"/api/places/{place.Code}", place);
    }

    [GeneratedRegex(@"^[A-Z0-9-]{3,32}\z")]
    public static partial Regex CodePattern();
}
